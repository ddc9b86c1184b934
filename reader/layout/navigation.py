"""Moving the reading cursor through a text, and scrolling so that it stays in view.

The reader's cursor sits on a sentence, by index. Which sentence a key leads to, and which
line the view should then scroll to, depend only on the sentence and paragraph spans and
on line numbers, so they are decided here, as in Textual's `TextArea`, whose navigator is
apart from the widget; the widget only applies the answers.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from library.document import NO_SPANS, Document, Span, Spans
from reader.layout.frame import Frame

PAGE_OVERLAP = 2
"""Lines of the old page still shown after paging, for continuity."""

UNFINISHED = 0.99
"""The most progress a text shows before its end was reached, so that a short last
sentence cannot make it look finished (the library says "done" from 99.5 %)."""

CONTEXT_LINES = 2
"""Lines kept visible above and below the cursor sentence when the view follows it."""


@dataclass(frozen=True, slots=True)
class SentenceNavigator:
    """The sentences a cursor steps through, and the paragraphs it jumps between."""

    sentences: Spans
    """The sentences, in order; never empty for a non-empty text (see `of`)."""
    paragraphs: Spans
    """The paragraphs, in order."""
    text_length: int
    """Length of the text, for the progress."""

    @classmethod
    def of(cls, document: Document) -> SentenceNavigator:
        """The navigator of `document`: a text without paragraphs is one paragraph, and a
        text without sentences steps by paragraph (spans are never empty: see `Document`)."""
        text_length = len(document.text)
        paragraphs = document.paragraphs
        if not paragraphs and text_length:
            paragraphs = Spans.of([(0, text_length)])
        return cls(document.sentences or paragraphs, paragraphs, text_length)

    @property
    def count(self) -> int:
        """Number of sentences."""
        return len(self.sentences)

    @property
    def last(self) -> int:
        """Index of the last sentence (0 when there is none)."""
        return max(0, len(self.sentences) - 1)

    def clamp(self, index: int) -> int:
        """`index` moved inside the sentences."""
        return max(0, min(index, self.last))

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence containing `offset` (or the last one starting before it)."""
        return max(0, bisect_right(self.sentences.starts, offset) - 1)

    def first_from(self, offset: int) -> int:
        """Index of the first sentence starting at or after `offset` (`count` if none)."""
        return bisect_left(self.sentences.starts, offset)

    def span(self, index: int) -> Span | None:
        """The span of sentence `index`; None when there are no sentences."""
        return self.sentences[index] if self.sentences else None

    def start(self, index: int) -> int:
        """Start offset of sentence `index` (0 when there are no sentences)."""
        return self.sentences.starts[index] if self.sentences else 0

    def progress(self, offset: int, *, end_reached: bool) -> float:
        """How much of the text is read with the reader at `offset`: the share of the text
        before it, never above `UNFINISHED` until `end_reached` (then 1.0). Sentences do not
        count: a text of one long sentence is not read on opening, nor a long last sentence
        on arriving at its start."""
        if not self.text_length:
            return 0.0
        if end_reached:
            return 1.0
        return min(UNFINISHED, max(0, offset) / self.text_length)

    def reading_place(self, frame: Frame, index: int, view: tuple[int, int]) -> tuple[int, bool]:
        """Where the reader is, with the cursor on sentence `index` and the view's top line
        and height `view`, and whether the end of the text is reached.

        The place is the sentence's start or, when the sentence starts above the view (a
        long one paged through), the text at the top of the view. The end is reached with
        the cursor on the last sentence and the text's last line in view.
        """
        start = self.start(index)
        span = self.span(index)
        top, height = view
        top_offset = frame.offset_at(top)
        place = start
        if span is not None and top_offset is not None and start < top_offset < span[1]:
            place = top_offset
        end_in_view = frame.line_of(max(0, self.text_length - 1)) < top + height
        return place, index == self.last and self.text_length > 0 and end_in_view

    def paragraph_step(self, index: int, delta: int) -> int | None:
        """The sentence that starts the paragraph `delta` paragraphs from sentence `index`'s;
        None when there is nowhere to go.

        Moving back first goes to the start of the current paragraph, as `{` does in vi;
        moving past the last paragraph goes to the last sentence.
        """
        if not self.paragraphs or not self.sentences or delta == 0:
            return None
        starts = self.paragraphs.starts
        offset = self.sentences.starts[index]
        current = max(0, bisect_right(starts, offset) - 1)
        if delta < 0 and offset > starts[current]:
            delta += 1
        target = current + delta
        if target >= len(self.paragraphs):
            return self.last
        return bisect_left(self.sentences.starts, starts[max(0, target)])

    def lines(self, frame: Frame, index: int) -> tuple[int, int]:
        """The first and last view lines of sentence `index` (0, 0 when there is none)."""
        span = self.span(index)
        if span is None:
            return 0, 0
        start, end = span
        return frame.line_of(start), frame.line_of(max(start, end - 1))

    def follow(
        self,
        frame: Frame,
        index: int,
        view: tuple[int, int],
        *,
        jump: bool = False,
        offset: int | None = None,
    ) -> int | None:
        """The top line that shows sentence `index` (and `offset` within it) in a view
        whose top line and height are `view`; None when the view should stay.

        Small moves scroll as little as possible (`follow_top`); a jump to a sentence out of
        view puts it a third of the way down (`jump_top`). The first sentence shows with
        the title above it.
        """
        top, height = view
        if index == 0 and (offset is None or frame.line_of(offset) < height):
            return 0
        first, last = self.lines(frame, index)
        if not jump:
            return follow_top(first, last, top, height)
        return jump_top(first, first if offset is None else frame.line_of(offset), top, height)

    def page(self, frame: Frame, top: int, height: int, bottom: int, delta: int) -> Paging:
        """Where paging `delta` pages from top line `top` leads: the view moves a page
        (`page_step`), at most to `bottom`, the lowest top line, and the cursor goes to the
        first sentence starting in view (a sentence filling the page keeps it). At either
        end, where the view cannot move, the cursor goes to the first or last sentence."""
        target = max(0, min(top + delta * page_step(height), bottom))
        if target == top:
            return Paging(top, 0 if delta < 0 else self.last)
        if target == 0:
            return Paging(0, 0)
        offset = frame.offset_at(target) or 0
        index = self.first_from(offset)
        if index >= self.count or frame.line_of(self.start(index)) >= target + height:
            index = self.sentence_at(offset)  # one sentence fills the page
        return Paging(target, index)


@dataclass(frozen=True, slots=True)
class Paging:
    """Where a page key leads."""

    top: int
    """The view's new top line (its old one when it cannot move)."""
    sentence: int
    """The sentence the cursor goes to."""


EMPTY_NAVIGATOR = SentenceNavigator(NO_SPANS, NO_SPANS, 0)
"""The navigator of an empty text."""


def context_lines(height: int) -> int:
    """Lines kept around the cursor sentence in a view `height` lines high (none in a view
    too low to spare them)."""
    return CONTEXT_LINES if height > 4 * CONTEXT_LINES else 0


def page_step(height: int) -> int:
    """Lines one page moves in a view `height` lines high (keeping `PAGE_OVERLAP`)."""
    return height - PAGE_OVERLAP if height > 2 * PAGE_OVERLAP else height


def follow_top(first: int, last: int, top: int, height: int) -> int:
    """The top line after a small move, so that lines `first` to `last` (the cursor
    sentence) show with their context, scrolling as little as possible."""
    context = context_lines(height)
    if first - context < top:
        return first - context
    if last + context >= top + height:
        return min(last + context - height + 1, first - context)
    return top


def jump_top(first: int, focus: int, top: int, height: int) -> int | None:
    """The top line after a jump to a sentence starting on line `first`, whose line `focus`
    must show; None when it already shows. An out-of-view sentence goes a third of the way
    down the view (or its `focus` does, when the sentence is longer than that)."""
    context = context_lines(height)
    if top <= focus - context and focus + context < top + height and first >= top:
        return None
    target = first - height // 3
    if focus >= target + height - context:
        target = focus - height // 3
    return target
