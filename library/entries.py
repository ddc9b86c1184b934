"""What the catalog holds about documents: entries, reading states, and what an add did.

Each model is read back from its stored record tolerantly (`entry_from_record`,
`state_from_record`): a record edited by hand, or written by an older release, gives the
best entry it can, or none, but never an error that would stop the library from opening.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from library.segment import reading_minutes
from library.storage import Record


@dataclass(frozen=True, slots=True)
class Entry:
    """What the catalog knows about one document, without its text."""

    id: str
    """Stable id: the first 12 hex digits of the sha256 of the text when first added."""
    title: str
    """The document's title."""
    source: str | None
    """The publication, if known."""
    date: str | None
    """Publication date as ISO ``YYYY-MM-DD``, if known."""
    caption: str | None
    """A photo caption found before the text, if any."""
    words: int
    """Number of words in the text."""
    reading_minutes: int
    """Estimated reading time, at least 1."""
    path: str | None
    """Absolute path of the file it came from; None for the built-in guide."""
    added: str
    """When the document was first added, ISO 8601 UTC."""
    content_hash: str
    """sha256 hex digest of the stored text; changes when the file is updated."""
    updated: str
    """When the text or metadata last changed, ISO 8601 UTC."""

    def to_json(self) -> dict[str, Any]:
        """Return the entry as a plain, JSON-ready dict (for `--json` output)."""
        return {name: getattr(self, name) for name in ENTRY_FIELD_NAMES}

    def to_record(self) -> Record:
        """Return the entry as the catalog stores it: every field but the id (its key)."""
        return {name: getattr(self, name) for name in ENTRY_FIELD_NAMES[1:]}


ENTRY_FIELD_NAMES: tuple[str, ...] = tuple(field.name for field in fields(Entry))
"""Entry's fields in order, `id` first."""

_RECORD_FIELDS = frozenset(ENTRY_FIELD_NAMES[1:])


@dataclass(frozen=True, slots=True)
class ReadingState:
    """Where the reader left a document."""

    offset: int = 0
    """The reading cursor, as an offset into the document's text."""
    progress: float = 0.0
    """How far through the document the reader got, from 0 to 1."""
    opened: str | None = None
    """When the document was last opened, ISO 8601 UTC; None if never."""

    def to_record(self) -> Record:
        """Return the state as it is stored: offset at least 0, progress within 0..1."""
        return {
            "offset": max(0, int(self.offset)),
            "progress": min(1.0, max(0.0, float(self.progress))),
            "opened": self.opened,
        }


@dataclass(frozen=True, slots=True)
class AddResult:
    """What one `Catalog.add` did with each file it was given."""

    added: tuple[Entry, ...] = ()
    """Documents new to the library."""
    updated: tuple[Entry, ...] = ()
    """Documents whose file changed since they were added: same id, new text."""
    unchanged: tuple[Entry, ...] = ()
    """Files already in the library (the same file, or the same text from elsewhere)."""
    failed: tuple[tuple[str, str], ...] = ()
    """``(path, one-sentence reason)`` for each file that could not be added."""
    previous_hashes: tuple[tuple[str, str], ...] = ()
    """``(id, content hash before the update)`` for each entry in `updated`."""


def entry_from_record(doc_id: str, record: Record) -> Entry | None:
    """Build an entry from a stored record; tolerate hand edits, skip what is unusable."""
    if record.keys() == _RECORD_FIELDS:
        entry = Entry(id=doc_id, **record)
        if isinstance(entry.title, str) and isinstance(entry.words, int):
            return entry
    title = record.get("title")
    content_hash = record.get("content_hash")
    if not isinstance(title, str) or not isinstance(content_hash, str):
        return None
    words = record.get("words")
    words = words if isinstance(words, int) and not isinstance(words, bool) else 0
    minutes = record.get("reading_minutes")
    added = record.get("added")
    added = added if isinstance(added, str) else ""
    updated = record.get("updated")
    return Entry(
        id=doc_id,
        title=title,
        source=_optional_str(record.get("source")),
        date=_optional_str(record.get("date")),
        caption=_optional_str(record.get("caption")),
        words=words,
        reading_minutes=minutes if isinstance(minutes, int) else reading_minutes(words),
        path=_optional_str(record.get("path")),
        added=added,
        content_hash=content_hash,
        updated=updated if isinstance(updated, str) else added,
    )


def state_from_record(record: Record | None) -> ReadingState:
    """Build a reading state from a stored record; anything unusable reads as the start."""
    if record is None:
        return ReadingState()
    offset = record.get("offset")
    progress = record.get("progress")
    opened = record.get("opened")
    return ReadingState(
        offset=offset if isinstance(offset, int) and offset >= 0 else 0,
        progress=min(1.0, max(0.0, float(progress)))
        if isinstance(progress, int | float) and not isinstance(progress, bool)
        else 0.0,
        opened=opened if isinstance(opened, str) else None,
    )


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None
