"""The rows `newsreader list` and `newsreader search` print.

Piped, a row is always the same (scripts read it). On a terminal it fits the width: the
title (and the source) are cut with `…` instead of wrapping onto the next line, the
title before the source, and on a very narrow terminal the date is left out.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from library.sanitize import one_line
from reader.labels import cell_width, clip_cells, length_label, progress_label

SEARCH_CONTEXT_INDENT = "    "
"""A search hit's context line starts under its row, indented."""

_NO_DATE = " " * 10
_MIN_TITLE = 24
"""Below this many cells for title and source, the date is left out of a `list` row."""
_MIN_SOURCE = len("  (ab…)")
"""A source that would get fewer cells than this is left out rather than cut to nothing."""


def terminal_width() -> int:
    """The terminal's width in cells (`COLUMNS` first, as every tool does; 80 if unknown)."""
    return shutil.get_terminal_size().columns


@dataclass(frozen=True, slots=True)
class ListRow:
    """One document as `list` prints it."""

    doc_id: str
    """The document's id."""
    date: str | None
    """Its date (``YYYY-MM-DD``), if known."""
    reading_minutes: int
    """Its reading time."""
    progress: float | None
    """How far it was read (None: never opened)."""
    title: str
    """Its title, as stored (made visible here)."""
    source: str | None
    """Its publication, if known."""

    def line(self, width: int | None = None) -> str:
        """The row, without its newline: whole (`width` None), or fitted to `width` cells."""
        numbers = f"{length_label(self.reading_minutes):>7}  {progress_label(self.progress):>4}"
        date = f"{self.date or _NO_DATE}  "
        title = one_line(self.title)
        source = one_line(self.source) if self.source else ""
        if width is None:
            return f"{self.doc_id}  {date}{numbers}  {title}" + (f"  ({source})" if source else "")
        prefix = f"{self.doc_id}  {date}{numbers}  "
        if width - cell_width(prefix) < _MIN_TITLE:
            prefix = f"{self.doc_id}  {numbers}  "
        return prefix + fit_title_and_source(title, source, width - cell_width(prefix))


def fit_title_and_source(title: str, source: str, cells: int) -> str:
    """`title  (source)` in at most `cells` cells. A source is short and says a lot, so
    it is cut last: the title is cut first, down to half the room, and only then the
    source; each cut ends in `…`."""
    cells = max(cells, 1)
    if not source:
        return clip_cells(title, cells)
    whole_source = cell_width(source) + len("  ()")
    title_cells = cell_width(title)
    if title_cells + whole_source <= cells:
        return f"{title}  ({source})"
    source_room = min(whole_source, cells - min(title_cells, cells // 2))
    if source_room < _MIN_SOURCE:
        return clip_cells(title, cells)
    fitted_source = clip_cells(source, source_room - len("  ()"))
    return f"{clip_cells(title, cells - source_room)}  ({fitted_source})"


@dataclass(frozen=True, slots=True)
class SearchRow:
    """One search hit as `search` prints it: a row, then its context, indented."""

    doc_id: str
    """The document's id."""
    start: int
    """Where the match starts in the text (code points)."""
    score: float
    """How good the match is (0–100)."""
    title: str
    """The document's title, as stored."""
    context: str
    """The match in its surroundings, one line."""

    def lines(self, width: int | None = None) -> str:
        """The row and its context line, each ending in a newline: as always (`width`
        None), or each fitted to `width` cells."""
        head = f"{self.doc_id}  {self.start:>8}  {self.score:5.1f}  "
        title = one_line(self.title)
        context = one_line(self.context)
        if width is None:
            return f"{head}{title}\n{SEARCH_CONTEXT_INDENT}{context}\n"
        title = clip_cells(title, max(1, width - cell_width(head)))
        context = clip_cells(context, max(1, width - len(SEARCH_CONTEXT_INDENT)))
        return f"{head}{title}\n{SEARCH_CONTEXT_INDENT}{context}\n"
