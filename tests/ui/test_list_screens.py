"""Pilot tests of the notes and search-all screens and the help dialog: keys in the lists
(`j`/`k`), keys in the filter fields (typed in order, `?` for help), and the help's text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from library.catalog import Catalog
from reader.app import make_app
from reader.screens.help import HelpScreen
from reader.screens.library import LibraryScreen
from reader.screens.notes import NotesScreen
from reader.screens.reader import ReaderScreen
from reader.screens.search import LibrarySearchScreen
from reader.widgets.note_list import NoteList
from reader.widgets.result_list import ResultList
from service.workspace import Workspace
from tests.ui.conftest import SIZE


def burst(app: App[None], keys: Iterable[str]) -> None:
    """Queue `keys` at once, as a paste or a fast typist delivers them (Pilot's `press`
    lets the app settle after every key)."""
    names = {"/": "slash", "?": "question_mark", " ": "space"}
    for key in keys:
        if len(key) == 1:
            app.post_message(events.Key(names.get(key, key), key))
        else:
            app.post_message(events.Key(key, "\r" if key == "enter" else None))


@pytest.fixture
def noted(ferry: tuple[Catalog, str]) -> tuple[Catalog, str]:
    """The ferry story with three highlights, the last one with a note."""
    catalog, doc_id = ferry
    workspace = Workspace(catalog)
    workspace.highlight_quote(doc_id, "The ferry left at dawn.")
    workspace.highlight_quote(doc_id, "Gulls followed the ferry")
    workspace.highlight_quote(doc_id, "the harbour master waited", note="islands at last")
    return catalog, doc_id


async def open_notes(app: App[None], pilot: object) -> NotesScreen:
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("n")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, NotesScreen)
    return screen


def help_text(app: App[None]) -> str:
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return str(screen.query_one("#help-text", Static).render())


# -- keys typed in a burst (item 14) ---------------------------------------------------------


async def test_keys_typed_in_a_burst_in_the_notes_filter_arrive_in_order(
    noted: tuple[Catalog, str],
) -> None:
    catalog, _ = noted
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        notes = await open_notes(app, pilot)
        field = notes.query_one("#notes-query", Input)
        await pilot.press("slash", *"harbour")
        assert field.value == "harbour"
        # Ten backspaces and a word: the backspaces are the field's bindings, the letters
        # are typed; both must reach the field in the order typed.
        burst(app, ["backspace"] * 10 + list("geo"))
        await pilot.pause()
        await pilot.pause()
        assert field.value == "geo"


async def test_keys_typed_in_a_burst_in_the_library_filter_arrive_in_order(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, _ = ferry
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"harbour")
        burst(app, ["backspace"] * 3 + list("xy") + ["left", "left"] + list("ab"))
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#filter", Input).value == "harbabxy"


async def test_a_slash_and_priority_letters_typed_in_a_burst_keep_their_place(
    noted: tuple[Catalog, str],
) -> None:
    """`/` (and in the library `f`, `n`, `a`) are priority keys, run by the app as soon as
    they arrive: typed fast into a field, they must still land after the keys before them
    (`a/b` became `/ab`)."""
    catalog, _ = noted
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        burst(app, list("and/or fan"))
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#filter", Input).value == "and/or fan"
        await pilot.press("escape", "escape")
        notes = await open_notes(app, pilot)
        await pilot.press("slash")
        burst(app, list("a/b/c"))
        await pilot.pause()
        await pilot.pause()
        assert notes.query_one("#notes-query", Input).value == "a/b/c"


async def test_keys_after_enter_in_a_burst_go_to_the_list(noted: tuple[Catalog, str]) -> None:
    catalog, doc_id = noted
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        notes = await open_notes(app, pilot)
        # `/ferry⏎` filters to the two ferry highlights; `j` then moves to the second and
        # `⏎` opens it: nothing after the first `⏎` is typed into the field.
        burst(app, ["/", *"ferry", "enter", "j", "enter"])
        await pilot.pause()
        await pilot.pause()
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen), notes.query_one("#notes-query", Input).value
        text = reader.document.text
        span = reader._view.cursor_span
        assert span is not None and span[0] == text.index("Gulls")


# -- ? and ctrl+p (item 11) ------------------------------------------------------------------


async def test_question_mark_opens_help_on_the_notes_screen_even_from_the_filter(
    noted: tuple[Catalog, str],
) -> None:
    catalog, _ = noted
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        notes = await open_notes(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("slash", *"ferry", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert notes.query_one("#notes-query", Input).value == "ferry"


async def test_question_mark_opens_help_on_the_search_screen(ferry: tuple[Catalog, str]) -> None:
    catalog, _ = ferry
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        search = app.screen
        assert isinstance(search, LibrarySearchScreen)
        await pilot.press(*"harbour", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "Open" in help_text(app) or "list" in help_text(app)
        # The results' keys too, though the query has the keys now: one enter away.
        assert "j / ↓" in help_text(app) and "Last" in help_text(app)
        await pilot.press("escape")
        assert search.query_one("#search-query", Input).value == "harbour"


async def test_ctrl_p_opens_the_palette_from_the_notes_filter(noted: tuple[Catalog, str]) -> None:
    from textual.command import CommandPalette

    catalog, _ = noted
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        notes = await open_notes(app, pilot)
        await pilot.press("slash", "ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert notes.query_one("#notes-query", Input).value == ""


async def test_the_notes_help_lists_its_keys_and_the_palette_key_is_spaced(
    noted: tuple[Catalog, str],
) -> None:
    catalog, _ = noted
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await open_notes(app, pilot)
        await pilot.press("question_mark")
        shown = help_text(app)
        for words in ("Down", "Up", "Open", "Filter", "Library", "Help"):
            assert words in shown, words
        assert "j / ↓" in shown and "k / ↑" in shown
        assert "ctrl+pcommand" not in shown
        assert re.search(r"^ctrl\+p  +command palette", shown, re.MULTILINE)


# -- j and k (item 12) -----------------------------------------------------------------------


async def test_j_and_k_move_in_the_notes_list(noted: tuple[Catalog, str]) -> None:
    catalog, _ = noted
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        notes = await open_notes(app, pilot)
        options = notes.query_one("#notes-list", NoteList)
        assert options.has_focus  # the list has the keys, as in the library
        assert options.cursor == 0
        await pilot.press("j", "j")
        assert options.cursor == 2
        await pilot.press("k")
        assert options.cursor == 1
        await pilot.press("G")
        assert options.cursor == 2
        await pilot.press("g")
        assert options.cursor == 0


async def test_j_and_k_type_in_the_notes_filter_and_move_once_in_the_list(
    noted: tuple[Catalog, str],
) -> None:
    catalog, _ = noted
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        notes = await open_notes(app, pilot)
        field = notes.query_one("#notes-query", Input)
        await pilot.press("slash", *"jk")
        assert field.value == "jk"
        await pilot.press("backspace", "backspace", "down")
        options = notes.query_one("#notes-list", NoteList)
        assert options.has_focus and options.cursor == 0
        await pilot.press("j")
        assert options.cursor == 1 and field.value == ""
        await pilot.press("slash", "tab")
        assert options.has_focus


async def test_esc_clears_the_notes_filter_then_leaves(noted: tuple[Catalog, str]) -> None:
    catalog, _ = noted
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        notes = await open_notes(app, pilot)
        await pilot.press("slash", *"gulls")
        assert len(notes.shown) == 1
        await pilot.press("escape")
        assert len(notes.shown) == 3
        assert notes.query_one("#notes-list", NoteList).has_focus
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_j_and_k_move_in_the_search_results(ferry: tuple[Catalog, str]) -> None:
    catalog, _ = ferry
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        search = app.screen
        assert isinstance(search, LibrarySearchScreen)
        await pilot.press(*"ferry")
        await app.workers.wait_for_complete()
        await pilot.pause()
        results = search.query_one("#search-results", ResultList)
        await pilot.press("down")
        assert results.has_focus
        first = results.cursor
        await pilot.press("j")
        assert results.cursor is not None and first is not None
        assert results.cursor > first
        await pilot.press("k")
        assert results.cursor == first
        await pilot.press("slash")
        assert search.query_one("#search-query", Input).has_focus


async def test_j_and_k_scroll_the_help(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        scroll = app.screen.query_one(VerticalScroll)
        assert scroll.max_scroll_y > 0
        await pilot.press("j", "j")
        await pilot.pause()
        assert scroll.scroll_y == 2
        await pilot.press("k")
        await pilot.pause()
        assert scroll.scroll_y == 1
        await pilot.press("G")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert scroll.scroll_y == 0


# -- search-all: grouped, marked, carried into the reader (item 13) --------------------------


@pytest.fixture
def two_stories(tmp_path: Path) -> Catalog:
    catalog = Catalog.open(tmp_path / "lib")
    stories = {
        "worry.txt": "Anxiety grew all week.\n\nThe anxiety did not pass.\n",
        "call.txt": "Xi called at noon. Nobody answered.\n\nLater Xi called again.\n\n"
        "And Xi called a third time.\n",
    }
    for name, text in stories.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    catalog.add([tmp_path / name for name in stories])
    return catalog


async def search_for(app: App[None], pilot: object, query: str) -> LibrarySearchScreen:
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("f", *query)  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, LibrarySearchScreen)
    return screen


async def test_search_results_are_grouped_by_document_and_mark_the_match(
    two_stories: Catalog,
) -> None:
    app = make_app(Workspace(two_stories))
    async with app.run_test(size=SIZE) as pilot:
        search = await search_for(app, pilot, "xi")
        results = search.query_one("#search-results", ResultList)
        lines = range(results.line_count)
        headings = [results.line_text(i) for i in lines if results.match_of(i) is None]
        assert len(headings) == 2
        assert headings[0].startswith("Xi called at noon") and "3 matches" in headings[0]
        assert headings[1].startswith("Anxiety grew") and "2 matches" in headings[1]
        assert [results.match_of(i) for i in lines] == [None, 0, 1, 2, None, 3, 4]
        await pilot.pause()
        drawn = results.render_line(1)  # the best match's line, as drawn
        marked = [segment.text for segment in drawn if segment.style and segment.style.reverse]
        assert marked == ["Xi"]
        assert results.cursor == 1  # on the best match, under its document's title
        await pilot.press("down", "j", "j", "j")
        assert results.cursor == 5  # past the second title, to its first match


async def test_a_search_result_opens_with_the_search_carried_into_the_reader(
    two_stories: Catalog,
) -> None:
    from reader.widgets.find_bar import FindBar

    app = make_app(Workspace(two_stories))
    async with app.run_test(size=SIZE) as pilot:
        await search_for(app, pilot, "xi")
        await pilot.press("down", "j", "enter")  # the second "Xi"
        await app.workers.wait_for_complete()
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        text = reader.document.text
        second = text.index("Xi", text.index("Later"))
        current = reader.current_match
        assert current is not None and current.start == second
        assert reader.query_one(FindBar).query_text == "xi"
        assert reader._view.has_focus  # the keys move in the text, as after a search
        await pilot.press("n")
        current = reader.current_match
        assert current is not None and current.start == text.index("Xi", second + 2)
        cursor = reader._view.cursor_span
        assert cursor is not None and cursor[0] <= current.start < cursor[1]


async def test_a_query_typed_in_one_burst_with_f_goes_into_the_field(
    two_stories: Catalog,
) -> None:
    app = make_app(Workspace(two_stories))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, ["j", *"fxi"])
        await pilot.pause()
        await pilot.pause()
        search = app.screen
        assert isinstance(search, LibrarySearchScreen)
        assert search.query_one("#search-query", Input).value == "xi"
        await pilot.press("escape")
        await pilot.pause()
        burst(app, ["slash", *"fan"])  # in the filter, `f`, `a` and `n` are letters
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert app.screen.query_one("#filter", Input).value == "fan"
