"""A progress line for long commands on a terminal: how far, and how long still.

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


def progress_text(verb: str, done: int, total: int, rate: float | None = None) -> str:
    """The progress line: ``Adding files · 45 % · about 11 s left`` (the time left only
    when `rate`, steps a second, is known)."""
    share = 100 * done // total if total else 100
    text = f"{verb} · {share} %"
    if rate and done < total:
        text += f" · about {_duration((total - done) / rate)} left"
    return text


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


class ProgressLine:
    """Draws `progress_text` on a terminal; use `tell` as a progress callback and `done`
    at the end."""

    def __init__(
        self, verb: str, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._verb = verb
        self._stream = stream if stream is not None else sys.stderr
        self._clock = clock
        self._started = clock()
        self._drawn_at: float | None = None
        self._first: tuple[float, int] | None = None
        self._width = 0
        self._live = _is_terminal(self._stream)

    def tell(self, done: int, total: int) -> None:
        """`done` of `total` steps are through: redraw the line when it is time."""
        if not self._live:
            return
        now = self._clock()
        if self._first is None:
            self._first = (now, done)
        if now - self._started < _SHOWN_FROM or (
            self._drawn_at is not None and now - self._drawn_at < _REDRAW_EVERY and done < total
        ):
            return
        # The rate since the first step was told, once there is a second of it: what
        # comes before (finding the files) says little of what is left.
        since, done_then = self._first
        rate = (done - done_then) / (now - since) if now - since >= _RATE_AFTER else None
        text = progress_text(self._verb, done, total, rate)
        self._draw(text.ljust(self._width))
        self._width = len(text)
        self._drawn_at = now

    def done(self) -> None:
        """Clear the line, so that what the command prints next starts clean."""
        if self._live and self._drawn_at is not None:
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
