"""What the catalog holds about documents: entries, reading states, and what an add did.

Each model is read back from its stored record tolerantly (`entry_from_record`,
`state_from_record`): a record edited by hand, or written by an older release, gives the
best entry it can, or none, but never an error that would stop the library from opening.
A missing field takes its default quietly (older records lack some); a field holding a
value of the wrong kind (a number for a date, a 400-digit progress, text for a count) is
read as unknown too, and `check_entry_record` / `check_state_record` tell the store, which
says so in one sentence. Only an entry without a usable id, title or content hash is
skipped: nothing could be shown or opened for it. The record itself stays in the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from library.reading_time import reading_minutes
from library.storage import Record, RecordFault

MAX_COUNT = 2**53 - 1
"""The largest count (of words, of minutes) taken from a store: the largest integer every
JSON reader agrees on, and far past any document's (a text is at most 100 MB)."""

MAX_OFFSET = 2**31 - 1
"""The largest offset into a text that a store may hold (a reading position, a highlight's
start and end). Texts are at most 100 MB, and the reader keeps offsets in 64-bit arrays:
a larger number (an offset of 10^30 in a hand-edited file) could only be damage, and would
overflow them."""

DOCUMENT_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
"""What a document id may be: it names the document's files, so nothing that leaves a folder."""

_CONTENT_HASH = re.compile(r"[0-9a-f]{64}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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
    author: str | None = None
    """Who wrote it, if known (front matter, a web page, an EPUB's creator)."""
    url: str | None = None
    """Its address on the web, if known (a fetched page's canonical address, front matter)."""
    feed: str | None = None
    """The feed it arrived through, if any."""
    language: str | None = None
    """The language it says it is in (a BCP 47 tag such as ``en``), if known."""

    def to_json(self) -> dict[str, Any]:
        """Return the entry as a plain, JSON-ready dict (for `--json` output)."""
        return {name: getattr(self, name) for name in ENTRY_FIELD_NAMES}

    def to_record(self) -> Record:
        """Return the entry as the catalog stores it: every field but the id (its key)."""
        return {name: getattr(self, name) for name in ENTRY_FIELD_NAMES[1:]}


ENTRY_FIELD_NAMES: tuple[str, ...] = tuple(field.name for field in fields(Entry))
"""Entry's fields in order, `id` first."""


FINISHED_PROGRESS = 0.995
"""Progress from which a document counts as read to its end (the reader gives 1.0 only
once the end was reached, and at most 0.99 before)."""

UNFINISHED_PROGRESS = 0.99
"""The most progress listed for a document not finished: one marked unread at its end is
not listed as done."""


@dataclass(frozen=True, slots=True)
class ReadingState:
    """Where the reader left a document, and whether it was read to the end."""

    offset: int = 0
    """The reading cursor, as an offset into the document's text."""
    progress: float = 0.0
    """How far through the document the reading place is, from 0 to 1."""
    opened: str | None = None
    """When the document was last opened, ISO 8601 UTC; None if never."""
    finished: bool = False
    """Whether the document was read to its end (or marked read): it stays finished when
    the reader goes back up, until it is marked unread."""

    @property
    def listed_progress(self) -> float:
        """How far the document counts as read, as the library lists and sorts it: 1 once
        finished, else the share before the place, short of 1."""
        return 1.0 if self.finished else min(self.progress, UNFINISHED_PROGRESS)

    def to_record(self) -> Record:
        """Return the state as it is stored: offset at least 0, progress within 0..1."""
        return {
            "offset": max(0, int(self.offset)),
            "progress": min(1.0, max(0.0, float(self.progress))),
            "opened": self.opened,
            "finished": bool(self.finished),
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


# --- reading records back ------------------------------------------------------------------


def _is_document_id(value: str) -> bool:
    return DOCUMENT_ID.fullmatch(value) is not None


def _is_content_hash(text: str) -> bool:
    """A sha256 hex digest: the store of sentence spans writes it as ASCII, and the name of
    a changed document's staged text holds a piece of it."""
    return _CONTENT_HASH.fullmatch(text) is not None


def _is_count(number: int) -> bool:
    return 0 <= number <= MAX_COUNT


def _is_minutes(number: int) -> bool:
    return 1 <= number <= MAX_COUNT


def _is_offset(number: int) -> bool:
    return 0 <= number <= MAX_OFFSET


def _is_fraction(number: float) -> bool:
    """From 0 to 1, compared exactly: a 400-digit int must not be made a float (it would
    overflow), and NaN and the infinities fail the comparison."""
    return 0 <= number <= 1


def _is_date(text: str) -> bool:
    """An ISO ``YYYY-MM-DD`` date that exists (what `library.parse` stores)."""
    if _ISO_DATE.fullmatch(text) is None:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_timestamp(text: str) -> bool:
    """An ISO 8601 time, as `library.clock.utc_now` writes them."""
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


_MISSING = object()
"""What `_faults` reads for a field the record does not have."""

_TEXT = (str,)
_WHOLE = (int,)  # `type(value) in` these: True and False are not numbers here
_NUMBER = (int, float)

_NULL = (type(None),)

FieldRules = tuple[tuple[str, tuple[type, ...], Callable[[Any], bool] | None], ...]
"""What each field of a record may hold: ``(name, types, check)``, a value of one of the
exact `types` that, if given, passes `check` (null passes when `types` allow it). A
missing field is never a fault (older records lack some): it takes the field's default."""

_ENTRY_RULES: FieldRules = (
    ("title", _TEXT, None),
    ("source", _TEXT + _NULL, None),
    ("date", _TEXT + _NULL, _is_date),
    ("caption", _TEXT + _NULL, None),
    ("words", _WHOLE, _is_count),
    ("reading_minutes", _WHOLE, _is_minutes),
    ("path", _TEXT + _NULL, None),
    ("added", _TEXT, _is_timestamp),
    ("content_hash", _TEXT, _is_content_hash),
    ("updated", _TEXT, _is_timestamp),
    ("author", _TEXT + _NULL, None),
    ("url", _TEXT + _NULL, None),
    ("feed", _TEXT + _NULL, None),
    ("language", _TEXT + _NULL, None),
)

_ENTRY_KEYS: tuple[str, ...] = ENTRY_FIELD_NAMES[1:]
"""The keys of a record as newsreader writes it, in order."""

_EARLIER_ENTRY_KEYS: tuple[str, ...] = _ENTRY_KEYS[: _ENTRY_KEYS.index("author")]
"""The keys of a record as releases before author, url, feed and language wrote it, in
order: a record whose keys are those, or those and some of the later ones in order, is
read the quick way, the fields it lacks taking their defaults."""

_ENTRY_REQUIRED = ("title", "content_hash")
"""Fields without which a record is no document: nothing could be shown or opened."""

_ENTRIES_REMEMBERED = 20_000
"""How many records `_read_entry` remembers (forgetting them all when full): a few
megabytes at most, and the whole catalog of any library anyone reads."""

_READ_ENTRIES: dict[tuple[Any, ...], tuple[Entry | None, RecordFault | None]] = {}
"""What `_read_entry` read of records as newsreader writes them, by ``(id, *values)``."""

_STATE_RULES: FieldRules = (
    ("offset", _WHOLE, _is_offset),
    ("progress", _NUMBER, _is_fraction),
    ("opened", _TEXT + _NULL, _is_timestamp),
    ("finished", (bool,), None),
)


def _faults(record: Record, rules: FieldRules) -> list[str]:
    """The fields of `record` present with a value `rules` do not allow."""
    get = record.get
    return [
        name
        for name, types, check in rules
        if (value := get(name, _MISSING)) is not _MISSING
        and (
            type(value) not in types
            or (check is not None and value is not None and not check(value))
        )
    ]


def entry_from_record(doc_id: str, record: Record) -> Entry | None:
    """Build an entry from a stored record; tolerate hand edits, skip what is unusable.

    A field missing or of the wrong kind takes its default (unknown source, date, caption
    and path; words 0; reading time from the words; ``added`` empty; ``updated`` as
    ``added``). None when the record has no usable id, title or content hash.
    """
    return _read_entry(doc_id, record)[0]


def check_entry_record(doc_id: str, record: Record) -> RecordFault | None:
    """What is wrong with a stored catalog record, for the store's warning: the record is
    skipped without a usable id, title or content hash, else bad values read as unknown
    (see `entry_from_record`)."""
    return _read_entry(doc_id, record)[1]


def _read_entry(doc_id: str, record: Record) -> tuple[Entry | None, RecordFault | None]:
    """The entry of a record and what was wrong with it.

    What was read of a record as newsreader writes it (every field, in order, plain
    values) is remembered, keyed by its values: a catalog is checked when it is read and
    then listed, and the library screen reads it again after every change, so the same
    record is often read several times in a row. (Its counts must be ints for that, or
    ``5.0`` and ``True`` would find what was read of ``5`` and ``1``: they are equal.)
    """
    key: tuple[Any, ...] | None = None
    keys = tuple(record)
    if (
        len(keys) >= len(_EARLIER_ENTRY_KEYS)
        and keys == _ENTRY_KEYS[: len(keys)]
        and _counts_are_ints(record)
    ):
        key = (doc_id, *record.values())
        try:
            remembered = _READ_ENTRIES.get(key)
        except TypeError:  # a list or an object among the values: read it, never mind
            key = None
        else:
            if remembered is not None:
                return remembered
    faults = _faults(record, _ENTRY_RULES)
    if key is not None and not faults and _is_document_id(doc_id):
        read: tuple[Entry | None, RecordFault | None] = (Entry(*key), None)  # fields in order
    else:
        read = _read_faulty_entry(doc_id, record, faults)
    if key is not None:
        if len(_READ_ENTRIES) >= _ENTRIES_REMEMBERED:
            _READ_ENTRIES.clear()
        _READ_ENTRIES[key] = read
    return read


def _counts_are_ints(record: Record) -> bool:
    return type(record["words"]) is int and type(record["reading_minutes"]) is int


def _read_faulty_entry(
    doc_id: str, record: Record, faults: list[str]
) -> tuple[Entry | None, RecordFault | None]:
    """The entry of a record with faults, missing fields or nulls: each unusable value
    takes its default; None without a usable id, title or content hash."""
    unusable = [name for name in _ENTRY_REQUIRED if name in faults or name not in record]
    if not _is_document_id(doc_id):
        unusable.insert(0, "id")
    if unusable:
        return None, RecordFault(tuple(unusable), skipped=True)

    def usable(name: str, default: Any = None) -> Any:
        value = record.get(name)
        return default if value is None or name in faults else value

    words = usable("words", 0)
    added = usable("added", "")
    entry = Entry(
        id=doc_id,
        title=record["title"],
        source=usable("source"),
        date=usable("date"),
        caption=usable("caption"),
        words=words,
        reading_minutes=usable("reading_minutes") or reading_minutes(words),
        path=usable("path"),
        added=added,
        content_hash=record["content_hash"],
        updated=usable("updated", added),
        author=usable("author"),
        url=usable("url"),
        feed=usable("feed"),
        language=usable("language"),
    )
    return entry, RecordFault(tuple(faults)) if faults else None


def state_from_record(record: Record | None) -> ReadingState:
    """Build a reading state from a stored record; anything unusable reads as the start
    (offset 0, progress 0, never opened), value by value. A record without ``finished``
    (written before it was kept) is finished when its progress says the end was reached."""
    if record is None:
        return ReadingState()
    faults = _faults(record, _STATE_RULES)

    def usable(name: str, default: Any) -> Any:
        value = record.get(name)
        return default if value is None or name in faults else value

    progress = float(usable("progress", 0.0))
    return ReadingState(
        offset=usable("offset", 0),
        progress=progress,
        opened=usable("opened", None),
        finished=usable("finished", progress >= FINISHED_PROGRESS),
    )


def check_state_record(doc_id: str, record: Record) -> RecordFault | None:
    """What is wrong with a stored reading position, for the store's warning (each bad
    value reads as the start: see `state_from_record`)."""
    faults = _faults(record, _STATE_RULES)
    return RecordFault(tuple(faults)) if faults else None


def check_setting_record(key: str, record: Record) -> RecordFault | None:
    """What is wrong with a stored setting: it must hold a ``value`` (any JSON value: what
    each setting may be is checked where it is used, which falls back to its default)."""
    return None if "value" in record else RecordFault(("value",), skipped=True)
