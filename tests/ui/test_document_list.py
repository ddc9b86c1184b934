"""The library's line-drawn document list: columns, cursor, scrolling, keys and clicks."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import App, ComposeResult

from library.entries import Entry
from reader.widgets.document_list import (
    TITLE_MIN_WIDTH,
    DocumentList,
    columns_for,
    fit,
    row_values,
)


def entry(n: int, title: str | None = None, source: str | None = "The Gazette") -> Entry:
    return Entry(
        id=f"id{n:04d}",
        title=title if title is not None else f"Story number {n}",
        source=source,
        date="2024-05-02",
        caption=None,
        words=900,
        reading_minutes=4,
        path=None,
        added="2024-05-02T00:00:00+00:00",
        content_hash="0" * 64,
        updated="2024-05-02T00:00:00+00:00",
    )


class ListApp(App[None]):
    def __init__(self, entries: list[Entry]) -> None:
        super().__init__()
        self.entries = entries
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield DocumentList()

    def on_mount(self) -> None:
        documents = self.query_one(DocumentList)
        documents.set_entries(self.entries, {"id0001": 0.5}, {"id0002": 3})
        documents.focus()

    def on_document_list_selected(self, event: DocumentList.Selected) -> None:
        self.chosen.append(event.entry.id)


# -- pure parts ------------------------------------------------------------------------------


def test_fit_pads_aligns_and_cuts_with_an_ellipsis() -> None:
    assert fit("abc", 5) == "abc  "
    assert fit("abc", 5, right=True) == "  abc"
    assert fit("abcdef", 4) == "abc…"
    assert fit("日本語の題", 5) == "日本…"  # two cells a character: cut on a whole one
    assert fit("", 3) == "   "


def test_title_takes_what_the_other_columns_leave() -> None:
    wide = columns_for(120)
    assert [c.label for c in wide] == ["Title", "Source", "Date", "Length", "Read", "Marks"]
    assert sum(c.width + 2 for c in wide) == 120
    assert wide[1].width == 20
    # Narrower: the source column shrinks, then marks and read make room for the title.
    narrow = columns_for(80)
    assert [c.label for c in narrow] == ["Title", "Source", "Date", "Length"]
    assert narrow[1].width == 12 and sum(c.width + 2 for c in narrow) == 80
    assert narrow[0].width >= 40
    tiny = columns_for(30)
    assert [c.label for c in tiny] == ["Title", "Source", "Length"]
    assert tiny[0].width == TITLE_MIN_WIDTH


def test_row_values_are_visible_one_line_strings() -> None:
    values = row_values(entry(1, title="Line\none \x1b[31m"), 0.42, 0)
    assert values[0] == "Line one ␛[31m"
    assert values[3:] == ("4 min", "42%", "")
    assert row_values(entry(2, source=None), None, 7)[1:] == ("", "2024-05-02", "4 min", "new", "7")
    assert row_values(entry(3), 0.0, 0)[4] == "0%"  # opened, not moved in: not new


# -- the widget ------------------------------------------------------------------------------


def screen_text(app: App[None]) -> list[str]:
    documents = app.query_one(DocumentList)
    return [documents.render_line(y).text for y in range(documents.size.height)]


async def test_header_rows_and_cursor() -> None:
    app = ListApp([entry(n) for n in range(5)])
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        lines = screen_text(app)
        assert lines[0].split() == ["Title", "Source", "Date", "Length", "Read", "Marks"]
        assert lines[1].startswith(" Story number 0")
        assert "50%" in lines[2] and lines[3].rstrip().endswith("3")
        documents = app.query_one(DocumentList)
        assert documents.cursor_row == 0 and documents.current == app.entries[0]
        await pilot.press("j", "j", "down", "k")
        assert documents.cursor_row == 2
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == []  # enter is the screen's key (it opens); the list has none
        documents.action_select()
        await pilot.pause()
        assert app.chosen == ["id0002"]


async def test_keys_scroll_the_cursor_into_view() -> None:
    app = ListApp([entry(n) for n in range(200)])
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        documents = app.query_one(DocumentList)
        await pilot.press("G")
        assert documents.cursor_row == 199
        assert screen_text(app)[-1].startswith(" Story number 199")
        await pilot.press("g")
        assert documents.cursor_row == 0 and documents.scroll_offset.y == 0
        await pilot.press("pagedown")
        rows = documents.cursor_row
        assert rows == documents.size.height - 1
        await pilot.press("pagedown", "pageup")
        assert documents.cursor_row == rows
        await pilot.press("k")
        assert documents.cursor_row == rows - 1
        await pilot.pause()
        # Paging up put the cursor's row at the top; one row up scrolls one row.
        assert screen_text(app)[1].startswith(f" Story number {rows - 1} ")


async def test_click_moves_the_cursor_then_opens() -> None:
    app = ListApp([entry(n) for n in range(5)])
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        documents = app.query_one(DocumentList)
        await pilot.click(DocumentList, offset=(5, 3))
        assert documents.cursor_row == 2 and app.chosen == []
        await pilot.click(DocumentList, offset=(5, 3))
        await pilot.pause()
        assert app.chosen == ["id0002"]
        await pilot.click(DocumentList, offset=(5, 0))  # the header does nothing
        await pilot.click(DocumentList, offset=(5, 8))  # nor does a row with no document
        assert documents.cursor_row == 2


async def test_new_entries_keep_the_cursor_on_its_document() -> None:
    app = ListApp([entry(n) for n in range(5)])
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        documents = app.query_one(DocumentList)
        documents.move_cursor(3)
        reordered = list(reversed(app.entries))
        documents.set_entries(reordered, {}, {}, keep="id0003")
        assert documents.current is not None and documents.current.id == "id0003"
        assert documents.cursor_row == 1
        documents.set_entries(reordered[:1], {}, {})
        assert documents.cursor_row == 0
        documents.set_entries([], {}, {})
        assert documents.current is None and documents.cursor_row == 0
        await pilot.press("j", "G", "pagedown")  # nothing to move to: no error
        documents.action_select()
        await pilot.pause()
        assert app.chosen == []
        assert screen_text(app)[1].strip() == ""
        documents.placeholder = "Nothing \x1b[31mhere."
        await pilot.pause()
        assert screen_text(app)[2].strip() == "Nothing ␛[31mhere."


async def test_long_and_wide_titles_are_cut_to_their_column() -> None:
    app = ListApp([entry(1, title="A very long title " * 10), entry(2, title="日本語の" * 20)])
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        documents = app.query_one(DocumentList)
        title_width = columns_for(documents.scrollable_content_region.width)[0].width
        for y in (1, 2):
            title = next(iter(documents.render_line(y))).text  # the first cell is the title
            assert cell_len(title) == title_width + 2
            assert title.rstrip().endswith("…")
        assert all(documents.render_line(y).cell_length == 80 for y in range(3))


def test_bindings_have_ids_and_tooltips() -> None:
    from textual.binding import Binding

    bindings = [b for b in DocumentList.BINDINGS if isinstance(b, Binding)]
    assert len(bindings) == len(DocumentList.BINDINGS) == 6
    for binding in bindings:
        assert binding.id and binding.id.startswith("library.")
        assert binding.tooltip and binding.description
