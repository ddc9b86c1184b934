"""The library's scroll bar is drawn a frame after the rows it follows, and always catches
up with them; the app's UI thread gets the interpreter lock back from busy threads quickly."""

from __future__ import annotations

import sys
from pathlib import Path

from library.catalog import Catalog
from library.entries import Entry
from reader.app import UI_SWITCH_SECONDS, make_app
from reader.widgets.document_list import SCROLL_BAR_LATER, DocumentList
from service.workspace import Workspace


def _entry(n: int) -> Entry:
    return Entry(
        id=f"{n:012x}",
        title=f"Story number {n}",
        source=None,
        date=None,
        caption=None,
        words=90,
        reading_minutes=1,
        path=None,
        added="2024-05-02T00:00:00+00:00",
        content_hash="0" * 64,
        updated="2024-05-02T00:00:00+00:00",
    )


async def test_the_scroll_bar_catches_up_with_the_rows(tmp_path: Path) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    for number in range(80):
        (tmp_path / f"{number:02}.txt").write_text(
            f"Story number {number}.\n\nIt goes on.\n", encoding="utf-8"
        )
    catalog.add(sorted(tmp_path.glob("*.txt")))
    app = make_app(Workspace(catalog))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        documents = app.screen.query_one("#documents", DocumentList)
        bar = documents.vertical_scrollbar
        assert bar.position == 0
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert documents.scroll_y > 0  # the rows moved at once
        await pilot.pause(SCROLL_BAR_LATER * 3)
        assert bar.position == documents.scroll_y
        assert bar.window_virtual_size == documents.virtual_size.height
        await pilot.press("G")
        await pilot.pause(SCROLL_BAR_LATER * 3)
        assert bar.position == documents.scroll_y == documents.max_scroll_y
        await pilot.press("g")
        await pilot.pause(SCROLL_BAR_LATER * 3)
        assert bar.position == documents.scroll_y == 0


async def test_busy_threads_hand_the_ui_thread_the_lock_within_a_millisecond(
    tmp_path: Path,
) -> None:
    app = make_app(Workspace(Catalog.open(tmp_path / "lib")))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        assert sys.getswitchinterval() == UI_SWITCH_SECONDS == 0.001
    assert sys.getswitchinterval() != UI_SWITCH_SECONDS  # given back when the app stops


async def test_the_scroll_bar_is_made_before_the_list_outgrows_the_screen(
    tmp_path: Path,
) -> None:
    """Made (hidden) after the first frame: made when a refresh's rows first overflow the
    screen, it was imported and styled in the frame that laid the screen out for it."""
    app = make_app(Workspace(Catalog.open(tmp_path / "lib")))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        documents = app.screen.query_one("#documents", DocumentList)
        assert not documents.show_vertical_scrollbar  # one document: nothing to scroll
        assert documents._vertical_scrollbar is not None  # (Textual makes it on demand)


async def test_a_list_outgrowing_the_screen_keeps_its_rows_as_wide(tmp_path: Path) -> None:
    """The scroll bar's column is kept while it is hidden: when a refresh's rows first
    overflow the screen, they are drawn at once, at the width they had, and the bar (which
    lays the screen out) comes a frame later."""
    catalog = Catalog.open(tmp_path / "lib")
    app = make_app(Workspace(catalog))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause(SCROLL_BAR_LATER * 3)
        documents = app.screen.query_one("#documents", DocumentList)
        assert not documents.show_vertical_scrollbar
        width = documents.scrollable_content_region.width
        assert width == 100 - 1
        many = [_entry(n) for n in range(60)]
        documents.set_entries(many, {}, {})
        await pilot.pause()
        assert documents.scrollable_content_region.width == width
        await pilot.pause(SCROLL_BAR_LATER * 3)
        assert documents.show_vertical_scrollbar
        assert documents.scrollable_content_region.width == width
        assert documents.vertical_scrollbar.window_virtual_size == 61
        documents.set_entries(many[:3], {}, {})  # fits again: the bar goes, the rows stay
        await pilot.pause(SCROLL_BAR_LATER * 3)
        assert not documents.show_vertical_scrollbar
        assert documents.scrollable_content_region.width == width
