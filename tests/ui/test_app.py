"""Pilot tests of the app: the library screen, the reader screen, help and the palette."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Static

from library.catalog import Catalog, SortKey
from reader.app import make_app
from reader.screens.help import HelpScreen
from reader.screens.library import LibraryScreen
from reader.screens.reader import ReaderScreen
from reader.widgets.document_list import DocumentList
from reader.widgets.document_view import DocumentView
from service.workspace import ListedDocument, Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "library"
SIZE = (120, 36)


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    home = tmp_path / "lib"
    catalog = Catalog.open(home)
    source = tmp_path / "src"
    shutil.copytree(FIXTURES, source)
    result = catalog.add([source])
    assert not result.failed
    return catalog


def titles(screen: LibraryScreen) -> list[str]:
    return [e.title for e in screen.shown]


async def test_library_lists_documents_and_welcome(catalog: Catalog) -> None:
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        shown = titles(screen)
        assert "Field notes on slow reading" in shown
        assert any(t.startswith("The harbour authority in Port Ellery") for t in shown)
        assert any(t.startswith("Welcome to newsreader") for t in shown)


async def test_open_move_back_and_reopen_at_same_place(catalog: Catalog) -> None:
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("slash", *"harbour", "enter", "enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.document.title.startswith("The harbour authority")
        view = reader.query_one(DocumentView)
        start = view.cursor_offset
        await pilot.press("j", "j", "j")
        moved = view.cursor_offset
        assert moved > start
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        doc_id = reader.document.id
        assert catalog.reading_state(doc_id).offset == moved
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.query_one(DocumentView).cursor_offset == moved


async def test_back_from_reading_updates_that_row_alone_unless_the_library_changed(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace(catalog)
    listings: list[str] = []
    real_listing = workspace.listing

    def counted_listing(sort: SortKey = "added") -> tuple[ListedDocument, ...]:
        listings.append(sort)
        return real_listing(sort)

    monkeypatch.setattr(workspace, "listing", counted_listing)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        documents = app.screen.query_one("#documents", DocumentList)
        await pilot.press("j", "enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        await pilot.press("G", "h", "q")  # read to the end, and highlight there
        await pilot.pause()
        doc_id = reader.document.id
        assert listings == ["added"]  # listed once, at the start: not again for one row
        assert documents.current is not None and documents.current.id == doc_id
        row = documents.render_line(documents.cursor_row + 1).text
        assert row.split()[-2:] == ["done", "1"]  # finished, one highlight

        extra = tmp_path / "extra.txt"
        extra.write_text("A late arrival\n\nAdded by another copy meanwhile.\n", "utf-8")
        Catalog.open(catalog.home).add([extra])  # another copy changes the library
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert len(listings) == 2  # then the whole library is listed again
        assert "A late arrival" in titles(app.screen)  # type: ignore[arg-type]


async def test_reader_paragraph_and_end_keys(catalog: Catalog) -> None:
    doc_id = next(e.id for e in catalog.entries() if e.title.startswith("A cooperative"))
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(DocumentView)
        document = app.screen.document  # type: ignore[attr-defined]
        await pilot.press("right_curly_bracket")
        assert view.cursor_offset == document.paragraphs[1][0]
        await pilot.press("G")
        assert view.cursor_offset == document.sentences[-1][0]
        await pilot.press("g")
        assert view.cursor_offset == 0


async def test_filter_is_fuzzy_and_esc_clears(catalog: Catalog) -> None:
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        everything = len(screen.shown)
        await pilot.press("slash", *"orchrd")
        assert titles(screen)[0].startswith("A cooperative of growers")
        await pilot.press("enter", "escape")
        assert len(screen.shown) == everything


async def test_a_large_library_filters_in_the_background_and_shows_the_newest_query(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.screens.library_filter as library_filter

    monkeypatch.setattr(library_filter, "FILTER_AT_ONCE", 0)  # every library counts as large
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        everything = len(screen.shown)
        await pilot.press("slash", *"zzz")  # no match: typed on before it is shown
        await pilot.press("backspace", "backspace", "backspace", *"orchrd")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert titles(screen)[0].startswith("A cooperative of growers")
        assert 0 < len(screen.shown) < everything
        assert app.screen.query_one("#documents", DocumentList).cursor_row == 0
        await pilot.press("enter", "escape")
        assert len(screen.shown) == everything


async def test_sort_cycles_and_is_remembered(catalog: Catalog) -> None:
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        sorts = [screen.sort]
        await pilot.press("s")
        sorts.append(screen.sort)
        assert sorts == ["added", "title"]
        assert titles(screen) == sorted(titles(screen), key=str.casefold)
    assert catalog.setting("library_sort", "added") == "title"


async def test_remove_asks_first(catalog: Catalog) -> None:
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        before = len(screen.shown)
        victim = screen.shown[0].id
        await pilot.press("x", "n")
        assert len(screen.shown) == before
        await pilot.press("x", "y")
        await pilot.pause()
        assert len(screen.shown) == before - 1
        assert victim not in {e.id for e in catalog.entries()}


async def test_add_from_the_library(catalog: Catalog, tmp_path: Path) -> None:
    extra = tmp_path / "extra.txt"
    extra.write_text("Extra extra\n\nA new article arrives by the keyboard.\n", encoding="utf-8")
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.press(*str(extra), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert "Extra extra" in titles(screen)


async def test_help_lists_the_real_bindings(catalog: Catalog) -> None:
    doc_id = catalog.entries()[0].id
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        shown = str(help_screen.query_one(Static).render())
        assert "Library" in shown and "Next match" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_theme_choice_is_remembered(catalog: Catalog) -> None:
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
    assert catalog.setting("theme", None) == "nord"
    again = make_app(Workspace(catalog))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_hostile_titles_are_shown_literally(tmp_path: Path) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "[bold]Not bold[/bold] \x1b[31mred[@click=app.quit]\n\nBody [link=x]here[/link].\n",
        encoding="utf-8",
    )
    catalog.add([hostile])
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("slash", *"Not bold", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("q")
        assert app.is_running


async def test_palette_shows_hostile_titles_literally(tmp_path: Path) -> None:
    from textual.command import CommandPalette

    catalog = Catalog.open(tmp_path / "lib")
    hostile = tmp_path / "hostile.txt"
    hostile.write_text("Use [/bold] to close [@click=app.quit]x\n\nBody. More.\n", "utf-8")
    catalog.add([hostile])
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"close")
        await pilot.pause(0.5)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, LibraryScreen)


async def test_started_on_a_document_back_goes_to_the_library_and_the_place_holds(
    catalog: Catalog,
) -> None:
    doc_id = next(e.id for e in catalog.entries() if e.title.startswith("A cooperative"))
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = app.screen
        assert isinstance(first, ReaderScreen) and app.screen_stack == [first]
        await pilot.press("j", "j")
        place = first.query_one(DocumentView).cursor_offset
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert catalog.reading_state(doc_id).offset == place
        assert app.screen_stack == [app.screen]  # the first reader is gone, not covered
        assert not first.is_attached
        # Open it again, read on, and go back: the newer place is the one kept, also after
        # the app ends.
        documents = app.screen.query_one("#documents", DocumentList)
        assert documents.current is not None and documents.current.id == doc_id
        await pilot.press("enter")
        await pilot.pause()
        second = app.screen
        assert isinstance(second, ReaderScreen) and second is not first
        assert second.query_one(DocumentView).cursor_offset == place
        await pilot.press("j", "j", "j")
        later = second.query_one(DocumentView).cursor_offset
        assert later > place
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen) and len(app.screen_stack) == 1
    assert catalog.reading_state(doc_id).offset == later


async def test_started_on_a_document_that_is_gone_shows_the_library_and_says_why(
    catalog: Catalog,
) -> None:
    doc_id = catalog.entries()[0].id
    catalog.text_path(doc_id).unlink()
    app = make_app(Workspace(catalog), open_id=doc_id)
    told: list[str] = []
    app.notify = lambda message, **_: told.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert told, "nothing said"
        assert any("is missing" in message for message in told), told


async def test_a_reader_left_ignores_late_answers_and_lets_go_of_its_text(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import inspect

    from library import search_index
    from library.search_index import Match, index_for

    doc_id = next(e.id for e in catalog.entries() if e.title.startswith("A cooperative"))
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = app.screen
        assert isinstance(first, ReaderScreen)
        text = first.document.text
        await pilot.press("slash", *"grow")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        # A search or place-finding answer that was on its way: ignored, no crash.
        found = Match(start=0, end=4, score=100.0, exact=True)
        first.post_message(ReaderScreen.MatchesFound("", (found,)))
        first.post_message(ReaderScreen.MatchesFound("grow", (found,)))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, LibraryScreen)
        del first  # the test's own hold on the reader
        # The search cache may keep a text a while; nothing else may. With no room left,
        # the cache lets go of every other text when one more is indexed.
        monkeypatch.setattr(search_index, "INDEX_CACHE_CHARACTERS", 0)
        index_for(f"{doc_id} is closed")
        gc.collect()
        holders = [r for r in gc.get_referrers(text) if not inspect.isframe(r)]
        assert holders == []


async def test_back_from_a_document_opened_over_another_keeps_both_places(
    catalog: Catalog,
) -> None:
    entries = catalog.entries()
    first_id, second_id = entries[0].id, entries[1].id
    app = make_app(Workspace(catalog), open_id=first_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j")
        first_place = app.screen.query_one(DocumentView).cursor_offset
        app.open_document(second_id)  # as the palette does
        await pilot.pause()
        await pilot.press("j", "j")
        second_place = app.screen.query_one(DocumentView).cursor_offset
        app.open_document(second_id)  # the same one again, at once: its place is kept
        await pilot.pause()
        assert app.screen.query_one(DocumentView).cursor_offset == second_place
        await pilot.press("q")
        await pilot.pause()
        library = app.screen
        assert isinstance(library, LibraryScreen)
        current = library.query_one("#documents", DocumentList).current
        assert current is not None and current.id == second_id
    assert catalog.reading_state(first_id).offset == first_place
    assert catalog.reading_state(second_id).offset == second_place


async def test_a_filter_typed_in_one_burst_with_the_slash_goes_into_the_field(
    catalog: Catalog,
) -> None:
    from textual import events
    from textual.widgets import Input

    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key, character in (("slash", "/"), ("h", "h"), ("a", "a"), ("r", "r")):
            app.post_message(events.Key(key, character))
        await pilot.pause()
        field = app.screen.query_one("#filter", Input)
        assert field.value == "har"
        await pilot.press("slash")
        assert field.value == "har/"


async def test_the_library_shows_what_another_copy_adds(catalog: Catalog, tmp_path: Path) -> None:
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        reloads: list[object] = []
        original = screen.reload

        def counted_reload(keep: str | None = None) -> None:
            reloads.append(keep)
            original(keep)

        screen.reload = counted_reload  # type: ignore[method-assign]
        screen.check_for_changes()
        assert reloads == []  # nothing changed: nothing read again
        extra = tmp_path / "late.txt"
        extra.write_text("Late news\n\nThe night ferry came in late.\n", encoding="utf-8")
        Catalog.open(catalog.home).add([extra])  # as another process would
        screen.check_for_changes()  # what the screen's timer does every two seconds
        await pilot.pause()
        assert "Late news" in titles(screen)


async def test_a_filter_that_matches_nothing_says_so_under_the_header(catalog: Catalog) -> None:
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"zzqqxx")
        await pilot.pause()
        documents = app.screen.query_one("#documents", DocumentList)
        assert documents.entries == ()
        assert "Nothing matches the filter" in documents.render_line(2).text


def test_add_summary_names_every_outcome_and_the_first_failure() -> None:
    from library.entries import AddResult
    from reader.screens.library import add_summary
    from service.workspace import AddOutcome

    assert add_summary(AddOutcome(AddResult(unchanged=()))) == "Nothing to add there."
    assert add_summary(AddOutcome(AddResult())) == "Nothing to add there."
    failed = AddResult(failed=(("a.bin", "a.bin is not text."), ("b.bin", "b.bin is not text.")))
    assert add_summary(AddOutcome(failed)) == "Skipped: a.bin is not text. (and 1 more)"
    problem = AddOutcome(AddResult(), problems=("The store is read-only.",))
    assert add_summary(problem) == "Nothing to add there. The store is read-only."


async def test_a_document_opens_when_its_highlights_cannot_be_saved(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotations.model import new_highlight
    from annotations.store import AnnotationStore
    from library.safe_files import StoreReadOnly

    workspace = Workspace(catalog)
    entry = catalog.entries()[0]
    text = catalog.text(entry.id)
    made = new_highlight(entry.id, text, 0, 10, content_hash="an earlier text")
    workspace.annotations.save(made)

    def refuse(self: AnnotationStore, changes: object) -> None:
        raise StoreReadOnly("The annotation file was written by a newer newsreader.")

    # Re-finding the highlights saves them with save_if_unchanged: the store refuses.
    monkeypatch.setattr(AnnotationStore, "save_if_unchanged", refuse)
    app = make_app(workspace, open_id=entry.id)
    told: list[str] = []
    app.notify = lambda message, **_: told.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert [h.id for h in reader.annotations.highlights] == [made.id]
        assert any("newer newsreader" in message for message in told), told


async def test_keys_typed_in_one_burst_act_in_order(catalog: Catalog) -> None:
    from textual import events

    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        library = app.screen
        assert isinstance(library, LibraryScreen)
        second = library.shown[1]
        for key, character in (("j", "j"), ("enter", "\r")):
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.document.id == second.id


async def test_a_large_library_starts_on_the_rows_kept_from_last_time(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import reader.screens.library as library_screen
    import service.listing_head as listing_head

    for module in (library_screen, listing_head):  # every library counts as large
        monkeypatch.setattr(module, "LARGE_LIBRARY", 2)
    async with make_app(Workspace(catalog)).run_test(size=SIZE) as pilot:
        await pilot.pause()  # the first start lists the library, and keeps its head
    assert (catalog.home / listing_head.HEAD_FILE).exists()
    everything = [entry.title for entry in catalog.entries()]

    workspace = Workspace(Catalog.open(catalog.home))
    listed = threading.Event()
    real_listing = workspace.listing

    def slow_listing(sort: SortKey = "added") -> tuple[ListedDocument, ...]:
        listed.wait(timeout=10)
        return real_listing(sort)

    monkeypatch.setattr(workspace, "listing", slow_listing)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert titles(screen) == everything  # at once, while the listing is under way
        title = str(screen.query_one("#library-title", Static).render())
        assert f"{len(everything)} documents" in title and "listing…" in title
        await pilot.press("j")  # keys answer meanwhile
        listed.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert titles(screen) == everything
        assert "listing…" not in str(screen.query_one("#library-title", Static).render())
        assert screen.query_one("#documents", DocumentList).cursor_row == 1
