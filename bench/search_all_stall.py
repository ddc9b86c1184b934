"""Search across the library (`f`) typed at five keys a second: how long the UI thread is
kept from answering each key, and how soon the last query's results are on screen.

The app runs headless (Textual's test harness) on a library of the growth group, whose
search index is brought in step first (the first search of a library builds it; that is
measured elsewhere). A task on the app's event loop wakes every millisecond and notes the
longest it waited; keys are pressed five a second; the results of the full query are
awaited after the last key.

The keys are posted to the app as a terminal would send them, on the clock. (Pilot's
`press` waits after each key until the process has been idle for a moment, up to two
seconds: while a search worked, keys came that much later, each query ran to its end,
and the pace measured was not five keys a second.)
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from bench.feeds_stall import _Watch

QUERY = "harbour authority"
"""Typed a key at a time: every prefix from the third key on is searched, and cancelled."""
KEY_SECONDS = 0.2
"""Five keys a second: a quick typist's pace."""
BUSY_TARGET_MS = 50.0
"""The longest the UI thread may be kept from a key while searches run."""


@dataclass(frozen=True, slots=True)
class Typed:
    """What one typed query found."""

    busy_ms: float
    """The longest wait of the UI thread while the query was typed and searched."""
    results_ms: float
    """From the last key until the full query's results were on the screen."""
    matches: int
    """How many matches the full query listed."""
    peak_mb: float
    """The app's process's peak resident memory afterwards."""


async def _typed(home: Path) -> Typed:
    from textual import events

    from library.catalog import Catalog
    from reader.app import make_app
    from reader.screens.search import LibrarySearchScreen
    from service.workspace import Workspace

    workspace = Workspace(Catalog.open(home))
    app = make_app(workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibrarySearchScreen)
        watch = _Watch()
        watch.start()
        last = time.perf_counter()
        for key in QUERY:
            last = time.perf_counter()
            app.post_message(events.Key("space" if key == " " else key, key))
            await asyncio.sleep(KEY_SECONDS)
        # The results may have come while the last key's pause ran: when they were shown.
        while not (screen.results and screen.shown_query == QUERY):
            await asyncio.sleep(0.005)
            if time.perf_counter() - last > 120:
                raise TimeoutError("The search across the library showed nothing in 2 minutes.")
        results_ms = (screen.shown_at - last) * 1000
        busy_ms = await watch.stop()
        matches = len(screen.results)
    return Typed(busy_ms, results_ms, matches, _peak_mb())


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: `ru_maxrss` would carry the bench's
    own peak over from before the process was made, as Linux keeps it across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _typed_here(home: Path) -> Typed:
    return asyncio.run(_typed(home))


def typed_search(home: Path) -> Typed:
    """Type `QUERY` at five keys a second into the search across the library at `home`, in
    a process of its own (so that its peak memory is the app's alone)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_typed_here, home).result()
