"""The command palette offers what fits the screen it is opened on: the reader's actions
in the reader, the library's in the library, what works everywhere (notes, search all,
export all, help, open a document, theme, quit) on both, and none of Textual's developer
tools (maximize, screenshot)."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from library.catalog import Catalog
from reader.app import make_app
from reader.palette import NewsreaderCommands
from reader.screens.library import LibraryScreen
from reader.screens.reader import ReaderScreen
from service.workspace import Workspace
from tests.ui.conftest import SIZE


async def offered(screen: Screen[Any], query: str = "") -> list[str]:
    """The titles the palette offers on `screen` for `query` (with nothing typed, in the
    order shown)."""
    provider = NewsreaderCommands(screen)
    hits = provider.search(query) if query else provider.discover()
    return [str(hit.text) async for hit in hits]


async def test_the_reader_offers_reader_actions_and_no_library_ones(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        titles = await offered(reader)
        reader_actions = ["Search", "Highlight", "Note", "Library", "Read/unread", "Export"]
        assert [title for title in titles if title in reader_actions] == reader_actions
        assert titles.index("Library") < titles.index("Notes: every highlight and note")
        assert "Sort" not in titles and "Add" not in titles  # library actions
        assert "Next sentence" not in titles  # moving keys are keys, not commands
        assert "Cancel / library" not in titles
        assert titles[-3:] == [
            "Quit newsreader",
            "Open: The ferry left at dawn",
            "Open: Welcome to newsreader",
        ]
        assert "Help: show the keys" not in titles  # the reader's own `?` is offered
        assert "Help" in titles
        assert "Sort" not in await offered(reader, "cycle the sort order")
        assert await offered(reader, "mark the document") == ["Read/unread"]  # its words
        system = [command.title for command in app.get_system_commands(app.screen)]
        assert system == ["Theme"]


async def test_a_reader_action_chosen_in_the_palette_runs_in_the_reader(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    workspace = Workspace(catalog)
    app = make_app(workspace, open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"highlight")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)  # not the library, not the notes
        assert [h.quote for h in workspace.highlights(doc_id)] == ["The ferry left at dawn."]


async def test_the_library_offers_its_actions_and_runs_them_there(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, _ = ferry
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        library = app.screen
        assert isinstance(library, LibraryScreen)
        titles = await offered(library)
        for title in ("Open", "Filter", "Search all", "Notes", "Sort", "Add", "Remove"):
            assert title in titles
        assert "Highlight" not in titles
        # What the library binds to a key is offered once, with its key, not twice.
        assert "Notes: every highlight and note" not in titles
        assert "Quit" in titles and "Quit newsreader" not in titles
        await pilot.press("ctrl+p", *"cycle the sort order")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert library.sort == "title"
        assert app.screen is library


async def test_the_notes_screen_does_not_offer_itself(ferry: tuple[Catalog, str]) -> None:
    catalog, _ = ferry
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        titles = await offered(app.screen)
        assert "Notes: every highlight and note" not in titles
        assert "Search all documents" in titles
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert "Search all documents" not in await offered(app.screen)
