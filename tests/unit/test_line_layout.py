"""Wrapping a text into lines of terminal cells (`reader.layout.cells`, `.lines`), with no
widget: each rule is checked against Rich's measure, the one the view draws with."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, get_character_cell_size

from library.document import Span
from library.sanitize import visible
from reader.layout.cells import SINGLE_CELL_RANGES, cell_widths
from reader.layout.lines import (
    LineLayout,
    column_geometry,
    wrap_by_cells,
    wrap_range,
    wrap_text,
    wrap_text_in_pieces,
)
from tests.unit.view_samples import article, spans_of

CELLS = get_character_cell_size


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


def lines_of(text: str, width: int) -> list[str]:
    starts, ends = wrap_range(text, 0, len(text), width, cells=CELLS)
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
    layout = wrap_text(text, paragraphs, 20, cells=CELLS)
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
    layout = wrap_text(text, paragraphs, 8, cells=CELLS)
    check_layout(text, paragraphs, layout, 8)
    assert wrap_text("", (), 10, cells=CELLS).line_count == 0
    assert wrap_text("text", ((2, 2),), 10, cells=CELLS).line_count == 0


def test_single_cell_ranges_are_one_cell_once_visible() -> None:
    for first, last in SINGLE_CELL_RANGES:
        for code in range(first, last + 1):
            shown = visible(chr(code)).replace("\t", " ")
            assert get_character_cell_size(shown) == 1, hex(code)


def test_cell_widths_ask_the_measure_only_outside_the_one_cell_ranges() -> None:
    asked: list[str] = []

    def measure(char: str) -> int:
        asked.append(char)
        return get_character_cell_size(char)

    assert cell_widths("ab 漢\u0301é\ufe0f", measure) == [1, 1, 1, 2, 0, 1, 1]
    assert asked == ["漢", "\u0301"]  # a variation selector counts 1 without asking


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
    layout = wrap_text(text, paragraphs, width, cells=CELLS)
    check_layout(text, paragraphs, layout, width)
    # the one-pass layout equals wrapping each paragraph on its own
    starts: list[int] = []
    for p_start, p_end in paragraphs:
        if starts:
            starts.append(-1)
        starts.extend(wrap_range(text, p_start, p_end, width, cells=CELLS)[0])
    assert [s if not layout.is_blank(i) else -1 for i, s in enumerate(layout.starts)] == starts


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(ALPHABET, min_size=1, max_size=120), min_size=1, max_size=8),
    st.integers(1, 30),
    st.integers(1, 400),
)
def test_wrapping_in_pieces_gives_the_layout_of_wrapping_at_once(
    pieces: list[str], width: int, piece_chars: int
) -> None:
    text = "\n\n".join(piece.strip("\n") or "x" for piece in pieces)
    paragraphs, _ = spans_of(text)
    pauses: list[None] = []
    at_once = wrap_text(text, paragraphs, width, cells=CELLS)
    in_pieces = wrap_text_in_pieces(
        text,
        paragraphs,
        width,
        cells=CELLS,
        pause=lambda: pauses.append(None),
        piece_chars=piece_chars,
    )
    assert in_pieces == at_once
    assert pauses  # it paused at least once per piece


def test_wrapping_in_pieces_pauses_between_pieces_of_a_long_text() -> None:
    text = "\n\n".join(
        f"Paragraph {n} of a long text, wrapped a piece at a time." for n in range(500)
    )
    paragraphs, _ = spans_of(text)
    pauses: list[None] = []
    layout = wrap_text_in_pieces(
        text, paragraphs, 20, cells=CELLS, pause=lambda: pauses.append(None), piece_chars=1000
    )
    assert layout == wrap_text(text, paragraphs, 20, cells=CELLS)
    assert len(pauses) >= len(text) // 1000


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(list("abcdef    \n")), max_size=200), st.integers(1, 25))
def test_cell_path_agrees_with_regex_path_on_one_cell_text(text: str, width: int) -> None:
    by_cells = wrap_by_cells(text, 0, len(text), width, cells=CELLS)
    assert by_cells == wrap_range(text, 0, len(text), width, cells=CELLS)


def test_column_geometry_caps_and_centres() -> None:
    assert column_geometry(120, 80) == (80, 20)
    assert column_geometry(60, 80) == (56, 2)
    assert column_geometry(2, 80) == (1, 0)


@pytest.mark.parametrize("width", [1, 7, 80])
def test_line_layout_lookups(width: int) -> None:
    text = article(3, 3)
    paragraphs, _ = spans_of(text)
    layout = wrap_text(text, paragraphs, width, cells=CELLS)
    for line in range(layout.line_count):
        if not layout.is_blank(line):
            assert layout.line_of(layout.starts[line]) == line
            assert layout.line_of(layout.ends[line] - 1) == line
