"""Pilot tests of the reading place: what is saved (only a move of the reader's changes it),
how progress is counted (the share of the text read; finished when the end is reached),
and `''` back to where the reader was before a jump, in a short story and the 3 MB book."""

from __future__ import annotations

from pathlib import Path

from library.catalog import Catalog
from library.entries import ReadingState
from reader.app import make_app
from reader.screens.reader import ReaderScreen
from reader.widgets.document_view import DocumentView
from reader.widgets.reader_status import ReaderStatus
from service.workspace import Workspace
from tests.ui.conftest import SIZE


def reader_of(app: object) -> ReaderScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ReaderScreen)
    return screen


def status_text(screen: ReaderScreen) -> str:
    return str(screen.query_one(ReaderStatus).render())


async def test_opening_and_leaving_without_a_move_keeps_the_place_as_it_was(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    text = catalog.load(doc_id).text
    catalog.save_reading_state(
        doc_id, ReadingState(offset=text.index("Gulls"), progress=1.0, opened=None)
    )
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reader_of(app).query_one(DocumentView).cursor_offset == text.index("Gulls")
        await pilot.press("q")
        await pilot.pause()
    state = catalog.reading_state(doc_id)
    assert (state.offset, state.progress) == (text.index("Gulls"), 1.0)
    assert state.opened is not None  # the opening itself is recorded


async def test_one_long_sentence_is_not_finished_on_opening(tmp_path: Path) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    source = tmp_path / "one.txt"
    source.write_text(" ".join(f"word{n}" for n in range(3000)), encoding="utf-8")
    doc_id = catalog.add([source]).added[0].id
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = reader_of(app)
        view = screen.query_one(DocumentView)
        assert view.progress == 0.0
        assert "finished" not in status_text(screen)
        await pilot.press("space", "space")  # the cursor keeps the one sentence
        await pilot.pause()
        assert view.cursor_offset == 0  # still on the one sentence
        assert 0.0 < view.progress < 0.5 and view.reading_offset > 0
        assert "finished" not in status_text(screen)
        await pilot.press("G")
        await pilot.pause()
        assert view.progress == 1.0 and "finished" in status_text(screen)
        await pilot.press("q")
        await pilot.pause()
    assert catalog.reading_state(doc_id).progress == 1.0


async def test_a_short_text_is_finished_only_when_the_reader_gets_to_its_end(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = reader_of(app)
        view = screen.query_one(DocumentView)
        assert view.progress == 0.0  # all of it is on the screen, none of it read
        await pilot.press("j", "j", "j")
        assert 0.0 < view.progress < 1.0
        await pilot.press("j")
        await pilot.pause()
        assert view.progress == 1.0 and "finished" in status_text(screen)


async def test_opened_at_another_place_quotes_go_back_to_the_remembered_one(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    text = catalog.load(doc_id).text
    catalog.save_reading_state(doc_id, ReadingState(offset=text.index("By noon"), progress=0.8))
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_document(doc_id, text.index("Gulls"))  # as a search result or a note does
        await pilot.pause()
        view = reader_of(app).query_one(DocumentView)
        assert view.cursor_offset == text.index("Gulls")
        await pilot.press("apostrophe", "apostrophe")
        assert view.cursor_offset == text.index("By noon")


async def test_search_from_80_percent_of_the_book_lands_after_it_and_comes_back(
    book: Path, tmp_path: Path
) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    doc_id = catalog.add([book]).added[0].id
    text = catalog.load(doc_id).text
    at_80 = int(len(text) * 0.8)
    catalog.save_reading_state(doc_id, ReadingState(offset=at_80, progress=0.8))
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = reader_of(app)
        view = screen.query_one(DocumentView)
        place = view.cursor_offset
        assert place <= at_80 < place + 2000
        await pilot.press("slash", *"Bolkonski", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        match = screen.current_match
        assert match is not None and match.start >= place
        assert text[match.start : match.end] == "Bolkonski"
        assert view.progress > 0.8
        await pilot.press("apostrophe", "apostrophe")
        assert view.cursor_offset == place
        await pilot.press("q")
        await pilot.pause()
    state = catalog.reading_state(doc_id)
    assert state.offset == place and 0.79 < state.progress < 0.81
