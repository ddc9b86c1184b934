"""A document's table of contents: its headings and chapter lines, where each starts.

Books saved as plain text mark their structure with lines of their own — ``BOOK ONE:
1805``, ``CHAPTER 1``, ``CHAPTER XII``, ``PART II``, ``Chapter 3. The Storm``,
``EPILOGUE`` — and Markdown with ``#`` headings. Each such line is a paragraph of its own
once a document is stored, so the contents are found by looking at short paragraphs only:
a 3 MB book has some 12,000 paragraphs and a few hundred headings, found in milliseconds.
A document with structure (Markdown, a web page, an EPUB) says where its headings are,
and those are its contents.

The rules are strict on purpose: a news paragraph that starts with "Part of the deal" or
"Chapter and verse" is no heading. A chapter line needs a number after its word (digits,
a Roman numeral, or a number word), and a lone word (``EPILOGUE``) must be one of a few
that name a part of a book.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from library.document import Document, Spans
from library.structure import Structure

_LONGEST_HEADING = 90
"""Longer paragraphs are never headings: a heading is a line, not a sentence of prose."""

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundred|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
    "tenth|last|final"
)
_NUMBER = rf"(?:\d{{1,4}}|[IVXLCDM]{{1,8}}|(?i:(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?))"
_TAIL = r"(?:\s*[.:—–-]\s*.*|\s+[^a-z\s].*)?"
"""What may follow the number: a title after a stop, colon or dash, or after a space when
it does not go on in lower case ("Chapter 11 bankruptcy" is prose, not a chapter)."""

_PART_WORDS = "BOOK|PART|VOLUME|Book|Part|Volume"
_CHAPTER_WORDS = "CHAPTER|Chapter|SECTION|Section"
_LONE_WORDS = (
    "PROLOGUE|EPILOGUE|INTRODUCTION|PREFACE|FOREWORD|AFTERWORD|CONCLUSION|APPENDIX|"
    "Prologue|Epilogue|Introduction|Preface|Foreword|Afterword|Conclusion|Appendix"
)

_PART = re.compile(rf"(?:{_PART_WORDS})\s+{_NUMBER}{_TAIL}")
_CHAPTER = re.compile(rf"(?:{_CHAPTER_WORDS})\s+{_NUMBER}{_TAIL}")
_LONE = re.compile(
    rf"(?:(?:FIRST|SECOND|THIRD|First|Second|Third)\s+)?(?:{_LONE_WORDS})(?:\s*[.:—–-]\s*.*)?"
)
_MARKDOWN = re.compile(r"(#{1,6})\s+(\S.*?)\s*#*\s*")


@dataclass(frozen=True, slots=True)
class Heading:
    """One entry of the contents."""

    start: int
    """Where the heading starts: an offset into the document's text."""
    title: str
    """The heading as written (without Markdown's ``#`` marks)."""
    level: int
    """1 for the largest parts (a book, a part, ``#``), 2 for chapters (``##``), and so on."""


def contents(text: str, paragraphs: Spans) -> tuple[Heading, ...]:
    """The headings of a document, in reading order.

    Args:
        text: The document's text.
        paragraphs: Its paragraphs' spans (a heading is a paragraph of its own).
    """
    return tuple(_headings(text, paragraphs))


def document_contents(document: Document) -> tuple[Heading, ...]:
    """The headings of `document`: those its structure marks (Markdown's ``#``, a web
    page's or an EPUB chapter's headings) when it has any, else its chapter lines."""
    marked = structure_headings(document.text, document.structure)
    return marked or contents(document.text, document.paragraphs)


def structure_headings(text: str, structure: Structure) -> tuple[Heading, ...]:
    """The headings `structure` marks in `text`, as shown (on one line), in order."""
    found = []
    for span in structure.headings():
        title = " ".join(text[span.start : span.end].split())
        if title:
            found.append(Heading(span.start, title, max(1, span.level)))
    return tuple(found)


def _headings(text: str, paragraphs: Spans) -> Iterator[Heading]:
    for start, end in zip(paragraphs.starts, paragraphs.ends, strict=True):
        if end - start > _LONGEST_HEADING:
            continue
        line = text[start:end]
        if "\n" in line:
            continue
        heading = heading_of(line, start)
        if heading is not None:
            yield heading


def heading_of(line: str, start: int = 0) -> Heading | None:
    """The heading `line` is, or None for a line of prose.

    Args:
        line: One paragraph of a single line.
        start: Its offset in the text, for the heading's `start`.
    """
    line = " ".join(line.split())  # as shown: runs of spaces are one
    if (marked := _MARKDOWN.fullmatch(line)) is not None:
        return Heading(start, marked.group(2), len(marked.group(1)))
    if _PART.fullmatch(line) or _LONE.fullmatch(line):
        return Heading(start, line, 1)
    if _CHAPTER.fullmatch(line):
        return Heading(start, line, 2)
    return None


def current_heading(headings: tuple[Heading, ...], offset: int) -> int | None:
    """The index of the heading the reader at `offset` is under (the last one starting at
    or before it), or None before the first."""
    found: int | None = None
    for index, heading in enumerate(headings):
        if heading.start > offset:
            break
        found = index
    return found


def heading_path(headings: tuple[Heading, ...], index: int) -> tuple[Heading, ...]:
    """The heading at `index` and those it is under, outermost first (``BOOK THIRTEEN``,
    then ``CHAPTER XVI``): a chapter's number alone does not say which book it is in."""
    path = [headings[index]]
    for heading in reversed(headings[:index]):
        if heading.level < path[0].level:
            path.insert(0, heading)
    return tuple(path)
