"""The document view's frame and cursor movement (`reader.layout.frame`, `.navigation`),
with no widget: which lines come before the text, which line shows an offset, and where
each key takes the cursor and the view."""

from __future__ import annotations

from dataclasses import replace

from rich.cells import get_character_cell_size

from library.document import NO_SPANS, Spans
from reader.layout.frame import (
    LAYOUT_WINDOW_CHARS,
    DocumentLayouts,
    Frame,
    FrontLine,
    FrontRole,
    front_lines,
)
from reader.layout.lines import column_geometry, wrap_text
from reader.layout.navigation import (
    UNFINISHED,
    Paging,
    SentenceNavigator,
    follow_top,
    jump_top,
    page_step,
)
from tests.unit.view_samples import article, harbour_log, make_document

CELLS = get_character_cell_size


def layouts_of(text: str) -> tuple[SentenceNavigator, DocumentLayouts]:
    document = make_document(text)
    navigator = SentenceNavigator.of(document)
    return navigator, DocumentLayouts(document, navigator.paragraphs, CELLS)


def whole_frame(text: str, width: int = 84) -> tuple[SentenceNavigator, Frame]:
    navigator, layouts = layouts_of(text)
    column, left = column_geometry(width, 80)
    return navigator, layouts.frame(width, column, left)


def test_front_lines_are_title_byline_caption_and_a_blank() -> None:
    document = make_document(article())
    assert front_lines(document, 80, CELLS) == (
        FrontLine("The lighthouse keeper's last winter", FrontRole.TITLE),
        FrontLine("Coastal Weekly · 2021-11-15 · 10 min read", FrontRole.BYLINE),
        FrontLine("Photo: The lamp room at dusk.Ada Reyes/Coastal Weekly", FrontRole.CAPTION),
        FrontLine("", FrontRole.BYLINE),
    )
    narrow = front_lines(document, 20, CELLS)
    assert [line.text for line in narrow[:2]] == ["The lighthouse", "keeper's last winter"]
    bare = make_document("", title="  ", source=None, date=None, caption="\n")
    assert [line.text for line in front_lines(bare, 80, CELLS)] == ["1 min read", ""]


def test_frame_maps_offsets_and_lines_past_the_front_block() -> None:
    text = article(3, 3)
    _, frame = whole_frame(text)
    front = len(frame.front)
    assert frame.line_count == front + frame.body.line_count
    assert frame.line_of(0) == front
    assert frame.offset_at(front) == 0
    assert frame.offset_at(0) is None  # the title's line
    assert frame.offset_at(10_000) == frame.body.starts[-1]
    assert frame.text_span(0, 5) == (0, frame.body.ends[0])
    assert frame.text_span(front, 1_000) == (0, len(text))
    empty = Frame(84, 80, 2, (), wrap_text("", (), 80, cells=CELLS))
    assert empty.text_span(0, 10) == (0, 0)
    assert empty.offset_at(0) is None


def test_a_window_frame_shows_the_same_lines_as_the_whole_one_around_its_place() -> None:
    text = harbour_log(1500)
    navigator, layouts = layouts_of(text)
    assert layouts.is_long and not layouts.has_whole(80)
    focus = text.index("Entry 900: ")
    window = layouts.window_frame(84, 80, 2, focus)
    assert not window.complete and window.front == ()
    assert window.body.line_count < layouts.wrap(80).line_count // 10
    shown = window.text_span(window.line_of(focus), 30)
    whole = layouts.frame(84, 80, 2)
    assert whole.complete and layouts.has_whole(80)
    assert whole.text_span(whole.line_of(focus), 30) == shown
    assert window.body.starts[0] > focus - 2 * LAYOUT_WINDOW_CHARS
    first = layouts.window_frame(84, 80, 2, 0)
    assert first.front == layouts.front(80)  # the window reaches the first paragraph


def test_a_window_holds_an_offset_with_lines_around_it_or_up_to_the_texts_edge() -> None:
    text = harbour_log(1500)
    _, layouts = layouts_of(text)
    middle = layouts.window_frame(84, 80, 2, text.index("Entry 900: "))
    inside = text.index("Entry 900: ")
    assert layouts.window_holds(middle, inside, 40)
    # near the window's edges, unless the edge is the text's
    assert not layouts.window_holds(middle, middle.body.starts[5], 40)
    assert not layouts.window_holds(middle, middle.body.starts[-5], 40)
    assert not layouts.window_holds(middle, len(text), 40)
    assert not layouts.window_holds(middle, 0, 40)
    start = layouts.window_frame(84, 80, 2, 0)
    assert layouts.window_holds(start, 0, 40)
    end = layouts.window_frame(84, 80, 2, len(text) - 1)
    assert layouts.window_holds(end, len(text), 40)
    assert layouts.window_holds(end, end.body.starts[-1], 40)
    assert layouts.window_holds(layouts.frame(84, 80, 2), 0, 10**6)  # the whole holds all


def test_whole_layouts_are_kept_for_a_few_widths() -> None:
    _, layouts = layouts_of(article())
    assert not layouts.is_long
    for column in (40, 50, 60, 70):
        layouts.whole(column)
    assert [layouts.has_whole(c) for c in (40, 50, 60, 70)] == [False, True, True, True]
    layouts.remember(layouts.wrap(40))
    assert layouts.has_whole(40) and not layouts.has_whole(50)


def test_navigator_falls_back_to_paragraphs_and_to_the_whole_text() -> None:
    document = make_document("One. Two.\n\nThree.")
    no_sentences = SentenceNavigator.of(replace(document, sentences=NO_SPANS))
    assert list(no_sentences.sentences) == list(document.paragraphs)
    bare = SentenceNavigator.of(replace(document, sentences=NO_SPANS, paragraphs=NO_SPANS))
    assert list(bare.sentences) == [(0, len(document.text))]
    empty = SentenceNavigator.of(make_document(""))
    assert empty.count == 0 and empty.last == 0
    assert (
        empty.span(0) is None and empty.start(0) == 0 and empty.progress(0, end_reached=True) == 0.0
    )
    assert empty.paragraph_step(0, 1) is None


def test_progress_is_the_share_of_the_text_read_and_one_only_at_the_end() -> None:
    text = article(2, 2)
    navigator = SentenceNavigator.of(make_document(text))
    assert navigator.progress(0, end_reached=False) == 0.0
    start = navigator.start(1)
    assert navigator.progress(start, end_reached=False) == start / len(text)
    last = navigator.start(navigator.last)
    assert navigator.progress(last, end_reached=False) < 1.0  # on the last sentence: not yet
    assert navigator.progress(len(text), end_reached=False) == UNFINISHED
    assert navigator.progress(last, end_reached=True) == 1.0
    assert navigator.clamp(-5) == 0 and navigator.clamp(99) == navigator.last


def test_one_long_sentence_is_not_read_on_opening() -> None:
    text = " ".join(["word"] * 2000)  # one sentence, no full stop at all
    navigator = SentenceNavigator.of(make_document(text))
    assert navigator.count == 1 and navigator.last == 0
    assert navigator.progress(navigator.start(0), end_reached=False) == 0.0


def test_paragraph_steps_go_back_to_this_paragraph_first() -> None:
    document = make_document(article(4, 3))
    navigator = SentenceNavigator.of(document)
    starts = [navigator.first_from(start) for start, _ in document.paragraphs]
    assert navigator.paragraph_step(0, 1) == starts[1]
    assert navigator.paragraph_step(starts[1] + 1, -1) == starts[1]
    assert navigator.paragraph_step(starts[1], -1) == starts[0]
    assert navigator.paragraph_step(0, 100) == navigator.last
    assert navigator.paragraph_step(navigator.last, -100) == 0
    assert navigator.paragraph_step(3, 0) is None


def test_follow_scrolls_as_little_as_possible_and_jumps_a_third_down() -> None:
    assert page_step(30) == 28 and page_step(4) == 4
    assert follow_top(12, 13, 0, 30) == 0  # in view: stays
    assert follow_top(29, 30, 0, 30) == 3  # below: just enough, with two lines of context
    assert follow_top(5, 6, 10, 30) == 3  # above: just enough
    assert follow_top(5, 6, 10, 8) == 5  # a low view keeps no context
    assert jump_top(12, 12, 0, 30) is None
    assert jump_top(100, 100, 0, 30) == 90
    assert jump_top(100, 150, 0, 30) == 140  # a long sentence: its focus a third down


def test_follow_keeps_the_title_above_the_first_sentence() -> None:
    navigator, frame = whole_frame(article())
    assert navigator.follow(frame, 0, (7, 30)) == 0
    assert navigator.follow(frame, 0, (7, 30), jump=True, offset=10_000) is not None
    index = navigator.sentence_at(article().index("Sentence 20.0"))
    first, _ = navigator.lines(frame, index)
    assert navigator.follow(frame, index, (0, 30), jump=True) == first - 10


def test_paging_puts_the_cursor_on_the_first_sentence_in_view() -> None:
    navigator, frame = whole_frame(article())
    bottom = frame.line_count - 30
    paging = navigator.page(frame, 0, 30, bottom, 1)
    assert paging.top == 28
    start = navigator.start(paging.sentence)
    assert frame.line_of(start) >= 28 > frame.line_of(navigator.start(paging.sentence - 1))
    assert navigator.page(frame, 28, 30, bottom, -1) == Paging(0, 0)
    assert navigator.page(frame, 0, 30, bottom, -1) == Paging(0, 0)
    assert navigator.page(frame, bottom, 30, bottom, 1) == Paging(bottom, navigator.last)


def test_paging_through_one_long_sentence_keeps_it() -> None:
    text = " ".join(["word"] * 2000) + "."
    navigator, frame = whole_frame(text)
    paging = navigator.page(frame, 0, 10, frame.line_count - 10, 1)
    assert paging.top == 8 and paging.sentence == 0
    assert Spans.of([(0, len(text))]) == navigator.sentences
