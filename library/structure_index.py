"""A structure flattened for drawing: which kinds cover each piece of text, where quotes
run, and where a heading or list item begins.

Spans nest and overlap (a link inside strong text inside a quote); a screen line wants
the opposite: runs of text that do not overlap, each with every kind that covers it, so
that a line finds its runs by bisection. Flattening a structured book's tens of thousands
of spans takes a good part of a second, so it is done when the structure is made (when
the document is added) and kept with it (`library.structure_files`), not when the
document is opened. What each kind looks like is the reader's business
(`reader.layout.structure_marks`); this says only what the text is.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING

from library.structure import Kind

if TYPE_CHECKING:
    from library.structure import Structure

HEADING_LEVEL_SHIFT = 16
"""A run's mask holds ``1 << kind`` for each kind covering it, and a heading's level
shifted by this many bits."""

_LEVEL_MASK = 0xFF


def kinds_in(mask: int) -> tuple[Kind, ...]:
    """The kinds a run's `mask` says cover it, in `Kind` order."""
    return tuple(kind for kind in Kind if mask & (1 << kind.value))


def heading_level(mask: int) -> int:
    """The level of the heading a run's `mask` says covers it (0: none)."""
    return (mask >> HEADING_LEVEL_SHIFT) & _LEVEL_MASK


@dataclass(frozen=True, slots=True)
class StructureIndex:
    """Style runs, quote stretches and line leads of one structure, as arrays."""

    run_starts: array[int]
    """Start of each run of text covered by some kind, increasing."""
    run_ends: array[int]
    """End of each run (exclusive), increasing; runs never overlap."""
    run_masks: array[int]
    """What covers each run: ``1 << kind`` for each kind, and a heading's level."""
    quote_starts: array[int]
    """Start of each stretch of text inside a block quote, increasing."""
    quote_ends: array[int]
    """End of each such stretch; stretches never overlap."""
    lead_starts: array[int]
    """Where a heading or a list item begins, increasing."""
    lead_rows: array[int]
    """The structure's row of that heading (preferred) or outermost list item."""

    @classmethod
    def build(cls, structure: Structure) -> StructureIndex:
        """Flatten `structure` (linear in its spans, after a sort)."""
        columns = structure.columns
        events: list[tuple[int, int]] = []
        quotes: list[tuple[int, int]] = []
        leads: dict[int, int] = {}
        rows = zip(columns.kinds, columns.starts, columns.ends, columns.levels, strict=True)
        for row, (kind, start, end, level) in enumerate(rows):
            if kind == Kind.HEADING:
                leads[start] = row
                code = kind | (min(max(level, 0), _LEVEL_MASK) << 8)
            elif kind == Kind.LIST_ITEM:
                leads.setdefault(start, row)
                continue
            else:
                code = kind
                if kind == Kind.QUOTE:
                    quotes.append((start, end))
            events.append((start, code))
            events.append((end, -code))
        run_starts, run_ends, run_masks = _flatten(events)
        quote_starts, quote_ends = _union(quotes)
        ordered = sorted(leads.items())
        return cls(
            run_starts,
            run_ends,
            run_masks,
            quote_starts,
            quote_ends,
            array("q", [start for start, _ in ordered]),
            array("q", [row for _, row in ordered]),
        )


EMPTY_INDEX = StructureIndex(*(array("q") for _ in range(7)))
"""Nothing to draw."""


def _mask(active: dict[int, int]) -> int:
    """The mask of the kinds in `active` (a heading's code carries its level above 8 bits)."""
    mask = 0
    level = 0
    for code in active:
        mask |= 1 << (code & _LEVEL_MASK)
        level = max(level, code >> 8)
    return mask | (level << HEADING_LEVEL_SHIFT)


def _flatten(events: list[tuple[int, int]]) -> tuple[array[int], array[int], array[int]]:
    """Runs that do not overlap, from start (+code) and end (-code) events of kinds."""
    events.sort(key=itemgetter(0))
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    masks: array[int] = array("q")
    active: dict[int, int] = {}
    index = 0
    count = len(events)
    while index < count:
        here = events[index][0]
        while index < count and events[index][0] == here:
            signed = events[index][1]
            code = abs(signed)
            left = active.get(code, 0) + (1 if signed > 0 else -1)
            if left:
                active[code] = left
            else:
                del active[code]
            index += 1
        if active and index < count:
            mask = _mask(active)
            following = events[index][0]
            if masks and ends[-1] == here and masks[-1] == mask:
                ends[-1] = following
            else:
                starts.append(here)
                ends.append(following)
                masks.append(mask)
    return starts, ends, masks


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
