"""The table of contents: chapter lines of plain-text books and Markdown headings are
found; prose that starts like one is not."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from library.contents import Heading, contents, current_heading, heading_of, heading_path
from library.document import Document, Spans
from library.parse import parse_text
from library.segment import paragraph_spans
from library.structure import NO_STRUCTURE

BOOK = """A SMALL BOOK

BOOK ONE: 1805

CHAPTER 1

It was a quiet morning in the village.

CHAPTER II

The rain came. Nobody minded.

PART III. The Return

Chapter 3. The Storm

Chapter 11 bankruptcy was the talk of the town.

Part of the deal was silence.

SECOND EPILOGUE

The end.
"""


@pytest.mark.parametrize(
    ("line", "title", "level"),
    [
        ("BOOK ONE: 1805", "BOOK ONE: 1805", 1),
        ("CHAPTER 1", "CHAPTER 1", 2),
        ("CHAPTER XII", "CHAPTER XII", 2),
        ("PART II", "PART II", 1),
        ("Chapter 3.", "Chapter 3.", 2),
        ("Chapter Twenty-One — A Visit", "Chapter Twenty-One — A Visit", 2),
        ("CHAPTER I. Down the Rabbit-Hole", "CHAPTER I. Down the Rabbit-Hole", 2),
        ("EPILOGUE", "EPILOGUE", 1),
        ("FIRST EPILOGUE: 1813 - 20", "FIRST EPILOGUE: 1813 - 20", 1),
        ("Section  2.  Terms", "Section 2. Terms", 2),
        ("# A Title", "A Title", 1),
        ("### Deeper ###", "Deeper", 3),
    ],
)
def test_chapter_lines_and_headings(line: str, title: str, level: int) -> None:
    assert heading_of(line, 7) == Heading(7, title, level)


@pytest.mark.parametrize(
    "line",
    [
        "Chapter 11 bankruptcy protection was filed.",
        "Part of the deal was silence.",
        "Book Club",
        "Part I think so",
        "Volume of sales rose.",
        "The epilogue was long.",
        "#hashtag",
        "CHAPTERS",
    ],
)
def test_prose_is_no_heading(line: str) -> None:
    assert heading_of(line) is None


def test_the_headings_of_a_book_in_reading_order() -> None:
    parsed = parse_text(BOOK, fallback_title="book")
    text = parsed.text
    found = contents(text, Spans.of(paragraph_spans(text)))
    assert [h.title for h in found] == [
        "BOOK ONE: 1805",
        "CHAPTER 1",
        "CHAPTER II",
        "PART III. The Return",
        "Chapter 3. The Storm",
        "SECOND EPILOGUE",
    ]
    assert all(text[h.start : h.start + len(h.title)] == h.title for h in found)
    assert current_heading(found, 0) == 0  # the title line is the title, not in the text
    assert current_heading(found[1:], 0) is None
    assert current_heading(found, found[2].start) == 2
    assert current_heading(found, found[2].start + 5) == 2
    assert current_heading(found, len(text)) == len(found) - 1


def test_a_long_paragraph_is_never_a_heading() -> None:
    text = "CHAPTER 1 " + "word " * 40
    assert contents(text, Spans.of(paragraph_spans(text))) == ()


def test_the_path_to_a_chapter_names_its_book() -> None:
    headings = (
        Heading(0, "BOOK ONE", 1),
        Heading(10, "CHAPTER I", 2),
        Heading(20, "BOOK TWO", 1),
        Heading(30, "CHAPTER I", 2),
        Heading(40, "CHAPTER II", 2),
    )
    assert [h.title for h in heading_path(headings, 4)] == ["BOOK TWO", "CHAPTER II"]
    assert [h.title for h in heading_path(headings, 2)] == ["BOOK TWO"]


def test_a_structured_document_lists_its_marked_headings_not_its_chapter_lines(
    tmp_path: Path,
) -> None:
    from library.contents import document_contents
    from library.parse import load_file

    source = tmp_path / "guide.md"
    source.write_text(
        "# Guide\n\nIntro.\n\n## Getting *started*\n\nCHAPTER 1\n\nText.\n\n### Deeper\n\nMore.",
        encoding="utf-8",
    )
    parsed = load_file(source)
    paragraphs = Spans.of(paragraph_spans(parsed.text))
    document = Document(
        "id", parsed.title, None, None, None, parsed.text, paragraphs, paragraphs, 9, 1,
        None, "hash", "now", parsed.structure,
    )  # fmt: skip
    assert [(h.title, h.level) for h in document_contents(document)] == [
        ("Getting started", 2),
        ("Deeper", 3),
    ]
    plain = replace(document, structure=NO_STRUCTURE)
    assert [h.title for h in document_contents(plain)] == ["CHAPTER 1"]
