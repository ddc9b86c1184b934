"""What the document view draws at one width: the lines before the text and the text's lines.

The reader shows a short block before the text (title, byline, caption), then the wrapped
text in a centred column. A `Frame` holds both for one widget width and answers the
questions scrolling asks (which line shows an offset, which offset starts a line, what
text is in view) without any widget, so they are tested as plain functions.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from library.document import Document, Span, Spans
from library.sanitize import one_line
from reader.labels import length_label
from reader.layout.cells import CharCells
from reader.layout.lines import LineLayout, wrap_range, wrap_text, wrap_text_in_pieces

LAZY_LAYOUT_CHARS = 200_000
"""Texts longer than this are first shown from a window of paragraphs, wrapped whole later
(wrapping a whole book takes tens of milliseconds, hundreds for 30 MB)."""

LAYOUT_WINDOW_CHARS = 40_000
"""Characters of text laid out on each side of the reader's place when a long text is first
shown from a window of paragraphs: hundreds of lines, many screens, for about a millisecond
of wrapping."""


class FrontRole(StrEnum):
    """What a line before the text shows; the value names the widget's component class
    (``document-view--<value>``), so a theme's CSS can restyle each."""

    TITLE = "title"
    BYLINE = "byline"
    CAPTION = "caption"


@dataclass(frozen=True, slots=True)
class FrontLine:
    """A display-only line before the text (title, byline, caption)."""

    text: str
    """The line's text, already made visible."""
    role: FrontRole
    """What the line shows, for its style."""


def front_lines(document: Document, column: int, cells: CharCells) -> tuple[FrontLine, ...]:
    """The lines before the text, wrapped to `column` cells and ending with a blank line:
    the title (if any), a byline (source, date, reading time), a photo caption (if any)."""
    pieces: list[tuple[str, FrontRole]] = []
    title = one_line(document.title).strip()
    if title:
        pieces.append((title, FrontRole.TITLE))
    byline = [one_line(part).strip() for part in (document.source, document.date) if part]
    byline.append(f"{length_label(max(1, document.reading_minutes))} read")
    pieces.append((" · ".join(part for part in byline if part), FrontRole.BYLINE))
    if document.caption and one_line(document.caption).strip():
        pieces.append(("Photo: " + one_line(document.caption).strip(), FrontRole.CAPTION))
    lines: list[FrontLine] = []
    for text, role in pieces:
        starts, ends = wrap_range(text, 0, len(text), column, cells=cells)
        lines.extend(FrontLine(text[s:e], role) for s, e in zip(starts, ends, strict=True))
    lines.append(FrontLine("", FrontRole.BYLINE))
    return tuple(lines)


@dataclass(frozen=True, slots=True)
class Frame:
    """Everything drawn that depends on the widget's width.

    View lines count from the top of the front block: line ``len(front)`` is the text's
    first line.
    """

    widget_width: int
    """Cells available for drawing (scrollbar excluded)."""
    column: int
    """Width of the text column."""
    left: int
    """Cells before the column."""
    front: tuple[FrontLine, ...]
    """The lines before the text, ending with a blank line."""
    body: LineLayout
    """The wrapped text: all of it, or only a window of paragraphs while `complete` is False."""
    complete: bool = True
    """Whether `body` wraps the whole text (else line numbers are the window's own)."""

    @property
    def line_count(self) -> int:
        """All lines: front block and text."""
        return len(self.front) + self.body.line_count

    def line_of(self, offset: int) -> int:
        """The view line showing `offset` (or the nearest line before it)."""
        return len(self.front) + self.body.line_of(offset)

    def offset_at(self, line: int) -> int | None:
        """The text offset where view line `line` starts (the last line's, past the end);
        None for a line of the front block or when there is no text."""
        body = self.body
        body_line = line - len(self.front)
        if not body.line_count or body_line < 0:
            return None
        return body.starts[min(body_line, body.line_count - 1)]

    def text_span(self, top: int, height: int) -> Span:
        """Offsets of the text on view lines ``top`` to ``top + height - 1``; ``(0, 0)`` when
        there is no text."""
        body = self.body
        if not body.line_count:
            return (0, 0)
        front = len(self.front)
        first = min(max(0, top - front), body.line_count - 1)
        last = min(max(0, top + height - 1 - front), body.line_count - 1)
        return body.starts[first], body.ends[last]


class DocumentLayouts:
    """A document's frames at any width, from whole layouts kept for a few column widths.

    Mutable only in its cache of whole layouts. Wrapping reads nothing else, so the widget's
    thread may call `wrap` while the UI thread draws.
    """

    KEPT = 3
    """Whole layouts kept (one per column width: resizing back and forth re-wraps nothing)."""

    def __init__(self, document: Document, paragraphs: Spans, cells: CharCells) -> None:
        """Lay out `document`'s `paragraphs` (its paragraphs, or the whole text as one),
        measuring characters with `cells`."""
        self._document = document
        self._paragraphs = paragraphs
        self._cells = cells
        self._whole: dict[int, LineLayout] = {}

    @property
    def is_long(self) -> bool:
        """Whether the text is long enough to be shown from a window first."""
        return len(self._document.text) > LAZY_LAYOUT_CHARS

    def has_whole(self, column: int) -> bool:
        """Whether the whole layout for `column` is at hand."""
        return column in self._whole

    def wrap(self, column: int) -> LineLayout:
        """The whole text wrapped to `column` now (not kept: see `remember`)."""
        return wrap_text(self._document.text, self._paragraphs, column, cells=self._cells)

    def wrap_paced(self, column: int, pause: Callable[[], None]) -> LineLayout:
        """`wrap`, a piece at a time, calling `pause` between pieces (for a thread: see
        `wrap_text_in_pieces`)."""
        return wrap_text_in_pieces(
            self._document.text, self._paragraphs, column, cells=self._cells, pause=pause
        )

    def remember(self, layout: LineLayout) -> None:
        """Keep a whole layout, forgetting the oldest width beyond `KEPT`."""
        if layout.width not in self._whole and len(self._whole) >= self.KEPT:
            self._whole.pop(next(iter(self._whole)))
        self._whole[layout.width] = layout

    def whole(self, column: int) -> LineLayout:
        """The whole layout for `column`, wrapped now if it is not kept."""
        layout = self._whole.get(column)
        if layout is None:
            layout = self.wrap(column)
            self.remember(layout)
        return layout

    def front(self, column: int) -> tuple[FrontLine, ...]:
        """The lines before the text, for `column`."""
        return front_lines(self._document, column, self._cells)

    def frame(self, width: int, column: int, left: int) -> Frame:
        """The frame of the whole text, for a widget `width` cells wide."""
        return Frame(width, column, left, self.front(column), self.whole(column))

    def window_holds(self, frame: Frame, offset: int, margin: int) -> bool:
        """Whether `frame` (a window, or the whole) lays out `offset` with at least `margin`
        lines around it, or up to the text's edge on that side: a view can then show it
        and scroll a little either way without another layout."""
        body = frame.body
        if frame.complete:
            return True
        if not body.line_count:
            return False
        if not body.starts[0] <= offset <= body.ends[-1]:
            return False
        line = body.line_of(offset)
        at_start = body.starts[0] <= self._paragraphs.starts[0]
        at_end = body.ends[-1] >= self._paragraphs.ends[-1]
        return (at_start or line >= margin) and (at_end or body.line_count - line > margin)

    def window_frame(self, width: int, column: int, left: int, focus: int) -> Frame:
        """A frame of the paragraphs within `LAYOUT_WINDOW_CHARS` of offset `focus` only
        (with the lines before the text if it reaches the first paragraph)."""
        starts = self._paragraphs.starts
        first = max(0, bisect_right(starts, focus - LAYOUT_WINDOW_CHARS) - 1)
        after = max(first + 1, bisect_left(starts, focus + LAYOUT_WINDOW_CHARS))
        window = self._paragraphs[first:after]
        body = wrap_text(self._document.text, window, column, cells=self._cells)
        front = self.front(column) if first == 0 else ()
        return Frame(width, column, left, front, body, complete=False)
