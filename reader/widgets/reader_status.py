"""The reader's status line: progress and time left, or what the cursor is on.

Driven by reactives the screen sets; it shows the most pressing of them: a lost highlight
being placed, then a selection, then the highlight under the cursor, else how far the
reader is and how long is left.
"""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from annotations.model import Highlight
from library.sanitize import one_line
from reader.labels import clip, length_label
from reader.layout.marks import MarginSign
from reader.states.review import Review

WORDS_PER_MINUTE = 230
"""Reading speed used for the time left."""

TITLE_SHOWN = 60
"""Characters of the title the line shows."""

FINISHED = 0.995
"""Progress from which a document counts as read to the end."""


def time_left(words: int, progress: float) -> str:
    """``finished``, or how long the rest of `words` takes to read: ``4 min left``."""
    if progress >= FINISHED:
        return "finished"
    words_left = round(words * (1 - progress))
    return f"{length_label(max(1, round(words_left / WORDS_PER_MINUTE)))} left"


class ReaderStatus(Widget):
    """One line under the text. Its content is plain text with styles: nothing in a title,
    a quote or a tag is read as markup."""

    progress: reactive[float] = reactive(0.0)
    """How far through the document the reading cursor is, 0–1."""
    selected_words: reactive[int | None] = reactive(None)
    """Words selected with `v`, or None when nothing is being selected."""
    highlight_here: reactive[Highlight | None] = reactive(None)
    """The highlight under the reading cursor, if any."""
    review: reactive[Review | None] = reactive(None)
    """The lost highlight being placed, if any."""

    def __init__(self, title: str, words: int, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._title = clip(one_line(title), TITLE_SHOWN)
        self._words = words

    def render(self) -> Content:
        if self.review is not None:
            return self._review_line(self.review)
        if self.selected_words is not None:
            words = self.selected_words
            return Content.assemble(
                (f" Selecting {words} word{'s' if words != 1 else ''}", "bold"),
                (" · j/k sentence, ←/→ word, enter or h highlight, esc cancel", "dim"),
            )
        if self.highlight_here is not None:
            return self._highlight_line(self.highlight_here)
        left = time_left(self._words, self.progress)
        return Content.assemble(
            (f" {self.progress:4.0%}", "bold"), f" · {left} · ", (self._title, "dim")
        )

    @staticmethod
    def _highlight_line(here: Highlight) -> Content:
        parts: list[str | tuple[str, str]] = [(f" ▌{here.color} highlight", "bold")]
        if here.note:
            parts.append(f" · {MarginSign.NOTE} note")
        if here.tags:
            parts.append(" · #" + one_line(" #".join(here.tags)))
        parts.append((" · a note, c color, t tags, x delete", "dim"))
        return Content.assemble(*parts)

    @staticmethod
    def _review_line(review: Review) -> Content:
        return Content.assemble(
            (f" Lost highlight “{review.short_quote()}”: best place {review.score:.0%}", "bold"),
            (" · enter accepts it · esc leaves it lost", "dim"),
        )
