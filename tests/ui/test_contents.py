"""Pilot tests of `T`, the table of contents: it lists the chapters, marks the one the
reader is in, `enter` goes there and `''` comes back."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static

from library.catalog import Catalog
from reader.app import make_app
from reader.screens.contents import ContentsScreen
from reader.screens.reader import ReaderScreen
from reader.widgets.document_view import DocumentView
from service.workspace import Workspace

CHAPTERS = 12


def book_text() -> str:
    parts = ["A SHORT NOVEL", ""]
    for number in range(1, CHAPTERS + 1):
        if number in (1, 7):
            parts += [f"BOOK {'ONE' if number == 1 else 'TWO'}", ""]
        parts += [f"CHAPTER {number}", ""]
        for line in range(8):
            parts += [f"Chapter {number} goes on, line {line} of it, as novels do.", ""]
    return "\n".join(parts)


async def test_contents_jump_and_come_back(tmp_path: Path) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    source = tmp_path / "novel.txt"
    source.write_text(book_text(), encoding="utf-8")
    doc_id = catalog.add([source]).added[0].id
    text = catalog.load(doc_id).text
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        view = reader.query_one(DocumentView)
        await pilot.press("j", "j", "j", "T")  # into chapter 1
        await pilot.pause()
        contents = app.screen
        assert isinstance(contents, ContentsScreen)
        options = contents.query_one(OptionList)
        assert options.option_count == CHAPTERS + 2
        assert options.highlighted == 1  # CHAPTER 1, under BOOK ONE
        assert "▸" in str(options.get_option_at_index(1).prompt)
        title = str(contents.query_one(".dialog-title", Static).render())
        assert "You are in BOOK ONE › CHAPTER 1" in title
        await pilot.press("G", "k", "enter")  # CHAPTER 11
        await pilot.pause()
        assert app.screen is reader
        assert view.cursor_offset == text.index("CHAPTER 11")
        await pilot.press("T")
        await pilot.pause()
        assert app.screen.query_one(OptionList).highlighted == CHAPTERS  # 11 is marked now
        await pilot.press("escape")
        await pilot.pause()
        assert view.cursor_offset == text.index("CHAPTER 11")  # esc goes nowhere
        await pilot.press("apostrophe", "apostrophe")
        await pilot.pause()
        assert view.cursor_offset == text.index("Chapter 1 goes on, line 1")


async def test_a_document_without_chapters_says_so(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    told: list[str] = []
    app.notify = lambda message, **_: told.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert told == ["This document has no headings or chapter lines to list."]
