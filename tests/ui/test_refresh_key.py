"""`r` in the library refreshes the feeds in a worker (from the tests' own site on
127.0.0.1): a progress line in the title, the new rows as they arrive, and the keys
answered meanwhile."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Static

from library.catalog import Catalog, SortKey
from reader.app import make_app
from reader.screens.library import LibraryScreen
from reader.widgets.document_list import DocumentList
from service.workspace import Workspace
from tests.feed_site import serve_feeds
from tests.ui.conftest import SIZE


async def test_r_refreshes_in_the_background(tmp_path: Path) -> None:
    workspace = Workspace(Catalog.open(tmp_path / "lib"))
    with serve_feeds() as (address, log):
        log.slow_seconds = 0
        for feed in ("rss2.xml", "atom.xml", "slow.xml"):
            workspace.follow_feed(f"{address}/{feed}")
        log.slow_seconds = 1.5  # one feed keeps the refresh going a while
        app = make_app(workspace)
        told: list[str] = []
        app.notify = lambda message, **_: told.append(message)  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LibraryScreen)
            await pilot.press("r")
            assert screen.refreshing is not None  # said at once, before any feed is read
            await pilot.press("j", "k", "s")  # the keys answer meanwhile
            title = str(screen.query_one("#library-title", Static).render())
            assert re.search(r"refreshing: (starting|[0-2] of 3 feeds, [0-3] new)$", title), title
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert screen.refreshing is None
            titles = {entry.title for entry in screen.shown}
            assert {"Storm today", "Ferry today", "The lighthouse keeper"} <= titles
            assert "refreshing" not in str(screen.query_one("#library-title", Static).render())
            assert "Refreshed 3 feeds: 4 new." in told


async def test_r_without_feeds_says_how_to_follow_one(tmp_path: Path) -> None:
    app = make_app(Workspace(Catalog.open(tmp_path / "lib")))
    told: list[str] = []
    app.notify = lambda message, **_: told.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert told == ["No feeds are followed yet: follow one with `newsreader feed add URL`."]
        await pilot.press("slash", "r")  # in the filter, r is a letter
        assert app.screen.query_one("#filter").value == "r"  # type: ignore[attr-defined]


async def test_r_refreshes_in_a_process_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing and extracting in the app's threads would hold up its UI thread."""
    workspace = Workspace(Catalog.open(tmp_path / "lib"))
    with serve_feeds() as (address, _):
        workspace.follow_feed(f"{address}/atom.xml")

        def not_here(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("the refresh ran in the app's process")

        monkeypatch.setattr(Workspace, "refresh_feeds", not_here)
        app = make_app(workspace)
        told: list[str] = []
        app.notify = lambda message, **_: told.append(message)  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LibraryScreen)
            await pilot.press("r")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await app.workers.wait_for_complete()  # the listing of the new rows
            await pilot.pause()
            assert told == ["Refreshed 1 feed: 1 new."]
            assert "The lighthouse keeper" in {entry.title for entry in screen.shown}


async def test_new_rows_are_listed_while_the_refresh_goes_on(tmp_path: Path) -> None:
    """The feeds read first are listed before the slowest one answers (rows arrive as
    their feeds do, not all at the end)."""
    workspace = Workspace(Catalog.open(tmp_path / "lib"))
    with serve_feeds() as (address, log):
        log.slow_seconds = 0
        for feed in ("rss2.xml", "slow.xml"):
            workspace.follow_feed(f"{address}/{feed}")
        log.slow_seconds = 8.0  # far longer than the other feed and a listing take
        app = make_app(workspace)
        app.notify = lambda *_args, **_kwargs: None  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LibraryScreen)
            await pilot.press("r")
            for _ in range(120):  # up to ~6 s, while the slow feed keeps the refresh going
                if "Storm today" in {entry.title for entry in screen.shown}:
                    break
                await pilot.pause(0.05)
            assert screen.refreshing is not None, "the refresh ended before the row showed"
            assert "Storm today" in {entry.title for entry in screen.shown}
            app.workers.cancel_all()  # stop waiting for the slow feed


async def test_rows_that_arrive_are_put_in_place_without_listing_the_library(
    tmp_path: Path,
) -> None:
    """A feed's new documents go into the list shown, each where a listing would put
    them, without the whole catalog read again for each feed."""
    workspace = Workspace(Catalog.open(tmp_path / "lib"))
    with serve_feeds() as (address, log):
        log.slow_seconds = 0
        for feed in ("rss2.xml", "slow.xml"):
            workspace.follow_feed(f"{address}/{feed}")
        log.slow_seconds = 8.0
        app = make_app(workspace)
        app.notify = lambda *_args, **_kwargs: None  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LibraryScreen)
            await pilot.press("s")  # by title: the new rows go among the old ones
            listings: list[str] = []
            listing = workspace.listing

            def counted(sort: SortKey = "added") -> object:
                listings.append(sort)
                return listing(sort)

            workspace.listing = counted  # type: ignore[assignment, method-assign]
            await pilot.press("r")
            for _ in range(120):
                if "Storm today" in {entry.title for entry in screen.shown}:
                    break
                await pilot.pause(0.05)
            assert screen.refreshing is not None, "the refresh ended before the row showed"
            assert listings == []
            assert [e.id for e in screen.shown] == [
                e.id for e in workspace.catalog.entries("title")
            ]
            app.workers.cancel_all()


async def test_the_listing_after_a_refresh_draws_nothing_when_the_rows_are_all_there(
    tmp_path: Path,
) -> None:
    workspace = Workspace(Catalog.open(tmp_path / "lib"))
    with serve_feeds() as (address, log):
        log.slow_seconds = 0
        workspace.follow_feed(f"{address}/rss2.xml")
        app = make_app(workspace)
        app.notify = lambda *_args, **_kwargs: None  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LibraryScreen)
            shown: list[int] = []
            documents = screen.query_one("#documents", DocumentList)
            set_entries = documents.set_entries

            def counted(*args: object, **kwargs: object) -> None:
                shown.append(len(screen.shown))
                set_entries(*args, **kwargs)  # type: ignore[arg-type]

            documents.set_entries = counted  # type: ignore[method-assign]
            await pilot.press("r")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await app.workers.wait_for_complete()
            assert screen.refreshing is None
            assert len(shown) == 1, "the rows were put in once, and not drawn again"
            title = str(screen.query_one("#library-title", Static).render())
            assert "refreshing" not in title, title
            assert [e.id for e in screen.shown] == [e.id for e in workspace.catalog.entries()]
