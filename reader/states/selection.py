"""A selection being made with `v`: whole sentences from where it started, then words."""

from __future__ import annotations

from typing import Literal

from reader.states.words import (
    word_end_after,
    word_end_before,
    word_start_after,
    word_start_before,
)

Span = tuple[int, int]
"""``(start, end)`` offsets into the document's text."""

End = Literal["start", "end"]
"""Which end of a selection the word keys move."""


class Selection:
    """The passage selected so far, grown from the sentence where `v` was pressed.

    The reading cursor's sentence extends it (`j`/`k`): forward from the first sentence's
    start, or backward keeping its end. `→`/`←` move one end by a word: the end at first,
    the start after `o` (as `o` in vim's visual mode goes to the other end), so a phrase in
    the middle of a sentence can be selected.
    """

    def __init__(self, sentence: Span) -> None:
        self.anchor = sentence
        """The sentence the selection started on."""
        self.span = sentence
        """What is selected now."""
        self.moving: End = "end"
        """The end the word keys move."""

    def extend_to(self, sentence: Span) -> None:
        """Stretch the selection to cover the reading cursor's `sentence` too. The end that
        stays keeps where a word key put it, as long as it is still in the first sentence."""
        anchor_start, anchor_end = self.anchor
        start, end = self.span
        if sentence[0] >= anchor_start:
            new_end = max(anchor_end, sentence[1])
            kept_start = start if anchor_start <= start < new_end else anchor_start
            self.span = (kept_start, new_end)
        else:
            kept_end = end if anchor_start < end <= anchor_end else anchor_end
            self.span = (sentence[0], kept_end)

    def other_end(self) -> End:
        """Make the word keys move the other end; returns the end they move now."""
        self.moving = "start" if self.moving == "end" else "end"
        return self.moving

    def step_word(self, text: str, delta: int) -> None:
        """Move the end the word keys move one word forward (`delta` > 0) or back. A
        selection always keeps at least one word."""
        start, end = self.span
        if self.moving == "start":
            start = (
                word_start_after(text, start, end) if delta > 0 else word_start_before(text, start)
            )
        elif delta > 0:
            end = word_end_after(text, end)
        else:
            end = word_end_before(text, end, start)
        self.span = (start, end)

    def words(self, text: str) -> int:
        """How many words are selected."""
        start, end = self.span
        return len(text[start:end].split())
