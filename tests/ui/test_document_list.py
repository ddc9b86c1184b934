"""The library's line-drawn document list: columns, cursor, scrolling, keys and clicks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.strip import Strip

from library.entries import Entry
from library.sanitize import one_line
from reader.widgets.document_list import BAR_WIDTH, DocumentList
from reader.widgets.list_columns import TITLE_MIN_WIDTH, Column, columns_for, fit, row_values


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


def labels(columns: tuple[Column, ...]) -> list[str]:
    return [column.label for column in columns]


def widths(columns: tuple[Column, ...]) -> dict[str, int]:
    return {column.label: column.width for column in columns}


def test_title_takes_what_the_other_columns_leave() -> None:
    wide = columns_for(120, 20)
    assert labels(wide) == ["Title", "Source", "Date", "Length", "Read", "Marks"]
    assert sum(c.width + 2 for c in wide) == 120
    assert widths(wide)["Source"] == 20


def test_at_80_columns_progress_and_marks_stay_and_the_source_is_whole() -> None:
    # "Financial Times": 15 cells; at 80 columns it was cut to "Financial T…", and the
    # Read and Marks columns were left out.
    for width in (80, 78):  # 78: the list's scroll bar takes two
        columns = columns_for(width, len("Financial Times"))
        assert "Read" in labels(columns) and "Marks" in labels(columns), width
        assert widths(columns)["Source"] == 15
        assert widths(columns)["Title"] >= width * 2 // 5
        assert sum(c.width + 2 for c in columns) == width
    # The length is said in its narrow form there: "4m" for "4 min".
    assert "Len" in labels(columns_for(80, 15))


def test_the_source_column_is_as_wide_as_the_widest_source() -> None:
    # At 100 columns the title got 42 cells while Source, 20 wide, was mostly blank.
    assert widths(columns_for(100, 12))["Title"] > 42
    assert "Source" not in labels(columns_for(100, 0))  # no document has a source
    assert widths(columns_for(100, 0))["Title"] >= 60


def test_progress_is_always_shown_and_the_source_is_shortened_last() -> None:
    for width in range(30, 200):
        columns = columns_for(width, 15)
        assert "Read" in labels(columns), width
        assert sum(c.width + 2 for c in columns) == width, width
        title = widths(columns)["Title"]
        assert title >= TITLE_MIN_WIDTH, width
        if widths(columns).get("Source", 0) < 15:  # the source shortened: nothing else left
            assert labels(columns) == ["Title", "Source", "Read"] or "Source" not in labels(
                columns
            ), width
    narrow = columns_for(60, 15)
    assert labels(narrow) == ["Title", "Source", "Len", "Read"]
    assert widths(narrow)["Source"] == 15
    assert labels(columns_for(40, 15)) == ["Title", "Source", "Read"]
    assert labels(columns_for(30, 15)) == ["Title", "Read"]


def test_row_values_are_visible_one_line_strings() -> None:
    values = row_values(entry(1, title="Line\none \x1b[31m"), 0.42, 0)
    assert values[0] == "Line one ␛[31m"
    assert values[3:] == ("4 min", "42%", "", "4m")
    assert row_values(entry(2, source=None), None, 7)[1:6] == (
        "",
        "2024-05-02",
        "4 min",
        "new",
        "7",
    )
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
        width = documents.size.width - BAR_WIDTH
        title_width = columns_for(width, cell_len("The Gazette"))[0].width
        for y in (1, 2):
            title = next(iter(documents.render_line(y))).text  # the first cell is the title
            assert cell_len(title) == title_width + 2
            assert title.rstrip().endswith("…")
        assert width == 80 - 1  # the scroll bar's column, drawn by the list
        assert all(documents.render_line(y).cell_length == 80 for y in range(4))


def test_bindings_have_ids_and_tooltips() -> None:
    from textual.binding import Binding

    bindings = [b for b in DocumentList.BINDINGS if isinstance(b, Binding)]
    assert len(bindings) == len(DocumentList.BINDINGS) == 6
    for binding in bindings:
        assert binding.id and binding.id.startswith("library.")
        assert binding.tooltip and binding.description


async def test_the_header_names_a_source_column_that_comes_with_new_rows() -> None:
    """Documents without a source listed first, then one with a source (a refresh's
    first feed): the header gains the Source column with the rows."""
    app = ListApp([entry(n, source=None) for n in range(3)])
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        assert "Source" not in screen_text(app)[0]
        documents = app.query_one(DocumentList)
        documents.set_entries([entry(9), *app.entries], {}, {})
        await pilot.pause()
        lines = screen_text(app)
        assert lines[0].split() == ["Title", "Source", "Date", "Length", "Read", "Marks"]
        assert "The Gazette" in lines[1]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=40),
    st.integers(min_value=1, max_value=30),
    st.booleans(),
)
def test_fit_makes_exactly_the_cells_asked_for_in_ascii_and_beyond(
    text: str, width: int, right: bool
) -> None:
    """ASCII text is measured a character a cell (the quick way), other text cell by
    cell: both come out exactly `width` cells wide, cut with an ellipsis or padded."""
    text = one_line(text)
    fitted = fit(text, width, right=right)
    assert cell_len(fitted) == width
    if cell_len(text) <= width:
        assert fitted.strip(" ") == text.strip(" ")
    else:
        assert fitted.endswith("…") or width == 1


def _cells(strip: Strip) -> list[tuple[str, object]]:
    return [(character, segment.style) for segment in strip for character in segment.text]


@pytest.mark.parametrize("no_color", [False, True])
async def test_lines_are_drawn_as_textual_draws_them(
    no_color: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list hands over its kept rows itself (`render_lines`), without Textual's
    per-line styling: cell for cell, in colour or not (NO_COLOR adds a line filter), whole
    or cropped, they are what Textual's own path draws."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = ListApp([entry(n) for n in range(1, 30)])
    async with app.run_test(size=(70, 12)) as pilot:
        await pilot.pause()
        documents = app.query_one(DocumentList)
        await pilot.press("j", "j")
        width, height = documents.size
        for crop in (Region(0, 0, width, height), Region(3, 2, width - 10, 4)):
            ours = documents.render_lines(crop)
            textuals = ScrollView.render_lines(documents, crop)
            assert [strip.cell_length for strip in ours] == [crop.width] * crop.height
            assert [_cells(s) for s in ours] == [_cells(s) for s in textuals]
