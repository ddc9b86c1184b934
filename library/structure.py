"""A document's structure: typed spans over its text (headings, emphasis, links, quotes…).

The text stays the one text every offset indexes (what `show` prints, what search,
highlights and anchoring slice); structure only says what kind of text a range is, so a
document without any (a plain-text news article) is exactly what it was. Spans are made
by the parsers (Markdown, web pages, EPUB chapters) and kept beside the text by
`library.structure_files`; the reader draws them, the table of contents lists headings,
and `o` follows links.

A structured book has tens of thousands of spans. They are held as columns of numbers
(arrays, read from disk in one go), and a `StructureSpan` is made only when one is asked
for, so opening such a book costs milliseconds, not the time of making every span.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from library.structure_index import StructureIndex


class Kind(IntEnum):
    """What a span of text is. The numbers are stored in structure files: never reuse one."""

    HEADING = 1
    EMPHASIS = 2
    STRONG = 3
    CODE = 4
    LINK = 5
    QUOTE = 6
    LIST_ITEM = 7
    PREFORMATTED = 8


BLOCK_KINDS = frozenset({Kind.HEADING, Kind.QUOTE, Kind.LIST_ITEM, Kind.PREFORMATTED})
"""Kinds that cover whole paragraphs; the others lie inside one paragraph."""

_KIND_OF = {kind.value: kind for kind in Kind}


@dataclass(frozen=True, slots=True)
class StructureSpan:
    """One typed range of a document's text."""

    kind: Kind
    """What the range is."""
    start: int
    """First code point of the range in the text."""
    end: int
    """End of the range (exclusive); always after `start`."""
    level: int = 0
    """A heading's level (1 for ``#``), a quote's or list item's depth (1 outermost)."""
    value: str = ""
    """A link's target, or a list item's marker (``•``, ``3.``); empty for other kinds."""


@dataclass(frozen=True, slots=True)
class StructureColumns:
    """The spans of one text as columns: row ``i`` of each is span ``i``.

    Rows are sorted by ``(start, -end, kind)``, so an enclosing span comes before those
    it holds. Treat the arrays as immutable.
    """

    kinds: array[int]
    """Each span's `Kind` value (typecode ``B``)."""
    starts: array[int]
    """Each span's start (typecode ``q``), increasing."""
    ends: array[int]
    """Each span's end (typecode ``q``)."""
    levels: array[int]
    """Each span's level (typecode ``q``)."""
    value_ids: array[int]
    """Each span's value, as an index into `values` (typecode ``q``)."""
    values: tuple[str, ...] = ("",)
    """The distinct values; the first is the empty one."""


_EMPTY_COLUMNS = StructureColumns(array("B"), array("q"), array("q"), array("q"), array("q"), ("",))


class Structure:
    """The typed spans of one text, in order (an enclosing span before those it holds).

    Immutable once made. Its drawing index (`index`) is made when first asked for, or
    read with the spans from beside the text.
    """

    __slots__ = ("_index", "_link_rows", "_spans", "columns")

    def __init__(
        self, columns: StructureColumns = _EMPTY_COLUMNS, index: StructureIndex | None = None
    ) -> None:
        """Wrap `columns` (sorted as `StructureColumns` says); `index`, if given, must
        have been made from them."""
        self.columns = columns
        """The spans as columns of numbers."""
        self._index = index
        self._spans: tuple[StructureSpan, ...] | None = None
        self._link_rows: tuple[int, ...] | None = None

    @classmethod
    def of(cls, spans: Iterable[StructureSpan]) -> Structure:
        """Structure holding `spans` (in any order; empty ones are dropped)."""
        kept = [span for span in spans if span.end > span.start]
        kept.sort(key=lambda span: (span.start, -span.end, span.kind))
        values: dict[str, int] = {"": 0}
        value_ids = array("q", [values.setdefault(span.value, len(values)) for span in kept])
        columns = StructureColumns(
            array("B", [span.kind.value for span in kept]),
            array("q", [span.start for span in kept]),
            array("q", [span.end for span in kept]),
            array("q", [span.level for span in kept]),
            value_ids,
            tuple(values),
        )
        structure = cls(columns)
        structure._spans = tuple(kept)
        return structure

    def __len__(self) -> int:
        return len(self.columns.starts)

    def __bool__(self) -> bool:
        return bool(self.columns.starts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Structure):
            return NotImplemented
        return self.spans == other.spans

    def __hash__(self) -> int:
        return hash(self.columns.starts.tobytes())

    def __repr__(self) -> str:
        return f"Structure(count={len(self)})"

    def span(self, row: int) -> StructureSpan:
        """Span number `row`, in order."""
        columns = self.columns
        return StructureSpan(
            _KIND_OF[columns.kinds[row]],
            columns.starts[row],
            columns.ends[row],
            columns.levels[row],
            columns.values[columns.value_ids[row]],
        )

    @property
    def spans(self) -> tuple[StructureSpan, ...]:
        """Every span, sorted by ``(start, -end, kind)`` (made when first asked for)."""
        if self._spans is None:
            self._spans = tuple(self.span(row) for row in range(len(self)))
        return self._spans

    def rows_of(self, kind: Kind) -> Iterator[int]:
        """The rows of the spans of `kind`, in order."""
        kinds = self.columns.kinds.tobytes()
        wanted = bytes([kind.value])
        row = kinds.find(wanted)
        while row >= 0:
            yield row
            row = kinds.find(wanted, row + 1)

    def of_kind(self, kind: Kind) -> tuple[StructureSpan, ...]:
        """The spans of `kind`, in order."""
        return tuple(self.span(row) for row in self.rows_of(kind))

    def headings(self) -> tuple[StructureSpan, ...]:
        """The heading spans, in reading order."""
        return self.of_kind(Kind.HEADING)

    def links_in(self, start: int, end: int) -> tuple[StructureSpan, ...]:
        """The links that overlap ``[start, end)``, in order."""
        if self._link_rows is None:
            self._link_rows = tuple(self.rows_of(Kind.LINK))
        starts, ends = self.columns.starts, self.columns.ends
        last = bisect_left(self._link_rows, bisect_left(starts, end))
        return tuple(
            self.span(row)
            for row in self._link_rows[:last]
            if ends[row] > start and starts[row] < end
        )

    def fits(self, length: int) -> bool:
        """Whether every span lies inside a text of `length` code points."""
        columns = self.columns
        if not columns.starts:
            return True
        return (
            columns.starts[0] >= 0
            and all(map(int.__lt__, columns.starts, columns.ends))
            and max(columns.ends) <= length
        )

    @property
    def index(self) -> StructureIndex:
        """The spans flattened for drawing (made when first asked for, if not read)."""
        if self._index is None:
            from library.structure_index import StructureIndex

            self._index = StructureIndex.build(self)
        return self._index


NO_STRUCTURE = Structure()
"""A text with no structure: plain text."""
