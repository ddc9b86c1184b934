"""The reader's status line: progress and time left, or what the cursor is on.

Driven by reactives the screen sets; it shows the most pressing of them: a lost highlight
being placed, then a selection, then the highlight under the cursor, else how far the
reader is and how long is left. Each line is fitted to the width it has (80 columns and
up): quotes and notes are cut with an ellipsis, and the key hints go before what they
are about does.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from annotations.model import Highlight
from library.entries import FINISHED_PROGRESS
from library.reading_time import WORDS_PER_MINUTE
from library.sanitize import one_line
from reader.labels import clip, length_label
from reader.layout.marks import MarginSign
from reader.states.review import Review

TITLE_SHOWN = 60
"""Characters of the title the line shows."""

FINISHED = FINISHED_PROGRESS
"""Progress from which a document counts as read to the end."""

Part = str | tuple[str, str]
"""A piece of a status line: plain text, or text and its style."""


def time_left(words: int, progress: float, finished: bool) -> str:
    """``finished`` (once the end was reached, wherever the place is now), or how long the
    rest of `words` takes to read: ``4 min left``; ``unread`` at the end of a document
    marked unread there."""
    if finished:
        return "finished"
    if progress >= FINISHED:
        return "unread"
    words_left = round(words * (1 - progress))
    return f"{length_label(max(1, round(words_left / WORDS_PER_MINUTE)))} left"


def fitted(
    width: int,
    head: Sequence[Part],
    text: tuple[str, str],
    tail: Sequence[Part] = (),
    hints: Sequence[Part] = (),
) -> Content:
    """One line of at most `width` cells: `head`, then `text` (a quote, with its style) cut
    to the room left, then `tail`, then as many of the `hints` as fit, the last dropped
    first (they are in `?` too)."""
    fixed = _length(head) + _length(tail)
    chosen = list(hints)
    while chosen and fixed + len(text[0]) + _length(chosen) > width:
        chosen.pop()
    room = max(1, width - fixed - _length(chosen))
    cut = (clip(text[0], room), text[1]) if text[0] else ""
    return Content.assemble(*head, cut, *tail, *chosen)


def _length(parts: Sequence[Part]) -> int:
    return sum(len(part if isinstance(part, str) else part[0]) for part in parts)


class ReaderStatus(Widget):
    """One line under the text. Its content is plain text with styles: nothing in a title,
    a quote or a tag is read as markup."""

    progress: reactive[float] = reactive(0.0)
    """How far through the document the reader is, 0–1."""
    finished: reactive[bool] = reactive(False)
    """Whether the document was read to its end (or marked read), wherever the place is."""
    selected_words: reactive[int | None] = reactive(None)
    """Words selected with `v`, or None when nothing is being selected."""
    selecting_start: reactive[bool] = reactive(False)
    """True when the word keys move the start of the selection (after `o`)."""
    highlight_here: reactive[Highlight | None] = reactive(None)
    """The highlight under the reading cursor, if any."""
    review: reactive[Review | None] = reactive(None)
    """The lost highlight being placed, if any."""

    def __init__(self, title: str, words: int, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._title = clip(one_line(title), TITLE_SHOWN)
        self._words = words

    def render(self) -> Content:
        width = self.size.width or 100
        if self.review is not None:
            return review_line(self.review, width)
        if self.selected_words is not None:
            return selection_line(self.selected_words, self.selecting_start, width)
        if self.highlight_here is not None:
            return highlight_line(self.highlight_here, width)
        left = time_left(self._words, self.progress, self.finished)
        return Content.assemble(
            (f" {self.progress:4.0%}", "bold"), f" · {left} · ", (self._title, "dim")
        )


def highlight_line(here: Highlight, width: int) -> Content:
    """The highlight under the cursor: its color, the start of its note, its tags, and the
    keys that change it. The key hints go first when room runs out; then the note and the
    tags share what is left, the note taking at least half."""
    head = f" ▌{here.color} highlight"
    note = one_line(here.note).strip()
    note_part = f" · {MarginSign.NOTE} {note}" if note else ""
    tag_part = " · #" + one_line(" #".join(here.tags)) if here.tags else ""
    hint = " · a note, c color, t tags, x delete"
    room = max(0, width - len(head))
    if len(note_part) + len(tag_part) + len(hint) > room:
        hint = ""
    if len(note_part) + len(tag_part) > room:
        half = min(len(note_part), (room + 1) // 2)
        note_room = max(room - len(tag_part), half)
        note_part = clip(note_part, note_room) if note_room > 0 else ""
        tag_room = room - len(note_part)
        tag_part = clip(tag_part, tag_room) if tag_room > 0 else ""
    return Content.assemble((head, "bold"), note_part, tag_part, (hint, "dim"))


def selection_line(words: int, moving_start: bool, width: int) -> Content:
    """What is being selected, and the keys that change it, the most needed first."""
    end = "start" if moving_start else "end"
    head: list[Part] = [(f" Selecting {words} word{'s' if words != 1 else ''}", "bold")]
    hints: list[Part] = [
        (f" · ←/→ move the {end}", "dim"),
        (" · o the other end", "dim"),
        (" · enter/h highlight", "dim"),
        (" · esc cancel", "dim"),
        (" · j/k by sentence", "dim"),
    ]
    return fitted(width, head, ("", ""), (), hints)


def review_line(review: Review, width: int) -> Content:
    """A lost highlight being placed: its quote, how sure the place is, and the two keys
    (never dropped: they are how to answer)."""
    head: list[Part] = [(" Lost “", "bold")]
    tail: list[Part] = [
        (f"”: best place {review.score:.0%}", "bold"),
        " · enter accepts · esc leaves it lost",
    ]
    return fitted(width, head, (review.quote_line(), "bold"), tail)
