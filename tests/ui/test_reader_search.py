"""Pilot tests of fuzzy search in the reader: typing, enter, n/N, esc."""

from __future__ import annotations

from textual import events

from library.catalog import Catalog
from reader.app import make_app
from reader.screens.library import LibraryScreen
from reader.screens.reader import ReaderScreen
from reader.widgets.document_view import DocumentView
from reader.widgets.find_bar import FindBar
from service.workspace import Workspace
from tests.ui.conftest import SIZE


async def wait_for_search(app: object, pilot: object) -> None:
    await app.workers.wait_for_complete()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_typing_lights_and_counts_matches(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("slash", *"ferry")
        await wait_for_search(app, pilot)
        text = screen.document.text
        assert len(screen.matches) == 3
        assert all(text[m.start : m.end].lower() == "ferry" for m in screen.matches)
        assert screen.query_one(FindBar).is_open
        view = screen.query_one(DocumentView)
        assert view.cursor_offset == 0  # typing does not move the cursor


async def test_enter_jumps_then_n_and_shift_n_walk_in_reading_order(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.query_one(DocumentView)
        text = screen.document.text
        await pilot.press("slash", *"harbour master", "enter")
        await wait_for_search(app, pilot)
        current = screen.current_match
        assert current is not None
        assert text[current.start : current.end] == "harbour master"
        assert view.has_focus
        span = view.cursor_span
        assert span is not None and span[0] <= current.start < span[1]

        await pilot.press("slash", *"ferry", "enter")
        await wait_for_search(app, pilot)
        starts = [m.start for m in screen.matches]
        assert screen.current_match is not None
        first = starts.index(screen.current_match.start)
        await pilot.press("n")
        assert screen.current_match.start == starts[(first + 1) % 3]
        await pilot.press("N")
        assert screen.current_match.start == starts[first]
        await pilot.press("N", "N", "N")
        assert screen.current_match.start == starts[first]


async def test_typo_is_forgiven(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("slash", *"brekwater", "enter")
        await wait_for_search(app, pilot)
        match = screen.current_match
        assert match is not None
        assert "breakwater" in screen.document.text[match.start : match.end]


async def test_esc_clears_then_goes_back(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("slash", *"gulls", "enter")
        await wait_for_search(app, pilot)
        assert screen.matches
        await pilot.press("escape")
        assert not screen.matches
        assert not screen.query_one(FindBar).is_open
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_n_without_a_search_says_so(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.current_match is None


async def test_library_search_opens_document_at_the_match(ferry: tuple[Catalog, str]) -> None:
    from reader.screens.search import LibrarySearchScreen

    catalog, doc_id = ferry
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibrarySearchScreen)
        await pilot.press(*"harbor mastr")
        await wait_for_search(app, pilot)
        assert screen.results
        hit = screen.results[0]
        match = hit.match
        assert hit.document_id == doc_id
        await pilot.press("enter", "enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        view = reader.query_one(DocumentView)
        span = view.cursor_span
        assert span is not None and span[0] <= match.start < span[1]


def burst(app: object, keys: str) -> None:
    """Queue `keys` at once, as a paste or a fast typist delivers them (Pilot's `press`
    lets the app settle after every key)."""
    from textual import events

    for key in keys:
        name = "slash" if key == "/" else key
        app.post_message(events.Key(name, key))  # type: ignore[attr-defined]


async def test_a_query_typed_in_one_burst_with_the_slash_goes_into_the_bar(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        burst(app, "/nce")  # n, c and e are reader keys too: none of them may run
        await wait_for_search(app, pilot)
        bar = screen.query_one(FindBar)
        assert bar.query_text == "nce"
        assert screen.annotations.highlights == ()
        burst(app, "/x")  # a slash typed in the bar is part of the query
        await wait_for_search(app, pilot)
        assert bar.query_text == "nce/x"


async def test_a_search_stopped_at_its_limit_says_so(tmp_path: object) -> None:
    from pathlib import Path

    from textual.widgets import Static

    from reader.screens.reader import MATCH_LIMIT

    folder = Path(str(tmp_path))
    catalog = Catalog.open(folder / "lib")
    source = folder / "cats.txt"
    source.write_text("The cat sat. " * (MATCH_LIMIT + 50), encoding="utf-8")
    doc_id = catalog.add([source]).added[0].id
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"cat")
        await wait_for_search(app, pilot)
        count = app.screen.query_one(".find-bar--count", Static)
        assert str(count.render()) == f"{MATCH_LIMIT}+ matches"


# --- search from where the reader is, as less and vim do --------------------------------------


def count_text(screen: ReaderScreen) -> str:
    from textual.widgets import Static

    return str(screen.query_one(".find-bar--count", Static).render())


async def test_enter_goes_to_the_first_match_after_the_cursor_and_quotes_come_back(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.query_one(DocumentView)
        text = screen.document.text
        last = text.index("By noon")
        await pilot.press("G")
        assert view.cursor_offset == last
        await pilot.press("slash", *"harbour", "enter")
        await wait_for_search(app, pilot)
        current = screen.current_match
        assert current is not None and current.start == text.index("harbour master")
        assert view.cursor_offset == last  # not back to "The harbour was quiet."
        await pilot.press("n")  # past the last match: round to the top, said in the bar
        assert screen.current_match is not None
        assert screen.current_match.start == text.index("harbour was")
        assert count_text(screen) == "wrapped to the top · 1 of 2"
        await pilot.press("apostrophe", "apostrophe")  # back to where n jumped from
        assert view.cursor_offset == last
        await pilot.press("g", "grave_accent", "grave_accent")  # g is a jump too
        assert view.cursor_offset == last
        await pilot.press("apostrophe", "j", "apostrophe")  # not a pair: nothing
        assert view.cursor_offset == last


async def test_esc_in_the_find_bar_leaves_the_cursor_where_the_search_put_it(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.query_one(DocumentView)
        await pilot.press("slash", *"gulls", "enter")
        await wait_for_search(app, pilot)
        place = view.cursor_offset
        assert place == screen.document.text.index("Gulls")
        await pilot.press("slash", "escape")  # the bar again, then esc in it
        await pilot.pause()
        assert not screen.query_one(FindBar).is_open and not screen.matches
        assert view.cursor_offset == place and view.has_focus


async def test_keys_typed_in_one_burst_after_enter_wait_for_the_answer(
    ferry: tuple[Catalog, str],
) -> None:
    from annotations.store import AnnotationStore

    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        # A typo'd query, enter and h as one paste: h highlights what enter went to.
        burst(app, "/harbour mastr")
        app.post_message(events_key("enter"))
        burst(app, "h")
        await wait_for_search(app, pilot)
        await pilot.pause()
        assert screen.query_one(FindBar).query_text == "harbour mastr"
        quotes = [h.quote for h in AnnotationStore(catalog.home).for_document(doc_id)]
        assert quotes == ["harbour master"]
        # A second search in the same burst: its keys go to the bar, then to the text.
        burst(app, "/gulls")
        app.post_message(events_key("enter"))
        app.post_message(events_key("escape"))
        await wait_for_search(app, pilot)
        await pilot.pause()
        view = screen.query_one(DocumentView)
        assert view.cursor_offset == screen.document.text.index("Gulls")
        assert not screen.matches and not screen.holding_keys and view.has_focus


def events_key(name: str) -> events.Key:
    """A key without a printable character, as the terminal sends `enter` or `esc`."""
    return events.Key(name, {"enter": "\r", "escape": "\x1b"}.get(name))


async def test_toasts_stand_above_the_find_bar_and_the_status_line(
    ferry: tuple[Catalog, str],
) -> None:
    from reader.widgets.reader_status import ReaderStatus

    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("slash", *"ferry", "enter")
        await wait_for_search(app, pilot)
        await pilot.press("h")  # says "Highlighted." in a toast
        await pilot.pause()
        await pilot.pause()
        toast = screen.query_one("Toast").region  # Textual's notice
        assert toast.height > 0 and toast.bottom <= screen.query_one(FindBar).region.y
        await pilot.press("escape")  # no find bar: above the status line all the same
        await pilot.pause()
        await pilot.pause()
        toast = screen.query_one("Toast").region
        assert toast.bottom <= screen.query_one(ReaderStatus).region.y


async def test_a_click_in_the_find_bar_after_enter_types_there_again(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("slash", *"gulls", "enter")
        await wait_for_search(app, pilot)
        await pilot.click("#find-query")
        await pilot.press("end", *"x")
        await pilot.pause()
        assert screen.query_one(FindBar).query_text == "gullsx"
        assert not screen.holding_keys


async def test_a_typo_searched_far_into_a_long_text_lands_after_the_cursor(
    tmp_path: object,
) -> None:
    """A name mentioned hundreds of times, searched with a typo from 80 % of the text:
    `enter` goes to the first look-alike after the cursor, not round to the top (the
    approximate matches are not only the hundred best of the whole text)."""
    from pathlib import Path

    from library.entries import ReadingState

    folder = Path(str(tmp_path))
    catalog = Catalog.open(folder / "lib")
    source = folder / "long.txt"
    paragraphs = [
        f"In the morning of day {n} the general Kutuzov rode out to the river." for n in range(400)
    ]
    source.write_text("A long account\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    doc_id = catalog.add([source]).added[0].id
    text = catalog.load(doc_id).text
    place = text.index("day 320 ")
    catalog.save_reading_state(doc_id, ReadingState(offset=place, progress=0.8, opened=None))
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(DocumentView)
        assert view.cursor_offset == text.rindex("In the morning", 0, place + 1)  # its sentence
        await pilot.press("slash", *"Kutuzof")
        await wait_for_search(app, pilot)
        await pilot.press("enter")
        await wait_for_search(app, pilot)
        here = text.rindex("In the morning", 0, place + 1)
        assert here <= view.cursor_offset < text.index("day 322 ")  # not round to the top


async def test_a_slash_typed_in_a_burst_in_the_query_keeps_its_place(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        for character in "and/or":
            app.post_message(events.Key("slash" if character == "/" else character, character))
        await wait_for_search(app, pilot)
        assert app.screen.query_one(FindBar).query_text == "and/or"
