"""`o` in the reader: the link under the cursor opens in the browser $BROWSER names; with
several in the sentence a picker of the links in view; anything but a web or mail
address only once confirmed. The browser is a script that writes down what it is given."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from library.catalog import Catalog
from reader.app import make_app
from reader.screens.dialogs import ConfirmScreen
from reader.screens.links import LinksScreen
from reader.screens.reader import ReaderScreen
from reader.widgets.key_bar import KeyBar
from service.workspace import Workspace
from tests.ui.conftest import SIZE

LINKS = """\
The first sentence has [one link](https://example.org/one) only.

The second has [a page](https://example.org/a) and [a mail](mailto:b@example.org) both.

The third has [a file](ftp://example.org/notes.txt) in it.
"""


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$BROWSER set to a script that appends each address it is given to a file; returns
    the file."""
    record = tmp_path / "opened.txt"
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{record}"\n', encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(script))
    # `webbrowser` reads $BROWSER once, at its first use: start it afresh for this test.
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    return record


async def opened(pilot: Pilot[None], record: Path, count: int) -> list[str]:
    """The addresses the browser was given, once it was given `count` (or after a while)."""
    for _ in range(250):
        if record.exists() and len(record.read_text("utf-8").splitlines()) >= count:
            break
        await pilot.pause(0.02)
    return record.read_text("utf-8").splitlines() if record.exists() else []


def library_with_links(tmp_path: Path) -> tuple[Catalog, str]:
    catalog = Catalog.open(tmp_path / "lib")
    source = tmp_path / "links.md"
    source.write_text(LINKS, encoding="utf-8")
    return catalog, catalog.add([source]).added[0].id


async def test_o_opens_the_link_under_the_cursor_picks_among_several_and_asks_for_others(
    tmp_path: Path, browser: Path
) -> None:
    catalog, doc_id = library_with_links(tmp_path)
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert "Open link" in reader.query_one(KeyBar).render_line(0).text
        await pilot.press("o")
        assert await opened(pilot, browser, 1) == ["https://example.org/one"]

        await pilot.press("j", "o")  # two links in this sentence: choose
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, LinksScreen)
        options = picker.query_one(OptionList)
        assert options.option_count == 4  # every link in view
        assert options.highlighted == 1  # the sentence's first
        await pilot.press("j", "enter")
        assert await opened(pilot, browser, 2) == [
            "https://example.org/one",
            "mailto:b@example.org",
        ]
        assert app.screen is reader

        await pilot.press("j", "o")  # not a web address: asked first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is reader
        await pilot.press("o", "y")
        assert (await opened(pilot, browser, 3))[2:] == ["ftp://example.org/notes.txt"]


async def test_selecting_o_still_moves_the_other_end_and_plain_text_offers_no_link(
    tmp_path: Path, browser: Path, ferry: tuple[Catalog, str]
) -> None:
    catalog, doc_id = library_with_links(tmp_path)
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v", "o", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert not browser.exists()
    plain_catalog, plain_id = ferry
    app = make_app(Workspace(plain_catalog), open_id=plain_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Open link" not in app.screen.query_one(KeyBar).render_line(0).text
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
    assert not browser.exists()
