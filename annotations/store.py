"""Where highlights are kept: one append-only journal per document.

Layout, under the library home::

    annotations/<document id>.jsonl        the highlights of one document
    annotations/<document id>.jsonl.lock   its cross-process lock
    annotations/removed/                   journals of removed documents (`kept_journals`)
    annotations/counts-cache.json          highlight counts, a cache `counts` can rebuild

The journal format (header, one line per change, replay, compaction) is
`annotations.journal`; the count cache is `annotations.counts_cache`; locking, atomic
writes and setting damaged files aside are `library.safe_files`, as for every store.

Why a journal and not TinyDB
----------------------------
The catalog, reading positions and settings are small files kept whole in TinyDB
(`library.storage`). Highlights are not, because saving one must cost the same with
10,000 already in the document as with 10 (at most 1.2 ×, and at most 5 ms), and
TinyDB's public API cannot do that: every write (`insert`, `update`, `remove`; an
`upsert` of a new record is two of them) copies the whole table dict twice before its
`Storage` sees it. Measured with a storage that does nothing (TinyDB 4.9, one `upsert`
of a new highlight, median): 0.04 ms with 10 stored, 0.33 ms with 1,000, 3.4–4.3 ms with
10,000, before any fsync; a storage that merely compares the old and new key sets brings
it to 6–9 ms. A middleware only sees what the table hands on (and `CachingMiddleware`
delays writes, which a save that must be on disk cannot). Cheap writes would need
overriding `Table`'s private methods, which any TinyDB release may change. So highlights
use the journal directly: a save appends one fsynced line, and its own work costs the
same with 10 or 10,000 highlights in the document (0.29 ms both, measured with fsync
left out; the fsync adds what the disk takes).

One file per document keeps the library's size out of the cost of a save, and the
journal keeps the document's size out of it. The parsed journal is cached and changed in
place after each append, so a save never re-reads or copies it; the cache is checked
against the file's inode, size and modification time, so changes made by another process
are always seen. Reading (`for_document`, `get`, `all`) takes no lock.

Safety
------
- Every change is made under a cross-process lock on the document's journal and read
  fresh under that lock, so two running copies never lose each other's changes.
- A save returns only after its line is fsynced: once `save` returns, the highlight
  survives a crash. A crash mid-append leaves at most an incomplete last line, which
  was never acknowledged: readers ignore it and the next writer rewrites the journal
  without it (atomically, as a compaction).
- A write that fails leaves the file as it was (or with an incomplete last line) and
  drops the cached state, so the next use reads the file again.
- A journal with lines that cannot be understood is never rewritten in place: it is
  kept aside as ``NAME.damaged-<time>``, the highlights that could be read are saved
  into a fresh journal, and a one-sentence warning says so. Nothing here raises for a
  damaged file: the app and the command line keep working.
- A journal from a newer release (a higher schema) is read as far as possible and never
  written.
- Removing a document moves its journal aside under the journal's lock, and back if the
  catalog refuses (`removing`); adding it again merges every journal kept for it, and
  any it has again (a copy that still had it open saves into a fresh one), newest
  change winning (`restore_document`).
- Reading positions live in ``reading.json`` (the catalog's), so annotations and
  reading progress never share, or overwrite, a file.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from annotations.counts_cache import (
    CountedJournal,
    read_counts_cache,
    write_counts_cache,
)
from annotations.journal import (
    SCHEMA,
    Journal,
    by_position,
    change_line,
    header_line,
    parse,
    whole_journal,
)
from annotations.kept_journals import (
    REMOVED_FOLDER,
    discard_kept,
    kept_journals,
    merge_newest,
    move_aside,
    move_back,
    read_kept,
)
from annotations.model import Highlight
from library.safe_files import (
    DEFAULT_LOCK_TIMEOUT,
    CrossProcessLock,
    StatKey,
    StoreError,
    StoreReadOnly,
    atomic_write_bytes,
    damaged_message,
    newer_release_message,
    reason_of,
    set_aside,
    stat_key,
)

ANNOTATIONS_FOLDER = "annotations"
"""The folder, under the library home, that holds the journals."""

JOURNAL_SUFFIX = ".jsonl"
"""The ending of a journal file's name."""

COMPACT_SLACK = 64
"""A journal is compacted once it records more than ``2 × live + COMPACT_SLACK`` changes."""

LABEL = "annotations file"
"""How messages name a journal."""

_SAFE_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
"""Document ids become file names, so they are held to the catalog's id alphabet."""


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
        self._locks: dict[str, CrossProcessLock] = {}
        self._journals: dict[str, Journal] = {}
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
        return tuple(sorted(highlights, key=by_position))

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
        cached = read_counts_cache(self.folder)
        fresh: dict[str, CountedJournal] = {}
        for document_id, key in self._journal_files():
            entry = cached.get(document_id)
            if entry is None or entry.key != key:
                journal = self._read(document_id)
                entry = CountedJournal(len(journal.highlights), journal.key or key)
            fresh[document_id] = entry
        if fresh != cached:
            write_counts_cache(self.folder, fresh)
        return {document_id: entry.count for document_id, entry in fresh.items() if entry.count}

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

        Each document's share is saved entirely or not at all. Saving a highlight exactly
        as it is stored writes nothing.

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
            with self._lock(document_id).held():
                journal = self._writable(document_id)
                stored = journal.highlights
                puts: dict[str, Highlight] = {}
                for index in indexes:
                    highlight = given[index]
                    previous[index] = puts.get(highlight.id, stored.get(highlight.id))
                    puts[highlight.id] = highlight
                changed = {key: h for key, h in puts.items() if stored.get(key) != h}
                if changed:
                    self._write(document_id, journal, changed, ())
        return tuple(previous)

    def delete(self, document_id: str, highlight_id: str) -> Highlight | None:
        """Remove one highlight; durable on disk when this returns.

        Returns:
            The highlight removed (save it again to undo), or None if there was none.
        """
        with self._lock(document_id).held():
            journal = self._writable(document_id)
            removed = journal.highlights.get(highlight_id)
            if removed is not None:
                self._write(document_id, journal, {}, (highlight_id,))
        return removed

    def save_unless_covered(self, highlight: Highlight) -> Highlight | None:
        """Save a new highlight unless a placed highlight already covers exactly its span.

        The check and the save are one step under the journal's lock: checked before
        taking it, eight copies asked at once to highlight the same words would each find
        nothing there and make eight identical highlights.

        Returns:
            The placed highlight of the document that covers the same span (nothing is
            saved), or None once `highlight` is saved (durable on disk when this returns).

        Raises:
            StoreLocked, StoreReadOnly, StoreError: as `save`.
        """
        if not isinstance(highlight, Highlight):
            raise TypeError(f"Only highlights can be saved, not {type(highlight).__name__}.")
        document_id = highlight.document_id
        span = (highlight.start, highlight.end)
        with self._lock(document_id).held():
            journal = self._writable(document_id)
            covering = [
                existing
                for existing in journal.highlights.values()
                if existing.is_placed
                and (existing.start, existing.end) == span
                and existing.id != highlight.id
            ]
            if covering:
                return min(covering, key=by_position)
            self._write(document_id, journal, {highlight.id: highlight}, ())
        return None

    def remove_document(self, document_id: str) -> tuple[Highlight, ...]:
        """Move a document's journal to ``annotations/removed/``, for when it leaves the
        library (`restore_document` brings it back); `removing` does it around the
        catalog's removal.

        Returns:
            The highlights removed, sorted by position (save them again to undo).
        """
        with self.removing(document_id) as kept:
            return kept

    @contextmanager
    def removing(self, document_id: str) -> Iterator[tuple[Highlight, ...]]:
        """Move a document's journal aside for the block, and back if the block raises.

        The caller removes the document from the catalog inside the block. The lock is
        held throughout, so no save lands between the two steps, and a catalog that
        refuses leaves the document whole: listed, with its highlights.

        Yields:
            The highlights moved aside, sorted by position.

        Raises:
            StoreLocked: Another process held the journal too long (nothing moved).
            StoreError: The journal cannot be moved aside (nothing moved), or back.
        """
        path = self.journal_path(document_id)
        with self._lock(document_id).held():
            journal = self._load(document_id, locked=True)
            removed_folder = self.folder / REMOVED_FOLDER
            try:
                kept = move_aside(path, removed_folder, document_id) if journal.exists else None
            finally:
                self._forget(document_id)
            try:
                yield tuple(sorted(journal.highlights.values(), key=by_position))
            except BaseException:
                if kept is not None:
                    try:
                        move_back(kept, path, document_id)
                    finally:
                        self._forget(document_id)
                raise

    def removed_documents(self, document_ids: Iterable[str] | None = None) -> tuple[str, ...]:
        """The documents (of `document_ids`, default all) with highlights kept aside.

        Cheap: the removed folder is listed once, however many ids are asked about.
        """
        wanted = None if document_ids is None else tuple(document_ids)
        return tuple(sorted(kept_journals(self.folder / REMOVED_FOLDER, wanted)))

    def restore_document(self, document_id: str) -> int:
        """Bring back the highlights kept when a document was removed, now it is back.

        Every journal kept for it is merged with the one it has now (a copy that still had
        it open may have saved into a fresh one), by highlight id, the version changed last
        winning (`merge_newest`). The merge is written whole and atomically before the kept
        journals are deleted, so a crash in between only means merging them again.

        Returns:
            How many highlights the kept journals held (0 when there were none).

        Raises:
            StoreLocked, StoreReadOnly, StoreError: as `save`; nothing was changed.
        """
        path = self.journal_path(document_id)
        with self._lock(document_id).held():
            paths = kept_journals(self.folder / REMOVED_FOLDER, (document_id,)).get(document_id)
            if not paths:
                return 0  # nothing was kept, or another copy restored it meanwhile
            journal = self._writable(document_id)
            read, problems = read_kept(document_id, paths)
            merged = merge_newest([*(kept.highlights for kept in read), journal.highlights])
            if merged != journal.highlights:
                try:
                    atomic_write_bytes(path, whole_journal(merged.values()))
                except OSError as err:
                    self._forget(document_id)
                    raise StoreError(
                        f"The kept annotations of document {document_id} could not be "
                        f"restored into {path}: {reason_of(err)}."
                    ) from err
                self._remember(document_id, path, merged, len(merged))
            problems += discard_kept(read)
        for problem in problems:
            self._warn(problem)
        return len({highlight_id for kept in read for highlight_id in kept.highlights})

    # -- internals: changing a journal (always under its lock)

    def _lock(self, document_id: str) -> CrossProcessLock:
        path = self.journal_path(document_id)
        with self._mutex:
            lock = self._locks.get(document_id)
            if lock is None:
                lock = CrossProcessLock(path, LABEL, self._lock_timeout)
                self._locks[document_id] = lock
        return lock

    def _writable(self, document_id: str) -> Journal:
        """The journal as the file holds it now (call under its lock), if it may change.

        Raises:
            StoreReadOnly: The journal was written by a newer release.
        """
        journal = self._load(document_id, locked=True)
        if journal.newer_schema is not None:
            raise StoreReadOnly(self._newer_message(document_id, journal.newer_schema))
        return journal

    def _write(
        self,
        document_id: str,
        journal: Journal,
        puts: Mapping[str, Highlight],
        deletes: Sequence[str],
    ) -> None:
        """Write one change line (under the lock), then apply it to `journal`, the cached
        state read under the same lock.

        The cached highlights are changed in place, not copied, so a save costs the same
        however many highlights the document has; readers copy them under `_mutex`.

        Raises:
            StoreError: The journal cannot be written; the cached state is dropped.
        """
        path = self.journal_path(document_id)
        line = change_line(puts.values(), deletes)
        try:
            if not journal.has_header:
                # A new journal is created whole and atomically, header included, so no
                # reader ever sees a file without its header.
                atomic_write_bytes(path, header_line() + line)
                created = Journal()
                created.apply(puts, deletes)
                self._remember(document_id, path, created.highlights, created.changes)
                return
            if journal.torn:
                journal = self._repair(document_id, path)
            info = _append(path, line)
        except OSError as err:
            self._forget(document_id)
            raise StoreError(f"The {LABEL} {path} cannot be written: {reason_of(err)}.") from err
        except BaseException:
            self._forget(document_id)
            raise
        with self._mutex:  # readers copy the highlights under the same mutex
            journal.apply(puts, deletes)
            journal.size = journal.good_length = info.st_size
            journal.key = stat_key(info)
            self._journals[document_id] = journal
        if journal.needs_compaction(self._compact_slack):
            # The change is saved; compacting only saves space and reading time, so a
            # failure here is left for a later save to retry.
            with suppress(OSError):
                self._compact(document_id, path)

    def _repair(self, document_id: str, path: Path) -> Journal:
        """Rewrite a journal that ends in a torn append (never acknowledged) without it.

        Rather than cut the file in place, it is rewritten whole, atomically.
        """
        rewritten = self._compact(document_id, path)
        if rewritten is None:
            raise StoreError(f"The {LABEL} {path} could not be repaired.")
        return rewritten

    def _compact(self, document_id: str, path: Path) -> Journal | None:
        """Replace the journal (under the lock) with its live highlights only, atomically.

        The journal is read afresh from disk for this, not taken from the cache: what is
        rewritten must be exactly what the file holds.

        Returns:
            The new state, or None when the file was not understood and left alone.
        """
        journal = parse(path.read_bytes(), document_id)
        if journal.damaged or journal.newer_schema is not None or not journal.has_header:
            return None  # never rewrite what is not understood; the next read deals with it
        atomic_write_bytes(path, whole_journal(journal.highlights.values()))
        return self._remember(document_id, path, journal.highlights, len(journal.highlights))

    def _remember(
        self, document_id: str, path: Path, highlights: dict[str, Highlight], changes: int
    ) -> Journal:
        """Cache the state of a journal this store has just written whole."""
        try:
            info = path.stat()
        except OSError:
            key = None
            size = 0
        else:
            key = stat_key(info)
            size = info.st_size
        journal = Journal(
            highlights=highlights,
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

    def _forget(self, document_id: str) -> None:
        """Drop the cached state of a journal, so that the next use reads the file."""
        with self._mutex:
            self._journals.pop(document_id, None)

    # -- internals: reading

    def _read(self, document_id: str) -> Journal:
        """Return the journal's state; never raises for a damaged or unreadable file."""
        try:
            return self._load(document_id, locked=False)
        except StoreError as err:
            self._warn(str(err))
            return Journal()

    def _load(self, document_id: str, *, locked: bool) -> Journal:
        """Read a journal (from the cache when the file has not changed since)."""
        path = self.journal_path(document_id)
        try:
            info = path.stat()
        except FileNotFoundError:
            self._forget(document_id)
            return Journal()
        except OSError as err:
            raise StoreError(f"The {LABEL} {path} cannot be read: {reason_of(err)}.") from err
        with self._mutex:
            cached = self._journals.get(document_id)
        if cached is not None and cached.key == stat_key(info):
            return cached
        journal = _read_file(path, document_id)
        if journal.newer_schema is not None:
            self._warn(self._newer_message(document_id, journal.newer_schema))
        elif journal.damaged:
            if not locked:
                # Another process may be replacing the file right now: decide under the lock.
                with self._lock(document_id).held():
                    return self._load(document_id, locked=True)
            return self._salvage(document_id, path, journal)
        if journal.key is not None:
            with self._mutex:
                self._journals[document_id] = journal
        return journal

    def _salvage(self, document_id: str, path: Path, journal: Journal) -> Journal:
        """Keep a damaged journal aside and start a new one from what could be read."""
        aside = set_aside(path, LABEL)
        kept = len(journal.highlights)
        self._warn(
            damaged_message(
                LABEL,
                path,
                aside,
                f"the {kept} highlight(s) that could be read were kept",
                why=journal.damage(),
            )
        )
        if not journal.highlights:
            self._forget(document_id)
            return Journal()
        try:
            atomic_write_bytes(path, whole_journal(journal.highlights.values()))
        except OSError as err:
            raise StoreError(f"The {LABEL} {path} could not be rebuilt: {reason_of(err)}.") from err
        return self._remember(document_id, path, dict(journal.highlights), kept)

    def _journal_files(self) -> Iterator[tuple[str, StatKey]]:
        """Yield ``(document id, stat key)`` for each journal in the folder."""
        try:
            paths = list(self.folder.iterdir())
        except FileNotFoundError:
            return
        except OSError as err:
            self._warn(f"The annotations folder {self.folder} cannot be read: {err.strerror}.")
            return
        for path in paths:
            document_id = path.name.removesuffix(JOURNAL_SUFFIX)
            if document_id == path.name or _SAFE_ID.fullmatch(document_id) is None:
                continue
            try:
                info = path.stat()
            except OSError:
                continue
            yield document_id, stat_key(info)

    def _warn(self, message: str) -> None:
        with self._mutex:
            if message not in self._warnings:
                self._warnings.append(message)

    def _newer_message(self, document_id: str, schema: int) -> str:
        return newer_release_message(
            LABEL,
            self.journal_path(document_id),
            schema,
            SCHEMA,
            "its highlights can be read but not changed",
        )


def _read_file(path: Path, document_id: str) -> Journal:
    """Parse the journal at `path`, noting its stat key if the read was consistent.

    Raises:
        StoreError: The file cannot be read (a missing file reads as an empty journal).
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read()
            opened = os.fstat(handle.fileno())
    except FileNotFoundError:
        return Journal()
    except OSError as err:
        raise StoreError(f"The {LABEL} {path} cannot be read: {reason_of(err)}.") from err
    journal = parse(raw, document_id)
    journal.key = stat_key(opened) if opened.st_size == len(raw) else None
    return journal


def _append(path: Path, line: bytes) -> os.stat_result:
    """Append `line` to the journal and fsync it; return the file's state afterwards."""
    with path.open("ab") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
        return os.fstat(handle.fileno())
