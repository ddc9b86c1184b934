"""Tests of the reader's `DocumentView` in an app: drawing, marks, keys and the cursor (its
pure parts are tested in tests/unit: test_line_layout, test_marks, test_view_navigation)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rich.cells import cell_len
from rich.color import Color as RichColor
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.strip import Strip

from annotations.model import Color
from library.document import Document
from reader.layout.lines import LineLayout, column_geometry, wrap_text
from reader.layout.marks import MARK_STYLES, MarginSign, Mark, MarkKind, MarkLayer
from reader.widgets.document_strips import COMPONENT_CLASSES, mark_component
from reader.widgets.document_view import CELLS, DocumentView
from tests.unit.view_samples import article, harbour_log, make_document

SIZE = (120, 36)

# --- helpers ---------------------------------------------------------------------------------


class ViewApp(App[None]):
    """A tiny app showing one DocumentView and recording the messages it posts."""

    def __init__(self, document: Document, **kwargs: Any) -> None:
        super().__init__()
        self.document = document
        self.kwargs = kwargs
        self.moves: list[DocumentView.CursorMoved] = []

    def compose(self) -> ComposeResult:
        yield DocumentView(self.document, id="view", **self.kwargs)

    def on_mount(self) -> None:
        self.query_one(DocumentView).focus()

    def on_document_view_cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        self.moves.append(event)


def screen_text(view: DocumentView) -> list[str]:
    return [view.render_line(y).text for y in range(view.view_height)]


def backgrounds(strip: Strip) -> dict[str, RichColor | None]:
    """Each segment's text and background colour."""
    return {segment.text: segment.style.bgcolor if segment.style else None for segment in strip}


def cursor_visible(view: DocumentView) -> bool:
    span = view.cursor_span
    assert span is not None
    top = view.scroll_offset.y
    first = view.line_of_offset(span[0])
    last = view.line_of_offset(span[1] - 1)
    return top <= first and last < top + view.view_height


# --- the widget ------------------------------------------------------------------------------


async def test_opens_at_top_with_title_byline_and_caption() -> None:
    document = make_document(article())
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        lines = screen_text(view)
        assert lines[0].strip() == "The lighthouse keeper's last winter"
        assert lines[1].strip() == "Coastal Weekly · 2021-11-15 · 10 min read"
        assert lines[2].strip() == "Photo: The lamp room at dusk.Ada Reyes/Coastal Weekly"
        assert lines[3].strip() == ""
        assert lines[4].strip().startswith("Sentence 0.0 tells")
        # an 80-cell column, centred in the 118 cells left of the scrollbar
        assert lines[4].index("Sentence") == 19
        assert all(cell_len(line) == view.scrollable_content_region.width for line in lines)
        assert view.cursor_offset == 0
        assert view.progress == 0.0
        title = view.render_line(0)
        assert any(segment.style and segment.style.bold for segment in title)


async def test_j_and_k_move_by_sentence_and_the_view_follows() -> None:
    document = make_document(article())
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        await pilot.press("j")
        assert view.cursor_offset == document.sentences[1][0]
        assert app.moves[-1].offset == document.sentences[1][0]
        for _ in range(59):
            view.move_sentence(1)
        await pilot.press("down")
        assert view.cursor_offset == document.sentences[61][0]
        assert view.scroll_offset.y > 0
        assert cursor_visible(view)
        await pilot.press("k", "up")
        assert view.cursor_offset == document.sentences[59][0]
        assert len(app.moves) == 1 + 60 + 2  # one message per actual move, none at the start
        view.move_sentence(-100)
        await pilot.pause()
        assert view.cursor_offset == 0
        assert view.scroll_offset.y == 0
        assert len(app.moves) == 64


async def test_paragraph_keys() -> None:
    document = make_document(article())
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        starts = [start for start, _ in document.paragraphs]
        await pilot.press("}")
        assert view.cursor_offset == starts[1]
        await pilot.press("right_curly_bracket", "}")
        assert view.cursor_offset == starts[3]
        await pilot.press("j", "j", "{")
        assert view.cursor_offset == starts[3]  # first back to this paragraph's start
        await pilot.press("{")
        assert view.cursor_offset == starts[2]
        view.move_paragraph(100)
        assert view.cursor_offset == document.sentences[-1][0]
        assert cursor_visible(view)
        view.move_paragraph(-100)
        assert view.cursor_offset == 0


async def test_space_and_b_page_and_put_the_cursor_on_the_first_sentence_in_view() -> None:
    document = make_document(article())
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        height = view.view_height
        await pilot.press("space")
        top = view.scroll_offset.y
        assert top == height - 2
        index = [start for start, _ in document.sentences].index(view.cursor_offset)
        assert view.line_of_offset(document.sentences[index][0]) >= top
        assert view.line_of_offset(document.sentences[index - 1][0]) < top
        await pilot.press("pagedown")
        assert view.scroll_offset.y == 2 * (height - 2)
        await pilot.press("b")
        assert view.scroll_offset.y == top
        assert view.line_of_offset(view.cursor_offset) >= top
        await pilot.press("pageup", "b")
        assert view.scroll_offset.y == 0
        assert view.cursor_offset == 0
        for _ in range(50):
            view.page(1)
        await pilot.press("space")
        assert view.scroll_offset.y == view.max_scroll_y
        assert view.cursor_offset == document.sentences[-1][0]
        assert view.progress == 1.0


async def test_g_and_G_go_to_start_and_end() -> None:
    document = make_document(article())
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        await pilot.press("G")
        assert view.cursor_offset == document.sentences[-1][0]
        assert view.scroll_offset.y == view.max_scroll_y > 0
        assert view.progress == 1.0
        assert app.moves[-1].progress == 1.0
        assert "Sentence 29.5" in "".join(screen_text(view))
        await pilot.press("g")
        assert view.cursor_offset == 0
        assert view.scroll_offset.y == 0
        await pilot.press("end")
        assert view.cursor_offset == document.sentences[-1][0]
        await pilot.press("home")
        assert view.cursor_offset == 0


async def test_move_to_offset_moves_and_scrolls() -> None:
    document = make_document(article())
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        target = document.text.index("Sentence 20.3 tells") + 12
        view.move_to_offset(target)
        await pilot.pause()
        span = view.cursor_span
        assert span is not None and span[0] <= target < span[1]
        assert view.cursor_offset == document.text.index("Sentence 20.3 tells")
        assert cursor_visible(view)
        assert "Sentence 20.3" in "".join(screen_text(view))
        assert app.moves[-1].offset == view.cursor_offset
        assert 0 < view.progress < 1


async def test_starts_on_the_sentence_of_the_initial_offset() -> None:
    document = make_document(article())
    offset = document.text.index("Sentence 25.1 tells") + 5
    app = ViewApp(document, cursor_offset=offset)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        assert view.cursor_offset == document.text.index("Sentence 25.1 tells")
        assert cursor_visible(view)
        assert app.moves == []


async def test_resize_and_measure_rewrap_and_keep_the_cursor() -> None:
    document = make_document(article())
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        view.move_sentence(40)
        await pilot.pause()
        await pilot.resize_terminal(50, 20)
        await pilot.pause()
        assert view.scrollable_content_region.width == 48
        assert all(len(line.rstrip()) <= 46 for line in screen_text(view))
        assert cursor_visible(view)
        view.measure = 30
        await pilot.pause()
        assert max(len(line.strip()) for line in screen_text(view)) <= 30
        assert cursor_visible(view)


HOSTILE = (
    "Plain start. Escape \x1b[31mred\x1b[0m and \x1b]8;;http://x\x07link\x1b]8;;\x07 here. "
    "Markup [bold]bold[/bold] and [@click=app.quit]quit[/] and [link=x]y[/link]. "
    "C1 \x85\x9b2J and bidi \u202egnirts\u202c and tab\there. Wide 漢字 too."
)


async def test_hostile_text_is_drawn_literally_with_stand_ins() -> None:
    document = make_document(
        HOSTILE,
        title="[b]Bold?[/b] \x1b[2J title",
        caption="[@click=app.quit]x\x9b",
        source="\x1b]0;t\x07",
    )
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        strips = [view.render_line(y) for y in range(view.view_height)]
        drawn = "".join(strip.text for strip in strips)
        for forbidden in ("\x1b", "\x07", "\x85", "\x9b", "\u202e", "\u202c", "\t"):
            assert forbidden not in drawn
        for literal in (
            "[bold]bold[/bold]",
            "[@click=app.quit]quit[/]",
            "[link=x]y[/link]",
            "[b]Bold?[/b]",
        ):
            assert literal in drawn
        assert "␛[31mred␛[0m" in drawn
        assert "⇄gnirts⇄" in drawn
        assert "漢字" in drawn
        for strip in strips:
            assert strip.cell_length == view.scrollable_content_region.width
            for segment in strip:
                assert segment.style is None or (not segment.style.link and not segment.style.meta)
        await pilot.press("j", "j", "j", "G", "g")  # moving over it is fine too
        await pilot.pause()
        assert app.is_running


async def test_marks_draw_in_their_component_style_and_the_cursor_underneath() -> None:
    document = make_document(article())
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        text = document.text
        word = text.index("keeper")
        match = text.index("weather", word)
        view.set_marks([(word, word + 6, Color.YELLOW)], layer=MarkLayer.HIGHLIGHTS)
        view.set_marks([(match, match + 7, MarkKind.CURRENT_MATCH)], layer=MarkLayer.MATCHES)
        await pilot.pause()
        line = view.line_of_offset(word) - view.scroll_offset.y
        styles = backgrounds(view.render_line(line))
        yellow = view.get_component_rich_style(mark_component(Color.YELLOW))
        cursor = view.get_component_rich_style("document-view--cursor")
        current = view.get_component_rich_style(mark_component(MarkKind.CURRENT_MATCH))
        assert styles["keeper"] == yellow.bgcolor
        assert styles["weather"] == current.bgcolor
        assert any(s.text == "weather" and s.style and s.style.bold for s in view.render_line(line))
        # the rest of the first sentence carries the cursor's background
        before = next(t for t in styles if t.startswith("Sentence 0.0"))
        assert styles[before] == cursor.bgcolor
        assert cursor.bgcolor != yellow.bgcolor != view.rich_style.bgcolor
        # a selection over the highlight wins; clearing a layer removes only its marks
        view.set_marks([(word - 2, word + 3, MarkKind.SELECTION)], layer=MarkLayer.SELECTION)
        styles = backgrounds(view.render_line(line))
        selection = view.get_component_rich_style(mark_component(MarkKind.SELECTION))
        assert styles["kee"] == selection.bgcolor
        assert styles["per"] == yellow.bgcolor
        view.clear_marks(MarkLayer.SELECTION)
        view.clear_marks(MarkLayer.HIGHLIGHTS)
        styles = backgrounds(view.render_line(line))
        assert "keeper" not in styles and "weather" in styles
        view.clear_marks()
        assert len(list(view.render_line(line))) == 3  # margin, the cursor sentence, margin


def test_every_component_class_has_a_rule_of_its_own() -> None:
    for name in COMPONENT_CLASSES:
        rule = rf"DocumentView > \.{re.escape(name)} \{{"
        assert len(re.findall(rule, DocumentView.DEFAULT_CSS)) == 1, name


async def test_every_mark_style_draws_in_a_background_of_its_own() -> None:
    app = ViewApp(make_document(article()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        colors = {view.get_component_rich_style(mark_component(s)).bgcolor for s in MARK_STYLES}
        assert None not in colors and view.rich_style.bgcolor not in colors
        assert len(colors) == len(MARK_STYLES) == len(Color) + len(MarkKind)


async def test_margin_marks_draw_their_sign_beside_the_line() -> None:
    document = make_document(article())
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        offset = document.text.index("Sentence 1.2")
        view.set_margin_marks([(offset, MarginSign.NOTE)])
        line = view.line_of_offset(offset) - view.scroll_offset.y
        _, left = column_geometry(view.scrollable_content_region.width, view.measure)
        left -= 2  # the sign's cell: one cell clear of the text column
        assert [text[left] for text in screen_text(view)] == [
            "✎" if y == line else " " for y in range(view.view_height)
        ]
        view.set_margin_marks([])
        assert "✎" not in "".join(screen_text(view))


async def test_many_marks_in_view() -> None:
    document = make_document(article())
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        marks: list[Mark] = [
            (i, i + 2, MARK_STYLES[i % len(MARK_STYLES)])
            for i in range(0, len(document.text) - 2, 3)
        ]
        view.set_marks(marks, layer=MarkLayer.MATCHES)
        await pilot.press("space", "j")
        lines = screen_text(view)
        assert "".join(lines).count("Sentence") > 10


async def test_empty_document_does_not_crash() -> None:
    document = make_document("", caption=None, source=None, date=None)
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        await pilot.press("j", "k", "}", "{", "space", "b", "G", "g", "down", "end")
        view.move_to_offset(10)
        view.set_marks([(0, 5, MarkKind.MATCH)], layer=MarkLayer.MATCHES)
        lines = screen_text(view)
        assert lines[0].strip() == "The lighthouse keeper's last winter"
        assert lines[1].strip() == "1 min read"
        assert view.cursor_offset == 0 and view.progress == 0.0
        assert view.cursor_span is None
        assert app.moves == []


async def wait_for_whole_layout(app: App[None], pilot: Pilot[None], view: DocumentView) -> None:
    """Let the app run until the thread that wraps the whole text has delivered."""
    for _ in range(500):  # the thread starts on a timer (1 ms in tests: see conftest)
        await app.workers.wait_for_complete()
        await pilot.pause(0.01)
        if view.layout_complete:
            return
    raise AssertionError("the whole layout never came")


async def test_three_megabyte_document_opens_and_G_reaches_the_end() -> None:
    paragraph = " ".join(
        f"Line {n} of the harbour log records wind, tide and cargo." for n in range(12)
    )
    text = "\n\n".join(f"{number}: {paragraph}" for number in range(4500))
    text += "\n\nThe final entry of the log."
    assert len(text) > 3_000_000
    document = make_document(text)
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        await wait_for_whole_layout(app, pilot, view)
        assert view.line_count > 40_000
        await pilot.press("G")
        assert view.cursor_offset == document.sentences[-1][0]
        assert view.scroll_offset.y == view.max_scroll_y
        assert screen_text(view)[-1].strip() == "The final entry of the log."
        await pilot.press("k", "space", "b", "g")
        assert view.cursor_offset == 0


def test_bindings_have_ids_and_tooltips() -> None:
    bindings = [binding for binding in DocumentView.BINDINGS if isinstance(binding, Binding)]
    assert len(bindings) == len(DocumentView.BINDINGS) == 10
    for binding in bindings:
        assert binding.id and binding.id.startswith("document_view.")
        assert binding.tooltip and binding.description
    keys = ",".join(binding.key for binding in bindings).split(",")
    assert {
        *("j", "k", "down", "up", "}", "{", "space", "pagedown", "b", "pageup", "g", "G"),
        *("apostrophe", "grave_accent"),
    } <= set(keys)


# --- long texts: a window first, the whole layout from a thread -------------------------------


def whole_layout(document: Document, width: int) -> LineLayout:
    paragraphs = tuple(span for span in document.paragraphs if span[1] > span[0])
    return wrap_text(document.text, paragraphs, width, cells=CELLS)


async def test_long_document_opens_deep_from_a_window_then_swaps_in_the_whole_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hold_the_whole_layout(monkeypatch)
    document = make_document(harbour_log(1500))
    assert len(document.text) > 1_000_000
    offset = document.text.index("Entry 1200: ") + 3
    app = ViewApp(document, cursor_offset=offset)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(DocumentView)
        # the first frame comes from a window: the text at the remembered place shows
        await pilot.pause()
        assert not view.layout_complete
        assert view.line_count < whole_layout(document, 80).line_count // 10
        assert view.cursor_offset == document.text.index("Entry 1200: ")
        assert cursor_visible(view)
        assert "Entry 1200:" in "".join(screen_text(view))
        shown_before = screen_text(view)
        view.post_message(DocumentView.LayoutReady(whole_layout(document, 80)))
        await pilot.pause()
        assert view.layout_complete
        assert view.line_count == whole_layout(document, 80).line_count + 4
        # the swap moved nothing on screen
        assert screen_text(view) == shown_before
        assert cursor_visible(view)
        assert app.moves == []


async def test_long_document_gets_its_whole_layout_from_a_thread() -> None:
    document = make_document(harbour_log(1500))
    offset = document.text.index("Entry 1200: ")
    app = ViewApp(document, cursor_offset=offset)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(DocumentView)
        await pilot.pause()
        await wait_for_whole_layout(app, pilot, view)
        assert view.line_count == whole_layout(document, 80).line_count + 4
        assert view.cursor_offset == offset and cursor_visible(view)
        assert "Entry 1200:" in "".join(screen_text(view))
        assert app.moves == []


async def test_long_document_keys_after_the_layout_completes_match_a_short_one() -> None:
    document = make_document(harbour_log(1500))
    app = ViewApp(document, cursor_offset=document.text.index("Entry 700: "))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        await wait_for_whole_layout(app, pilot, view)
        start = view.cursor_offset
        await pilot.press("j")
        assert view.cursor_offset > start and cursor_visible(view)
        await pilot.press("G")
        assert view.cursor_offset == document.sentences[-1][0]
        assert view.scroll_offset.y == view.max_scroll_y > 0
        assert view.progress == 1.0
        assert "Entry 1499:" in "".join(screen_text(view))
        await pilot.press("g")
        assert view.cursor_offset == 0 and view.scroll_offset.y == 0
        assert "The lighthouse keeper's last winter" in screen_text(view)[0]
        await pilot.press("space")
        assert view.scroll_offset.y == view.view_height - 2
        assert cursor_visible(view)
        await pilot.press("b")
        assert view.scroll_offset.y == 0 and view.cursor_offset == 0


def hold_the_whole_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start the thread only after an hour, so the view stays on its window until a test
    says so."""
    monkeypatch.setattr("reader.widgets.document_view.WHOLE_LAYOUT_DELAY", 3600.0)


async def test_long_document_keys_before_the_layout_completes_are_exact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hold_the_whole_layout(monkeypatch)
    document = make_document(harbour_log(1500))
    offset = document.text.index("Entry 900: ")
    app = ViewApp(document, cursor_offset=offset)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(DocumentView)
        await pilot.pause()
        assert not view.layout_complete
        assert "Entry 900:" in "".join(screen_text(view))
        # a jump far away lays out a window around where it goes, not the whole text
        view.go_end()
        assert not view.layout_complete
        assert view.cursor_offset == document.sentences[-1][0]
        assert view.scroll_offset.y == view.max_scroll_y
        view.move_to_offset(offset)
        assert not view.layout_complete
        assert view.cursor_offset == offset and cursor_visible(view)
        await pilot.pause()
        assert "Entry 900:" in "".join(screen_text(view))


async def test_G_right_after_opening_a_long_document_shows_its_end_as_the_whole_layout_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = make_document(harbour_log(1500))
    whole_app = ViewApp(document)
    async with whole_app.run_test(size=SIZE) as pilot:
        view = whole_app.query_one(DocumentView)
        await pilot.pause()
        await wait_for_whole_layout(whole_app, pilot, view)
        await pilot.press("G")
        await pilot.pause()
        end_whole = screen_text(view)
        await pilot.press("k", "k", "b")
        await pilot.pause()
        back_whole = (screen_text(view), view.cursor_offset)
    hold_the_whole_layout(monkeypatch)
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(DocumentView)
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
        assert not view.layout_complete
        assert view.cursor_offset == document.sentences[-1][0]
        assert view.progress == 1.0
        assert screen_text(view) == end_whole
        await pilot.press("k", "k", "b")
        await pilot.pause()
        assert (screen_text(view), view.cursor_offset) == back_whole
        # the whole layout, when it comes, moves nothing on screen
        shown = screen_text(view)
        view.post_message(DocumentView.LayoutReady(whole_layout(document, 80)))
        await pilot.pause()
        assert view.layout_complete
        assert screen_text(view) == shown
        await pilot.press("g")
        assert view.cursor_offset == 0 and view.scroll_offset.y == 0


async def test_paging_past_the_window_shows_what_the_whole_layout_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = make_document(harbour_log(1500))
    presses = ["space"] * 60 + ["j"] * 5 + ["}"] * 40 + ["b"] * 3

    async def read_through(app: ViewApp, *, whole: bool) -> tuple[list[str], int]:
        async with app.run_test(size=SIZE) as pilot:
            view = app.query_one(DocumentView)
            await pilot.pause()
            if whole:
                await wait_for_whole_layout(app, pilot, view)
            await pilot.press(*presses)
            await pilot.pause()
            assert view.layout_complete == whole
            assert cursor_visible(view)
            return screen_text(view), view.cursor_offset

    expected = await read_through(ViewApp(document), whole=True)
    hold_the_whole_layout(monkeypatch)
    assert await read_through(ViewApp(document), whole=False) == expected


async def test_long_document_resized_while_the_layout_is_made_keeps_the_new_width() -> None:
    document = make_document(harbour_log(1500))
    offset = document.text.index("Entry 1100: ")
    app = ViewApp(document, cursor_offset=offset)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(DocumentView)
        await pilot.pause()
        await pilot.resize_terminal(50, 20)
        await pilot.pause()
        await pilot.resize_terminal(70, 24)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert view.layout_complete
        column = view.scrollable_content_region.width - 4
        assert view.line_count == whole_layout(document, column).line_count + 4
        assert all(len(line.rstrip()) <= 68 for line in screen_text(view))
        assert cursor_visible(view)
        assert "Entry 1100:" in "".join(screen_text(view))
        await pilot.press("G")
        assert view.scroll_offset.y == view.max_scroll_y
        assert "Entry 1499:" in "".join(screen_text(view))


async def test_a_stale_whole_layout_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    hold_the_whole_layout(monkeypatch)
    document = make_document(harbour_log(1500))
    app = ViewApp(document, cursor_offset=document.text.index("Entry 800: "))
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(DocumentView)
        await pilot.pause()
        assert not view.layout_complete
        view.measure = 60
        await pilot.pause()
        assert not view.layout_complete
        # a layout made for the old column arrives late: it is cached, not shown
        view.post_message(DocumentView.LayoutReady(whole_layout(document, 80)))
        await pilot.pause()
        assert not view.layout_complete
        assert max(len(line.strip()) for line in screen_text(view)) <= 60
        view.post_message(DocumentView.LayoutReady(whole_layout(document, 60)))
        await pilot.pause()
        assert view.layout_complete
        assert "Entry 800:" in "".join(screen_text(view))
