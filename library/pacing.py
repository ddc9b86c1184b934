"""A pacer that lets other threads run during a long computation in a worker thread.

Search (building an index, scanning a 3 MB text) runs in a worker thread while the
reader's UI thread keeps drawing. CPython hands the GIL over only when the running thread
blocks or every 5 ms by default, so a thread that runs C code back to back would make the
UI wait that long; calling a `Pacer` between steps keeps every wait near a millisecond.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import time


class Pacer:
    """Hands the GIL to other threads about once a millisecond during a long search.

    Search runs in a worker thread while the reader's UI thread keeps drawing. A thread
    that runs C code back to back keeps the GIL until the interpreter forces a switch
    (every 5 ms by default), so a waiting UI thread would stall that long; a short
    `time.sleep(0)` between steps lets it in at once.
    """

    __slots__ = ("_last", "_every")

    def __init__(self, every: float = 0.001) -> None:
        self._every = every
        self._last = time.perf_counter()

    def __call__(self) -> None:
        now = time.perf_counter()
        if now - self._last >= self._every:
            time.sleep(0)
            self._last = time.perf_counter()
