"""The library list's scroll bar, which the list draws itself in its rightmost column: it
follows the rows in the same frame, never lays the screen out, and can be pressed and
dragged; the app's UI thread gets the interpreter lock back from busy threads quickly."""

from __future__ import annotations

import sys
from pathlib import Path

from library.catalog import Catalog
from library.entries import Entry
from reader.app import UI_SWITCH_SECONDS, make_app
from reader.widgets.document_list import DocumentList
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


def _bar_cells(documents: DocumentList) -> list[object]:
    """The style of the bar's cell on each row line of the view."""
    return [list(documents.render_line(y))[-1].style for y in range(1, documents.size.height)]


async def test_the_thumb_follows_the_rows(tmp_path: Path) -> None:
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
        start, end = documents.scroll_thumb
        assert start == 0 and end > 0
        cells = _bar_cells(documents)
        assert cells[0] != cells[-1]  # the thumb at the top, the track below it
        await pilot.press("pagedown", "pagedown")
        assert documents.scroll_y > 0
        assert documents.scroll_thumb[0] > 0  # at once, in the frame of the rows
        await pilot.press("G")
        rows = documents.size.height - 1
        assert documents.scroll_y == documents.max_scroll_y
        assert documents.scroll_thumb[1] == rows
        await pilot.press("g")
        assert documents.scroll_thumb[0] == 0


async def test_a_list_outgrowing_the_screen_lays_nothing_out(tmp_path: Path) -> None:
    """A refresh's rows first overflowing the screen are drawn in one frame, at the width
    they had: the bar is part of the rows' lines, and Textual's own is never shown."""
    app = make_app(Workspace(Catalog.open(tmp_path / "lib")))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        documents = app.screen.query_one("#documents", DocumentList)
        assert documents.scroll_thumb == (0, 0)
        assert documents.render_line(1).cell_length == 100
        many = [_entry(n) for n in range(60)]
        documents.set_entries(many, {}, {})
        await pilot.pause()
        assert not documents.show_vertical_scrollbar
        assert documents.scroll_thumb != (0, 0)
        assert documents.render_line(1).cell_length == 100
        assert documents.allow_vertical_scroll  # the mouse wheel scrolls it
        documents.set_entries(many[:3], {}, {})
        await pilot.pause()
        assert documents.scroll_thumb == (0, 0)
        assert not documents.allow_vertical_scroll


async def test_pressing_and_dragging_the_bar_scrolls(tmp_path: Path) -> None:
    app = make_app(Workspace(Catalog.open(tmp_path / "lib")))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        documents = app.screen.query_one("#documents", DocumentList)
        documents.set_entries([_entry(n) for n in range(200)], {}, {})
        await pilot.pause()
        bottom = documents.size.height - 1
        await pilot.mouse_down("#documents", offset=(99, bottom))
        assert documents.scroll_y == documents.max_scroll_y
        await pilot.hover("#documents", offset=(99, 1))
        assert documents.scroll_y == 0  # dragged back up
        await pilot.mouse_up("#documents", offset=(99, 1))
        await pilot.hover("#documents", offset=(99, bottom))
        assert documents.scroll_y == 0  # let go: moving no longer scrolls
        assert documents.cursor_row == 0  # the cursor stayed on its document
        await pilot.click("#documents", offset=(99, bottom))
        assert documents.scroll_y == documents.max_scroll_y
        assert documents.cursor_row == 0  # a press on the bar opens nothing, moves no cursor


async def test_busy_threads_hand_the_ui_thread_the_lock_within_a_millisecond(
    tmp_path: Path,
) -> None:
    app = make_app(Workspace(Catalog.open(tmp_path / "lib")))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        assert sys.getswitchinterval() == UI_SWITCH_SECONDS == 0.001
    assert sys.getswitchinterval() != UI_SWITCH_SECONDS  # given back when the app stops


async def test_the_mouse_wheel_scrolls_the_list(tmp_path: Path) -> None:
    """Textual lets a widget's wheel scroll it only while its own bar shows; the list's bar
    is its own, and the wheel still scrolls it (not the cursor)."""
    from textual import events

    app = make_app(Workspace(Catalog.open(tmp_path / "lib")))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        documents = app.screen.query_one("#documents", DocumentList)
        documents.set_entries([_entry(n) for n in range(200)], {}, {})
        await pilot.pause()
        for _ in range(3):
            documents.post_message(
                events.MouseScrollDown(
                    documents, 5, 5, 0, 1, 0, False, False, False, screen_x=5, screen_y=5
                )
            )
        await pilot.pause()
        assert documents.scroll_y > 0
        assert documents.cursor_row == 0
