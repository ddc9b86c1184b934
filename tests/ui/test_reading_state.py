"""Pilot tests of the reading state: a document read to its end stays finished when the
reader goes back up, `m` marks it read or unread in the reader and in the library (which
shows it at once), and removing and adding a document again keeps its place."""

from __future__ import annotations

from pathlib import Path

from library.catalog import Catalog
from reader.app import make_app
from reader.screens.library import LibraryScreen
from reader.screens.reader import ReaderScreen
from reader.widgets.document_list import DocumentList
from reader.widgets.document_view import DocumentView
from reader.widgets.reader_status import ReaderStatus
from service.workspace import Workspace
from tests.ui.conftest import SIZE


def status_text(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ReaderScreen)
    return str(screen.query_one(ReaderStatus).render())


def row_of(app: object, doc_id: str) -> str:
    """The library's row of `doc_id`, as drawn."""
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, LibraryScreen)
    documents = screen.query_one(DocumentList)
    row = [entry.id for entry in documents.entries].index(doc_id)
    return documents.render_line(row + 1 - round(documents.scroll_offset.y)).text


async def test_a_finished_document_stays_finished_when_the_reader_goes_back_up(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
        assert "100% · finished" in status_text(app)
        await pilot.press("k", "k")
        await pilot.pause()
        view = app.screen.query_one(DocumentView)
        assert view.progress < 0.9
        assert f"{view.progress:4.0%} · finished" in status_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert row_of(app, doc_id).split()[-1] == "done"  # the Read column, last here
    state = catalog.reading_state(doc_id)
    assert state.finished and state.progress < 0.9


async def test_m_in_the_reader_marks_it_unread_and_read_again(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("G", "k")
        await pilot.pause()
        assert "finished" in status_text(app)
        await pilot.press("m")
        await pilot.pause()
        assert "finished" not in status_text(app) and "min left" in status_text(app)
        assert not catalog.reading_state(doc_id).finished  # saved at once
        await pilot.press("G")  # the end again: finished again
        await pilot.pause()
        assert "100% · finished" in status_text(app)
        await pilot.press("m")
        await pilot.pause()
        assert "100% · unread" in status_text(app)  # at the end, but marked unread
        await pilot.press("m")
        await pilot.pause()
        assert "finished" in status_text(app)
        assert catalog.reading_state(doc_id).finished
        await pilot.press("m", "q")
        await pilot.pause()
        assert row_of(app, doc_id).split()[-1] == "99%"  # not finished: never listed done


async def test_m_in_the_library_marks_the_document_read_and_the_list_shows_it(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen.query_one(DocumentList).move_cursor([e.id for e in screen.shown].index(doc_id))
        assert row_of(app, doc_id).split()[-1] == "new"
        await pilot.press("m")
        await pilot.pause()
        assert row_of(app, doc_id).split()[-1] == "done"
        assert catalog.reading_state(doc_id).finished
        await pilot.press("enter")  # opened, it says so
        await pilot.pause()
        assert "finished" in status_text(app)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert row_of(app, doc_id).split()[-1] == "0%"  # opened, not read: unread
        assert not catalog.reading_state(doc_id).finished


async def test_removing_and_adding_again_keeps_the_reading_place(
    ferry: tuple[Catalog, str], tmp_path: Path
) -> None:
    catalog, doc_id = ferry
    workspace = Workspace(catalog)
    app = make_app(workspace, open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j")
        await pilot.pause()
        place = app.screen.query_one(DocumentView).cursor_offset
        await pilot.press("q")
        await pilot.pause()
    assert place > 0
    workspace.remove(doc_id)
    assert workspace.add([tmp_path / "ferry.txt"]).result.added[0].id == doc_id
    app = make_app(workspace, open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one(DocumentView).cursor_offset == place
