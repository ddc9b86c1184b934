"""The `Document` model: one piece of text in the library and what is known about it."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from library.structure import NO_STRUCTURE, Structure

Span = tuple[int, int]
"""A half-open range ``(start, end)`` of code-point offsets into a document's text."""


class Spans(Sequence[Span]):
    """Spans in order, held as two arrays of offsets rather than as tuples.

    A 30 MB text has some 300,000 sentences: as tuples they take tens of milliseconds to
    build and tens of megabytes to hold, as two arrays they are read from disk in one go.
    A `Span` tuple is made only when one is asked for. Treat it as immutable.
    """

    __slots__ = ("_ends", "_starts")

    def __init__(self, starts: array[int], ends: array[int]) -> None:
        """Wrap `starts` and `ends` (same length, typecode ``q``); they are not copied."""
        if len(starts) != len(ends):
            raise ValueError("starts and ends differ in length")
        self._starts = starts
        self._ends = ends

    @classmethod
    def of(cls, spans: Iterable[Span]) -> Spans:
        """Spans holding `spans` (any iterable of ``(start, end)`` pairs)."""
        if isinstance(spans, Spans):
            return spans
        pairs = tuple(spans)
        return cls(array("q", [s for s, _ in pairs]), array("q", [e for _, e in pairs]))

    @property
    def starts(self) -> array[int]:
        """Start offset of each span, for bisecting (do not modify)."""
        return self._starts

    @property
    def ends(self) -> array[int]:
        """End offset of each span (do not modify)."""
        return self._ends

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> Span: ...

    @overload
    def __getitem__(self, index: slice) -> Spans: ...

    def __getitem__(self, index: int | slice) -> Span | Spans:
        if isinstance(index, slice):
            return Spans(self._starts[index], self._ends[index])
        return (self._starts[index], self._ends[index])

    def __iter__(self) -> Iterator[Span]:
        return zip(self._starts, self._ends, strict=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Spans):
            return self._starts == other._starts and self._ends == other._ends
        if isinstance(other, tuple | list):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))  # as the equal tuple hashes (rarely needed: it walks all)

    def __repr__(self) -> str:
        shown = ", ".join(f"({s}, {e})" for s, e in self[:3])
        more = ", …" if len(self) > 3 else ""
        return f"Spans([{shown}{more}], count={len(self)})"


NO_SPANS = Spans.of(())
"""No spans at all."""


@dataclass(frozen=True, slots=True)
class Document:
    """A document as the reader shows it. Every offset indexes `text`."""

    id: str
    """Stable id, assigned when the document is first added; never changes."""
    title: str
    """The title: given by the file, or derived from the first sentence."""
    source: str | None
    """The publication (`Source: NAME`), if known."""
    date: str | None
    """Publication date as ISO ``YYYY-MM-DD``, if known."""
    caption: str | None
    """A photo caption found before the text, shown as such."""
    text: str
    """The body text exactly as stored: paragraphs separated by one blank line."""
    paragraphs: Spans
    """Each paragraph's span in `text`, in order; none is empty."""
    sentences: Spans
    """Each sentence's span in `text`, in order; none is empty, none crosses a paragraph."""
    words: int
    """Number of words in `text`."""
    reading_minutes: int
    """Estimated reading time, at least 1."""
    path: str | None
    """Absolute path of the file the document came from; None for built-in documents."""
    content_hash: str
    """sha256 hex digest of `text`."""
    added: str
    """When the document was first added, ISO 8601 UTC."""
    structure: Structure = NO_STRUCTURE
    """Typed spans over `text` (headings, emphasis, quotes, links…); none for plain text."""
