"""The journal files of a library's annotations, cached and locked: what `AnnotationStore`
is built on (the store is its public face; see `annotations.store` for the design).

`JournalFiles` finds a document's journal, keeps the parsed state of each journal it has
read (checked against the file's inode, size and modification time before every use),
takes a journal's cross-process lock, appends a change under it and applies it to the
cached state, repairs a torn append, compacts, and sets aside a damaged journal keeping
what could be read. Nothing here raises for a damaged file: warnings collect one
sentence per problem.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from pathlib import Path

from annotations.journal import (
    SCHEMA,
    Journal,
    append_lines,
    change_line,
    change_lines,
    header_line,
    parse,
    read_journal,
    whole_journal,
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


class JournalFiles:
    """The journals of every document of one library home, cached and locked.

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
        return f"{type(self).__name__}({str(self.home)!r})"

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
        *,
        split: bool = False,
    ) -> None:
        """Write one change line (under the lock), then apply it to `journal`, the cached
        state read under the same lock.

        The cached highlights are changed in place, not copied, so a save costs the same
        however many highlights the document has; readers copy them under `_mutex`.

        Raises:
            StoreError: The journal cannot be written; the cached state is dropped.
        """
        path = self.journal_path(document_id)
        line = change_lines(tuple(puts.values())) if split else change_line(puts.values(), deletes)
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
            info = append_lines(path, line)
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
        journal = read_journal(path, document_id, LABEL)
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
