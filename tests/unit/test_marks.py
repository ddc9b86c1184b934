"""Marks over the text (`reader.layout.marks`): styles named by `Color` and `MarkKind`,
layers, and the index of runs a line is drawn from, with no widget."""

from __future__ import annotations

from typing import cast

from annotations.model import Color
from reader.layout.marks import (
    MARK_STYLES,
    MarginMarks,
    MarginSign,
    MarkIndex,
    MarkKind,
    MarkLayer,
    MarkLayers,
    MarkStyle,
)


def test_mark_styles_are_every_color_then_every_kind() -> None:
    assert (*Color, MarkKind.MATCH, MarkKind.CURRENT_MATCH, MarkKind.SELECTION) == MARK_STYLES
    # kinds and colors are told apart by value too (both are strings)
    assert len({str(style) for style in MARK_STYLES}) == len(MARK_STYLES)


def test_mark_index_flattens_overlaps_by_rank() -> None:
    yellow, match, selection = Color.YELLOW, MarkKind.MATCH, MarkKind.SELECTION
    unknown = cast(MarkStyle, "nope")
    index = MarkIndex.build(
        [(0, 10, yellow), (5, 15, match), (8, 9, selection), (20, 20, yellow), (30, 40, unknown)]
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


def test_mark_index_merges_touching_runs_of_the_same_styles() -> None:
    index = MarkIndex.build(
        [(0, 4, Color.BLUE), (4, 8, Color.BLUE), (10, 12, Color.BLUE), (2, 6, Color.BLUE)]
    )
    assert list(index.runs(0, 20)) == [(0, 8, (Color.BLUE,)), (10, 12, (Color.BLUE,))]
    assert index.styles[0] is index.styles[1]  # equal sets of styles share one tuple


def test_a_later_color_wins_over_an_earlier_one() -> None:
    index = MarkIndex.build([(0, 6, Color.PURPLE), (2, 4, Color.YELLOW)])
    assert [styles[-1] for _, _, styles in index.runs(0, 6)] == [
        Color.PURPLE,
        Color.PURPLE,
        Color.PURPLE,
    ]


def test_layers_are_set_and_cleared_apart() -> None:
    marks = MarkLayers()
    marks.set(MarkLayer.HIGHLIGHTS, [(0, 5, Color.GREEN)])
    marks.set(MarkLayer.MATCHES, [(3, 8, MarkKind.MATCH)])
    assert list(marks.index.runs(0, 10)) == [
        (0, 3, (Color.GREEN,)),
        (3, 5, (Color.GREEN, MarkKind.MATCH)),
        (5, 8, (MarkKind.MATCH,)),
    ]
    marks.set(MarkLayer.MATCHES, [(6, 7, MarkKind.CURRENT_MATCH)])
    assert list(marks.index.runs(5, 10)) == [(6, 7, (MarkKind.CURRENT_MATCH,))]
    marks.clear(MarkLayer.HIGHLIGHTS)
    marks.clear(MarkLayer.REVIEW)  # a layer never set: nothing happens
    assert list(marks.index.runs(0, 10)) == [(6, 7, (MarkKind.CURRENT_MATCH,))]
    marks.clear()
    assert list(marks.index.runs(0, 10)) == []


def test_margin_marks_find_the_first_sign_on_a_line() -> None:
    margin = MarginMarks.build([(40, MarginSign.NOTE), (10, MarginSign.NOTE)])
    assert margin.offsets == (10, 40)
    assert margin.sign_in(0, 10) is None
    assert margin.sign_in(10, 20) is MarginSign.NOTE
    assert margin.sign_in(20, 40) is None
    assert margin.sign_in(39, 41) is MarginSign.NOTE


def test_margin_signs_are_one_character() -> None:
    assert all(len(sign) == 1 for sign in MarginSign)
