"""`v` in the library narrows it to one feed or one source, as a feed reader opens one
feed: a picker lists them with their unread counts, `enter` shows only that one's
documents, and "All documents" or `esc` brings every document back."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static

from library.add_batches import ReadDocument
from library.catalog import Catalog
from library.list_scope import Scope
from library.parse import Parsed
from reader.app import make_app
from reader.screens.library import LibraryScreen
from reader.screens.scope_picker import ScopePickerScreen
from service.workspace import Workspace
from tests.ui.conftest import SIZE


def _article(title: str, *, feed: str | None, source: str | None) -> ReadDocument:
    text = f"{title} is an article of a few words.\n\nIt has a second paragraph too."
    parsed = Parsed(title, source, None, None, text, feed=feed)
    return ReadDocument(f"https://example.test/{title.replace(' ', '-')}", parsed, title)


def _library(tmp_path: Path) -> Workspace:
    workspace = Workspace(Catalog.open(tmp_path / "lib"))
    workspace.add(
        [
            _article("Storm today", feed="Harbour News", source="The Coastal Gazette"),
            _article("Ferry today", feed="Harbour News", source="The Coastal Gazette"),
            _article("Lighthouse", feed="Full Text Weekly", source="Full Text Weekly"),
            _article("Tide tables", feed=None, source="Almanac"),
        ]
    )
    return workspace


def _titles(screen: LibraryScreen) -> set[str]:
    return {entry.title for entry in screen.shown}


async def test_v_shows_one_feed_and_esc_every_document(tmp_path: Path) -> None:
    app = make_app(_library(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        every = _titles(screen)
        await pilot.press("v")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ScopePickerScreen)
        lines = [
            str(picker.query_one(OptionList).get_option_at_index(i).prompt)
            for i in range(picker.query_one(OptionList).option_count)
        ]
        assert lines[0] == "All documents (5)"  # (the welcome guide is one)
        assert lines[1].split() == ["Feed", "Full", "Text", "Weekly", "1,", "1", "unread"]
        assert lines[2].split() == ["Feed", "Harbour", "News", "2,", "2", "unread"]
        assert [line.split()[0] for line in lines[3:]] == ["Source", "Source"]  # Almanac, Gazette
        await pilot.press("j", "j", "enter")  # Harbour News
        await pilot.pause()
        assert not isinstance(app.screen, ScopePickerScreen) and screen.scope == Scope(
            "feed", "Harbour News"
        )
        assert _titles(screen) == {"Storm today", "Ferry today"}
        title = str(screen.query_one("#library-title", Static).render())
        assert title.endswith(" · feed: Harbour News (2)"), title

        await pilot.press("slash", "f", "e", "r", "r", "y")  # the filter works within it
        await pilot.pause()
        assert _titles(screen) == {"Ferry today"}
        await pilot.press("escape")  # clears and closes the filter: still the feed
        assert _titles(screen) == {"Storm today", "Ferry today"}
        await pilot.press("escape")  # then every document again
        assert screen.scope is None and _titles(screen) == every


async def test_all_documents_in_the_picker_and_v_in_the_filter(tmp_path: Path) -> None:
    app = make_app(_library(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("v", "G", "enter")  # the last source: The Coastal Gazette
        await pilot.pause()
        assert screen.scope == Scope("source", "The Coastal Gazette")
        assert _titles(screen) == {"Storm today", "Ferry today"}
        await pilot.press("v")
        await pilot.pause()
        assert app.screen.query_one(OptionList).highlighted == 4  # starts on the current one
        await pilot.press("g", "enter")  # All documents
        await pilot.pause()
        assert screen.scope is None and len(screen.shown) == 5
        await pilot.press("slash", "v")  # in the filter, v is a letter
        assert screen.query_one("#filter", Input).value == "v"
