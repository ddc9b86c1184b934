"""Wrapping a document's text into lines of terminal cells: `LineLayout` and its makers.

A layout is two arrays of offsets into the text (where each line starts and ends), made
once per column width, so drawing a frame only slices the lines in view: a 3 MB book costs
the same to show and to move through as a short article. Wrapping is plain string work
(regex passes over the text, a cell count only where a character may not take one cell),
so it runs the same in the widget, in a worker thread and in a test with no app.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from library.document import Span
from library.sanitize import visible
from reader.layout.cells import MAY_NOT_BE_ONE_CELL, CharCells, cell_widths


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
    if not text.isascii() and MAY_NOT_BE_ONE_CELL.search(text, low, high) is not None:
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


def wrap_by_cells(
    text: str, start: int, end: int, width: int, *, cells: CharCells
) -> tuple[list[int], list[int]]:
    """Wrap ``text[start:end]`` measuring each character's cells (wide and zero-width too).

    Breaks exactly where the one-cell regex would for one-cell text, so both paths agree.
    Widths are over-estimated, never under (a zero-width joiner's partner still counts),
    so a line never overflows the column.
    """
    shown = visible(text[start:end])
    cumulative = [0, *accumulate(cell_widths(shown, cells))]
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


def wrap_range(
    text: str, start: int, end: int, width: int, *, cells: CharCells
) -> tuple[list[int], list[int]]:
    """Wrap ``text[start:end]`` (one paragraph) to `width` cells.

    Returns:
        The start and end offsets of each line, in `text`. A newline inside the range ends a
        line; empty lines are dropped.
    """
    width = max(1, width)
    if MAY_NOT_BE_ONE_CELL.search(text, start, end) is not None:
        return wrap_by_cells(text, start, end, width, cells=cells)
    spans = [match.span(1) for match in _line_pattern(width).finditer(text, start, end)]
    return [s for s, _ in spans], [e for _, e in spans]


def _paragraphs_to_measure(text: str, spans: list[Span]) -> set[int]:
    """Indexes of the paragraphs holding a character that may not take one cell, found by
    skipping from one such paragraph to the next (a book has few, if any)."""
    wide: set[int] = set()
    paragraph_starts = [s for s, _ in spans]
    match = MAY_NOT_BE_ONE_CELL.search(text, spans[0][0], spans[-1][1])
    while match is not None:
        index = bisect_right(paragraph_starts, match.start()) - 1
        if index >= 0 and match.start() < spans[index][1]:
            wide.add(index)
            resume = spans[index][1]
        else:
            resume = match.start() + 1
        match = MAY_NOT_BE_ONE_CELL.search(text, resume, spans[-1][1])
    return wide


def wrap_text(text: str, paragraphs: Sequence[Span], width: int, *, cells: CharCells) -> LineLayout:
    """Wrap every paragraph of `text` to `width` cells, with a blank line between paragraphs.

    The common case (paragraphs separated by newlines, no wide characters) is one regex pass
    over the whole text; other paragraphs are wrapped one by one.

    Args:
        text: The whole document text.
        paragraphs: The paragraph spans, in order and not overlapping.
        width: Column width in terminal cells (at least 1 is used).
        cells: The cells a character takes, for characters that may not take one.

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
    wide = _paragraphs_to_measure(text, spans)
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
            line_starts, line_ends = wrap_by_cells(text, p_start, p_end, width, cells=cells)
            starts.extend(line_starts)
            ends.extend(line_ends)
        elif (p_start == 0 or text[p_start - 1] == "\n") and (p_end == size or text[p_end] == "\n"):
            first = bisect_left(all_starts, p_start)
            after = bisect_left(all_starts, p_end, first)
            starts.extend(all_starts[first:after])
            ends.extend(all_ends[first:after])
        else:
            line_starts, line_ends = wrap_range(text, p_start, p_end, width, cells=cells)
            starts.extend(line_starts)
            ends.extend(line_ends)
        if index != last and len(starts) and starts[-1] != ends[-1]:
            starts.append(p_end)
            ends.append(p_end)
    if len(starts) and starts[-1] == ends[-1]:
        starts.pop()
        ends.pop()
    return LineLayout(width, starts, ends)


PIECE_CHARS = 1 << 20
"""Characters of text `wrap_text_in_pieces` wraps at a time: a few milliseconds of work,
and a few thousand lines' offsets held as Python objects before they go into arrays."""


def wrap_text_in_pieces(
    text: str,
    paragraphs: Sequence[Span],
    width: int,
    *,
    cells: CharCells,
    pause: Callable[[], None],
    piece_chars: int = PIECE_CHARS,
) -> LineLayout:
    """`wrap_text`, a piece of about `piece_chars` characters of paragraphs at a time,
    calling `pause` between pieces; the layout is the same line for line.

    Made for a thread wrapping a long text while the UI thread draws: in one go, the
    offsets of a 100 MB text's millions of lines are millions of Python objects at once,
    whose building and collecting would keep the GIL for whole seconds; in pieces, each
    piece's objects are few and freed at once, and `pause` lets the UI thread in.
    """
    width = max(1, width)
    spans = [(s, e) for s, e in paragraphs if e > s]
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    first = 0
    while first < len(spans):
        limit = spans[first][0] + piece_chars
        after = max(first + 1, bisect_left(spans, (limit, limit), first))
        piece = wrap_text(text, spans[first:after], width, cells=cells)
        if piece.line_count:
            if len(starts) and starts[-1] != ends[-1]:
                blank = spans[first - 1][1]  # the gap after the last piece's last paragraph
                starts.append(blank)
                ends.append(blank)
            starts.extend(piece.starts)
            ends.extend(piece.ends)
        first = after
        pause()
    return LineLayout(width, starts, ends)


def column_geometry(widget_width: int, measure: int, margin: int = 2) -> tuple[int, int]:
    """The text column's width and left edge for a widget `widget_width` cells wide.

    The column is at most `measure` cells and centred; a narrower widget keeps `margin`
    cells free on each side (as far as it can).
    """
    column = max(1, min(measure, widget_width - 2 * margin))
    left = max(0, (widget_width - column) // 2)
    return column, left
