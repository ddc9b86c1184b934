"""The search index kept current after adds: small ones at once, large ones by an upkeep
in the background, killed or not, with every search still reconciling."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from filelock import FileLock

from library.catalog import Catalog
from library.index_file import INDEX_FILE
from library.text_index import TextIndex
from service import index_hooks
from service.index_upkeep import UPKEEP_LOCK, run_upkeep, start_upkeep, upkeep_running
from service.library_search import LibrarySearch
from service.workspace import Workspace


def _articles(folder: Path, count: int, start: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(start, start + count):
        (folder / f"a{number:04}.txt").write_text(
            f"Report {number}\n\nword{number}mark The ferry left the harbour at dawn.\n",
            encoding="utf-8",
        )
    return folder


def _indexed(home: Path) -> dict[str, str]:
    index = TextIndex.open(home)
    try:
        return index.hashes()
    finally:
        index.close()


def _catalog_hashes(home: Path) -> dict[str, str]:
    return {entry.id: entry.content_hash for entry in Catalog.open(home).entries()}


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The homes an add asked an upkeep for (none is started)."""
    asked: list[Path] = []
    monkeypatch.setattr("service.index_upkeep.start_upkeep", asked.append)
    return asked


def test_an_add_to_a_large_library_without_an_index_starts_an_upkeep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Path]
) -> None:
    monkeypatch.setattr(index_hooks, "INDEX_FROM", 5)
    workspace = Workspace.open(tmp_path / "lib")
    workspace.add([_articles(tmp_path / "in", 3)])
    assert started == []  # four documents: the first search builds it in no time
    workspace.add([_articles(tmp_path / "in", 1, start=3)])
    assert started == [workspace.catalog.home]  # five
    assert not (workspace.catalog.home / INDEX_FILE).exists()


def test_a_large_add_to_an_indexed_library_is_left_to_the_upkeep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Path]
) -> None:
    monkeypatch.setattr(index_hooks, "INLINE_DOCUMENTS", 2)
    workspace = Workspace.open(tmp_path / "lib")
    LibrarySearch(workspace.catalog).close()
    workspace.add([_articles(tmp_path / "in", 2)])
    assert started == []
    assert _indexed(workspace.catalog.home) == _catalog_hashes(workspace.catalog.home)
    workspace.add([_articles(tmp_path / "in", 3, start=2)])
    assert started == [workspace.catalog.home]
    assert len(_indexed(workspace.catalog.home)) == 3  # the guide and the first two


def test_a_long_text_added_to_an_indexed_library_is_left_to_the_upkeep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Path]
) -> None:
    monkeypatch.setattr(index_hooks, "INLINE_BYTES", 20_000)
    workspace = Workspace.open(tmp_path / "lib")
    LibrarySearch(workspace.catalog).close()
    short = _articles(tmp_path / "in", 1)
    workspace.add([short])
    assert started == []  # a short text: indexed by the add itself
    assert _indexed(workspace.catalog.home) == _catalog_hashes(workspace.catalog.home)
    long = tmp_path / "long.txt"
    long.write_text("A sentence that goes on for a while here. " * 1_000, encoding="utf-8")
    workspace.add([long])
    assert started == [workspace.catalog.home]  # ~42 KB: the add did not wait for it
    assert len(_indexed(workspace.catalog.home)) == 2  # the guide and the short one


def test_the_upkeep_brings_the_index_in_step_and_the_search_finds_it_done(
    tmp_path: Path,
) -> None:
    home = tmp_path / "lib"
    Workspace.open(home).add([_articles(tmp_path / "in", 30)])
    assert run_upkeep(home)
    assert _indexed(home) == _catalog_hashes(home)
    catalog = Catalog.open(home)
    wanted = [(entry.id, entry.content_hash) for entry in catalog.entries()]
    index = TextIndex.open(home)
    assert index.reconcile(wanted, catalog.text).indexed == 0  # nothing left for a search
    index.close()


def test_a_second_upkeep_leaves_the_work_to_the_running_one(tmp_path: Path) -> None:
    home = tmp_path / "lib"
    Workspace.open(home).add([_articles(tmp_path / "in", 3)])
    with FileLock(home / UPKEEP_LOCK):
        assert upkeep_running(home)
        assert not run_upkeep(home)
    assert not (home / INDEX_FILE).exists()
    assert not upkeep_running(home)


@pytest.mark.slow
def test_the_detached_upkeep_indexes_the_library(tmp_path: Path) -> None:
    home = tmp_path / "lib"
    Workspace.open(home).add([_articles(tmp_path / "in", 40)])
    process = start_upkeep(home)
    assert process is not None
    assert process.wait(timeout=60) == 0
    assert _indexed(home) == _catalog_hashes(home)


@pytest.mark.slow
def test_kill_9_of_the_upkeep_leaves_an_index_the_next_search_brings_in_step(
    tmp_path: Path,
) -> None:
    home = tmp_path / "lib"
    Workspace.open(home).add([_articles(tmp_path / "in", 900)])
    process = start_upkeep(home)
    assert process is not None
    deadline = time.monotonic() + 30
    while not (home / INDEX_FILE).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # some batches in, most not
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    catalog = Catalog.open(home)
    search = LibrarySearch(catalog)
    assert search.warnings == ()
    hits = [hit for hit in search.find("word899mark", 5) if hit.match.exact]
    assert len(hits) == 1
    search.close()
    assert _indexed(home) == _catalog_hashes(home)
    assert not upkeep_running(home)


def test_the_upkeep_keeps_the_head_the_next_start_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library an add made large gets its first rows kept for the app's next start
    (else that start lists every document before its first frame), in the order the
    library is sorted; a head kept before an add is brought up to date."""
    import service.listing_head as listing_head

    monkeypatch.setattr(listing_head, "LARGE_LIBRARY", 5)
    monkeypatch.setattr("service.index_upkeep.start_upkeep", lambda home: None)
    workspace = Workspace.open(tmp_path / "lib")
    home = workspace.catalog.home
    workspace.add([_articles(tmp_path / "in", 3)])
    assert run_upkeep(home)
    assert listing_head.load_head(home, "added") is None  # four documents: listed at once
    workspace.add([_articles(tmp_path / "more", 4, start=3)])
    workspace.catalog.set_setting("library_sort", "title")
    assert run_upkeep(home)
    head = listing_head.load_head(home, "title")
    assert head is not None and head.total == 8
    listed = [row.entry.id for row in workspace.listing(sort="title")]
    assert [row.entry.id for row in head.rows] == listed
    workspace.add([_articles(tmp_path / "last", 1, start=7)])
    assert run_upkeep(home)
    head = listing_head.load_head(home, "title")
    assert head is not None and head.total == 9
