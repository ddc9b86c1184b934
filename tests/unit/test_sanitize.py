"""Untrusted text is made safe to draw, one character for one."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from library.sanitize import one_line, visible


def test_escape_sequences_become_visible() -> None:
    assert visible("a\x1b[31mb") == "a\u241b[31mb"
    assert visible("bell\x07") == "bell\u2407"
    assert visible("del\x7f") == "del\u2421"


def test_c1_controls_and_bidi_controls_get_their_own_stand_ins() -> None:
    assert visible("x\x9by\x80z\x9f") == "x⍰y⍰z⍰"
    assert visible("one\x85two") == "one␤two"  # NEL, "next line"
    assert visible("x\u202ey\u2066z\u200f") == "x⇄y⇄z⇄"
    assert visible("\ufffd") == "\ufffd"  # a decoding error stays what it was


def test_every_stand_in_is_one_narrow_cell() -> None:
    dangerous = [chr(c) for c in range(0x20) if chr(c) not in "\n\t"] + [chr(0x7F)]
    dangerous += [chr(c) for c in range(0x80, 0xA0)] + list("\u061c\u200e\u202e\u2069")
    for char in dangerous:
        shown = visible(char)
        assert len(shown) == 1 and shown != "\ufffd"
        assert unicodedata.east_asian_width(shown) == "N"
        assert unicodedata.category(shown) == "So"


def test_newline_tab_and_markup_are_kept() -> None:
    text = "line one\n\ttwo [bold]three[/bold] [@click=app.quit]"
    assert visible(text) is text


def test_one_line_folds_newlines() -> None:
    assert one_line("a\nb\tc\x1b") == "a b c\u241b"


@given(st.text())
def test_same_length_and_nothing_dangerous_left(text: str) -> None:
    shown = visible(text)
    assert len(shown) == len(text)
    for char in shown:
        code = ord(char)
        assert char in "\n\t" or not (code < 0x20 or 0x7F <= code <= 0x9F)
        assert char not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
