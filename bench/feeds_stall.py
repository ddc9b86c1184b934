"""How long the app's UI thread is held up while `r` refreshes 20 local feeds × 20 entries.

The app runs headless (Textual's test harness) on a library of its own; a task on the
app's event loop wakes every millisecond and notes the longest it waited past that. Two
things can hold the loop: work done on the UI thread itself (the library listing its new
rows as each feed arrives), and the refresh's worker threads keeping the interpreter lock
(parsing feeds and extracting articles is Python code). The same watch over the idle app,
for as long, says how much of a stall is the machine's scheduling noise.
"""

from __future__ import annotations

import asyncio
import gc
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

STALL_TARGET_MS = 5.0
"""The longest the UI thread may wait during a refresh."""
_TICK = 0.001


@dataclass(frozen=True, slots=True)
class Stalls:
    """What one watched refresh found."""

    refresh_ms: float
    """The longest stall while the refresh ran."""
    idle_ms: float
    """The longest stall over the idle app, for as long: the noise."""
    seconds: float
    """How long the refresh took."""
    added: int
    """Documents the refresh added."""
    late: int
    """How many times the UI thread waited longer than the target during the refresh."""
    idle_late: int
    """How many times it did over the idle app."""


class _Watch:
    """The longest the event loop took to come back to a task sleeping `_TICK`."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.late: list[float] = []
        """Each wait past the tick, in ms, that was longer than the target."""
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> float:
        self._stop.set()
        if self._task is not None:
            await self._task
        return self.worst * 1000

    async def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.is_set():
            await asyncio.sleep(_TICK)
            now = time.perf_counter()
            self.worst = max(self.worst, now - last - _TICK)
            if (now - last - _TICK) * 1000 > STALL_TARGET_MS:
                self.late.append((now - last - _TICK) * 1000)
            last = now


async def _watched_refresh(home: Path, address: str, feeds: int) -> Stalls:
    from library.catalog import Catalog
    from reader.app import make_app
    from reader.long_lived import keep_start_up_out_of_collections
    from service.workspace import Workspace

    workspace = Workspace(Catalog.open(home))
    workspace.feeds.add_many(
        ((f"{address}/feed/{n}", f"Feed {n}", None) for n in range(feeds)),
        "2024-01-01T00:00:00.000Z",
    )
    # As `newsreader` starts it: what start-up made is frozen after the first frame (a
    # full collection walking it took 25-35 ms, a stall the program itself never has).
    app = make_app(workspace, after_first_frame=keep_start_up_out_of_collections)
    app.notify = lambda *_args, **_kwargs: None  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        watch = _Watch()
        watch.start()
        began = time.perf_counter()
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        seconds = time.perf_counter() - began
        refresh_ms = await watch.stop()
        idle = _Watch()
        idle.start()
        await asyncio.sleep(min(seconds, 3.0))
        idle_ms = await idle.stop()
    gc.unfreeze()  # the next run starts as this one did
    added = len(workspace.catalog.entries()) - 1  # the welcome guide
    return Stalls(refresh_ms, idle_ms, seconds, added, len(watch.late), len(idle.late))


def watched_refresh(folder: Path, address: str, feeds: int) -> Stalls:
    """Refresh `feeds` feeds served at `address` with `r`, into a new library in `folder`."""
    home = Path(tempfile.mkdtemp(prefix="feeds-app-", dir=folder))
    return asyncio.run(_watched_refresh(home, address, feeds))
