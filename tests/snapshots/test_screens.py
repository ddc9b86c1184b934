"""What the screens look like (pytest-textual-snapshot)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from library.catalog import Catalog
from reader.app import make_app
from service.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "library"
SIZE = (100, 30)


def stable_catalog(tmp_path: Path) -> Catalog:
    """A library whose content does not depend on the clock or the folder."""
    catalog = Catalog.open(tmp_path / "lib")
    shutil.copytree(FIXTURES, tmp_path / "src")
    for name in ("harbour.txt", "orchard.txt", "notes.md"):
        catalog.add([tmp_path / "src" / name])
    return catalog


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return stable_catalog(tmp_path)


def test_library_screen(snap_compare: Any, catalog: Catalog) -> None:
    assert snap_compare(make_app(Workspace(catalog)), terminal_size=SIZE)


def test_reader_screen(snap_compare: Any, catalog: Catalog) -> None:
    doc_id = next(e.id for e in catalog.entries() if e.title.startswith("The harbour"))
    assert snap_compare(
        make_app(Workspace(catalog), open_id=doc_id), terminal_size=SIZE, press=["j", "j"]
    )


def test_help_screen(snap_compare: Any, catalog: Catalog) -> None:
    doc_id = next(e.id for e in catalog.entries() if e.title.startswith("The harbour"))
    assert snap_compare(
        make_app(Workspace(catalog), open_id=doc_id), terminal_size=SIZE, press=["question_mark"]
    )


def test_hostile_text_is_literal(snap_compare: Any, tmp_path: Path) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "Escape \x1b[31mred\x1b[0m and [bold]markup[/bold] [@click=app.quit]click[/]\n\n"
        "A C1 control \x9b here, a bidi override \u202eevil\u202c, a bell \x07.\n",
        encoding="utf-8",
    )
    doc = catalog.add([hostile]).added[0]
    assert snap_compare(make_app(Workspace(catalog), open_id=doc.id), terminal_size=SIZE)


def test_reader_with_lit_matches_and_highlights(snap_compare: Any, catalog: Catalog) -> None:
    """Search matches light up (the current one distinct), over a highlight with a note."""
    doc_id = next(e.id for e in catalog.entries() if e.title.startswith("The harbour"))

    async def search_and_highlight(pilot: Any) -> None:
        await pilot.press("j", "h", "a", *"A note", "ctrl+s")
        await pilot.pause()
        await pilot.press("slash", *"the")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter", "n")
        await pilot.pause()
        pilot.app.clear_notifications()  # toasts expire on a clock: keep them out
        await pilot.pause()

    app = make_app(Workspace(catalog), open_id=doc_id)
    assert snap_compare(app, terminal_size=SIZE, run_before=search_and_highlight)


def test_search_across_the_library(snap_compare: Any, catalog: Catalog) -> None:
    """Titles above their matches, each match marked in its line of context, the cursor
    on the best one (only the lines in view are drawn)."""

    async def search(pilot: Any) -> None:
        await pilot.pause()  # the library listed: `f` is its key, not a filter letter
        await pilot.press("f", *"harbour")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(Workspace(catalog)), terminal_size=SIZE, run_before=search)
