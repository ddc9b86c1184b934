"""Where highlights are kept: one append-only journal per document, behind TinyDB.

Layout, under the library home::

    annotations/<document id>.jsonl        the highlights of one document
    annotations/<document id>.jsonl.lock   its cross-process lock
    annotations/removed/                   journals of documents removed from the library
    annotations/counts-cache.json          highlight counts, a cache `counts` can rebuild

Why TinyDB over a journal, and why one journal per document
-----------------------------------------------------------
Annotations live in TinyDB (PRODUCT §2): every change is a TinyDB table operation
(`upsert`, `remove`, `get`) on the ``highlights`` table, whose document ids are the
highlight ids (strings given by the caller, never TinyDB's counters). What TinyDB
writes to is `JournalStorage`, a `tinydb.Storage` over one document's journal.

TinyDB's own JSON storage rewrites its whole file on every write, which costs time in
proportion to what it holds: measured here, a save takes ~1 ms with 10 highlights in a
file, ~9 ms with 1,000 and ~80 ms with 10,000. One file per document keeps the
library's size out of the cost, and a journal keeps the document's size out of it:
`JournalStorage.write` appends only what changed, as one fsynced line (~0.5 ms measured,
with 10 or 10,000 highlights in the document). It knows what changed without comparing
thousands of records because the table dict it hands TinyDB (`_TrackedRecords`) notes
which ids were set, deleted or fetched for an in-place update; `_HighlightsTable` gives
TinyDB's updaters that very dict (stock TinyDB copies the whole table twice per write).
Handed any other dict, the storage falls back to a full comparison, slower but right.

When the journal records much more history than live highlights, it is compacted:
rewritten whole, atomically (temporary file, fsync, `os.replace`), at a cost repaid by
the many appends before the next compaction. The parsed journal is cached and changed
in place after each append, so a save never re-reads or copies it; the cache is checked
against the file's inode, size and modification time, so changes made by another
process are always seen. A TinyDB is made afresh for each locked change, over the state
read under that lock, and its query cache is off: nothing TinyDB keeps can go stale.
Reading (`for_document`, `get`, `all`) uses the cache's highlights directly, without the
lock or a TinyDB, so that showing 10,000 highlights does not rebuild 10,000 records.

The file is JSON Lines. The first line is a header naming the kind and schema version;
each further line is one change: ``{"put": [record, ...]}`` inserts or replaces
highlights (records as `annotations.model.to_record` makes them) and
``{"delete": [id, ...]}`` removes them; a TinyDB write that does both (this store never
makes one) is one line with both keys. One write is one line, so a batch is saved
entirely or not at all.

Safety (PRODUCT §2)
-------------------
- Every change is made under a `filelock.FileLock` on the document's journal and read
  fresh under that lock, so two running copies never lose each other's changes.
- A save returns only after its line is fsynced: once `save` returns, the highlight
  survives a crash. A crash mid-append leaves at most an incomplete last line, which
  was never acknowledged: readers ignore it and the next writer rewrites the journal
  without it (atomically, as a compaction).
- A write that fails leaves the file as it was and drops the cached state (TinyDB had
  already changed it in place), so the next use reads the file again.
- A journal with lines that cannot be understood is never rewritten in place: it is
  kept aside as ``NAME.damaged-<time>``, the highlights that could be read are saved
  into a fresh journal, and a one-sentence warning says so. Nothing here raises for a
  damaged file: the app and the command line keep working.
- A journal from a newer release (a higher schema) is read as far as possible and never
  written.
- Reading positions live in ``reading.json`` (the catalog's), so annotations and
  reading progress never share, or overwrite, a file.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from annotations.model import Highlight, from_record, to_record
from library.storage import (
    DEFAULT_LOCK_TIMEOUT,
    StatKey,
    StoreError,
    StoreLocked,
    StoreReadOnly,
    atomic_write_bytes,
    fsync_directory,
    stat_key,
)

if TYPE_CHECKING:
    from filelock import BaseFileLock

ANNOTATIONS_FOLDER = "annotations"
"""The folder, under the library home, that holds the journals."""

REMOVED_FOLDER = "removed"
"""Inside `ANNOTATIONS_FOLDER`: journals of removed documents, kept rather than destroyed."""

COUNTS_CACHE = "counts-cache.json"
"""Inside `ANNOTATIONS_FOLDER`: highlight counts by document, checked against each file."""

JOURNAL_SUFFIX = ".jsonl"
"""The ending of a journal file's name."""

KIND = "annotations"
"""What the header of a journal says it holds."""

SCHEMA = 1
"""The journal format this code reads and writes."""

COMPACT_SLACK = 64
"""A journal is compacted once it records more than ``2 × live + COMPACT_SLACK`` changes."""

_SAFE_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
"""Document ids become file names, so they are held to the catalog's id alphabet."""

HIGHLIGHTS_TABLE = "highlights"
"""The TinyDB table of a document's highlights, keyed by highlight id."""

Record = dict[str, Any]
"""One highlight as TinyDB holds it: `annotations.model.to_record` form."""


@dataclass(slots=True)
class _Journal:
    """What one read of a journal found."""

    highlights: dict[str, Highlight] = field(default_factory=dict)
    """The live highlights, by id: what readers see."""
    records: _TrackedRecords = field(default_factory=lambda: _TrackedRecords())
    """The same highlights as records, by id: the table TinyDB reads and changes."""
    changes: int = 0
    """How many highlight changes the file records (puts and deletes): its history size."""
    good_length: int = 0
    """Bytes up to the end of the last complete line; more on disk is a torn append."""
    size: int = 0
    """Bytes read."""
    exists: bool = False
    """Whether the file was there."""
    has_header: bool = False
    """Whether it starts with a valid header line (an empty file has none)."""
    damaged_lines: int = 0
    """Complete lines (or records) that could not be understood."""
    header_damaged: bool = False
    """The first line does not say this is an annotations journal: nothing can be trusted."""
    newer_schema: int | None = None
    """The schema of a journal from a newer release; None when it is ours."""
    key: StatKey | None = None
    """The file's stat key when it was read, if the read was consistent."""

    @property
    def damaged(self) -> bool:
        return self.header_damaged or self.damaged_lines > 0

    @property
    def torn(self) -> bool:
        return self.size > self.good_length


# --- TinyDB over a journal ---------------------------------------------------------------


class _TrackedRecords(dict[str, Record]):
    """A document's records by highlight id: the table dict TinyDB is handed.

    TinyDB's updaters change this dict in place and then the whole database is written
    back. This dict notes which ids were set or deleted, and which were fetched
    (`Table.update`, and so `upsert`, changes a fetched record in place), so that
    `JournalStorage.write` appends just those, however many records the table holds.
    Reading through ``get``, ``items`` or ``in`` is not noted: TinyDB hands out copies.
    """

    __slots__ = ("_deleted", "_fetched", "_set")

    def __init__(self, records: Mapping[str, Record] | None = None) -> None:
        super().__init__(records or {})
        self._set: dict[str, None] = {}
        self._deleted: dict[str, None] = {}
        self._fetched: dict[str, None] = {}

    def __getitem__(self, key: str) -> Record:
        record = super().__getitem__(key)
        self._fetched[key] = None
        return record

    def __setitem__(self, key: str, record: Record) -> None:
        super().__setitem__(key, record)
        self._set[key] = None
        self._deleted.pop(key, None)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._deleted[key] = None
        self._set.pop(key, None)

    def pop(self, key: str, *default: Any) -> Any:
        if key in self:
            record = super().__getitem__(key)
            del self[key]
            return record
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Record]:
        key, record = super().popitem()
        self._deleted[key] = None
        self._set.pop(key, None)
        return key, record

    def clear(self) -> None:
        for key in list(self):
            del self[key]

    def setdefault(self, key: str, default: Record) -> Record:
        if key not in self:
            self[key] = default
        return super().__getitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, record in dict(*args, **kwargs).items():
            self[key] = record

    def __ior__(self, other: Any) -> _TrackedRecords:  # type: ignore[override,misc]
        self.update(other)
        return self

    def settle(self, puts: Mapping[str, Record], deletes: Iterable[str]) -> None:
        """Make the records match a change already written, without noting it."""
        for key in deletes:
            super().pop(key, None)
        for key, record in puts.items():
            super().__setitem__(key, record)

    def adopt(self, table: Mapping[Any, Any], highlights: Mapping[str, Highlight]) -> None:
        """Note, as changes to this dict, how `table` differs from what it held.

        The fallback for a table dict TinyDB made itself: every record is compared
        with the highlight it stood for, since records may have been changed in place.
        """
        wanted = {str(key): record for key, record in table.items()}
        for key in [key for key in self if key not in wanted]:
            del self[key]
        for key, record in wanted.items():
            known = highlights.get(key)
            try:
                same = known is not None and from_record(record) == known
            except ValueError:
                same = False
            if not same or key not in self:
                self[key] = record

    def take_changes(
        self, highlights: Mapping[str, Highlight], document_id: str
    ) -> tuple[dict[str, Highlight], list[str]]:
        """Return the highlights set and the ids deleted since the last call, and forget them.

        Raises:
            ValueError: A record set through TinyDB is not a highlight of this document
                under its own id; nothing is forgotten then.
        """
        puts: dict[str, Highlight] = {}
        for key in self._set:
            puts[key] = _checked(key, super().__getitem__(key), document_id)
        for key in self._fetched:
            if key in puts or key not in self:
                continue
            highlight = _checked(key, super().__getitem__(key), document_id)
            if highlight != highlights.get(key):
                puts[key] = highlight
        deletes = [key for key in self._deleted if key in highlights]
        self.forget_changes()
        return puts, deletes

    def forget_changes(self) -> None:
        self._set.clear()
        self._deleted.clear()
        self._fetched.clear()


def _checked(key: str, record: Any, document_id: str) -> Highlight:
    """The highlight a record set through TinyDB stands for, if it belongs here."""
    highlight = from_record(record)
    if highlight.id != key or highlight.document_id != document_id:
        raise ValueError(
            f"Highlight {highlight.id} of document {highlight.document_id} cannot be "
            f"stored as {key!r} in the annotations of document {document_id}."
        )
    return highlight


class _HighlightsTable(Table):
    """The ``highlights`` table: string ids given by the caller, no query cache.

    Its updaters change the storage's `_TrackedRecords` in place: stock TinyDB would
    copy the whole table twice per write, which costs time with every highlight held.
    """

    document_id_class = str  # type: ignore[assignment]
    default_query_cache_capacity = 0

    def _get_next_id(self) -> str:
        # TinyDB would count up from the largest id: meaningless for highlight ids, and
        # unstable across processes. Every highlight is stored under its own id.
        raise TypeError("Highlights are stored under their own ids: upsert a Document.")

    def _update_table(self, updater: Callable[[dict[int, Mapping[Any, Any]]], None]) -> None:
        tables = self._storage.read()
        records = None if tables is None else tables.get(self.name)
        if tables is None or not isinstance(records, _TrackedRecords):
            super()._update_table(updater)
            return
        updater(cast(dict[int, Mapping[Any, Any]], records))
        self._storage.write(tables)
        self.clear_cache()

    def record(self, highlight_id: str) -> Highlight | None:
        """Return the highlight stored under `highlight_id`, or None."""
        found = self.get(doc_id=cast(int, highlight_id))
        return None if found is None else from_record(found)

    def put(self, highlight: Highlight) -> None:
        """Insert or wholly replace `highlight`, under its own id."""
        self.upsert(Document(to_record(highlight), doc_id=cast(int, highlight.id)))

    def drop(self, highlight_id: str) -> bool:
        """Remove the highlight under `highlight_id`; return whether there was one."""
        return bool(self.remove(doc_ids=[cast(int, highlight_id)]))


class _JournalDatabase(TinyDB):
    """The TinyDB over one document's journal, made for one locked change."""

    table_class = _HighlightsTable

    def highlights(self) -> _HighlightsTable:
        """Return the ``highlights`` table, with TinyDB's query cache off."""
        return cast(_HighlightsTable, self.table(HIGHLIGHTS_TABLE, cache_size=0))


class JournalStorage(Storage):
    """A TinyDB storage over one document's journal, as read under its lock.

    `read` hands TinyDB the parsed journal from the cache, without copying it; `write`
    appends what changed as one fsynced line (see the module docstring). Within
    `batch`, writes are gathered into one line written when the batch ends.
    Only `AnnotationStore` makes these: it holds the lock while one is in use.
    """

    def __init__(self, store: AnnotationStore, document_id: str, journal: _Journal) -> None:
        super().__init__()
        self._store = store
        self._document_id = document_id
        self._journal = journal
        self._batch_depth = 0

    def read(self) -> dict[str, dict[str, Any]]:
        """Return the tables: only ``highlights``, the journal's live records by id."""
        return {HIGHLIGHTS_TABLE: self._journal.records}

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Append what changed in `data` since the last write (nothing if nothing did).

        Raises:
            StoreReadOnly: The journal was written by a newer release.
            StoreError: The journal cannot be written (the message says why).
            ValueError: `data` holds other tables, or records that are not highlights
                of this document under their own ids.
        """
        journal = self._journal
        others = sorted(name for name, table in data.items() if name != HIGHLIGHTS_TABLE and table)
        if others:
            journal.records.forget_changes()
            self._store._forget(self._document_id)
            raise ValueError(f"The annotations journal holds only highlights, not {others[0]}.")
        table = data.get(HIGHLIGHTS_TABLE, {})
        if table is not journal.records:
            journal.records.adopt(table, journal.highlights)
        if not self._batch_depth:
            self._flush()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Gather the writes made inside into one line, appended when the batch ends."""
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._journal.records.forget_changes()
            self._store._forget(self._document_id)
            raise
        finally:
            self._batch_depth -= 1
        if not self._batch_depth:
            self._flush()

    def _flush(self) -> None:
        journal = self._journal
        try:
            if journal.newer_schema is not None:
                raise StoreReadOnly(
                    self._store._newer_message(self._document_id, journal.newer_schema)
                )
            puts, deletes = journal.records.take_changes(journal.highlights, self._document_id)
            if not puts and not deletes:
                return
            records = {key: to_record(highlight) for key, highlight in puts.items()}
            change: dict[str, Any] = {}
            if deletes:
                change["delete"] = deletes
            if records:
                change["put"] = list(records.values())

            def apply(target: _Journal) -> None:
                target.records.settle(records, deletes)
                for key in deletes:
                    target.highlights.pop(key, None)
                target.highlights.update(puts)

            self._journal = self._store._append(
                self._document_id, journal, change, apply, len(puts) + len(deletes)
            )
        except BaseException:
            journal.records.forget_changes()
            self._store._forget(self._document_id)
            raise


class AnnotationStore:
    """The highlights of every document of one library home (see the module docstring).

    Safe to share between threads; any number of processes may use the same home.
    """

    def __init__(
        self,
        home: Path,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        compact_slack: int = COMPACT_SLACK,
    ) -> None:
        """Describe the store of the library at `home`; nothing is read or created yet.

        Args:
            home: The library home folder.
            lock_timeout: Seconds to wait for another process's change to a journal.
            compact_slack: See `COMPACT_SLACK`; tests lower it to compact often.
        """
        self.home = Path(home)
        self.folder = self.home / ANNOTATIONS_FOLDER
        self._lock_timeout = lock_timeout
        self._compact_slack = max(0, compact_slack)
        self._mutex = threading.RLock()
        self._locks: dict[str, BaseFileLock] = {}
        self._journals: dict[str, _Journal] = {}
        self._warnings: list[str] = []

    def __repr__(self) -> str:
        return f"AnnotationStore({str(self.home)!r})"

    @property
    def warnings(self) -> tuple[str, ...]:
        """One sentence per problem met so far (a damaged journal kept aside, and so on)."""
        with self._mutex:
            return tuple(self._warnings)

    def journal_path(self, document_id: str) -> Path:
        """Return the journal file of `document_id` (it may not exist).

        Raises:
            ValueError: The id could not be a document id (it would leave the folder).
        """
        if not isinstance(document_id, str) or _SAFE_ID.fullmatch(document_id) is None:
            raise ValueError(f"{document_id!r} is not a valid document id.")
        return self.folder / f"{document_id}{JOURNAL_SUFFIX}"

    # -- reading (no lock: journals are appended to or replaced whole)

    def for_document(self, document_id: str) -> tuple[Highlight, ...]:
        """Return the highlights of one document, sorted by position (then creation)."""
        journal = self._read(document_id)
        with self._mutex:  # another thread may be saving into this very dict
            highlights = list(journal.highlights.values())
        return tuple(sorted(highlights, key=_by_position))

    def get(self, document_id: str, highlight_id: str) -> Highlight | None:
        """Return one highlight, or None when the document has no highlight with that id."""
        return self._read(document_id).highlights.get(highlight_id)

    def all(self) -> tuple[Highlight, ...]:
        """Return every highlight of the library, by document id, then by position."""
        found: list[Highlight] = []
        for document_id in self.document_ids():
            found.extend(self.for_document(document_id))
        return tuple(found)

    def document_ids(self) -> tuple[str, ...]:
        """Return the ids of the documents that have a journal, sorted."""
        return tuple(sorted(name for name, _ in self._journal_files()))

    def counts(self) -> dict[str, int]:
        """Return how many highlights each document has; documents with none are left out.

        Fast for large libraries: each journal is only `stat`ed, and its count comes from
        a small cache file, checked against the journal's inode, size and modification
        time; only journals that changed since are read (and the cache is then updated).
        """
        cached = self._read_counts_cache()
        fresh: dict[str, list[int]] = {}
        counts: dict[str, int] = {}
        changed = False
        for document_id, key in self._journal_files():
            entry = cached.get(document_id)
            if entry is not None and tuple(entry[1:]) == key:
                count = entry[0]
            else:
                journal = self._read(document_id)
                count = len(journal.highlights)
                key = journal.key or key
                changed = True
            fresh[document_id] = [count, *key]
            if count:
                counts[document_id] = count
        if changed or fresh.keys() != cached.keys():
            self._write_counts_cache(fresh)
        return counts

    # -- writing

    def save(self, highlight: Highlight) -> Highlight | None:
        """Insert or replace a highlight; durable on disk when this returns.

        Returns:
            The version it replaced, or None if it is new. To undo, save the previous
            version again, or delete the highlight when there was none.

        Raises:
            StoreLocked: Another process held the journal too long.
            StoreReadOnly: The journal was written by a newer release.
            StoreError: The journal cannot be written (the message says why).
        """
        return self.save_many((highlight,))[0]

    def save_many(self, highlights: Iterable[Highlight]) -> tuple[Highlight | None, ...]:
        """Insert or replace many highlights: one locked, fsynced append per document.

        Each document's share is saved entirely or not at all.

        Returns:
            For each highlight given, in order, the version it replaced (or None).
        """
        given = tuple(highlights)
        by_document: dict[str, list[int]] = {}
        for index, highlight in enumerate(given):
            if not isinstance(highlight, Highlight):
                raise TypeError(f"Only highlights can be saved, not {type(highlight).__name__}.")
            self.journal_path(highlight.document_id)  # check every id before writing any
            by_document.setdefault(highlight.document_id, []).append(index)
        previous: list[Highlight | None] = [None] * len(given)
        for document_id, indexes in by_document.items():
            with self._changing(document_id) as (table, storage), storage.batch():
                for index in indexes:
                    highlight = given[index]
                    previous[index] = table.record(highlight.id)
                    table.put(highlight)
        return tuple(previous)

    def delete(self, document_id: str, highlight_id: str) -> Highlight | None:
        """Remove one highlight; durable on disk when this returns.

        Returns:
            The highlight removed (save it again to undo), or None if there was none.
        """
        with self._changing(document_id) as (table, _):
            removed = table.record(highlight_id)
            if removed is not None:
                table.drop(highlight_id)
        return removed

    def remove_document(self, document_id: str) -> tuple[Highlight, ...]:
        """Remove every highlight of a document, for when it leaves the library.

        The journal is not destroyed: it moves to ``annotations/removed/`` under a unique
        name, and `restore_document` brings it back when the document is added again.

        Returns:
            The highlights removed, sorted by position (save them again to undo).
        """
        path = self.journal_path(document_id)
        with self._locked(document_id):
            journal = self._load(document_id, locked=True)
            if not journal.exists:
                return ()
            removed_folder = self.folder / REMOVED_FOLDER
            try:
                removed_folder.mkdir(parents=True, exist_ok=True)
                target = _unique_path(removed_folder, f"{document_id}-{_stamp()}", JOURNAL_SUFFIX)
                os.replace(path, target)
                fsync_directory(removed_folder)
                fsync_directory(self.folder)
            except OSError as err:
                raise StoreError(
                    f"The annotations of document {document_id} could not be moved to "
                    f"{removed_folder}: {err.strerror or err}."
                ) from err
            with self._mutex:
                self._journals.pop(document_id, None)
        return tuple(sorted(journal.highlights.values(), key=_by_position))

    def restore_document(self, document_id: str) -> int:
        """Bring back the highlights of a document removed earlier, now that it is back.

        The newest journal kept in ``annotations/removed/`` for `document_id` returns, but
        only when the document has no highlights of its own again (nothing is merged or
        overwritten).

        Returns:
            How many highlights came back (0 when there was nothing to restore).
        """
        removed_folder = self.folder / REMOVED_FOLDER
        if not removed_folder.is_dir():
            return 0
        kept = sorted(removed_folder.glob(f"{document_id}-*{JOURNAL_SUFFIX}"))
        if not kept:
            return 0
        path = self.journal_path(document_id)
        with self._locked(document_id):
            if path.exists():
                return 0
            try:
                os.replace(kept[-1], path)
                fsync_directory(self.folder)
            except OSError as err:
                raise StoreError(
                    f"The kept annotations of document {document_id} could not be restored "
                    f"from {kept[-1]}: {err.strerror or err}."
                ) from err
            with self._mutex:
                self._journals.pop(document_id, None)
        return len(self.for_document(document_id))

    # -- internals: locking

    @contextmanager
    def _locked(self, document_id: str) -> Iterator[None]:
        # Imported here: reading never locks, and `newsreader list` must start fast.
        from filelock import FileLock, Timeout

        path = self.journal_path(document_id)
        try:
            with self._mutex:
                lock = self._locks.get(document_id)
                if lock is None:
                    self.folder.mkdir(parents=True, exist_ok=True)
                    lock = FileLock(f"{path}.lock", timeout=self._lock_timeout)
                    self._locks[document_id] = lock
            lock.acquire()
        except Timeout as err:
            raise StoreLocked(
                f"The annotations file {path} is in use by another program; "
                "close it or try again in a moment."
            ) from err
        except OSError as err:
            raise StoreError(
                f"The annotations file {path} cannot be locked: {err.strerror or err}."
            ) from err
        try:
            yield
        finally:
            lock.release()

    @contextmanager
    def _changing(self, document_id: str) -> Iterator[tuple[_HighlightsTable, JournalStorage]]:
        """Lock a journal and hand out its TinyDB table, over its fresh state.

        A TinyDB is made for each locked change (it costs microseconds), so nothing it
        keeps can outlive the lock and go stale when another process changes the file.
        """
        with self._locked(document_id):
            journal = self._load(document_id, locked=True)
            if journal.newer_schema is not None:
                raise StoreReadOnly(self._newer_message(document_id, journal.newer_schema))
            database = _JournalDatabase(self, document_id, journal, storage=JournalStorage)
            yield database.highlights(), cast(JournalStorage, database.storage)

    def _forget(self, document_id: str) -> None:
        """Drop the cached state of a journal, for a change that was not written."""
        with self._mutex:
            self._journals.pop(document_id, None)

    # -- internals: writing

    def _append(
        self,
        document_id: str,
        journal: _Journal,
        change: dict[str, Any],
        apply: Callable[[_Journal], None],
        changes: int,
    ) -> _Journal:
        """Write one change line (under the lock), then apply it to the cached state.

        The cached highlights are changed in place, not copied, so a save costs the same
        however many highlights the document has; readers copy them under `_mutex`.

        Returns:
            The journal's state now (a new one when the file was created or rewritten).
        """
        path = self.journal_path(document_id)
        line = _encode_line(change)
        try:
            if not journal.has_header:
                # A new journal is created whole and atomically, header included, so no
                # reader ever sees a file without its header.
                atomic_write_bytes(path, _header_line() + line)
                created = _Journal()
                apply(created)
                return self._remember(
                    document_id, path, created.records, created.highlights, changes
                )
            if journal.torn:
                # An append cut short by a crash (never acknowledged): rather than cut it
                # off in place, rewrite the journal whole, then append to that.
                rewritten = self._compact(document_id, path)
                if rewritten is None:
                    raise StoreError(f"The annotations file {path} could not be repaired.")
                journal = rewritten
            with open(path, "ab") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
                info = os.fstat(handle.fileno())
        except OSError as err:
            raise StoreError(
                f"The annotations file {path} cannot be written: {err.strerror or err}."
            ) from err
        with self._mutex:
            apply(journal)
            journal.changes += changes
            journal.size = journal.good_length = info.st_size
            journal.key = stat_key(info)
            self._journals[document_id] = journal
        if journal.changes > 2 * len(journal.highlights) + self._compact_slack:
            # The change is saved; compacting only saves space and reading time, so a
            # failure here is left for a later save to retry.
            with suppress(OSError):
                journal = self._compact(document_id, path) or journal
        return journal

    def _compact(self, document_id: str, path: Path) -> _Journal | None:
        """Replace the journal (under the lock) with its live highlights only, atomically.

        The journal is read afresh from disk for this, not taken from the cache: what is
        rewritten must be exactly what the file holds.

        Returns:
            The new state, or None when the file was not understood and left alone.
        """
        journal = _parse(path.read_bytes(), document_id)
        if journal.damaged or journal.newer_schema is not None or not journal.has_header:
            return None  # never rewrite what is not understood; the next read deals with it
        self._write_whole(path, journal.highlights)
        return self._remember(
            document_id, path, journal.records, journal.highlights, len(journal.highlights)
        )

    def _write_whole(self, path: Path, live: dict[str, Highlight]) -> None:
        ordered = sorted(live.values(), key=_by_position)
        body = b"".join(_encode_line({"put": [to_record(h)]}) for h in ordered)
        atomic_write_bytes(path, _header_line() + body)

    def _remember(
        self,
        document_id: str,
        path: Path,
        records: _TrackedRecords,
        live: dict[str, Highlight],
        changes: int,
    ) -> _Journal:
        try:
            info = path.stat()
        except OSError:
            key = None
            size = 0
        else:
            key = stat_key(info)
            size = info.st_size
        records.forget_changes()
        journal = _Journal(
            highlights=live,
            records=records,
            changes=changes,
            good_length=size,
            size=size,
            exists=True,
            has_header=True,
            key=key,
        )
        with self._mutex:
            self._journals[document_id] = journal
        return journal

    # -- internals: reading

    def _read(self, document_id: str) -> _Journal:
        """Return the journal's state; never raises for a damaged or unreadable file."""
        try:
            return self._load(document_id, locked=False)
        except StoreError as err:
            self._warn(str(err))
            return _Journal()

    def _load(self, document_id: str, *, locked: bool) -> _Journal:
        """Read a journal (from the cache when the file has not changed since)."""
        path = self.journal_path(document_id)
        try:
            info = path.stat()
        except FileNotFoundError:
            with self._mutex:
                self._journals.pop(document_id, None)
            return _Journal()
        except OSError as err:
            raise StoreError(
                f"The annotations file {path} cannot be read: {err.strerror or err}."
            ) from err
        key = stat_key(info)
        with self._mutex:
            cached = self._journals.get(document_id)
        if cached is not None and cached.key == key:
            return cached
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
                opened = os.fstat(handle.fileno())
        except FileNotFoundError:
            return _Journal()
        except OSError as err:
            raise StoreError(
                f"The annotations file {path} cannot be read: {err.strerror or err}."
            ) from err
        journal = _parse(raw, document_id)
        opened_key = stat_key(opened)
        journal.key = opened_key if opened.st_size == len(raw) else None
        if journal.newer_schema is not None:
            self._warn(self._newer_message(document_id, journal.newer_schema))
        elif journal.damaged:
            if not locked:
                # Another process may be replacing the file right now: decide under the lock.
                with self._locked(document_id):
                    return self._load(document_id, locked=True)
            return self._salvage(document_id, path, journal)
        if journal.key is not None:
            with self._mutex:
                self._journals[document_id] = journal
        return journal

    def _salvage(self, document_id: str, path: Path, journal: _Journal) -> _Journal:
        """Keep a damaged journal aside and start a new one from what could be read."""
        aside = _unique_path(path.parent, f"{path.name}.damaged-{_stamp()}", "")
        try:
            os.replace(path, aside)
            fsync_directory(path.parent)
        except OSError as err:
            raise StoreError(
                f"The annotations file {path} is damaged and could not be moved aside "
                f"({err.strerror or err}); fix or remove it by hand."
            ) from err
        kept = len(journal.highlights)
        if journal.header_damaged:
            what = "it does not look like an annotations file"
        else:
            what = f"{journal.damaged_lines} part(s) of it could not be read"
        self._warn(
            f"The annotations file {path} was damaged ({what}); it was kept as {aside} "
            f"and the {kept} highlight(s) that could be read were kept."
        )
        if journal.highlights:
            try:
                self._write_whole(path, journal.highlights)
            except OSError as err:
                raise StoreError(
                    f"The annotations file {path} could not be rebuilt: {err.strerror or err}."
                ) from err
            return self._remember(
                document_id,
                path,
                _TrackedRecords(journal.records),
                dict(journal.highlights),
                kept,
            )
        with self._mutex:
            self._journals.pop(document_id, None)
        return _Journal()

    def _journal_files(self) -> Iterator[tuple[str, StatKey]]:
        """Yield ``(document id, stat key)`` for each journal in the folder."""
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            return
        except OSError as err:
            self._warn(f"The annotations folder {self.folder} cannot be read: {err.strerror}.")
            return
        for entry in entries:
            name = entry.name
            if not name.endswith(JOURNAL_SUFFIX):
                continue
            document_id = name[: -len(JOURNAL_SUFFIX)]
            if _SAFE_ID.fullmatch(document_id) is None:
                continue
            try:
                info = entry.stat()
            except OSError:
                continue
            yield document_id, stat_key(info)

    def _read_counts_cache(self) -> dict[str, list[int]]:
        try:
            data = json.loads((self.folder / COUNTS_CACHE).read_bytes())
        except (OSError, ValueError):
            return {}
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict) or data.get("schema") != SCHEMA:
            return {}
        return {
            doc_id: entry
            for doc_id, entry in files.items()
            if isinstance(entry, list)
            and len(entry) == 4
            and all(isinstance(n, int) and not isinstance(n, bool) for n in entry)
        }

    def _write_counts_cache(self, files: dict[str, list[int]]) -> None:
        # Only a cache: every entry is checked against its file before use, so a lost
        # or stale write costs a re-read, never a wrong count. No lock, no folder fsync.
        payload = json.dumps({"schema": SCHEMA, "files": files}, separators=(",", ":"))
        with suppress(OSError):
            if self.folder.is_dir():
                atomic_write_bytes(
                    self.folder / COUNTS_CACHE, payload.encode("utf-8"), sync_directory=False
                )

    def _warn(self, message: str) -> None:
        with self._mutex:
            if message not in self._warnings:
                self._warnings.append(message)

    def _newer_message(self, document_id: str, schema: int) -> str:
        return (
            f"The annotations file {self.journal_path(document_id)} was written by a newer "
            f"version of newsreader (schema {schema}, this version knows {SCHEMA}), so its "
            "highlights can be read but not changed until newsreader is upgraded."
        )


# --- the file format ---------------------------------------------------------------------


def _header_line() -> bytes:
    return _encode_line({"kind": KIND, "schema": SCHEMA})


def _encode_line(data: dict[str, Any]) -> bytes:
    """One JSON object on one line (JSON escapes every newline inside strings)."""
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        # A lone surrogate (from a hostile clipboard, say) cannot be UTF-8: escape it.
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode() + b"\n"


def _parse(raw: bytes, document_id: str) -> _Journal:
    """Replay a journal's lines; count what cannot be understood instead of failing."""
    journal = _Journal(exists=True, size=len(raw))
    last_newline = raw.rfind(b"\n")
    journal.good_length = last_newline + 1
    if not raw.strip():
        return journal
    lines = raw[: journal.good_length].split(b"\n")[:-1]
    if not lines:
        # Journals are created whole, header first: text without a complete first line
        # was not written by this store.
        journal.header_damaged = True
        return journal
    header = _json_object(lines[0])
    if header is None or header.get("kind") != KIND:
        journal.header_damaged = True
        return journal
    schema = header.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        journal.header_damaged = True
        return journal
    journal.has_header = True
    if schema > SCHEMA:
        journal.newer_schema = schema
    live = journal.highlights
    records: dict[str, Record] = {}
    body = [line for line in lines[1:] if line.strip()]  # blank lines: a hand edit, harmless
    changes = _replay_fast(body, live, records, document_id)
    if changes is None:
        live.clear()
        records.clear()
        changes = 0
        for line in body:
            result = _replay_line(line, live, records, document_id)
            if result is None:
                journal.damaged_lines += 1
            else:
                changes += result[0]
                journal.damaged_lines += result[1]
    journal.changes = changes
    journal.records = _TrackedRecords(records)
    if journal.newer_schema is not None:
        journal.damaged_lines = 0  # a newer format is not damage; it is left alone
    return journal


def _replay_fast(
    lines: list[bytes], live: dict[str, Highlight], records: dict[str, Record], document_id: str
) -> int | None:
    """Replay every line with one JSON parse; None when anything is off (then go slowly)."""
    if not lines:
        return 0
    try:
        changes_list = json.loads(b"[" + b",".join(lines) + b"]")
    except ValueError:
        return None
    changes = 0
    for change in changes_list:
        result = _apply(change, live, records, document_id)
        if result is None or result[1]:
            return None
        changes += result[0]
    return changes


def _replay_line(
    line: bytes, live: dict[str, Highlight], records: dict[str, Record], document_id: str
) -> tuple[int, int] | None:
    change = _json_object(line)
    if change is None:
        return None
    return _apply(change, live, records, document_id)


def _apply(
    change: object, live: dict[str, Highlight], records: dict[str, Record], document_id: str
) -> tuple[int, int] | None:
    """Apply one change; return ``(changes applied, records refused)`` or None if unusable.

    A line holds ``put``, ``delete`` or both (ids deleted and ids put never overlap:
    a line says what one write left behind).
    """
    if not isinstance(change, dict) or not change or not change.keys() <= {"put", "delete"}:
        return None
    puts = change.get("put", [])
    ids = change.get("delete", [])
    if not isinstance(puts, list) or not isinstance(ids, list):
        return None
    if not all(isinstance(highlight_id, str) for highlight_id in ids):
        return None
    for highlight_id in ids:
        live.pop(highlight_id, None)
        records.pop(highlight_id, None)
    refused = 0
    for record in puts:
        try:
            highlight = from_record(record)
        except ValueError:
            refused += 1
            continue
        if highlight.document_id != document_id:
            refused += 1
            continue
        live[highlight.id] = highlight
        records[highlight.id] = record
    return len(ids) + len(puts) - refused, refused


def _json_object(line: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# --- helpers -----------------------------------------------------------------------------


def _by_position(highlight: Highlight) -> tuple[int, int, str, str]:
    return (highlight.start, highlight.end, highlight.created, highlight.id)


def _stamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S")


def _unique_path(folder: Path, stem: str, suffix: str) -> Path:
    candidate = folder / f"{stem}{suffix}"
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = folder / f"{stem}-{counter}{suffix}"
    return candidate
