"""A document's structure as the reader draws it: text styles per run, signs in the margin.

`library.structure` says what a range of text is (a heading, emphasis, a quote…); this
module says how each is drawn, with no terminal code: as `TextStyle`s over runs of text
that do not overlap (`library.structure_index` flattens them, when the structure is made,
so a line finds its runs by bisection, as marks do), and as a sign left of a line in the
margin (a quote's bar, a list item's bullet or number, a heading's level). The styles
name the widget's component classes (``document-view--<value>``), so a theme's CSS can
restyle each.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from enum import StrEnum

from library.structure import NO_STRUCTURE, Kind, Structure
from library.structure_index import heading_level, kinds_in


class TextStyle(StrEnum):
    """How a run of structured text is drawn."""

    HEADING_1 = "heading-1"
    HEADING_2 = "heading-2"
    HEADING_3 = "heading-3"
    """Level three and below."""
    EMPHASIS = "emphasis"
    STRONG = "strong"
    CODE = "code"
    LINK = "link"
    QUOTE = "quote"
    PREFORMATTED = "preformatted"


_HEADINGS = (TextStyle.HEADING_1, TextStyle.HEADING_2, TextStyle.HEADING_3)
_BY_KIND = {
    Kind.EMPHASIS: TextStyle.EMPHASIS,
    Kind.STRONG: TextStyle.STRONG,
    Kind.CODE: TextStyle.CODE,
    Kind.LINK: TextStyle.LINK,
    Kind.QUOTE: TextStyle.QUOTE,
    Kind.PREFORMATTED: TextStyle.PREFORMATTED,
}
_ORDER = {style: rank for rank, style in enumerate(TextStyle)}

QUOTE_BAR = "▎"
"""The sign left of each line of a block quote."""

StyleRun = tuple[int, int, tuple[TextStyle, ...]]
"""``(start, end, styles)``: a piece of text and the styles it is drawn in."""

_STYLES: dict[int, tuple[TextStyle, ...]] = {}
"""The styles of each run mask met so far (a few dozen at most)."""


def styles_of(mask: int) -> tuple[TextStyle, ...]:
    """The styles of a run covered by the kinds in `mask` (see `library.structure_index`)."""
    styles = _STYLES.get(mask)
    if styles is None:
        found = []
        for kind in kinds_in(mask):
            if kind is Kind.HEADING:
                found.append(_HEADINGS[min(max(heading_level(mask), 1), 3) - 1])
            elif kind in _BY_KIND:
                found.append(_BY_KIND[kind])
        styles = _STYLES.setdefault(mask, tuple(sorted(found, key=_ORDER.__getitem__)))
    return styles


class StructureMarks:
    """A structure as drawn: style runs and the margin's signs, found by bisection in its
    index (read with the structure, so making this costs nothing)."""

    __slots__ = ("_index", "_structure")

    def __init__(self, structure: Structure) -> None:
        self._structure = structure
        self._index = structure.index

    @classmethod
    def build(cls, structure: Structure) -> StructureMarks:
        """The marks of `structure` (its index is made now if it was not read)."""
        return cls(structure)

    def runs(self, start: int, end: int) -> Iterator[StyleRun]:
        """The style runs meeting ``[start, end)``, clipped to it, in order."""
        index = self._index
        starts, ends, masks = index.run_starts, index.run_ends, index.run_masks
        at = bisect_right(ends, start)
        count = len(starts)
        while at < count and starts[at] < end:
            yield max(start, starts[at]), min(end, ends[at]), styles_of(masks[at])
            at += 1

    def sign_in(self, start: int, end: int) -> str | None:
        """The margin's sign for a line showing ``[start, end)``: a list item's marker or a
        heading's level where one starts on it, else a bar inside a quote, else None."""
        index = self._index
        at = bisect_right(index.lead_starts, end - 1) - 1
        if at >= 0 and index.lead_starts[at] >= start:
            return self._sign(index.lead_rows[at])
        quote = bisect_right(index.quote_starts, start) - 1
        if quote >= 0 and index.quote_ends[quote] > start:
            return QUOTE_BAR
        return None

    def _sign(self, row: int) -> str:
        span = self._structure.span(row)
        if span.kind is Kind.HEADING:
            return "#" * min(max(span.level, 1), 6)
        return span.value or "•"


NO_STRUCTURE_MARKS = StructureMarks(NO_STRUCTURE)
"""Nothing to draw: plain text."""
