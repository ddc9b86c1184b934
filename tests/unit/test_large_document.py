"""Adding a large document: the memory it takes is a small multiple of its text, whatever
the text's length (a 100 MB book must not need gigabytes), and what is stored is what the
rules line by line make of it."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import pytest

from library import plain_paragraphs, segment, text_hash
from library.catalog import Catalog
from library.plain_paragraphs import paragraphs_by_lines

COPIES_HELD = 2.5
"""At most this many copies of the text are held at once, beyond what was held before:
the file's bytes and its text while it is decoded, the text and its paragraphs while
they are joined, the text and its UTF-8 while it is written."""

_WORDS = [
    "the",
    "keeper",
    "wrote",
    "of",
    "wind",
    "and",
    "tide",
    "harbour",
    "lamp",
    "winter",
    "boats",
    "came",
    "in",
    "late",
]


def wrapped_book(paragraphs: int, seed: int = 7) -> str:
    """A book-like text wrapped at 70 columns: paragraphs of prose, now and then a line
    of `key: value`, a rule, a word broken at its hyphen, or a heading."""
    chance = random.Random(seed)
    blocks: list[str] = ["A LONG BOOK", "Chapter One"]
    for number in range(paragraphs):
        words = [chance.choice(_WORDS) for _ in range(chance.randint(20, 120))]
        lines: list[str] = []
        line = ""
        for word in words:
            if len(line) + len(word) + 1 > 70:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line + ".")
        if number % 97 == 0:
            lines.insert(1, "Note: the keeper's words")
        if number % 89 == 0:
            lines[0] = lines[0] + " well-"
        blocks.append("\n".join(lines))
        if number % 500 == 0:
            blocks.append("* * *")
    return "\n\n".join(blocks) + "\n"


def test_adding_a_large_document_holds_a_few_copies_of_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pieces of a 100 MB text's size to it: a mebibyte at a time is no copy of 100 MB,
    # but half of this one.
    monkeypatch.setattr(plain_paragraphs, "_PIECE_CHARS", 1 << 16)
    monkeypatch.setattr(plain_paragraphs, "STRETCH_CHARS", 1 << 17)
    monkeypatch.setattr(segment, "_COUNTED_AT_ONCE", 1 << 16)
    monkeypatch.setattr(text_hash, "HASHED_AT_ONCE", 1 << 16)
    text = wrapped_book(6000)
    assert len(text) > 2_000_000
    path = tmp_path / "book.txt"
    path.write_text(text, encoding="utf-8")
    catalog = Catalog.open(tmp_path / "library")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = catalog.add([path])
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert [entry.title for entry in result.added] == ["A LONG BOOK"]
    assert peak <= COPIES_HELD * len(text), f"{peak / len(text):.1f} copies held"
    stored = catalog.text(result.added[0].id)
    by_lines = paragraphs_by_lines(text.split("\n"))
    assert stored == "\n\n".join(by_lines.pieces[1:])  # the title line taken out
