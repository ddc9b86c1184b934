"""A document's structure as the reader draws it: text styles per run, signs in the margin.

`library.structure` says what a range of text is (a heading, emphasis, a quote…); this
module says how each is drawn, with no terminal code: as `TextStyle`s over runs of text
that do not overlap (flattened once per document, so a line finds its runs by bisection,
as marks do), and as a sign left of a line in the margin (a quote's bar, a list item's
bullet or number, a heading's level). The styles name the widget's component classes
(``document-view--<value>``), so a theme's CSS can restyle each.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from operator import itemgetter

from library.structure import Kind, Structure, StructureSpan


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


def _style_of(span: StructureSpan) -> TextStyle | None:
    if span.kind is Kind.HEADING:
        return _HEADINGS[min(max(span.level, 1), 3) - 1]
    return _BY_KIND.get(span.kind)


@dataclass(frozen=True, slots=True)
class StructureMarks:
    """A structure flattened for drawing: style runs and the margin's signs."""

    starts: array[int]
    """Start of each style run, increasing."""
    ends: array[int]
    """End of each style run (exclusive), increasing."""
    styles: tuple[tuple[TextStyle, ...], ...]
    """The styles of each run."""
    quote_starts: array[int]
    """Start of each stretch of text inside a block quote, increasing."""
    quote_ends: array[int]
    """End of each such stretch."""
    sign_starts: array[int]
    """Where each list item or heading starts, increasing."""
    signs: tuple[str, ...]
    """Its sign: a bullet, a number, or ``#`` marks for a heading's level."""

    @classmethod
    def build(cls, structure: Structure) -> StructureMarks:
        """Flatten `structure` (once per document: linear in its spans, after a sort)."""
        events: list[tuple[int, int, TextStyle]] = []
        quotes: list[tuple[int, int]] = []
        signs: dict[int, str] = {}
        for span in structure.spans:
            style = _style_of(span)
            if style is not None:
                events.append((span.start, 1, style))
                events.append((span.end, -1, style))
            if span.kind is Kind.QUOTE:
                quotes.append((span.start, span.end))
            elif span.kind is Kind.LIST_ITEM:
                signs.setdefault(span.start, span.value or "•")
            elif span.kind is Kind.HEADING:
                signs[span.start] = "#" * min(max(span.level, 1), 6)
        starts, ends, styles = _flatten(events)
        quote_starts, quote_ends = _union(quotes)
        ordered = sorted(signs.items())
        return cls(
            starts,
            ends,
            styles,
            quote_starts,
            quote_ends,
            array("q", [start for start, _ in ordered]),
            tuple(sign for _, sign in ordered),
        )

    def runs(self, start: int, end: int) -> Iterator[StyleRun]:
        """The style runs meeting ``[start, end)``, clipped to it, in order."""
        index = bisect_right(self.ends, start)
        count = len(self.starts)
        while index < count and self.starts[index] < end:
            yield max(start, self.starts[index]), min(end, self.ends[index]), self.styles[index]
            index += 1

    def sign_in(self, start: int, end: int) -> str | None:
        """The margin's sign for a line showing ``[start, end)``: a list item's marker or a
        heading's level where one starts on it, else a bar inside a quote, else None."""
        index = bisect_right(self.sign_starts, end - 1) - 1
        if index >= 0 and self.sign_starts[index] >= start:
            return self.signs[index]
        quote = bisect_right(self.quote_starts, start) - 1
        if quote >= 0 and self.quote_ends[quote] > start:
            return QUOTE_BAR
        return None


def _flatten(
    events: list[tuple[int, int, TextStyle]],
) -> tuple[array[int], array[int], tuple[tuple[TextStyle, ...], ...]]:
    """Non-overlapping runs from start (+1) and end (-1) events of styles."""
    events.sort(key=itemgetter(0))
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    styles: list[tuple[TextStyle, ...]] = []
    shared: dict[tuple[TextStyle, ...], tuple[TextStyle, ...]] = {}
    active: dict[TextStyle, int] = {}
    index = 0
    while index < len(events):
        here = events[index][0]
        while index < len(events) and events[index][0] == here:
            _, delta, style = events[index]
            count = active.get(style, 0) + delta
            if count:
                active[style] = count
            else:
                del active[style]
            index += 1
        if active and index < len(events):
            covering = tuple(sorted(active, key=_ORDER.__getitem__))
            covering = shared.setdefault(covering, covering)
            following = events[index][0]
            if styles and ends[-1] == here and styles[-1] == covering:
                ends[-1] = following
            else:
                starts.append(here)
                ends.append(following)
                styles.append(covering)
    return starts, ends, tuple(styles)


def _union(ranges: list[tuple[int, int]]) -> tuple[array[int], array[int]]:
    """`ranges` merged where they overlap or nest, in order."""
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    for start, end in sorted(ranges):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


NO_STRUCTURE_MARKS = StructureMarks.build(Structure())
"""Nothing to draw: plain text."""
