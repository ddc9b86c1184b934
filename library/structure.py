"""A document's structure: typed spans over its text (headings, emphasis, links, quotes…).

The text stays the one text every offset indexes (what `show` prints, what search,
highlights and anchoring slice); structure only says what kind of text a range is, so a
document without any (a plain-text news article) is exactly what it was. Spans are made
by the parsers (Markdown, web pages, EPUB chapters) and kept beside the text by
`library.structure_files`; the reader draws them, the table of contents lists headings,
and `o` follows links.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum


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
class Structure:
    """The typed spans of one text, ordered by start (an enclosing span before those it
    holds)."""

    spans: tuple[StructureSpan, ...] = ()
    """Every span, sorted by ``(start, -end)``."""
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(span.start for span in self.spans))

    @classmethod
    def of(cls, spans: Iterable[StructureSpan]) -> Structure:
        """Structure holding `spans` (in any order; empty ones are dropped)."""
        kept = [span for span in spans if span.end > span.start]
        kept.sort(key=lambda span: (span.start, -span.end, span.kind))
        return cls(tuple(kept))

    def __bool__(self) -> bool:
        return bool(self.spans)

    def of_kind(self, kind: Kind) -> tuple[StructureSpan, ...]:
        """The spans of `kind`, in order."""
        return tuple(span for span in self.spans if span.kind is kind)

    def headings(self) -> tuple[StructureSpan, ...]:
        """The heading spans, in reading order."""
        return self.of_kind(Kind.HEADING)

    def links_in(self, start: int, end: int) -> tuple[StructureSpan, ...]:
        """The links that overlap ``[start, end)``, in order."""
        last = bisect_left(self._starts, end)
        return tuple(
            span
            for span in self.spans[:last]
            if span.kind is Kind.LINK and span.end > start and span.start < end
        )

    def fits(self, length: int) -> bool:
        """Whether every span lies inside a text of `length` code points."""
        return all(0 <= span.start < span.end <= length for span in self.spans)


NO_STRUCTURE = Structure()
"""A text with no structure: plain text."""
