"""The app's refresh runs in a child process (`service.refresh_process`): it writes the
library as `newsreader refresh` does, tells the app after each feed, and stops when the
app stops waiting."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from library.catalog import Catalog
from library.safe_files import StoreError
from service.feeds import RefreshProgress
from service.refresh_process import RefreshStopped, refresh_in_process
from service.workspace import Workspace
from tests.feed_site import serve_feeds


def test_the_child_refreshes_and_tells_each_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "lib"
    workspace = Workspace(Catalog.open(home))

    def not_here(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the refresh ran in the app's process")

    with serve_feeds() as (address, _):
        workspace.follow_feed(f"{address}/rss2.xml")
        workspace.follow_feed(f"{address}/atom.xml")
        monkeypatch.setattr(Workspace, "refresh_feeds", not_here)
        told: list[RefreshProgress] = []
        report = refresh_in_process(home, progress=told.append)
    assert [progress.line() for progress in sorted(told, key=lambda p: p.done)] == [
        f"1 of 2 feeds, {told[0].new} new",
        "2 of 2 feeds, 3 new",
    ]
    assert sorted(entry.title for entry in report.added) == [
        "Ferry today",
        "Storm today",
        "The lighthouse keeper",
    ]
    listed = {entry.title for entry in Catalog.open(home).entries()}
    assert {"Ferry today", "Storm today", "The lighthouse keeper"} <= listed


def test_a_refusal_is_one_sentence(tmp_path: Path) -> None:
    home = tmp_path / "lib"
    Catalog.open(home)
    with pytest.raises(StoreError, match='^No feed has the id or address "nosuch"'):
        refresh_in_process(home, ["nosuch"])


def test_stopping_kills_the_child(tmp_path: Path) -> None:
    home = tmp_path / "lib"
    workspace = Workspace(Catalog.open(home))
    with serve_feeds() as (address, log):
        log.slow_seconds = 0
        workspace.follow_feed(f"{address}/slow.xml")
        log.slow_seconds = 30
        began = time.monotonic()
        with pytest.raises(RefreshStopped):
            refresh_in_process(home, stop=lambda: time.monotonic() - began > 1.0)
        assert time.monotonic() - began < 10
