"""Marks: coloured spans drawn over a document's text, and the index that finds them per line.

A mark is ``(start, end, style)``. Its style is a highlight's `Color`, or a `MarkKind` for
what the reader lights up itself (search matches, the selection). Marks are set in
independent layers (`MarkLayer`: a new search replaces the matches and leaves the
highlights) and flattened into one `MarkIndex` of runs that do not overlap, so drawing a
line finds its runs by bisection however many marks the text holds.

The widget turns each style into a component class for its CSS (`DocumentView`); the
styles are named here, with no terminal code, so the screen, the widget, the tests and the
benchmarks all name them the same way and a new highlight color needs no edit here.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum, StrEnum, auto
from itertools import accumulate
from operator import itemgetter
from typing import TypeAlias

from annotations.model import Color


class MarkKind(StrEnum):
    """What a mark that is not a highlight shows (a highlight's mark is its `Color`).

    The values name the widget's component classes (``document-view--<value>``), so a
    theme's CSS can restyle each kind.
    """

    MATCH = "match"
    """A search match."""
    CURRENT_MATCH = "match-current"
    """The match `n`/`N` stopped on, or the place offered for a lost highlight."""
    SELECTION = "selection"
    """The words being selected for a new highlight."""


MarkStyle: TypeAlias = Color | MarkKind
"""How a mark is drawn: in a highlight color, or as one of the `MarkKind`s."""

MARK_STYLES: tuple[MarkStyle, ...] = (*Color, *MarkKind)
"""Every mark style, lowest first: where marks overlap, the later wins (a selection over a
match over a highlight). The colors come first, in `Color`'s order."""

_RANK: dict[MarkStyle, int] = {style: rank for rank, style in enumerate(MARK_STYLES)}

Mark: TypeAlias = tuple[int, int, MarkStyle]
"""``(start, end, style)``: offsets into the text (end exclusive) and how to draw them."""


class MarkLayer(Enum):
    """Independent sets of marks: setting one replaces its marks and keeps the others."""

    HIGHLIGHTS = auto()
    """The document's placed highlights, each in its color."""
    MATCHES = auto()
    """The matches of the current search."""
    SELECTION = auto()
    """The words being selected."""
    REVIEW = auto()
    """The place offered for a lost highlight while it is reviewed."""


class MarginSign(StrEnum):
    """A one-cell sign drawn in the margin, left of a line of text."""

    NOTE = "✎"
    """A highlight with a note starts on this line."""


@dataclass(frozen=True, slots=True)
class MarkIndex:
    """Marks flattened into non-overlapping runs, so a line finds its runs by bisection."""

    starts: array[int]
    """Start offset of each run, increasing."""
    ends: array[int]
    """End offset (exclusive) of each run, increasing."""
    styles: tuple[tuple[MarkStyle, ...], ...]
    """The styles covering each run, lowest rank first (the same tuple for equal sets)."""

    @classmethod
    def build(cls, marks: Iterable[Mark]) -> MarkIndex:
        """Flatten `marks`; empty spans and unknown styles are ignored."""
        events = _events(marks)
        starts: array[int] = array("q")
        ends: array[int] = array("q")
        styles: list[tuple[MarkStyle, ...]] = []
        shared: dict[tuple[int, ...], tuple[MarkStyle, ...]] = {}
        active: dict[int, int] = {}  # rank -> marks of that rank covering the current place
        previous: tuple[int, ...] = ()
        index = 0
        while index < len(events):
            here = events[index][0]
            while index < len(events) and events[index][0] == here:
                _, delta, rank = events[index]
                count = active.get(rank, 0) + delta
                if count:
                    active[rank] = count
                else:
                    del active[rank]
                index += 1
            if active and index < len(events):
                covering = tuple(sorted(active))
                following = events[index][0]
                if styles and ends[-1] == here and previous == covering:
                    ends[-1] = following
                else:
                    starts.append(here)
                    ends.append(following)
                    styles.append(shared.get(covering) or _styles_of(covering, shared))
                previous = covering
        return cls(starts, ends, tuple(styles))

    def runs(self, start: int, end: int) -> Iterator[tuple[int, int, tuple[MarkStyle, ...]]]:
        """The runs meeting ``[start, end)``, clipped to it, in order: O(log n + k)."""
        index = bisect_right(self.ends, start)
        count = len(self.starts)
        while index < count and self.starts[index] < end:
            yield max(start, self.starts[index]), min(end, self.ends[index]), self.styles[index]
            index += 1


def _events(marks: Iterable[Mark]) -> list[tuple[int, int, int]]:
    """``(offset, +1 or -1, rank)`` where each known, non-empty mark starts and ends, in
    order of offset."""
    events: list[tuple[int, int, int]] = []
    for start, end, style in marks:
        rank = _RANK.get(style)
        if end > start and rank is not None:
            events.append((start, 1, rank))
            events.append((end, -1, rank))
    events.sort(key=itemgetter(0))
    return events


def _styles_of(
    ranks: tuple[int, ...], shared: dict[tuple[int, ...], tuple[MarkStyle, ...]]
) -> tuple[MarkStyle, ...]:
    """The styles of `ranks`, remembered in `shared` so equal runs share one tuple."""
    styles = shared[ranks] = tuple(MARK_STYLES[rank] for rank in ranks)
    return styles


NO_MARKS = MarkIndex(array("q"), array("q"), ())
"""The index of no marks at all."""


@dataclass(frozen=True, slots=True)
class MarginMarks:
    """Signs to draw in the margin, each beside the line holding its offset."""

    offsets: tuple[int, ...]
    """The offset of each sign, increasing."""
    signs: tuple[MarginSign, ...]
    """The sign at each offset."""

    @classmethod
    def build(cls, marks: Iterable[tuple[int, MarginSign]]) -> MarginMarks:
        """Order `marks` (``(offset, sign)`` pairs) by offset."""
        ordered = sorted(marks)
        return cls(tuple(offset for offset, _ in ordered), tuple(sign for _, sign in ordered))

    def sign_in(self, start: int, end: int) -> MarginSign | None:
        """The first sign whose offset is in ``[start, end)``, if any."""
        at = bisect_left(self.offsets, start)
        if at < len(self.offsets) and self.offsets[at] < end:
            return self.signs[at]
        return None


NO_MARGIN_MARKS = MarginMarks((), ())
"""No signs in the margin."""


WINDOW = 32_768
"""Characters either side of a drawn line that one window of the `MarkLayers` covers."""


@dataclass(frozen=True, slots=True)
class SortedMarks:
    """One layer's marks sorted by start, so the marks meeting a span are found by bisection:
    `reach` holds the furthest end of the marks up to each one."""

    starts: tuple[int, ...]
    """The start of each mark, increasing."""
    reach: tuple[int, ...]
    """The furthest end of the marks up to and including each one (never decreasing)."""
    marks: tuple[Mark, ...]
    """The marks, by start."""

    @classmethod
    def of(cls, marks: Iterable[Mark]) -> SortedMarks:
        """Sort `marks` by start (cheap when they already are, as highlights come)."""
        ordered = tuple(sorted(marks, key=itemgetter(0)))
        starts = tuple(mark[0] for mark in ordered)
        reach = tuple(accumulate((mark[1] for mark in ordered), max))
        return cls(starts, reach, ordered)

    def meeting(self, start: int, end: int) -> Iterator[Mark]:
        """The marks that overlap ``[start, end)``."""
        first = bisect_right(self.reach, start)
        upto = bisect_left(self.starts, end)
        for mark in self.marks[first:upto]:
            if mark[1] > start:
                yield mark


class MarkLayers:
    """The marks set on each `MarkLayer`, and the runs they make where the text is drawn.

    Mutable, as the widget holds it. Setting a layer only sorts its marks; the runs are
    flattened (`MarkIndex`) for a window of text around the lines drawn, when first drawn,
    so a document with a hundred thousand highlights costs what the few in view cost.
    """

    __slots__ = ("_layers", "_window", "_window_index", "margin", "version")

    def __init__(self) -> None:
        self._layers: dict[MarkLayer, SortedMarks] = {}
        self._window: tuple[int, int] = (0, 0)
        self._window_index = NO_MARKS
        self.margin = NO_MARGIN_MARKS
        """The signs drawn in the margin."""
        self.version = 0
        """Counts the changes (what was drawn before a change is stale)."""

    @property
    def index(self) -> MarkIndex:
        """Every layer's marks, flattened (all of them: for tests and small texts)."""
        return MarkIndex.build(mark for layer in self._layers.values() for mark in layer.marks)

    def runs(self, start: int, end: int) -> Iterator[tuple[int, int, tuple[MarkStyle, ...]]]:
        """The runs meeting ``[start, end)`` (see `MarkIndex.runs`), flattening the marks of
        a window around it first when the last window does not hold it."""
        low, high = self._window
        if not low <= start or not end <= high:
            low, high = max(0, start - WINDOW), end + WINDOW
            self._window = (low, high)
            self._window_index = MarkIndex.build(
                mark for layer in self._layers.values() for mark in layer.meeting(low, high)
            )
        return self._window_index.runs(start, end)

    def set(self, layer: MarkLayer, marks: Iterable[Mark]) -> None:
        """Replace the marks of `layer` with `marks`."""
        self._layers[layer] = SortedMarks.of(marks)
        self._forget_window()

    def clear(self, layer: MarkLayer | None = None) -> None:
        """Remove the marks of `layer`, or of every layer when None."""
        if layer is None:
            self._layers.clear()
        else:
            self._layers.pop(layer, None)
        self._forget_window()

    def set_margin(self, marks: Iterable[tuple[int, MarginSign]]) -> None:
        """Replace the signs of the margin with `marks` (``(offset, sign)`` pairs)."""
        self.margin = MarginMarks.build(marks)
        self.version += 1

    def _forget_window(self) -> None:
        self._window = (0, 0)
        self._window_index = NO_MARKS
        self.version += 1
