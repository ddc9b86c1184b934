"""The field above a list: a key typed lays out nothing (the field's size never changes
with what it holds), and a long query still scrolls in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import Screen

from library.catalog import Catalog
from reader.app import make_app
from reader.widgets.document_list import DocumentList
from reader.widgets.filter_field import FilterField
from service.workspace import Workspace
from tests.ui.conftest import SIZE


async def test_keys_typed_in_the_filter_lay_out_nothing(
    ferry: tuple[Catalog, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog, _ = ferry
    layouts: list[Screen[object]] = []
    laid_out = Screen._refresh_layout

    def counted(screen: Screen[object], *args: object, **kwargs: object) -> None:
        layouts.append(screen)
        laid_out(screen, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        field = app.screen.query_one("#filter", FilterField)
        assert field.has_focus
        layouts.clear()
        for key in "harbour":
            await pilot.press(key)
            await pilot.pause()
        assert field.value == "harbour"
        assert layouts == []
        await pilot.press("escape")  # the filter goes away: that is a layout
        await pilot.pause()
        assert layouts


async def test_a_query_longer_than_the_field_scrolls_to_its_end(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, _ = ferry
    app = make_app(Workspace(catalog))
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"the ferry left at dawn and the harbour was quiet")
        await pilot.pause()
        field = app.screen.query_one("#filter", FilterField)
        assert field.value.endswith("quiet")
        assert field.scroll_offset.x > 0
        assert "quiet" in field.render_line(0).text


async def test_the_scroll_bar_follows_the_rows_the_filter_leaves(tmp_path: Path) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    for number in range(60):
        kind = "Harbour" if number % 2 else "Orchard"
        (tmp_path / f"{number:02}.txt").write_text(
            f"{kind} story number {number}.\n\nIt goes on.\n", encoding="utf-8"
        )
    catalog.add(sorted(tmp_path.glob("*.txt")))
    app = make_app(Workspace(catalog))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        documents = app.screen.query_one("#documents", DocumentList)
        start, end = documents.scroll_thumb
        assert start == 0 and 0 < end < documents.size.height - 1  # 61 rows: a short thumb
        await pilot.press("slash", *"harbour")
        await pilot.pause()
        assert len(documents.entries) == 30
        assert documents.virtual_size.height == 31
        assert documents.scroll_thumb[1] > end  # 30 rows: a longer thumb
        await pilot.press(*" story number 7")
        await pilot.pause()
        assert len(documents.entries) < 10
        assert documents.scroll_thumb == (0, 0)  # every row shown: no thumb


async def test_the_title_line_counts_with_thousands_separated(
    ferry: tuple[Catalog, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`50,001 documents`, not `50001`: a large library's count is read at a glance."""
    from reader.screens.library import LibraryScreen

    catalog, _ = ferry
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        many = screen.shown[0]
        monkeypatch.setattr(screen, "_entries", (many,) * 50_001)
        screen._update_title("")
        await pilot.pause()
        title = str(screen.query_one("#library-title").render())
        assert "50,001 documents" in title
