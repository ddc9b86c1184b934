"""Pilot tests of search-all (`f`) over the library's text index: a newer query stops the
work of an older one, and the index is built with its progress shown."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from library.catalog import Catalog
from library.index_file import INDEX_FILE
from library.text_index import SearchCancelled
from reader.app import make_app
from reader.screens.search import LibrarySearchScreen
from reader.widgets.result_list import ResultList
from service.library_search import LibrarySearch
from service.text_search import SearchHit
from service.workspace import Workspace
from tests.ui.conftest import SIZE


async def test_a_newer_query_cancels_the_work_of_an_older_one(
    ferry: tuple[Catalog, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog, doc_id = ferry
    stopped: list[tuple[str, bool]] = []
    real_find = LibrarySearch.find

    def find(
        self: LibrarySearch,
        query: str,
        limit: int,
        *,
        per_document: int | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[SearchHit, ...]:
        assert cancelled is not None
        if query == "ferr":  # a slow search: works until a newer query cancels it
            deadline = time.monotonic() + 10
            while not cancelled() and time.monotonic() < deadline:
                threading.Event().wait(0.002)
            stopped.append((query, cancelled()))
            raise SearchCancelled
        return real_find(self, query, limit, per_document=per_document, cancelled=cancelled)

    monkeypatch.setattr(LibrarySearch, "find", find)
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f", *"ferr")
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert stopped == [("ferr", True)]  # stopped by the newer query, not by its deadline
        screen = app.screen
        assert isinstance(screen, LibrarySearchScreen)
        assert {hit.document_id for hit in screen.results} == {doc_id}
        assert all(hit.match.exact for hit in screen.results)


async def test_the_first_query_builds_the_index_and_finds(
    ferry: tuple[Catalog, str], tmp_path: Path
) -> None:
    catalog, doc_id = ferry
    assert not (catalog.home / INDEX_FILE).exists()
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f", *"harbor mastr")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibrarySearchScreen)
        assert (catalog.home / INDEX_FILE).is_file()
        assert [hit.document_id for hit in screen.results][:1] == [doc_id]
        assert screen.query_one("#search-results", ResultList).line_count >= 2
        status = str(screen.query_one("#search-status", Static).render())
        assert "match" in status


async def test_the_collector_leaves_the_app_alone_while_searches_run(
    ferry: tuple[Catalog, str],
) -> None:
    import gc

    catalog, _ = ferry
    before = gc.get_threshold()
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert gc.get_freeze_count() == 0  # nothing set aside until a search runs
        await pilot.press(*"harbour")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # What the app held at the first query is out of the full passes, which come
        # more seldom while the screen is open.
        assert gc.get_freeze_count() > 1000
        assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > before[2]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LibrarySearchScreen)
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == before


async def test_objects_the_app_set_aside_itself_stay_so_after_the_screen(
    ferry: tuple[Catalog, str],
) -> None:
    import gc

    catalog, _ = ferry
    app = make_app(Workspace(catalog))
    gc.freeze()  # as an app may do once its library is loaded
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("f", *"harbour")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, LibrarySearchScreen)
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


async def test_the_search_is_made_as_the_screen_opens_before_any_key(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    assert not (catalog.home / INDEX_FILE).exists()
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibrarySearchScreen)
        # The index was brought in step while nothing was typed yet.
        assert (catalog.home / INDEX_FILE).is_file()
        made = screen._search_over
        assert isinstance(made, LibrarySearch)
        await pilot.press(*"harbour")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen._search_over is made  # the first query found it made
        assert [hit.document_id for hit in screen.results][:1] == [doc_id]
