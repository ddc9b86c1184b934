"""The `Document` model: one piece of text in the library and what is known about it."""

from __future__ import annotations

from dataclasses import dataclass

Span = tuple[int, int]
"""A half-open range ``(start, end)`` of code-point offsets into a document's text."""


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
    paragraphs: tuple[Span, ...]
    """Each paragraph's span in `text`, in order."""
    sentences: tuple[Span, ...]
    """Each sentence's span in `text`, in order; sentences never cross paragraphs."""
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
