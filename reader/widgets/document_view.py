"""The reader's document view: one document drawn line by line, with a sentence cursor.

The text is never turned into widgets or rich renderables as a whole. It stays one string,
and a `LineLayout` (two arrays of offsets, rebuilt once per column width) says where each
wrapped line starts and ends. Drawing a frame then only slices the lines in view, so a
3 MB book costs the same to show and to move through as a short article.

Wrapping a whole book still takes tens of milliseconds (hundreds for 30 MB), so a long
text is first shown from a layout of just the paragraphs around the reader's place; the
whole layout is made in a thread and swapped in without moving the text on screen.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate
from typing import ClassVar

from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from library.document import NO_SPANS, Document, Span, Spans
from library.sanitize import one_line, visible
from reader.labels import length_label

# ---------------------------------------------------------------------------------------------
# Wrapping: pure functions, usable and testable without an app.
# ---------------------------------------------------------------------------------------------

SINGLE_CELL_RANGES: tuple[tuple[int, int], ...] = (
    (0x00, 0x09),  # C0 controls and tab: drawn as one-cell stand-ins or a space
    (0x0B, 0x7E),  # ASCII (newline excluded: it ends a line)
    (0x7F, 0x9F),  # DEL and C1 controls: drawn as one-cell stand-ins
    (0xA0, 0xAC),  # Latin-1 (the soft hyphen U+00AD is left to the careful path)
    (0xAE, 0x2FF),  # Latin-1, Latin Extended A/B, IPA, spacing modifiers
    (0x370, 0x482),  # Greek and Cyrillic
    (0x48A, 0x52F),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2010, 0x2027),  # dashes, quotes, bullets, ellipsis
    (0x2030, 0x205E),  # per mille, primes, guillemets
    (0x20A0, 0x20C0),  # currency signs
    (0x2100, 0x214F),  # letterlike symbols
    (0x2190, 0x22FF),  # arrows and mathematical operators
    (0x2500, 0x25FC),  # box drawing, blocks, geometric shapes
)
"""Code points that always take exactly one terminal cell once made `visible`.

Text made only of these is wrapped by counting characters (one regex pass); anything else
(CJK, emoji, combining marks, zero-width characters) is measured cell by cell.
"""

_MAY_NOT_BE_ONE_CELL = re.compile(
    "[^\n" + "".join(f"\\U{start:08x}-\\U{end:08x}" for start, end in SINGLE_CELL_RANGES) + "]"
)


_NOT_ONE_CELL_RUN = re.compile(_MAY_NOT_BE_ONE_CELL.pattern + "+")


@lru_cache(maxsize=4096)
def _cells_of(char: str) -> int:
    """Cells of one visible character; a variation selector counts 1 (it may widen the one
    before it), so widths are never under-estimated."""
    return 1 if char == "\ufe0f" else get_character_cell_size(char)


@lru_cache(maxsize=16)
def _line_pattern(width: int) -> re.Pattern[str]:
    """The regex whose group 1 is one wrapped line of at most `width` one-cell characters.

    The longest run of at most `width` characters that ends before a space or a line end,
    else exactly `width` characters (a word too long for the line is broken); one space
    after the line is consumed so the next line does not start with it.
    """
    return re.compile(f"([^\\n]{{1,{width}}}(?= |$)|[^\\n]{{{width}}}) ?", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class LineLayout:
    """Where each wrapped line of a text starts and ends, for one column width.

    A line shows ``text[starts[i]:ends[i]]``. A blank line (between paragraphs) has
    ``starts[i] == ends[i]``; every other line is non-empty. Starts never decrease, so an
    offset finds its line by binary search.
    """

    width: int
    """The column width in terminal cells that the lines were wrapped to."""
    starts: array[int]
    """Start offset of each line."""
    ends: array[int]
    """End offset (exclusive) of each line, trailing break space excluded."""

    @property
    def line_count(self) -> int:
        """Number of lines, blank lines included."""
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """The line that shows `offset` (or the nearest line before it); 0 when empty."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def is_blank(self, line: int) -> bool:
        """Whether `line` is a blank line between paragraphs."""
        return self.starts[line] == self.ends[line]


@lru_cache(maxsize=16)
def _block_pattern(width: int) -> re.Pattern[str]:
    """`_line_pattern`, plus an empty group 2 where a paragraph gap (two or more newlines)
    starts: one pass over separated paragraphs then yields the blank lines too."""
    return re.compile(f"([^\\n]{{1,{width}}}(?= |$)|[^\\n]{{{width}}}) ?|()\\n\\n+", re.MULTILINE)


def _wrap_separated(text: str, spans: list[Span], width: int) -> LineLayout | None:
    """Wrap in one regex pass when every character is one cell wide and paragraphs are
    separated by newlines only (the stored form); None when the text is not like that."""
    low, high = spans[0][0], spans[-1][1]
    if (low and text[low - 1] != "\n") or (high < len(text) and text[high] != "\n"):
        return None
    if not text.isascii() and _MAY_NOT_BE_ONE_CELL.search(text, low, high) is not None:
        return None
    found = [m.span(m.lastindex or 1) for m in _block_pattern(width).finditer(text, low, high)]
    starts: array[int] = array("q", [s for s, _ in found])
    ends: array[int] = array("q", [e for _, e in found])
    blanks = [index for index, (s, e) in enumerate(found) if s == e]
    if (
        len(blanks) != len(spans) - 1
        or (found and found[0][0] != low)
        or [starts[index] for index in blanks] != [e for _, e in spans[:-1]]
        or [starts[index + 1] for index in blanks] != [s for s, _ in spans[1:]]
    ):
        return None
    return LineLayout(width, starts, ends)


def wrap_by_cells(text: str, start: int, end: int, width: int) -> tuple[list[int], list[int]]:
    """Wrap ``text[start:end]`` measuring each character's cells (wide and zero-width too).

    Breaks exactly where the one-cell regex would for one-cell text, so both paths agree.
    Widths are over-estimated, never under (a zero-width joiner's partner still counts),
    so a line never overflows the column.
    """
    shown = visible(text[start:end])
    cells = [1] * len(shown)
    for run in _NOT_ONE_CELL_RUN.finditer(shown):
        cells[run.start() : run.end()] = map(_cells_of, run.group())
    cumulative = [0, *accumulate(cells)]
    starts: list[int] = []
    ends: list[int] = []
    size = len(shown)
    line_start = 0
    while line_start < size:
        hard_end = shown.find("\n", line_start)
        if hard_end == -1:
            hard_end = size
        position = line_start
        while position < hard_end:
            # the longest prefix that fits in `width` cells, at least one character
            fit = bisect_right(cumulative, cumulative[position] + width, position, hard_end + 1)
            fit = max(fit - 1, position + 1)
            if fit >= hard_end:
                line_end = next_start = hard_end
            else:
                space = shown.rfind(" ", position + 1, fit + 1)
                if space != -1:
                    line_end, next_start = space, space + 1
                else:
                    line_end = fit
                    next_start = fit + 1 if shown[fit] == " " else fit
            starts.append(start + position)
            ends.append(start + line_end)
            position = next_start
        line_start = hard_end + 1
    return starts, ends


def wrap_range(text: str, start: int, end: int, width: int) -> tuple[list[int], list[int]]:
    """Wrap ``text[start:end]`` (one paragraph) to `width` cells.

    Returns:
        The start and end offsets of each line, in `text`. A newline inside the range ends a
        line; empty lines are dropped.
    """
    width = max(1, width)
    if _MAY_NOT_BE_ONE_CELL.search(text, start, end) is not None:
        return wrap_by_cells(text, start, end, width)
    spans = [match.span(1) for match in _line_pattern(width).finditer(text, start, end)]
    return [s for s, _ in spans], [e for _, e in spans]


def wrap_text(text: str, paragraphs: Sequence[Span], width: int) -> LineLayout:
    """Wrap every paragraph of `text` to `width` cells, with a blank line between paragraphs.

    The common case (paragraphs separated by newlines, no wide characters) is one regex pass
    over the whole text; other paragraphs are wrapped one by one.

    Args:
        text: The whole document text.
        paragraphs: The paragraph spans, in order and not overlapping.
        width: Column width in terminal cells (at least 1 is used).

    Returns:
        The layout; lines outside every paragraph are never produced.
    """
    width = max(1, width)
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    spans = [(s, e) for s, e in paragraphs if e > s]
    if not spans:
        return LineLayout(width, starts, ends)
    separated = _wrap_separated(text, spans, width)
    if separated is not None:
        return separated
    size = len(text)
    # Paragraphs needing per-character measuring, found by skipping from one to the next.
    wide: set[int] = set()
    paragraph_starts = [s for s, _ in spans]
    match = _MAY_NOT_BE_ONE_CELL.search(text, spans[0][0], spans[-1][1])
    while match is not None:
        index = bisect_right(paragraph_starts, match.start()) - 1
        if index >= 0 and match.start() < spans[index][1]:
            wide.add(index)
            resume = spans[index][1]
        else:
            resume = match.start() + 1
        match = _MAY_NOT_BE_ONE_CELL.search(text, resume, spans[-1][1])
    # One pass over the whole text; a line never crosses a newline, so each paragraph that
    # begins and ends at a newline gets exactly the lines it would get on its own.
    pattern = _line_pattern(width)
    all_spans = []
    if len(wide) < len(spans):
        all_spans = [m.span(1) for m in pattern.finditer(text, spans[0][0], spans[-1][1])]
    all_starts = array("q", [s for s, _ in all_spans])
    all_ends = array("q", [e for _, e in all_spans])
    last = len(spans) - 1
    for index, (p_start, p_end) in enumerate(spans):
        if index in wide:
            line_starts, line_ends = wrap_by_cells(text, p_start, p_end, width)
            starts.extend(line_starts)
            ends.extend(line_ends)
        elif (p_start == 0 or text[p_start - 1] == "\n") and (p_end == size or text[p_end] == "\n"):
            first = bisect_left(all_starts, p_start)
            after = bisect_left(all_starts, p_end, first)
            starts.extend(all_starts[first:after])
            ends.extend(all_ends[first:after])
        else:
            line_starts, line_ends = wrap_range(text, p_start, p_end, width)
            starts.extend(line_starts)
            ends.extend(line_ends)
        if index != last and len(starts) and starts[-1] != ends[-1]:
            starts.append(p_end)
            ends.append(p_end)
    if len(starts) and starts[-1] == ends[-1]:
        starts.pop()
        ends.pop()
    return LineLayout(width, starts, ends)


def column_geometry(widget_width: int, measure: int, margin: int = 2) -> tuple[int, int]:
    """The text column's width and left edge for a widget `widget_width` cells wide.

    The column is at most `measure` cells and centred; a narrower widget keeps `margin`
    cells free on each side (as far as it can).
    """
    column = max(1, min(measure, widget_width - 2 * margin))
    left = max(0, (widget_width - column) // 2)
    return column, left


# ---------------------------------------------------------------------------------------------
# Marks: coloured spans drawn over the text, indexed for per-line lookup.
# ---------------------------------------------------------------------------------------------

Mark = tuple[int, int, str]
"""``(start, end, component_class)``: a span of the text to draw in a component style."""

MARK_CLASSES: tuple[str, ...] = (
    "document-view--highlight-yellow",
    "document-view--highlight-green",
    "document-view--highlight-blue",
    "document-view--highlight-pink",
    "document-view--highlight-purple",
    "document-view--match",
    "document-view--match-current",
    "document-view--selection",
)
"""The component classes a mark may use, lowest first: where marks overlap the later wins."""

_MARK_RANK = {name: rank for rank, name in enumerate(MARK_CLASSES)}


@dataclass(frozen=True, slots=True)
class MarkIndex:
    """Marks flattened into non-overlapping runs, so a line finds its runs by bisection."""

    starts: array[int]
    """Start offset of each run, increasing."""
    ends: array[int]
    """End offset (exclusive) of each run, increasing."""
    classes: tuple[tuple[str, ...], ...]
    """The mark classes covering each run, lowest rank first."""

    @classmethod
    def build(cls, marks: Iterable[Mark]) -> MarkIndex:
        """Flatten `marks`; empty spans and unknown class names are ignored."""
        events: list[tuple[int, int, str]] = []
        for start, end, name in marks:
            if end > start and name in _MARK_RANK:
                events.append((start, 1, name))
                events.append((end, -1, name))
        events.sort(key=lambda event: event[0])
        starts: array[int] = array("q")
        ends: array[int] = array("q")
        classes: list[tuple[str, ...]] = []
        active: dict[str, int] = {}
        index = 0
        while index < len(events):
            here = events[index][0]
            while index < len(events) and events[index][0] == here:
                _, delta, name = events[index]
                count = active.get(name, 0) + delta
                if count:
                    active[name] = count
                else:
                    active.pop(name, None)
                index += 1
            if active and index < len(events):
                covering = tuple(sorted(active, key=_MARK_RANK.__getitem__))
                following = events[index][0]
                if classes and ends[-1] == here and classes[-1] == covering:
                    ends[-1] = following
                else:
                    starts.append(here)
                    ends.append(following)
                    classes.append(covering)
        return cls(starts, ends, tuple(classes))

    def runs(self, start: int, end: int) -> Iterable[tuple[int, int, tuple[str, ...]]]:
        """The runs meeting ``[start, end)``, clipped to it, in order: O(log n + k)."""
        index = bisect_right(self.ends, start)
        count = len(self.starts)
        while index < count and self.starts[index] < end:
            yield max(start, self.starts[index]), min(end, self.ends[index]), self.classes[index]
            index += 1


_NO_MARKS = MarkIndex(array("q"), array("q"), ())


# ---------------------------------------------------------------------------------------------
# The widget.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _FrontLine:
    """A display-only line before the text (title, byline, caption)."""

    text: str
    """The line's text, already made visible."""
    component: str
    """Component class for its style."""


@dataclass(frozen=True, slots=True)
class _Frame:
    """Everything that depends on the widget's width."""

    widget_width: int
    """Cells available for drawing (scrollbar excluded)."""
    column: int
    """Width of the text column."""
    left: int
    """Cells before the column."""
    front: tuple[_FrontLine, ...]
    """The lines before the text, ending with a blank line."""
    body: LineLayout
    """The wrapped text: all of it, or only a window of paragraphs while `complete` is False."""
    complete: bool = True
    """Whether `body` wraps the whole text (else line numbers are the window's own)."""

    @property
    def line_count(self) -> int:
        """All lines: front block and text."""
        return len(self.front) + self.body.line_count


PAGE_OVERLAP = 2
"""Lines of the old page still shown after paging, for continuity."""

CONTEXT_LINES = 2
"""Lines kept visible above and below the cursor sentence when the view follows it."""

LAZY_LAYOUT_CHARS = 200_000
"""Texts longer than this are first shown from a window of paragraphs, wrapped whole later."""

LAYOUT_WINDOW_CHARS = 40_000
"""Characters of text laid out on each side of the reader's place for that first window:
hundreds of lines, many screens, for about a millisecond of wrapping."""

_LAYOUT_GROUP = "document-view-layout"
"""Worker group of the thread that wraps the whole text."""

WHOLE_LAYOUT_DELAY = 0.15
"""Seconds between the first window and starting the thread that wraps the whole text. The
thread holds the GIL for milliseconds at a time, and started at once it slowed the first
frame's way to the terminal (the 3 MB book: ~30 ms later on screen). Keys that need the
whole layout before then have it made on the spot."""


class DocumentView(ScrollView, can_focus=True):
    """One document, drawn with the line API, with a reading cursor on a sentence.

    Every piece of document text is made `visible` and drawn as plain segments: nothing
    from the document is ever parsed as markup.
    """

    ALLOW_SELECT = False

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "document-view--title",
        "document-view--byline",
        "document-view--caption",
        "document-view--cursor",
        "document-view--margin",
        *MARK_CLASSES,
    }

    DEFAULT_CSS = """
    DocumentView {
        width: 1fr;
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        background: $background;
        color: $foreground;
        & > .document-view--title { text-style: bold; }
        & > .document-view--byline { color: $text-muted; }
        & > .document-view--caption { color: $text-muted; text-style: italic; }
        & > .document-view--cursor { background: $primary 22%; }
        & > .document-view--margin { color: $text-accent; text-style: bold; }
        & > .document-view--highlight-yellow { background: #e6c229 38%; }
        & > .document-view--highlight-green { background: #4caf50 38%; }
        & > .document-view--highlight-blue { background: #3d8bfd 38%; }
        & > .document-view--highlight-pink { background: #ff5fa2 38%; }
        & > .document-view--highlight-purple { background: #a066ff 38%; }
        & > .document-view--match { background: $accent 45%; }
        & > .document-view--match-current {
            background: $accent;
            color: $text-accent;
            text-style: bold;
        }
        & > .document-view--selection { background: $secondary 60%; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j,down",
            "next_sentence",
            "Next sentence",
            key_display="j",
            id="document_view.next_sentence",
            tooltip="Move the reading cursor to the next sentence",
        ),
        Binding(
            "k,up",
            "previous_sentence",
            "Previous sentence",
            key_display="k",
            show=False,
            id="document_view.previous_sentence",
            tooltip="Move the reading cursor to the previous sentence",
        ),
        Binding(
            "}",
            "next_paragraph",
            "Next paragraph",
            show=False,
            id="document_view.next_paragraph",
            tooltip="Move the reading cursor to the start of the next paragraph",
        ),
        Binding(
            "{",
            "previous_paragraph",
            "Previous paragraph",
            show=False,
            id="document_view.previous_paragraph",
            tooltip="Move the reading cursor to the start of this or the previous paragraph",
        ),
        Binding(
            "space,pagedown",
            "next_page",
            "Page down",
            key_display="space",
            show=False,
            id="document_view.page_down",
            tooltip="Show the next page; the cursor goes to its first sentence",
        ),
        Binding(
            "b,pageup",
            "previous_page",
            "Page up",
            key_display="b",
            show=False,
            id="document_view.page_up",
            tooltip="Show the previous page; the cursor goes to its first sentence",
        ),
        Binding(
            "g,home",
            "go_start",
            "Start",
            show=False,
            id="document_view.start",
            tooltip="Go to the start of the document",
        ),
        Binding(
            "G,end",
            "go_end",
            "End",
            show=False,
            id="document_view.end",
            tooltip="Go to the last sentence of the document",
        ),
    ]

    cursor_offset: var[int] = var(0, init=False)
    """Start offset of the sentence under the reading cursor (read it; move with methods)."""

    progress: var[float] = var(0.0, init=False)
    """How far the cursor is through the text: 0.0 at the start, 1.0 on the last sentence."""

    measure: var[int] = var(80, init=False)
    """Maximum width of the text column, in cells."""

    class CursorMoved(Message):
        """The reading cursor moved to another sentence.

        Handle it in ``on_document_view_cursor_moved``.
        """

        def __init__(self, document_view: DocumentView, offset: int, progress: float) -> None:
            super().__init__()
            self.document_view = document_view
            """The view whose cursor moved."""
            self.offset = offset
            """Start offset of the sentence now under the cursor."""
            self.progress = progress
            """The view's progress, 0.0 to 1.0."""

        @property
        def control(self) -> DocumentView:
            """The view whose cursor moved (for ``@on(..., selector)``)."""
            return self.document_view

    class LayoutReady(Message, bubble=False):
        """The whole text was wrapped off the UI thread (internal: not for other widgets)."""

        def __init__(self, layout: LineLayout) -> None:
            super().__init__()
            self.layout = layout
            """The whole layout, for the column width in ``layout.width``."""

    def __init__(
        self,
        document: Document,
        *,
        cursor_offset: int = 0,
        measure: int = 80,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name for it
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Show `document` with the reading cursor on the sentence containing `cursor_offset`.

        Args:
            document: The document to show.
            cursor_offset: An offset into ``document.text``; the cursor starts on the
                sentence containing it, and that sentence is scrolled into view.
            measure: Maximum width of the text column, in cells.
            name: The name of the widget.
            id: The ID of the widget in the DOM.
            classes: The CSS classes of the widget.
            disabled: Whether the widget is disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._document = document
        self._text = document.text
        # Spans are never empty (see `Document`); a text without any is one paragraph.
        paragraphs = document.paragraphs
        if not paragraphs and self._text:
            paragraphs = Spans.of([(0, len(self._text))])
        sentences = document.sentences or paragraphs
        self._paragraphs: Spans = paragraphs
        self._sentences: Spans = sentences
        self._cursor = self._sentence_at(cursor_offset)
        self._frame: _Frame | None = None
        self._placed = False
        self._seen_height = 0
        self._layouts: dict[int, LineLayout] = {}
        self._mark_layers: dict[str, tuple[Mark, ...]] = {}
        self._marks = _NO_MARKS
        self._marks_version = 0
        self._margin_offsets: list[int] = []
        self._margin_signs: list[str] = []
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(2048)
        self._styles: dict[tuple[bool, tuple[str, ...]], Style] = {}
        self.set_reactive(DocumentView.measure, max(1, measure))
        self.set_reactive(DocumentView.cursor_offset, self._cursor_start())
        self.set_reactive(DocumentView.progress, self._progress())

    def release(self) -> None:
        """Let go of the document's text and everything made from it; the view shows nothing
        from now on (for a view about to be removed while others may still refer to it)."""
        self.workers.cancel_node(self)
        empty = replace(self._document, text="", paragraphs=NO_SPANS, sentences=NO_SPANS)
        self._document = empty
        self._text = ""
        self._paragraphs = self._sentences = NO_SPANS
        self._cursor = 0
        self._frame = None
        self._layouts.clear()
        self._mark_layers.clear()
        self._marks = _NO_MARKS
        self._strips.clear()

    # -- model ---------------------------------------------------------------------------------

    @property
    def document(self) -> Document:
        """The document shown."""
        return self._document

    @property
    def sentence_index(self) -> int:
        """Index of the sentence under the cursor in the sentences drawn (0 when none)."""
        return self._cursor

    @property
    def cursor_span(self) -> Span | None:
        """The span of the sentence under the cursor; None for an empty document."""
        return self._sentences[self._cursor] if self._sentences else None

    @property
    def line_count(self) -> int:
        """Lines at the current width (front block included); 0 before the first layout.

        While a long text's whole layout is still being made, the lines laid out so far.
        """
        return 0 if self._frame is None else self._frame.line_count

    @property
    def layout_complete(self) -> bool:
        """Whether the whole text is laid out (False only briefly, for a long text)."""
        return self._frame is not None and self._frame.complete

    @property
    def view_height(self) -> int:
        """Lines visible at once."""
        return max(1, self.scrollable_content_region.height)

    @property
    def visible_span(self) -> Span:
        """Offsets of the text between the top and the bottom of the view."""
        frame = self._frame
        if frame is None or not frame.body.line_count:
            return (0, 0)
        top = self.scroll_offset.y
        front = len(frame.front)
        first = min(max(0, top - front), frame.body.line_count - 1)
        last = min(max(0, top + self.view_height - 1 - front), frame.body.line_count - 1)
        return frame.body.starts[first], frame.body.ends[last]

    def line_of_offset(self, offset: int) -> int:
        """The view line (front block included) showing `offset`; 0 before the first layout."""
        frame = self._frame
        if frame is None:
            return 0
        return len(frame.front) + frame.body.line_of(offset)

    def offset_of_line(self, line: int) -> int | None:
        """The text offset where view line `line` starts; None for front-block lines."""
        frame = self._frame
        if frame is None or not frame.body.line_count:
            return None
        body_line = line - len(frame.front)
        if body_line < 0:
            return None
        return frame.body.starts[min(body_line, frame.body.line_count - 1)]

    def _sentence_at(self, offset: int) -> int:
        """Index of the sentence containing `offset` (or the last one starting before it)."""
        return max(0, bisect_right(self._sentences.starts, offset) - 1)

    def _cursor_start(self) -> int:
        return self._sentences[self._cursor][0] if self._sentences else 0

    def _progress(self) -> float:
        if not self._sentences or not self._text:
            return 0.0
        if self._cursor >= len(self._sentences) - 1:
            return 1.0
        return min(1.0, self._sentences[self._cursor][0] / len(self._text))

    # -- marks ---------------------------------------------------------------------------------

    def set_marks(self, marks: Iterable[Mark], *, layer: str = "marks") -> None:
        """Draw `marks` over the text, replacing the marks previously set on `layer`.

        Args:
            marks: ``(start, end, component_class)`` spans, best sorted by start. The class
                is one of `MARK_CLASSES`; others are ignored. Where marks overlap, the class
                later in `MARK_CLASSES` wins (a selection over a match over a highlight).
            layer: Independent sets of marks (say "highlights", "matches", "selection")
                can be replaced separately; all layers are drawn.
        """
        self._mark_layers[layer] = tuple(marks)
        self._rebuild_marks()

    def set_margin_marks(self, marks: Iterable[tuple[int, str]]) -> None:
        """Show a one-cell sign (say, a note marker) in the left margin of the line holding
        each offset; replaces the previous margin marks. Needs a margin of two cells."""
        ordered = sorted((offset, sign[:1]) for offset, sign in marks if sign)
        self._margin_offsets = [offset for offset, _ in ordered]
        self._margin_signs = [sign for _, sign in ordered]
        self._marks_version += 1
        self.refresh()

    def clear_marks(self, layer: str | None = None) -> None:
        """Remove the marks of `layer`, or of every layer when None."""
        if layer is None:
            self._mark_layers.clear()
        else:
            self._mark_layers.pop(layer, None)
        self._rebuild_marks()

    def _rebuild_marks(self) -> None:
        every = [mark for layer_marks in self._mark_layers.values() for mark in layer_marks]
        self._marks = MarkIndex.build(every)
        self._marks_version += 1
        self.refresh()

    # -- layout --------------------------------------------------------------------------------

    def _front_lines(self, column: int) -> tuple[_FrontLine, ...]:
        document = self._document
        pieces: list[tuple[str, str]] = []
        title = one_line(document.title).strip()
        if title:
            pieces.append((title, "document-view--title"))
        byline = [one_line(part).strip() for part in (document.source, document.date) if part]
        byline.append(f"{length_label(max(1, document.reading_minutes))} read")
        pieces.append((" · ".join(part for part in byline if part), "document-view--byline"))
        if document.caption and one_line(document.caption).strip():
            pieces.append(
                ("Photo: " + one_line(document.caption).strip(), "document-view--caption")
            )
        lines: list[_FrontLine] = []
        for text, component in pieces:
            starts, ends = wrap_range(text, 0, len(text), column)
            lines.extend(
                _FrontLine(text[s:e], component) for s, e in zip(starts, ends, strict=True)
            )
        lines.append(_FrontLine("", "document-view--byline"))
        return tuple(lines)

    def _remember_layout(self, layout: LineLayout) -> None:
        """Cache a whole layout (a few column widths are kept)."""
        if layout.width not in self._layouts and len(self._layouts) >= 3:
            self._layouts.pop(next(iter(self._layouts)))
        self._layouts[layout.width] = layout

    def _layout_for(self, column: int) -> LineLayout:
        """The whole layout for `column`, wrapped now if it is not cached."""
        layout = self._layouts.get(column)
        if layout is None:
            layout = wrap_text(self._text, self._paragraphs, column)
            self._remember_layout(layout)
        return layout

    def _window_layout(self, column: int, focus: int) -> tuple[LineLayout, bool]:
        """A layout of the paragraphs within `LAYOUT_WINDOW_CHARS` of offset `focus`, and
        whether it starts with the first paragraph."""
        starts = self._paragraphs.starts
        first = max(0, bisect_right(starts, focus - LAYOUT_WINDOW_CHARS) - 1)
        after = max(first + 1, bisect_left(starts, focus + LAYOUT_WINDOW_CHARS))
        return wrap_text(self._text, self._paragraphs[first:after], column), first == 0

    def _update_frame(self) -> bool:
        """Rebuild the frame if the width or the measure changed; True when it did.

        A long text whose whole layout is not cached gets a window of paragraphs around
        the reader's place (the top of the view, else the cursor) and a thread to wrap the
        rest; a short one is wrapped whole, now.
        """
        width = self.scrollable_content_region.width
        if width <= 0:
            return False
        frame = self._frame
        column, left = column_geometry(width, self.measure)
        if frame is not None and frame.widget_width == width and frame.column == column:
            return False
        if column in self._layouts or len(self._text) <= LAZY_LAYOUT_CHARS:
            new_frame = _Frame(
                width, column, left, self._front_lines(column), self._layout_for(column)
            )
        elif frame is not None and frame.column == column:
            new_frame = _Frame(width, column, left, frame.front, frame.body, frame.complete)
        else:
            focus = self._cursor_start()
            if self._placed and frame is not None:
                top = self.offset_of_line(self.scroll_offset.y)
                focus = focus if top is None else top
            body, from_start = self._window_layout(column, focus)
            front = self._front_lines(column) if from_start else ()
            new_frame = _Frame(width, column, left, front, body, complete=False)
            self.set_timer(
                WHOLE_LAYOUT_DELAY, lambda: self._start_whole_layout(column), name="layout"
            )
        self._frame = new_frame
        self._strips.clear()
        self.virtual_size = Size(width, new_frame.line_count)
        return True

    def _start_whole_layout(self, column: int) -> None:
        """Start wrapping the whole text for `column` (once the first frame is out)."""
        frame = self._frame
        if frame is not None and not frame.complete and frame.column == column:
            self._wrap_whole(column)

    @work(thread=True, exclusive=True, exit_on_error=False, group=_LAYOUT_GROUP)
    def _wrap_whole(self, column: int) -> None:
        """Wrap the whole text for `column` in a thread; only computes, then posts it."""
        layout = wrap_text(self._text, self._paragraphs, column)
        if not get_current_worker().is_cancelled:
            self.post_message(self.LayoutReady(layout))

    @on(LayoutReady)
    def _whole_layout_ready(self, message: LayoutReady) -> None:
        """Swap in the whole layout if it is for the column now shown (not a stale width)."""
        message.stop()
        layout = message.layout
        self._remember_layout(layout)
        frame = self._frame
        if frame is not None and not frame.complete and frame.column == layout.width:
            self._install_whole(layout)

    def _complete_layout(self) -> None:
        """Make sure the whole text is laid out, wrapping it now if the thread is not done:
        keys that move through the text need every line."""
        frame = self._frame
        if frame is None or frame.complete:
            return
        self.workers.cancel_group(self, _LAYOUT_GROUP)
        self._install_whole(self._layout_for(frame.column))

    def _install_whole(self, layout: LineLayout) -> None:
        """Replace a window layout with the whole one; the text line at the top of the view
        stays at the top (so nothing on screen moves)."""
        frame = self._frame
        if frame is None:
            return
        top = self.scroll_offset.y
        anchor = self.offset_of_line(top)
        front = self._front_lines(frame.column)
        self._frame = _Frame(frame.widget_width, frame.column, frame.left, front, layout)
        self._strips.clear()
        self.virtual_size = Size(frame.widget_width, self._frame.line_count)
        if anchor is not None:
            top = len(front) + layout.line_of(anchor)
        self._scroll_to_line(top)
        self.refresh()

    def _relayout(self) -> None:
        """Re-wrap for the current size, keeping the reader's place.

        The text at the top of the view stays at the top, and a cursor that was in view
        before stays in view.
        """
        height_before, self._seen_height = self._seen_height, self.view_height
        previous = self._frame if self._placed else None
        cursor_was_visible = previous is not None and self._cursor_in_view(height_before)
        anchor = self.offset_of_line(self.scroll_offset.y) if previous is not None else None
        changed = self._update_frame()
        if previous is None:
            if self._frame is not None:
                # the first layout (drawing may have wrapped already, but not scrolled)
                self._placed = True
                self._follow_cursor(jump=True)
            return
        if changed and anchor is not None and self.scroll_offset.y >= len(previous.front):
            self._scroll_to_line(self.line_of_offset(anchor))
        if cursor_was_visible:
            self._follow_cursor()

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap when the width changes (layouts are cached by column width)."""
        self._relayout()

    def watch_measure(self) -> None:
        """A new measure means a new column width."""
        if self._frame is not None:
            self._relayout()

    def notify_style_update(self) -> None:
        """Styles changed (say, a new theme): drawn lines are stale."""
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    # -- scrolling -----------------------------------------------------------------------------

    def _scroll_to_line(self, line: int) -> None:
        target = max(0, min(line, self.max_scroll_y))
        if target != self.scroll_offset.y:
            self.scroll_to(y=target, animate=False, force=True, immediate=True)

    def _cursor_lines(self) -> tuple[int, int]:
        """First and last view lines of the cursor sentence."""
        if not self._sentences:
            return 0, 0
        start, end = self._sentences[self._cursor]
        return self.line_of_offset(start), self.line_of_offset(max(start, end - 1))

    def _cursor_in_view(self, height: int | None = None) -> bool:
        first, last = self._cursor_lines()
        top = self.scroll_offset.y
        return last >= top and first < top + (height or self.view_height)

    def _follow_cursor(self, *, jump: bool = False, offset: int | None = None) -> None:
        """Scroll so the cursor sentence (and `offset` within it) is in view.

        Small moves scroll as little as possible, keeping `CONTEXT_LINES` around the
        sentence; a jump to a sentence out of view puts it a third of the way down.
        """
        if self._frame is None:
            return
        if self._cursor == 0 and (offset is None or self.line_of_offset(offset) < self.view_height):
            self._scroll_to_line(0)  # the first sentence shows the title with it
            return
        height = self.view_height
        context = CONTEXT_LINES if height > 4 * CONTEXT_LINES else 0
        first, last = self._cursor_lines()
        top = self.scroll_offset.y
        if jump:
            focus = first if offset is None else self.line_of_offset(offset)
            if top <= focus - context and focus + context < top + height and first >= top:
                return
            target = first - height // 3
            if focus >= target + height - context:
                target = focus - height // 3
            self._scroll_to_line(target)
            return
        if first - context < top:
            top = first - context
        elif last + context >= top + height:
            top = min(last + context - height + 1, first - context)
        self._scroll_to_line(top)

    # -- moving the cursor ---------------------------------------------------------------------

    def _set_cursor(self, index: int) -> bool:
        """Put the cursor on sentence `index`; post `CursorMoved` if it moved."""
        if not self._sentences:
            return False
        index = max(0, min(index, len(self._sentences) - 1))
        if index == self._cursor:
            return False
        self._cursor = index
        self.cursor_offset = self._cursor_start()
        self.progress = self._progress()
        self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor_offset, self.progress))
        return True

    def move_sentence(self, delta: int) -> None:
        """Move the cursor `delta` sentences (negative: back) and follow it."""
        self._complete_layout()
        self._set_cursor(self._cursor + delta)
        self._follow_cursor()

    def move_paragraph(self, delta: int) -> None:
        """Move to the start of a paragraph `delta` paragraphs away and follow it.

        Moving back first goes to the start of the current paragraph, as `{` does in vi;
        moving past the last paragraph goes to the last sentence.
        """
        if not self._paragraphs or not self._sentences or delta == 0:
            return
        self._complete_layout()
        offset = self._sentences[self._cursor][0]
        current = max(0, bisect_right(self._paragraphs.starts, offset) - 1)
        if delta < 0 and offset > self._paragraphs.starts[current]:
            delta += 1
        target = current + delta
        if target >= len(self._paragraphs):
            index = len(self._sentences) - 1
        else:
            paragraph_start = self._paragraphs.starts[max(0, target)]
            index = bisect_left(self._sentences.starts, paragraph_start)
        self._set_cursor(index)
        self._follow_cursor()

    def page(self, delta: int) -> None:
        """Scroll `delta` pages and put the cursor on the first sentence starting in view.

        At either end of the document, where the view cannot move, the cursor goes to the
        first or the last sentence instead.
        """
        if self._frame is None or not self._sentences or delta == 0:
            return
        self._complete_layout()
        height = self.view_height
        step = height - PAGE_OVERLAP if height > 2 * PAGE_OVERLAP else height
        top = self.scroll_offset.y
        target = max(0, min(top + delta * step, self.max_scroll_y))
        if target == top:
            self._set_cursor(0 if delta < 0 else len(self._sentences) - 1)
            return
        self._scroll_to_line(target)
        if target == 0:
            self._set_cursor(0)
            return
        offset = self.offset_of_line(target)
        if offset is None:
            offset = 0
        index = bisect_left(self._sentences.starts, offset)
        if index >= len(self._sentences) or (
            self.line_of_offset(self._sentences.starts[index]) >= target + height
        ):
            index = self._sentence_at(offset)  # one sentence fills the page
        self._set_cursor(index)

    def go_start(self) -> None:
        """Cursor on the first sentence, view at the top (the title shows)."""
        self._complete_layout()
        self._set_cursor(0)
        self._scroll_to_line(0)

    def go_end(self) -> None:
        """Cursor on the last sentence, view at the bottom."""
        self._complete_layout()
        self._set_cursor(len(self._sentences) - 1)
        self._scroll_to_line(self.max_scroll_y)

    def move_to_offset(self, offset: int) -> None:
        """Cursor on the sentence containing `offset`, scrolled into view (a jump)."""
        self._complete_layout()
        self._set_cursor(self._sentence_at(offset))
        self._follow_cursor(jump=True, offset=offset)

    def action_next_sentence(self) -> None:
        """Next sentence."""
        self.move_sentence(1)

    def action_previous_sentence(self) -> None:
        """Previous sentence."""
        self.move_sentence(-1)

    def action_next_paragraph(self) -> None:
        """Start of the next paragraph."""
        self.move_paragraph(1)

    def action_previous_paragraph(self) -> None:
        """Start of this or the previous paragraph."""
        self.move_paragraph(-1)

    def action_next_page(self) -> None:
        """Page down."""
        self.page(1)

    def action_previous_page(self) -> None:
        """Page up."""
        self.page(-1)

    def action_go_start(self) -> None:
        """Start of the document."""
        self.go_start()

    def action_go_end(self) -> None:
        """End of the document."""
        self.go_end()

    # -- drawing -------------------------------------------------------------------------------

    def _style(self, in_cursor: bool, classes: tuple[str, ...]) -> Style:
        key = (in_cursor, classes)
        style = self._styles.get(key)
        if style is None:
            style = self.rich_style
            if in_cursor:
                style += self.get_component_rich_style("document-view--cursor")
            for name in classes:
                style += self.get_component_rich_style(name)
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        """Draw view line `y` (only that line: slice, make visible, style, pad)."""
        if self._frame is None:
            self._update_frame()
        frame = self._frame
        base = self._style(False, ())
        if frame is None:
            return Strip.blank(self.size.width, base)
        line = self.scroll_offset.y + y
        front = len(frame.front)
        if line < front:
            front_line = frame.front[line]
            key: tuple[object, ...] = ("front", line, frame.widget_width, frame.column)
            strip = self._strips.get(key)
            if strip is None:
                strip = self._place_in_column(
                    frame,
                    base,
                    [
                        Segment(
                            front_line.text,
                            base + self.get_component_rich_style(front_line.component),
                        )
                    ],
                    cell_len(front_line.text),
                )
                self._strips.set(key, strip)
            return strip
        index = line - front
        body = frame.body
        if index >= body.line_count or body.is_blank(index):
            return Strip.blank(frame.widget_width, base)
        start, end = body.starts[index], body.ends[index]
        cursor = self.cursor_span
        cursor_part: Span | None = None
        if cursor is not None and cursor[0] < end and cursor[1] > start:
            cursor_part = (max(start, cursor[0]), min(end, cursor[1]))
        key = (index, frame.widget_width, frame.column, cursor_part, self._marks_version)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_text_line(frame, base, start, end, cursor_part)
            self._strips.set(key, strip)
        return strip

    def _render_text_line(
        self, frame: _Frame, base: Style, start: int, end: int, cursor_part: Span | None
    ) -> Strip:
        shown = visible(self._text[start:end]).replace("\t", " ")
        cuts = {start, end}
        if cursor_part is not None:
            cuts.update(cursor_part)
        runs = list(self._marks.runs(start, end))
        for run_start, run_end, _ in runs:
            cuts.add(run_start)
            cuts.add(run_end)
        ordered = sorted(cuts)
        segments: list[Segment] = []
        run_index = 0
        for piece_start, piece_end in zip(ordered, ordered[1:], strict=False):
            while run_index < len(runs) and runs[run_index][1] <= piece_start:
                run_index += 1
            classes: tuple[str, ...] = ()
            if run_index < len(runs) and runs[run_index][0] <= piece_start:
                classes = runs[run_index][2]
            in_cursor = cursor_part is not None and cursor_part[0] <= piece_start < cursor_part[1]
            style = base if not in_cursor and not classes else self._style(in_cursor, classes)
            segments.append(Segment(shown[piece_start - start : piece_end - start], style))
        strip = self._place_in_column(frame, base, segments, cell_len(shown))
        at = bisect_left(self._margin_offsets, start)
        if frame.left >= 2 and at < len(self._margin_offsets) and self._margin_offsets[at] < end:
            sign = Segment(
                self._margin_signs[at],
                base + self.get_component_rich_style("document-view--margin"),
            )
            strip = Strip.join(
                [strip.crop(0, frame.left - 2), Strip([sign], 1), strip.crop(frame.left - 1)]
            )
        return strip

    @staticmethod
    def _place_in_column(frame: _Frame, base: Style, segments: list[Segment], cells: int) -> Strip:
        """Place a line's segments in the centred column and pad it to the widget width."""
        width = frame.widget_width
        right = width - frame.left - cells
        line = [Segment(" " * frame.left, base), *segments]
        if right > 0:
            line.append(Segment(" " * right, base))
        strip = Strip(line, frame.left + cells + max(0, right))
        if right < 0:
            strip = strip.crop(0, width)
        return strip
