"""Tests of the reader's `DocumentView`: wrapping (pure), drawing, keys and the cursor."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, get_character_cell_size
from rich.color import Color
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.strip import Strip

from library.document import Document, Span, Spans
from library.sanitize import visible
from reader.widgets.document_view import (
    MARK_CLASSES,
    SINGLE_CELL_RANGES,
    DocumentView,
    LineLayout,
    MarkIndex,
    column_geometry,
    wrap_by_cells,
    wrap_range,
    wrap_text,
)

SIZE = (120, 36)

# --- helpers ---------------------------------------------------------------------------------


def spans_of(text: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Paragraphs split on blank lines, sentences on ". " (enough for these tests)."""
    paragraphs: list[Span] = []
    sentences: list[Span] = []
    position = 0
    for paragraph in text.split("\n\n"):
        end = position + len(paragraph)
        if paragraph:
            paragraphs.append((position, end))
            start = position
            while start < end:
                stop = text.find(". ", start, end)
                stop = end if stop == -1 else stop + 1
                sentences.append((start, stop))
                start = stop + 1
        position = end + 2
    return tuple(paragraphs), tuple(sentences)


def make_document(
    text: str,
    *,
    title: str = "The lighthouse keeper's last winter",
    source: str | None = "Coastal Weekly",
    date: str | None = "2021-11-15",
    caption: str | None = "The lamp room at dusk.Ada Reyes/Coastal Weekly",
) -> Document:
    paragraphs, sentences = spans_of(text)
    words = len(text.split())
    return Document(
        id="doc1",
        title=title,
        source=source,
        date=date,
        caption=caption,
        text=text,
        paragraphs=Spans.of(paragraphs),
        sentences=Spans.of(sentences),
        words=words,
        reading_minutes=max(1, round(words / 230)),
        path=None,
        content_hash="0" * 64,
        added="2024-01-01T00:00:00+00:00",
    )


def article(paragraphs: int = 30, sentences: int = 6) -> str:
    """A made-up article: numbered sentences so offsets are easy to check."""
    return "\n\n".join(
        " ".join(
            f"Sentence {p}.{s} tells how the keeper trimmed the wick and logged the weather."
            for s in range(sentences)
        )
        for p in range(paragraphs)
    )


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


def backgrounds(strip: Strip) -> dict[str, Color | None]:
    """Each segment's text and background colour."""
    return {segment.text: segment.style.bgcolor if segment.style else None for segment in strip}


def cursor_visible(view: DocumentView) -> bool:
    span = view.cursor_span
    assert span is not None
    top = view.scroll_offset.y
    first = view.line_of_offset(span[0])
    last = view.line_of_offset(span[1] - 1)
    return top <= first and last < top + view.view_height


def check_layout(text: str, paragraphs: tuple[Span, ...], layout: LineLayout, width: int) -> None:
    """Lines fit, stay inside their paragraph, and lines plus separators give the text."""
    starts, ends = list(layout.starts), list(layout.ends)
    line = 0
    for number, (p_start, p_end) in enumerate(paragraphs):
        if number and starts:
            assert layout.is_blank(line), "paragraphs are separated by one blank line"
            line += 1
        rebuilt = text[p_start : starts[line]] if line < len(starts) else text[p_start:p_end]
        assert rebuilt.strip() == ""
        while line < len(starts) and starts[line] < p_end and not layout.is_blank(line):
            start, end = starts[line], ends[line]
            assert p_start <= start < end <= p_end
            cells = cell_len(visible(text[start:end]).replace("\t", " "))
            assert cells <= width or end - start == 1  # one character wider than the column
            following = starts[line + 1] if line + 1 < len(starts) else p_end
            following = min(following, p_end)
            separator = text[end:following]
            assert set(separator) <= {" ", "\n"}, (
                f"only spaces/newlines between lines: {separator!r}"
            )
            rebuilt += text[start:end] + separator
            line += 1
        assert rebuilt.rstrip(" \n") == text[p_start:p_end].rstrip(" \n")
    assert line == len(starts)


# --- wrapping (pure) -------------------------------------------------------------------------


def lines_of(text: str, width: int) -> list[str]:
    starts, ends = wrap_range(text, 0, len(text), width)
    return [text[s:e] for s, e in zip(starts, ends, strict=True)]


def test_wrap_breaks_at_spaces_and_breaks_long_words() -> None:
    assert lines_of("the quick brown fox", 10) == ["the quick", "brown fox"]
    assert lines_of("the quick brown fox", 9) == ["the quick", "brown fox"]
    assert lines_of("abcdefghijkl", 5) == ["abcde", "fghij", "kl"]
    assert lines_of("ab abcdefghijkl cd", 5) == ["ab", "abcde", "fghij", "kl cd"]
    assert lines_of("one\ntwo three", 20) == ["one", "two three"]
    assert lines_of("", 10) == []


def test_wrap_counts_wide_characters_as_two_cells() -> None:
    assert lines_of("漢字漢字漢", 5) == ["漢字", "漢字", "漢"]
    assert lines_of("ab 漢字漢", 4) == ["ab", "漢字", "漢"]
    assert lines_of("漢", 1) == ["漢"]  # a character wider than the column still moves on
    assert lines_of("cafe\u0301 au lait", 7) == ["cafe\u0301 au", "lait"]  # combining: 0 cells


def test_wrap_text_puts_a_blank_line_between_paragraphs() -> None:
    text = "First paragraph here.\n\nSecond one, a little longer than that.\n\nThird."
    paragraphs, _ = spans_of(text)
    layout = wrap_text(text, paragraphs, 20)
    shown = [text[s:e] for s, e in zip(layout.starts, layout.ends, strict=True)]
    assert shown == [
        "First paragraph",
        "here.",
        "",
        "Second one, a little",
        "longer than that.",
        "",
        "Third.",
    ]
    assert layout.starts[2] == paragraphs[0][1]
    assert layout.line_of(paragraphs[1][0]) == 3
    assert layout.line_of(paragraphs[2][0] + 3) == 6
    check_layout(text, paragraphs, layout, 20)


def test_wrap_text_handles_spans_that_are_not_newline_separated() -> None:
    text = "alpha beta gamma  delta epsilon\n \nzeta"
    paragraphs: tuple[Span, ...] = ((0, 16), (16, 31), (34, 38))
    layout = wrap_text(text, paragraphs, 8)
    check_layout(text, paragraphs, layout, 8)
    assert wrap_text("", (), 10).line_count == 0
    assert wrap_text("text", ((2, 2),), 10).line_count == 0


def test_single_cell_ranges_are_one_cell_once_visible() -> None:
    for first, last in SINGLE_CELL_RANGES:
        for code in range(first, last + 1):
            shown = visible(chr(code)).replace("\t", " ")
            assert get_character_cell_size(shown) == 1, hex(code)


ALPHABET = st.sampled_from(
    list("abcdefgh  .,\n\t\x1b\x85\u202e") + ["é", "漢", "字", "\u0301", "’"]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(ALPHABET, min_size=1, max_size=120), min_size=1, max_size=6),
    st.integers(1, 30),
)
def test_wrap_text_property(pieces: list[str], width: int) -> None:
    text = "\n\n".join(piece.strip("\n") or "x" for piece in pieces)
    paragraphs, _ = spans_of(text)
    layout = wrap_text(text, paragraphs, width)
    check_layout(text, paragraphs, layout, width)
    # the one-pass layout equals wrapping each paragraph on its own
    starts: list[int] = []
    for p_start, p_end in paragraphs:
        if starts:
            starts.append(-1)
        starts.extend(wrap_range(text, p_start, p_end, width)[0])
    assert [s if not layout.is_blank(i) else -1 for i, s in enumerate(layout.starts)] == starts


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(list("abcdef    \n")), max_size=200), st.integers(1, 25))
def test_cell_path_agrees_with_regex_path_on_one_cell_text(text: str, width: int) -> None:
    assert wrap_by_cells(text, 0, len(text), width) == wrap_range(text, 0, len(text), width)


def test_column_geometry_caps_and_centres() -> None:
    assert column_geometry(120, 80) == (80, 20)
    assert column_geometry(60, 80) == (56, 2)
    assert column_geometry(2, 80) == (1, 0)


def test_mark_index_flattens_overlaps_by_rank() -> None:
    yellow, match, selection = MARK_CLASSES[0], "document-view--match", "document-view--selection"
    index = MarkIndex.build(
        [(0, 10, yellow), (5, 15, match), (8, 9, selection), (20, 20, yellow), (30, 40, "nope")]
    )
    assert list(index.runs(0, 100)) == [
        (0, 5, (yellow,)),
        (5, 8, (yellow, match)),
        (8, 9, (yellow, match, selection)),
        (9, 10, (yellow, match)),
        (10, 15, (match,)),
    ]
    assert list(index.runs(12, 13)) == [(12, 13, (match,))]
    assert list(index.runs(15, 30)) == []


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
        assert view.sentence_index == 61
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
        index = view.sentence_index
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
        assert "\ufffdgnirts\ufffd" in drawn
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
        view.set_marks([(word, word + 6, "document-view--highlight-yellow")], layer="highlights")
        view.set_marks([(match, match + 7, "document-view--match-current")], layer="matches")
        await pilot.pause()
        line = view.line_of_offset(word) - view.scroll_offset.y
        styles = backgrounds(view.render_line(line))
        yellow = view.get_component_rich_style("document-view--highlight-yellow")
        cursor = view.get_component_rich_style("document-view--cursor")
        current = view.get_component_rich_style("document-view--match-current")
        assert styles["keeper"] == yellow.bgcolor
        assert styles["weather"] == current.bgcolor
        assert any(s.text == "weather" and s.style and s.style.bold for s in view.render_line(line))
        # the rest of the first sentence carries the cursor's background
        before = next(t for t in styles if t.startswith("Sentence 0.0"))
        assert styles[before] == cursor.bgcolor
        assert cursor.bgcolor != yellow.bgcolor != view.rich_style.bgcolor
        # a selection over the highlight wins; clearing a layer removes only its marks
        view.set_marks([(word - 2, word + 3, "document-view--selection")], layer="selection")
        styles = backgrounds(view.render_line(line))
        selection = view.get_component_rich_style("document-view--selection")
        assert styles["kee"] == selection.bgcolor
        assert styles["per"] == yellow.bgcolor
        view.clear_marks("selection")
        view.clear_marks("highlights")
        styles = backgrounds(view.render_line(line))
        assert "keeper" not in styles and "weather" in styles
        view.clear_marks()
        assert len(list(view.render_line(line))) == 3  # margin, the cursor sentence, margin


async def test_many_marks_in_view() -> None:
    document = make_document(article())
    app = ViewApp(document)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(DocumentView)
        marks = [
            (i, i + 2, MARK_CLASSES[i % len(MARK_CLASSES)])
            for i in range(0, len(document.text) - 2, 3)
        ]
        view.set_marks(marks)
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
        view.set_marks([(0, 5, "document-view--match")])
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
    assert len(bindings) == len(DocumentView.BINDINGS) == 8
    for binding in bindings:
        assert binding.id and binding.id.startswith("document_view.")
        assert binding.tooltip and binding.description
    keys = ",".join(binding.key for binding in bindings).split(",")
    assert {"j", "k", "down", "up", "}", "{", "space", "pagedown", "b", "pageup", "g", "G"} <= set(
        keys
    )


@pytest.mark.parametrize("width", [1, 7, 80])
def test_line_layout_lookups(width: int) -> None:
    text = article(3, 3)
    paragraphs, _ = spans_of(text)
    layout = wrap_text(text, paragraphs, width)
    for line in range(layout.line_count):
        if not layout.is_blank(line):
            assert layout.line_of(layout.starts[line]) == line
            assert layout.line_of(layout.ends[line] - 1) == line


# --- long texts: a window first, the whole layout from a thread -------------------------------


def harbour_log(entries: int) -> str:
    """A long made-up log: each entry numbered, so a line on screen says where it is."""
    paragraph = " ".join(
        f"Line {n} of the harbour log records wind, tide and cargo." for n in range(12)
    )
    return "\n\n".join(f"Entry {number}: {paragraph}" for number in range(entries))


def whole_layout(document: Document, width: int) -> LineLayout:
    paragraphs = tuple(span for span in document.paragraphs if span[1] > span[0])
    return wrap_text(document.text, paragraphs, width)


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
    """Never start the thread, so the view stays on its window until a test says so."""
    monkeypatch.setattr(DocumentView, "_start_whole_layout", lambda view, column: None)


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
        # a key needing every line gets the whole layout first
        view.go_end()
        assert view.layout_complete
        assert view.cursor_offset == document.sentences[-1][0]
        assert view.scroll_offset.y == view.max_scroll_y
        view.move_to_offset(offset)
        assert view.cursor_offset == offset and cursor_visible(view)
        await pilot.pause()
        assert "Entry 900:" in "".join(screen_text(view))


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
