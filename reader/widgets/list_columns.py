"""The library list's columns: which fit a width, what each row shows in them, and how a
value is fitted to its cells (measured as the terminal draws it, with Rich's cell widths).
No Textual: the table's layout is tested on its own, and the list widget only draws."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rich.cells import cell_len, set_cell_size

from library.entries import Entry
from library.sanitize import one_line
from reader.labels import length_label, progress_label


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the list."""

    label: str
    """The header's text."""
    value: int
    """Which of `row_values` the column shows."""
    width: int
    """Width in cells, padding excluded."""
    right: bool = False
    """Whether the values are aligned to the right."""
    dim: bool = False
    """Whether the values are drawn dimmed."""


TITLE_MIN_WIDTH = 20
"""The title never gets fewer cells than this (the other columns give way first)."""
SOURCE_MAX_WIDTH = 20
"""The source column is as wide as the widest source shown, up to this."""
SOURCE_MIN_WIDTH = 6
"""A source column that would be narrower than this is left out."""
PADDING = 1
"""Cells of padding on each side of every column."""

_SOURCE = Column("Source", 1, SOURCE_MAX_WIDTH, dim=True)
_DATE = Column("Date", 2, 10)
_LENGTH = Column("Length", 3, 6, right=True)
_SHORT_LENGTH = Column("Len", 6, 4, right=True)
_READ = Column("Read", 4, 4, right=True)
_MARKS = Column("Marks", 5, 5, right=True)


_GIVING_WAY: tuple[tuple[Column, Column | None], ...] = (
    (_LENGTH, _SHORT_LENGTH),
    (_DATE, None),
    (_MARKS, None),
    (_SHORT_LENGTH, None),
)
"""What gives way to the title, in order: each column, and its narrower form (or None)."""


@lru_cache(maxsize=32)
def widest_source(entries: Sequence[Entry]) -> int:
    """Cells of the widest source among `entries` (0 when none has one). A list filtered
    from a library is given the library's: its columns stay put while the user types,
    and the thousands of rows a key can match are not measured again at every key."""
    sources = {entry.source for entry in entries if entry.source}  # a few, among thousands
    return max((cell_len(one_line(source)) for source in sources), default=0)


@lru_cache(maxsize=64)
def columns_for(width: int, source_width: int = SOURCE_MAX_WIDTH) -> tuple[Column, ...]:
    """The columns for a list `width` cells wide whose widest source takes `source_width`
    cells: the title takes what the others leave.

    Columns are laid out by what they are worth: while the title would get less than
    two fifths of the width, the length takes its narrow form (`4m`), then the date, the
    marks and the length are left out, in that order; only then is the source shortened
    (left out below `SOURCE_MIN_WIDTH`). The progress (Read) is always shown.

    Kept for each width: every line of the list drawn asks for them.
    """
    source = min(source_width, SOURCE_MAX_WIDTH)
    columns = [replace(_SOURCE, width=source)] if source > 0 else []
    columns += [_DATE, _LENGTH, _READ, _MARKS]

    def title_width() -> int:
        return width - sum(column.width + 2 * PADDING for column in columns) - 2 * PADDING

    comfortable = max(TITLE_MIN_WIDTH, width * 2 // 5)
    for given_way, narrower in _GIVING_WAY:
        if title_width() >= comfortable:
            break
        columns = _give_way(columns, given_way, narrower)
    missing = TITLE_MIN_WIDTH - title_width()
    if missing > 0 and source > 0:
        source = max(0, source - missing)
        columns = [c for c in columns if c.label != "Source"]
        if source >= SOURCE_MIN_WIDTH:
            columns.insert(0, replace(_SOURCE, width=source))
    return (Column("Title", 0, max(TITLE_MIN_WIDTH, title_width())), *columns)


def _give_way(columns: list[Column], column: Column, narrower: Column | None) -> list[Column]:
    """`columns` with `column` in its `narrower` form, or left out when there is none."""
    if narrower is None:
        return [kept for kept in columns if kept is not column]
    return [narrower if kept is column else kept for kept in columns]


def fit(text: str, width: int, *, right: bool = False) -> str:
    """`text` in exactly `width` cells: cut with an ellipsis when too long, else padded.

    `text` is printable (see `row_values`): in ASCII, a character is a cell, and counting
    cells the general way (a look-up per character) was most of the cost of a new row.
    """
    if text.isascii():
        if len(text) > width:
            return text[: width - 1] + "…" if width > 1 else text[:width]
        padding = " " * (width - len(text))
        return padding + text if right else text + padding
    cells = cell_len(text)
    if cells > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    if right:
        return " " * (width - cells) + text
    return text + " " * (width - cells)


ROW_FIELDS = ("title", "source", "date", "length", "read", "marks", "short length")
"""What `row_values` gives, in order (`Column.value` indexes it)."""


def row_values(entry: Entry, progress: float | None, highlights: int) -> tuple[str, ...]:
    """What each column can show for `entry` (made visible and put on one line), in the
    order of `ROW_FIELDS`."""
    return (
        one_line(entry.title),
        one_line(entry.source or ""),
        one_line(entry.date or ""),
        length_label(entry.reading_minutes),
        progress_label(progress),
        str(highlights) if highlights else "",
        short_length_label(entry.reading_minutes),
    )


def short_length_label(minutes: int) -> str:
    """Reading time in at most four characters, for a narrow list: `4m`, `2h`, `41h`."""
    if minutes < 60:
        return f"{minutes}m"
    return f"{round(minutes / 60)}h"
