"""Plain text's paragraphs (`library.plain_paragraphs`): the fast passes over long
stretches give exactly what the rules read line by line give."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from library import forked_work
from library import plain_paragraphs as module
from library.plain_paragraphs import Paragraphs, paragraphs_by_lines, plain_paragraphs
from tests.forking import note_forks

_WORDS = ("the", "harbour", "keeper", "wrote", "of", "wind", "and", "tide", "well-", "known")
_LINE = st.one_of(
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12).map(" ".join),
    st.sampled_from(
        [
            "It ended.",
            "Name: Ada Reyes",
            "Note: see https://example.com",
            "---",
            "* * *",
            "- a dash first",
            "— a dialogue line",
            "broken at its hyph-",
            "x" * 120,
            "He said: yes",
            "\u00a0",
            "\x0c",
            "«Quoted»",
            "\t",
        ]
    ),
)
_INDENT = st.sampled_from(["", "", "", "  ", "\t", " \u00a0"])
_TRAILING = st.sampled_from(["", "", "", " ", "\t ", "\u00a0"])
_INDENTED_LINE = st.tuples(_INDENT, _LINE, _TRAILING).map("".join)
_BLOCK = st.lists(_INDENTED_LINE, min_size=1, max_size=6).map("\n".join)
_GAP = st.sampled_from(["\n\n", "\n\n", "\n\n\n", "\n  \n", "\n\t\n\n"])
_NOISY_TEXT = st.tuples(
    st.sampled_from(["", "\n", "  \n"]),
    st.lists(st.tuples(_BLOCK, _GAP), min_size=1, max_size=14),
    st.sampled_from(["", "\n", " \n\n"]),
).map(lambda parts: parts[0] + "".join(block + gap for block, gap in parts[1]) + parts[2])


# Texts most of whose lines are wrapped prose, so that the fast passes run, with now and
# then what the rules line by line must read: a field, a rule, a broken word, verse.
_PROSE = st.lists(st.sampled_from(_WORDS), min_size=2, max_size=9).map(" ".join)
_RARE_LINE = st.sampled_from(
    ["Name: Ada", "---", "* * *", "well-", "It ended.", "x" * 120, "  indented", "\tverse"]
)
_CLEAN_LINE = st.tuples(
    st.sampled_from(["", "", "", "", "", " ", "  "]),
    st.one_of(_PROSE, _PROSE, _PROSE, _PROSE, _PROSE, _PROSE, _RARE_LINE),
    st.sampled_from(["", "", "", "", " ", "\t"]),
).map("".join)
_CLEAN_TEXT = st.tuples(
    st.sampled_from(["", "\n", "  \n"]),
    st.lists(
        st.tuples(
            st.lists(_CLEAN_LINE, min_size=1, max_size=5).map("\n".join),
            st.sampled_from(["\n\n", "\n\n", "\n\n\n", "\n  \n"]),
        ),
        min_size=1,
        max_size=14,
    ),
    st.sampled_from(["", "\n", " \n\n"]),
).map(lambda parts: parts[0] + "".join(block + gap for block, gap in parts[1]) + parts[2])
_TEXT = st.one_of(_CLEAN_TEXT, _CLEAN_TEXT, _CLEAN_TEXT, _NOISY_TEXT)


def _same(fast: Paragraphs, by_lines: Paragraphs) -> None:
    assert "\n\n".join(fast.pieces) == "\n\n".join(by_lines.pieces)
    first = len(fast.lone)
    assert first >= min(module.HEAD_BLOCKS, len(by_lines.pieces))
    assert fast.pieces[:first] == by_lines.pieces[:first]
    assert fast.lone == by_lines.lone[:first]


@settings(max_examples=600, deadline=None)
@given(_TEXT, st.integers(1, 60), st.integers(1, 40), st.booleans())
@example(  # split inside a run of blank lines after a line ending in a dash
    "the the\n\nthe the\n\nthe the\nthe the\nName: Ada\n\nthe the wrote well-\n\n\nName: Ada",
    1,
    1,
    True,
)
def test_the_fast_paragraphs_are_those_of_the_rules_line_by_line(
    text: str, stretch: int, piece: int, halves: bool
) -> None:
    """Also with the lines measured in two halves (the second by a forked child in a long
    text: here, with no fork, after the first)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "STRETCH_CHARS", stretch)
        patch.setattr(module, "_PIECE_CHARS", piece)
        patch.setattr(forked_work, "may_fork", lambda: False)
        if halves:
            patch.setattr(module, "SPLIT_FROM", 0)
        _same(plain_paragraphs([text]), paragraphs_by_lines(text.split("\n")))


@pytest.mark.parametrize("wrapped", [True, False])
def test_a_long_text_is_measured_and_joined_in_two_processes_as_in_one(wrapped: bool) -> None:
    """Its lines are measured, and its stretches joined, in two halves: the second half
    by a forked child each time."""
    line = "the keeper wrote of wind and tide" if wrapped else "It ended. " * 12
    block = "\n".join([line] * 4)
    text = "Title\n\n" + "\n\n".join([block] * 60 + ["Name: Ada Reyes\nwrote"] + [block] * 60)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "SPLIT_FROM", 1000)
        forked = note_forks(patch)
        found = plain_paragraphs([text])
    assert forked == [True, True]
    _same(found, paragraphs_by_lines(text.split("\n")))


def test_a_long_wrapped_text_is_joined_by_the_fast_passes() -> None:
    block = "\n".join(["the keeper wrote of wind and tide"] * 4)
    special = "Name: Ada Reyes\nwrote of the wind"
    text = "Title\n\n" + "\n\n".join([block] * 50 + [special] + [block] * 50)
    found = plain_paragraphs([text])
    _same(found, paragraphs_by_lines(text.split("\n")))
    assert len(found.pieces) < 20  # long runs of paragraphs, not one piece each
    assert found.lone[0] and found.pieces[0] == "Title"


def test_text_given_is_let_go_of() -> None:
    handed_over = ["one\n\ntwo"]
    plain_paragraphs(handed_over)
    assert handed_over == []


@pytest.mark.parametrize("ending", [" ", "\t", " \t", "\t "])
def test_a_line_ending_in_a_space_or_a_tab_anywhere_is_seen(ending: str) -> None:
    """The search for lines ending in blank space finds each kind, at the text's start,
    in its middle and in its last line, as the rules line by line read them."""
    block = "\n".join(["the keeper wrote of wind and tide"] * 4)
    blocks = [block] * 40
    for where in (0, 20, 39):
        lines = blocks[where].split("\n")
        lines[1] += ending
        changed = [*blocks[:where], "\n".join(lines), *blocks[where + 1 :]]
        text = "Title\n\n" + "\n\n".join(changed)
        _same(plain_paragraphs([text]), paragraphs_by_lines(text.split("\n")))


def _finished_by_lines(lines: list[str], followed: bool) -> int | None:
    """The lines that end a sentence and are followed by another in their block, counted
    line by line; None when one ends in whitespace other than a space or a tab."""
    if any(line.endswith(module._OTHER_SPACES) for line in lines):
        return None
    nexts = [*(bool(line) for line in lines[1:]), followed]
    return sum(
        1
        for line, more in zip(lines, nexts, strict=True)
        if more and line.endswith(module._ENDINGS)
    )


_PIECE_TEXT = st.lists(
    st.sampled_from(
        ["word", "end.", "end!", "why?", "so:", "“quoted”", "»", "…", "é.", "(aside)", " "]
        + ["\n", "\n", "\n\n", "\n\n\n", "\x0c", "\u00a0", "\x0b", "\t", ";", "'"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=800, deadline=None)
@given(_PIECE_TEXT, st.booleans())
def test_finished_lines_are_counted_as_line_by_line(piece: str, followed: bool) -> None:
    lines = piece.split("\n")
    assert module._finished_lines(piece, lines, followed) == _finished_by_lines(lines, followed)


def test_prose_lines_that_look_special_leave_their_block_to_the_fast_passes() -> None:
    """A line starting with `key:` or a dash whose breaks the rules join anyway (wrapped
    prose all round) names no site; a list of fields and a line short of the margin do."""
    full = "the keeper wrote of wind and tide and of the harbour well"
    prose = f"{full}\nHe looked up: the wind and tide and of the harbour well\n{full}"
    dialogue = f"{full}\n-- and tide and of the harbour well and the keeper wrote\n{full}"
    fields = "Name: Ada Reyes\nAge: forty"
    short = f"{full}\nwrote\nNote: the wind and tide and of the harbour well kept"
    for block, named in ((prose, False), (dialogue, False), (fields, True), (short, True)):
        text = f"{full}\n{full}\n\n{block}\n\n{full}\n{full}"
        start = text.index("\n\n") + 2
        sites = list(module._rule_sites(text, start, len(text), len(full)))
        assert bool(sites) == named, block
        _same(plain_paragraphs([text]), paragraphs_by_lines(text.split("\n")))
