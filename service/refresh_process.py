"""A refresh run in a process of its own, for the app: its screen never waits for it.

Reading feeds and reducing articles to their text is Python code (feedparser, the
extractor, the catalog's writes); run in the app's threads, it takes turns with the UI
thread for the interpreter lock, and a key or a frame waits up to a switch interval per
busy thread (measured: hundreds of waits past 5 ms, the longest past 100 ms, in a refresh
of 20 feeds × 20 articles). In a child process it takes nothing from the UI. The child
writes the library as `newsreader refresh` does (the catalog and the feeds file are
written under their cross-process locks), and tells the app how far it got after each
feed, through a pipe.

The child is a fresh interpreter (`python -m service.refresh_process`), not a fork: forking
a process that runs threads, as the app does, can copy a lock one of them holds; and
`multiprocessing` would need the standard error stream Textual has replaced. It runs at a
lower priority, and is killed when the app stops waiting (the worker cancelled, the app
quitting): a half-done add is tidied by the next open of the library, as after any
process that died.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from library.safe_files import StoreError

if TYPE_CHECKING:
    from library.fetch import Limits
    from service.feeds import RefreshProgress, RefreshReport

CHILD_NICENESS = 10
"""How much lower the child's scheduling priority is than the app's."""
POLL_SECONDS = 0.1
"""How often the waiting thread looks whether it should stop waiting."""


class RefreshStopped(Exception):
    """The refresh was stopped before it finished (the caller stopped waiting)."""


@dataclass(frozen=True, slots=True)
class _Told:
    """One message from the child."""

    kind: Literal["progress", "report", "failed"]
    progress: RefreshProgress | None = None
    report: RefreshReport | None = None
    failure: str = ""


def _child(home: Path, feed_ids: Sequence[str], limits: Limits | None, told: Connection) -> None:
    """The child's work: refresh the library at `home`, telling `told` as it goes."""
    from library.catalog import Catalog
    from service.workspace import Workspace

    try:
        workspace = Workspace(Catalog.open(home))
        report = workspace.refresh_feeds(
            feed_ids,
            limits=limits,
            progress=lambda progress: told.send(_Told("progress", progress=progress)),
        )
    except StoreError as err:
        told.send(_Told("failed", failure=str(err)))
    except Exception as err:  # noqa: BLE001 - said to the app in one sentence, not lost
        told.send(_Told("failed", failure=f"The refresh failed ({type(err).__name__}: {err})."))
    else:
        told.send(_Told("report", report=report))


def _child_main(argv: Sequence[str]) -> None:
    """``python -m service.refresh_process FD HOME LIMITS [FEED...]`` (LIMITS: ``-``, or
    connect,total,bytes)."""
    told = Connection(int(argv[0]), readable=False)
    # The app owns the terminal: nothing the child might write may reach it.
    with Path(os.devnull).open("w") as nowhere:
        os.dup2(nowhere.fileno(), 1)
        os.dup2(nowhere.fileno(), 2)
    with contextlib.suppress(AttributeError, OSError):  # (no `nice` on Windows)
        os.nice(CHILD_NICENESS)  # background work: on a busy machine, keys go first
    limits = None
    if argv[2] != "-":
        from library.fetch import Limits

        connect, total, most = argv[2].split(",")
        limits = Limits(float(connect), float(total), int(most))
    _child(Path(argv[1]), argv[3:], limits, told)
    told.close()


def refresh_in_process(
    home: Path,
    feed_ids: Sequence[str] = (),
    *,
    limits: Limits | None = None,
    progress: Callable[[RefreshProgress], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> RefreshReport:
    """Refresh the feeds of the library at `home` in a child process (see the module
    docstring), calling `progress` here after each feed; waits for it to finish.

    Args:
        home: The library's home folder.
        feed_ids: The feeds to read (default: all), as `Workspace.refresh_feeds` takes them.
        limits: Time and size limits of each fetch.
        progress: Told how far the refresh got, in the calling thread.
        stop: Asked now and then; True kills the child (`RefreshStopped` is raised).

    Raises:
        StoreError: The refresh could not be done (one sentence: a store refused, an
            unknown feed id, the child died).
        RefreshStopped: `stop` said to stop.
    """
    reading, writing = os.pipe()
    shown = "-"
    if limits is not None:
        shown = f"{limits.connect_seconds},{limits.total_seconds},{limits.max_bytes}"
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "service.refresh_process", str(writing), str(home), shown]
            + list(feed_ids),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(writing,),
        )
    except OSError as err:
        os.close(reading)
        raise StoreError(f"The refresh could not start ({err.strerror or err}).") from err
    finally:
        os.close(writing)  # the child's now: the pipe ends when the child does
    told = Connection(reading, writable=False)
    try:
        return _wait(child, told, progress, stop)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(5)
        told.close()


def _wait(
    child: subprocess.Popen[bytes],
    told: Connection,
    progress: Callable[[RefreshProgress], None] | None,
    stop: Callable[[], bool],
) -> RefreshReport:
    while True:
        if stop():
            raise RefreshStopped
        if not told.poll(POLL_SECONDS):
            continue
        try:
            message: _Told = told.recv()
        except EOFError:  # the pipe closed with nothing more: the child died
            status = child.wait(5)
            raise StoreError(f"The refresh stopped unexpectedly (exit status {status}).") from None
        if message.kind == "progress" and message.progress is not None:
            if progress is not None:
                progress(message.progress)
        elif message.kind == "report" and message.report is not None:
            return message.report
        else:
            raise StoreError(message.failure or "The refresh failed.")


if __name__ == "__main__":
    # Through the module's own name, so that what the child pickles names classes the
    # app can find (not `__main__._Told`).
    from service.refresh_process import _child_main as child_main

    child_main(sys.argv[1:])
