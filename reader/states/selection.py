"""A selection being made with `v`: whole sentences from where it started, then words."""

from __future__ import annotations

Span = tuple[int, int]
"""``(start, end)`` offsets into the document's text."""


class Selection:
    """The passage selected so far, grown from the sentence where `v` was pressed.

    The reading cursor's sentence extends it (`j`/`k`): forward from the first sentence's
    start, or backward keeping its end. `→`/`←` move its end by one word.
    """

    def __init__(self, sentence: Span) -> None:
        self.anchor = sentence
        """The sentence the selection started on; it stays selected."""
        self.span = sentence
        """What is selected now."""

    def extend_to(self, sentence: Span) -> None:
        """Stretch the selection to cover the reading cursor's `sentence` too."""
        anchor_start, anchor_end = self.anchor
        if sentence[0] >= anchor_start:
            self.span = (anchor_start, max(anchor_end, sentence[1]))
        else:
            self.span = (sentence[0], anchor_end)

    def step_word(self, text: str, delta: int) -> None:
        """Move the end one word forward (`delta` > 0) or back, never before the start."""
        start, end = self.span
        if delta > 0:
            while end < len(text) and text[end].isspace():
                end += 1
            while end < len(text) and not text[end].isspace():
                end += 1
        else:
            probe = end
            while probe > start and text[probe - 1].isspace():
                probe -= 1
            while probe > start and not text[probe - 1].isspace():
                probe -= 1
            while probe > start and text[probe - 1].isspace():
                probe -= 1
            if probe > start:
                end = probe
        self.span = (start, end)

    def words(self, text: str) -> int:
        """How many words are selected."""
        start, end = self.span
        return len(text[start:end].split())
