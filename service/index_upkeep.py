"""Bringing the search index up to date after an add, without making the add wait.

Indexing costs about 0.7 ms a document (normalising the text, then SQLite's trigrams),
so indexing ten thousand articles inside `newsreader add` would make it take two thirds
longer, while a library of fifty thousand that was never indexed makes its first search
wait a minute. After a large add, then, the index is brought in step by a process of its
own, started detached and at low priority (as `git gc --auto` does): the command returns
at once and the first search finds the work done, or nearly done.

Nothing depends on it finishing: every search reconciles the index with the catalog
first (`library.text_index`), so an upkeep killed midway, or never started, only leaves
that search more to do. It commits in batches of `library.text_index.BATCH` documents,
so another copy of the app waits at most one batch for the index, never for the catalog.
One upkeep runs per library at a time (a lock file beside the index); a second one
started meanwhile leaves, and the running one goes round again if the catalog changed.

The upkeep also keeps the first rows of a large library for the app's next start
(`service.listing_head`): the app writes them after each of its own listings, but a library
that an add made large (or changed behind a head kept before) would otherwise be listed
whole, or shown out of date, before the app's first frame.

Run as ``python -m service.index_upkeep HOME``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from library.index_file import INDEX_FILE

if TYPE_CHECKING:
    from library.catalog import Catalog

UPKEEP_LOCK = f"{INDEX_FILE}.upkeep.lock"
"""The lock file held by the upkeep running for a library, in its home."""

ROUNDS = 5
"""Times an upkeep goes round again when the catalog changed while it worked."""

NICENESS = 10
"""How much the upkeep lowers its priority: it must not slow the person's next command."""


def start_upkeep(home: Path) -> subprocess.Popen[bytes] | None:
    """Start bringing the index of the library at `home` in step, in a detached process
    at low priority; None when it could not be started (the next search does the work)."""
    command = [sys.executable, "-m", "service.index_upkeep", str(home)]
    try:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not killed with the terminal's foreground job
            close_fds=True,
        )
    except OSError:
        return None


def upkeep_running(home: Path) -> bool:
    """Whether an upkeep holds the library's index lock now."""
    from filelock import FileLock, Timeout

    lock = FileLock(Path(home) / UPKEEP_LOCK, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    except OSError:
        return False
    lock.release()
    return False


def run_upkeep(home: Path) -> bool:
    """Bring the index of the library at `home` in step with its catalog, unless another
    upkeep is at it; whether this one did the work."""
    from filelock import FileLock, Timeout

    lock = FileLock(Path(home) / UPKEEP_LOCK, timeout=0)
    try:
        lock.acquire()
    except (Timeout, OSError):
        return False
    try:
        from library.catalog import Catalog

        catalog = Catalog.open(Path(home))
        _reconcile_until_still(catalog)
        _keep_listing_head(catalog)
    finally:
        lock.release()
    return True


def _keep_listing_head(catalog: Catalog) -> None:
    """Write the head the app's next start shows (a large library only; a cache, so a
    failure costs that start its speed and nothing else)."""
    from library.safe_files import StoreError
    from service.listing_head import save_head
    from service.workspace import Workspace

    with suppress(StoreError, OSError, ValueError):
        workspace = Workspace(catalog)
        sort = workspace.library_sort()
        listing = workspace.listing(sort=sort)
        save_head(catalog.home, sort, listing, len(listing))  # (removed for a small library)


def _reconcile_until_still(catalog: Catalog) -> None:
    from library.text_index import IndexDamaged, IndexUnavailable, TextIndex

    index = TextIndex.open(catalog.home)
    try:
        for _ in range(ROUNDS):
            key = catalog.change_key()
            wanted = [(entry.id, entry.content_hash) for entry in catalog.entries()]
            try:
                index.reconcile(wanted, catalog.text)
            except IndexDamaged:
                index.rebuild()
                continue
            except IndexUnavailable:
                return  # the next search reads what it can
            if catalog.change_key() == key:
                return
    finally:
        index.close()


def main(argv: list[str]) -> int:
    """Entry point of the detached process: quiet whatever happens (nobody reads it)."""
    if len(argv) != 1:
        return 2
    with suppress(OSError, AttributeError):
        os.nice(NICENESS)
    try:
        run_upkeep(Path(argv[0]))
    except Exception:  # noqa: BLE001 - derived data: the next search reconciles
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
