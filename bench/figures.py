"""One measured speed figure: its samples, its median, its target and the verdict."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Figure:
    """A row of the benchmark table."""

    key: str
    """Short stable name (``screen.book``), for reading the table and diffing runs."""
    label: str
    """What was measured, for a person."""
    unit: str
    """Unit of `median` and `target`: ``ms``, ``s``, ``MB`` or ``×`` (a plain ratio)."""
    samples: tuple[float, ...]
    """Every measurement, in `unit`; empty when the figure was not measured."""
    target_text: str
    """The target as written in the table (``≤ 1.25 × floor``)."""
    passed: bool | None
    """True or False against the target; None when there is nothing to judge."""
    ratio: float | None = None
    """The median of the round-by-round ratios to the floor, where the target is a multiple
    of the floor."""
    note: str = ""
    """Why the figure is missing, or what else the reader should know about it."""

    @property
    def median(self) -> float | None:
        """Median of the samples; None when there are none."""
        return statistics.median(self.samples) if self.samples else None

    @property
    def verdict(self) -> str:
        """``pass``, ``MISS`` or ``–`` (nothing to judge)."""
        if self.passed is None:
            return "–"
        return "pass" if self.passed else "MISS"


def median(samples: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    return statistics.median(samples)


def at_most(
    key: str,
    label: str,
    unit: str,
    samples: Sequence[float],
    target: float,
    *,
    note: str = "",
) -> Figure:
    """A figure whose median must not exceed `target` (in `unit`)."""
    shown = f"≤ {target:g} {unit}"
    if not samples:
        return Figure(key, label, unit, (), shown, None, note=note)
    return Figure(key, label, unit, tuple(samples), shown, median(samples) <= target, note=note)


def against_floor(
    key: str,
    label: str,
    samples_ms: Sequence[float],
    floor_ms: Sequence[float],
    target_ratio: float,
    *,
    note: str = "",
) -> Figure:
    """A "to screen" figure in ms whose ratio to the floor must not exceed `target_ratio`.

    `floor_ms` holds the floor's time in each round, in the order of `samples_ms`: every
    round starts the floor and then each program, one after the other, so a slow spell of
    the machine mostly falls within a round. The ratio is taken round by round, and its
    median is the figure's ratio.
    """
    shown = f"≤ {target_ratio:g} × floor"
    if not samples_ms or len(floor_ms) != len(samples_ms):
        return Figure(key, label, "ms", tuple(samples_ms), shown, None, note=note)
    ratio = median([time / floor for time, floor in zip(samples_ms, floor_ms, strict=True)])
    return Figure(key, label, "ms", tuple(samples_ms), shown, ratio <= target_ratio, ratio, note)


def information(key: str, label: str, unit: str, samples: Sequence[float], note: str) -> Figure:
    """A figure shown for context, with no target of its own."""
    return Figure(key, label, unit, tuple(samples), "–", None, note=note)


def not_measured(key: str, label: str, unit: str, target_text: str, note: str) -> Figure:
    """A slot for a figure that cannot be measured yet (say, a feature not built yet)."""
    return Figure(key, label, unit, (), target_text, None, note=note)
