"""A plain-text file is decoded without the newlines that end it (they would be stripped,
a copy of the whole text, right after): what `load_file` makes of it is exactly what it
made of the whole text decoded, and what it refuses it refuses in the same words."""

from __future__ import annotations

from pathlib import Path

import pytest

from library import textfile
from library.parse import Parsed, _parse, load_file, readable_stem
from library.textfile import UnreadableFile, decode_bytes

_LONG = 4 * textfile._SAMPLE_BYTES
"""Texts longer than this are decoded without their last newlines."""


def _as_before(path: Path) -> Parsed | str:
    """What `load_file` gave when it decoded every byte, or the sentence it refused with."""
    name = path.name
    try:
        text = decode_bytes(path.read_bytes(), name)
        return _parse([text], markdown=False, fallback_title=readable_stem(path), name=name)
    except UnreadableFile as err:
        return str(err)


def _now(path: Path) -> Parsed | str:
    try:
        return load_file(path)
    except UnreadableFile as err:
        return str(err)


def _same(path: Path) -> None:
    before, now = _as_before(path), _now(path)
    assert now == before
    if isinstance(now, Parsed) and isinstance(before, Parsed):
        assert now.words == before.words and now.text == before.text


_PROSE = "The keeper wrote of wind and tide.\nThe boats came in late, “très” tard.\n"
_ENDINGS = ["", "\n", "\n\n\n", "\r\n", "\r\n\r\n", "\n \n", " \n\n", "\t\n", "\x0c\n\n", "\r"]


@pytest.mark.parametrize("ending", _ENDINGS, ids=repr)
@pytest.mark.parametrize(
    "body",
    [
        _PROSE * 10,  # short: decoded whole
        (_PROSE + "\n") * 9000,  # long
        (_PROSE + "\n") * 9000 + "Source: The Harbour Gazette",
        (_PROSE.replace("\n", "\r\n") + "\r\n") * 9000,
        " date 2021-03-04 \n" + (_PROSE + "\n") * 9000,
        "x" * (_LONG - 1),  # just around the length decoded without its newlines
        "x" * _LONG,
        "x" * (_LONG + 1),
    ],
    ids=["short", "long", "source", "crlf", "date", "just-under", "at", "just-over"],
)
def test_a_text_file_parses_as_it_did_decoded_whole(tmp_path: Path, body: str, ending: str) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(body.encode("utf-8") + ending.encode("utf-8") * 3000)
    _same(path)


@pytest.mark.parametrize(
    "data",
    [
        b"\n" * (_LONG * 3),  # nothing but newlines
        b"\x01\x02" * 10 + b"\n" * (_LONG * 2),  # control bytes, then newlines
        "é".encode() * 10 + b"\xff" + b"\n" * (_LONG * 2),  # not UTF-8
        b"word " * (_LONG // 4) + b"\xe2\x82" + b"\n" * 5000,  # cut in a character
        "Name: Ada\n\n".encode("utf-16") + "\n".encode("utf-16-le") * _LONG,
        b"\xef\xbb\xbf" + b"A title\n\n" + b"Some words. " * 30_000 + b"\n" * 999,
    ],
    ids=["newlines", "controls", "not-utf8", "cut-character", "utf16", "bom"],
)
def test_odd_files_are_read_or_refused_as_before(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(data)
    _same(path)


def test_the_book_parses_as_it_did_decoded_whole(tmp_path: Path, book: Path) -> None:
    path = tmp_path / "book.txt"
    path.write_bytes(book.read_bytes() + b"\n" * 100_000)
    _same(path)
