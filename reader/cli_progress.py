"""A progress line for long commands on a terminal: how far, how fast, and how long still.

An add of ten thousand articles takes a while; a silent terminal looks hung. The line is
written to standard error, redrawn in place (``\\r``) at most a few times a second, and
cleared when the work is done, so standard output stays the command's answer. Nothing is
drawn when standard error is not a terminal (a log, a pipe) or for a handful of files.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

_REDRAW_EVERY = 0.2
"""Seconds between two drawings of the line: often enough to look alive."""
_SHOWN_FROM = 1.0
"""Seconds before the line first shows: a quick command never flickers."""
_RATE_AFTER = 1.0
"""Seconds of progress before a rate (and the time left) is said."""


def progress_text(
    verb: str, done: int, total: int, rate: float | None = None, *, unit: str | None = None
) -> str:
    """The progress line: ``Adding files · 45 % · about 11 s left`` (the time left only
    when `rate`, steps a second, is known); with a `unit`, the count and the rate too:
    ``Adding files · 4,500 of 10,000 · 850 files/s · about 7 s left``."""
    if unit is None:
        share = 100 * done // total if total else 100
        text = f"{verb} · {share} %"
    else:
        text = f"{verb} · {done:,} of {total:,}"
        if rate:
            text += f" · {_rate(rate)} {unit}/s"
    if rate and done < total:
        text += f" · about {_duration((total - done) / rate)} left"
    return text


def _rate(rate: float) -> str:
    return f"{rate:,.0f}" if rate >= 10 else f"{rate:.1f}"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


class ProgressMeter:
    """Turns (done, total) steps into `progress_text` lines, a few times a second: the
    terminal's `ProgressLine` draws them, the app shows them in its title line."""

    def __init__(
        self,
        verb: str,
        clock: Callable[[], float] = time.monotonic,
        *,
        unit: str | None = None,
        steps_per_item: int = 1,
        shown_from: float = _SHOWN_FROM,
    ) -> None:
        """Args:
        verb: What is being done, first on the line.
        clock: Seconds, for the rate and the redraws (tests pass their own).
        unit: What is counted (``files``): the line then says how many of how many are
            through, and how many a second, instead of a share.
        steps_per_item: Steps told per item counted (an add tells three per file).
        shown_from: Seconds before the first line: a quick job never flickers.
        """
        self._verb = verb
        self._unit = unit
        self._per_item = max(1, steps_per_item)
        self._clock = clock
        self._started = clock()
        self._shown_from = shown_from
        self._drawn_at: float | None = None
        self._first: tuple[float, int] | None = None

    @property
    def shown(self) -> bool:
        """Whether a line was given out yet."""
        return self._drawn_at is not None

    def line(self, done: int, total: int) -> str | None:
        """The line for `done` of `total` steps, or None when it is not time to redraw."""
        now = self._clock()
        if self._first is None:
            self._first = (now, done)
        if now - self._started < self._shown_from or (
            self._drawn_at is not None and now - self._drawn_at < _REDRAW_EVERY and done < total
        ):
            return None
        # The rate since the first step was told, once there is a second of it: what
        # comes before (finding the files) says little of what is left.
        since, done_then = self._first
        rate = (done - done_then) / (now - since) if now - since >= _RATE_AFTER else None
        per = self._per_item
        self._drawn_at = now
        return progress_text(
            self._verb,
            done // per,
            total // per,
            rate / per if rate is not None else None,
            unit=self._unit,
        )


class ProgressLine:
    """Draws `progress_text` on a terminal; use `tell` as a progress callback and `done`
    at the end."""

    def __init__(
        self,
        verb: str,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        *,
        unit: str | None = None,
        steps_per_item: int = 1,
    ) -> None:
        """Args:
        verb, clock, unit, steps_per_item: As for `ProgressMeter`.
        stream: Where to draw (standard error by default).
        """
        self._meter = ProgressMeter(verb, clock, unit=unit, steps_per_item=steps_per_item)
        self._stream = stream if stream is not None else sys.stderr
        self._width = 0
        self._live = _is_terminal(self._stream)

    def tell(self, done: int, total: int) -> None:
        """`done` of `total` steps are through: redraw the line when it is time."""
        if not self._live:
            return
        text = self._meter.line(done, total)
        if text is not None:
            self._draw(text.ljust(self._width))
            self._width = len(text)

    def done(self) -> None:
        """Clear the line, so that what the command prints next starts clean."""
        if self._live and self._meter.shown:
            self._draw(" " * self._width)

    def _draw(self, text: str) -> None:
        try:
            self._stream.write(f"\r{text}\r")
            self._stream.flush()
        except (OSError, ValueError):
            self._live = False  # a closed terminal: the command goes on without it


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False


def add_meter(
    verb: str, clock: Callable[[], float] = time.monotonic, *, shown_from: float = _SHOWN_FROM
) -> ProgressMeter:
    """The meter of an add: it counts files, told three steps each (see
    `library.add_batches.AddSteps`); `shown_from` as for `ProgressMeter`."""
    from library.add_batches import STEPS_PER_FILE

    return ProgressMeter(
        verb, clock, unit="files", steps_per_item=STEPS_PER_FILE, shown_from=shown_from
    )
