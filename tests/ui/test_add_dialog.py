"""The add dialog (`a` in the library): `tab` completes paths as a shell does, and a path
that names nothing is said in the dialog, the typed text kept to be mended."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from library.catalog import Catalog
from reader.app import make_app
from reader.screens.dialogs import AskPathScreen
from reader.screens.library import LibraryScreen
from service.workspace import Workspace
from tests.ui.conftest import FERRY, SIZE


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    (folder / "articles").mkdir(parents=True)
    (folder / "articles" / "ferry.txt").write_text(FERRY, encoding="utf-8")
    (folder / "articles" / "fog.txt").write_text("Fog came in. It stayed.\n", encoding="utf-8")
    (folder / "archive").mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


def field_of(app: object) -> Input:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, AskPathScreen)
    return screen.query_one("#path", Input)


def message_of(app: object) -> str:
    message = app.screen.query_one("#path-message", Static)  # type: ignore[attr-defined]
    return str(message.render()) if message.display else ""


async def test_tab_completes_paths_like_a_shell(tmp_path: Path, home: Path) -> None:
    app = make_app(Workspace(Catalog.open(tmp_path / "lib")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("~", "tab")
        assert field_of(app).value == "~/"
        await pilot.press("tab")
        await pilot.pause()
        assert field_of(app).value == "~/ar"  # as far as the names agree
        assert message_of(app) == "archive/  articles/"  # and both listed
        await pilot.press("t", "tab")
        assert field_of(app).value == "~/articles/"  # a folder ends in /
        await pilot.press("f", "tab")
        await pilot.pause()
        assert field_of(app).value == "~/articles/f"
        assert message_of(app) == "ferry.txt  fog.txt"
        await pilot.press("e", "tab")
        await pilot.pause()
        assert field_of(app).value == "~/articles/ferry.txt"
        assert field_of(app).cursor_position == len("~/articles/ferry.txt")
        assert message_of(app) == ""
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert any(e.title.startswith("The ferry left at dawn") for e in screen.shown)


async def test_a_path_that_names_nothing_keeps_the_dialog_and_the_text(
    tmp_path: Path, home: Path
) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", *"~/articles/fery.txt", "enter")
        await pilot.pause()
        assert field_of(app).value == "~/articles/fery.txt"  # still there, to be mended
        assert message_of(app) == "There is no file or folder at ~/articles/fery.txt."
        await pilot.press("left", "left", "left", "left", "left", "r")  # fery → ferry
        await pilot.pause()
        assert message_of(app) == ""  # typing hides it
        assert field_of(app).value == "~/articles/ferry.txt"
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
    assert any(e.path == str(home / "articles" / "ferry.txt") for e in catalog.entries())


async def test_tab_on_a_name_that_fits_nothing_says_so(tmp_path: Path, home: Path) -> None:
    app = make_app(Workspace(Catalog.open(tmp_path / "lib")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", *"~/zz", "tab")
        await pilot.pause()
        assert field_of(app).value == "~/zz"
        assert message_of(app) == "There is no file or folder at ~/zz."
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_tab_typed_in_one_burst_with_the_path_completes_it(
    tmp_path: Path, home: Path
) -> None:
    from textual import events

    app = make_app(Workspace(Catalog.open(tmp_path / "lib")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        for character in "~/art":  # as a paste or a fast typist sends them
            app.post_message(
                events.Key(
                    character if character.isalnum() else {"~": "tilde", "/": "slash"}[character],
                    character,
                )
            )
        app.post_message(events.Key("tab", "\t"))
        await pilot.pause()
        await pilot.pause()
        assert field_of(app).value == "~/articles/"


async def test_a_web_address_in_the_dialog_adds_the_page(tmp_path: Path) -> None:
    """An http(s) address is no path that names nothing: the page is fetched (from the
    tests' own server on 127.0.0.1) and its article listed."""
    from tests.unit.test_web_pages import serve_site

    catalog = Catalog.open(tmp_path / "lib")
    app = make_app(Workspace(catalog))
    with serve_site() as site:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("a", *f"{site}/article", "enter")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, LibraryScreen)
    assert any(e.path == f"{site}/article" for e in catalog.entries())


async def test_the_title_line_tells_how_far_an_add_is_until_it_is_done(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LibraryScreen, "ADD_PROGRESS_FROM", 0.0)  # a quick add shows it too
    shown: list[str] = []
    real_handler = LibraryScreen.on_library_screen_add_progressed

    def showing(screen: LibraryScreen, event: LibraryScreen.AddProgressed) -> None:
        real_handler(screen, event)
        shown.append(str(screen.query_one("#library-title", Static).render()))

    monkeypatch.setattr(LibraryScreen, "on_library_screen_add_progressed", showing)
    app = make_app(Workspace(Catalog.open(tmp_path / "lib")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        field_of(app).value = str(home / "articles")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown, "no progress was shown"
        assert "adding files · 0 of 2" in shown[0]
        title = str(app.screen.query_one("#library-title", Static).render())
        assert "adding files" not in title
        assert "3 documents" in title
