"""Where highlights are kept: one append-only journal per document.

Layout, under the library home::

    annotations/<document id>.jsonl        the highlights of one document
    annotations/<document id>.jsonl.lock   its cross-process lock
    annotations/removed/                   journals of removed documents (`kept_journals`)
    annotations/counts-cache.json          highlight counts, a cache `counts` can rebuild

The journal format (header, one line per change, replay, compaction) is
`annotations.journal`; the cached, locked journal files this store is built on (reading,
appending, repairing, compacting, salvaging) are `annotations.journal_files`; the count
cache is `annotations.counts_cache`; locking, atomic writes and setting damaged files
aside are `library.safe_files`, as for every store.

Why a journal and not TinyDB: see `annotations.journal`.

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

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from annotations.journal import (
    append_lines,
    by_position,
    change_line,
    newest_first,
    whole_journal,
)
from annotations.journal_files import (
    ANNOTATIONS_FOLDER,
    COMPACT_SLACK,
    JOURNAL_SUFFIX,
    LABEL,
    JournalFiles,
)
from annotations.model import Highlight, field_values, timestamp
from library.collector import collector_paused
from library.safe_files import StoreError, atomic_write_bytes, reason_of

if TYPE_CHECKING:
    from annotations.journal_rows import Row

# What opening a document does not need (counting, removing and restoring, the command
# line's quick save, `notes --json`) is imported by the methods that do it: a start of the
# app does not wait for those modules.

__all__ = ["ANNOTATIONS_FOLDER", "COMPACT_SLACK", "JOURNAL_SUFFIX", "LABEL", "AnnotationStore"]


class AnnotationStore(JournalFiles):
    """The highlights of every document of one library home (see the module docstring).

    Safe to share between threads; any number of processes may use the same home.
    """

    # -- reading (no lock: journals are appended to or replaced whole)

    def for_document(self, document_id: str) -> tuple[Highlight, ...]:
        """Return the highlights of one document, sorted by position (then creation)."""
        journal = self._read(document_id)
        with self._mutex:  # another thread may be saving into this very dict
            if journal.ordered is None:  # sorted once per change, not per call
                journal.ordered = tuple(sorted(journal.highlights.values(), key=by_position))
            return journal.ordered

    def records_json(self, document_id: str | None = None) -> str:
        """The highlights of one document (by position), or of every document (by
        document id, then position), as `newsreader notes --json` prints them
        (`annotations.record_json.records_json`).

        A journal not read yet is read for its records' values only
        (`annotations.journal_rows`): making a highlight of each record only to write
        it back as the values it was read from would cost most of the time. A journal
        not exactly as this store writes it is read whole, as `for_document` reads it
        (repaired, set aside or refused, and told).

        The collector waits meanwhile: what is made here (records, rows, text) holds no
        cycles, and collecting while tens of thousands of them are made only walks them,
        and everything else alive, again and again (a tenth of the time with 10,000).
        """
        from annotations.record_json import rows_json  # the command line's, never the app's

        document_ids = self.document_ids() if document_id is None else (document_id,)
        rows: list[Row] = []
        with collector_paused():
            for each in document_ids:
                rows.extend(self._rows(each))
            return rows_json(rows)

    def _rows(self, document_id: str) -> list[Row]:
        """A document's highlights as rows of field values, sorted as `for_document`."""
        from annotations.journal_rows import live_rows

        path = self.journal_path(document_id)
        with self._mutex:
            read = document_id in self._journals
        if not read:
            try:
                raw = path.read_bytes()
            except OSError:  # missing, or unreadable: the whole read says which, once
                raw = None
            rows = None if raw is None else live_rows(raw, document_id)
            if rows is not None:
                return rows
        return [field_values(highlight) for highlight in self.for_document(document_id)]

    def get(self, document_id: str, highlight_id: str) -> Highlight | None:
        """Return one highlight, or None when the document has no highlight with that id."""
        return self._read(document_id).highlights.get(highlight_id)

    def all(self) -> tuple[Highlight, ...]:
        """Return every highlight of the library, by document id, then by position."""
        found: list[Highlight] = []
        for document_id in self.document_ids():
            found.extend(self.for_document(document_id))
        return tuple(found)

    def recent(self, at_least: int) -> tuple[Highlight, ...]:
        """The highlights changed last in the library, newest first (`newest_first`): at
        least `at_least` of them when it has that many, read from the journals written
        last only. For a long list's first screen, shown while `all` is read.

        A highlight's change time is never later than its journal's modification time
        (it is written there when it changes). So once the journals read, newest first,
        hold `at_least` highlights changed after the next journal was last written, no
        journal left unread holds a newer one: those highlights are returned, every one
        changed since then, in order. A clock set back, or highlights imported with change
        times still to come, can break that rule: the whole list read afterwards is
        always right.
        """
        files = sorted(self._journal_files(), key=lambda item: item[1][2], reverse=True)
        found: list[Highlight] = []
        for at, (document_id, _) in enumerate(files):
            found.extend(self.for_document(document_id))
            if at + 1 == len(files):
                break
            # Milliseconds, cut as `updated` is: a highlight of the next journal may show
            # this very time, so only a later one is sure to be of a journal already read.
            since = timestamp(datetime.fromtimestamp(files[at + 1][1][2] / 1e9, UTC))
            changed_since = [h for h in found if h.updated > since]
            if len(changed_since) >= at_least:
                return newest_first(changed_since)
        return newest_first(found)

    def journal_bytes(self, document_id: str) -> int:
        """The size of a document's journal file (0 when it has none): what reading its
        highlights will cost, known from one `stat`."""
        try:
            return self.journal_path(document_id).stat().st_size
        except OSError:
            return 0

    def all_journal_bytes(self) -> int:
        """The size of every journal together: what `all` will cost to read, known from
        one `stat` per document with highlights."""
        return sum(size for _, (_, size, _) in self._journal_files())

    def document_ids(self) -> tuple[str, ...]:
        """Return the ids of the documents that have a journal, sorted."""
        return tuple(sorted(name for name, _ in self._journal_files()))

    def counts(self) -> dict[str, int]:
        """Return how many highlights each document has; documents with none are left out.

        Fast for large libraries: each journal is only `stat`ed, and its count comes from
        a small cache file, checked against the journal's inode, size and modification
        time; only journals that changed since are read (and the cache is then updated).
        """
        from annotations.counts_cache import CountedJournal, read_counts_cache, write_counts_cache

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

    def save_if_unchanged(self, changes: Iterable[tuple[Highlight, Highlight]]) -> int:
        """Save each ``(was, now)`` as `now`, unless the stored highlight is no longer
        `was`: for work done outside the lock (re-anchoring takes a while), so that a
        change another copy saved meanwhile (a note written in the app) is never
        overwritten by a version made from the older one. Returns how many were saved.

        A highlight skipped keeps its change, made on the older text; it is re-found the
        next time, from the newer version.
        """
        by_document: dict[str, list[tuple[Highlight, Highlight]]] = {}
        for was, now in changes:
            if was.id != now.id or was.document_id != now.document_id:
                raise ValueError("A highlight's new version must keep its id and document.")
            self.journal_path(now.document_id)  # check every id before writing any
            by_document.setdefault(now.document_id, []).append((was, now))
        saved = 0
        for document_id, pairs in by_document.items():
            with self._lock(document_id).held():
                journal = self._writable(document_id)
                stored = journal.highlights
                changed = {
                    now.id: now for was, now in pairs if stored.get(now.id) == was and was != now
                }
                if changed:
                    self._write(document_id, journal, changed, ())
                saved += len(changed)
        return saved

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

    def save_newer(
        self, highlights: Sequence[Highlight], newer: Callable[[Highlight, Highlight], bool]
    ) -> tuple[list[Highlight], list[Highlight], list[Highlight]]:
        """Save those of one document's `highlights` that are new, or `newer` than the
        version stored: one lock and one fsynced append for the whole batch (an import).

        The batch is written as lines of at most `LINE_RECORDS` highlights, so a reader
        never parses a huge line at once; a crash mid-append keeps the whole lines before
        it, which importing again completes.

        Returns:
            The highlights added, those that replaced a stored version, and the stored
            versions left as they were (identical or newer).
        """
        added: list[Highlight] = []
        updated: list[Highlight] = []
        unchanged: list[Highlight] = []
        if not highlights:
            return added, updated, unchanged
        document_id = highlights[0].document_id
        with self._lock(document_id).held():
            journal = self._writable(document_id)
            stored = journal.highlights
            puts: dict[str, Highlight] = {}
            for highlight in highlights:
                if highlight.document_id != document_id:
                    raise ValueError("A batch of imported highlights must share one document.")
                old = puts.get(highlight.id) or stored.get(highlight.id)
                if old is None:
                    added.append(highlight)
                elif old != highlight and newer(highlight, old):
                    updated.append(highlight)
                else:
                    unchanged.append(old)
                    continue
                puts[highlight.id] = highlight
            if puts:
                self._write(document_id, journal, puts, (), split=True)
        return added, updated, unchanged

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
            if self._append_if_free(highlight):
                return None
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

    def _append_if_free(self, highlight: Highlight) -> bool:
        """Save `highlight` (under its journal's lock) if the journal, read for its spans
        only, shows that no placed highlight has its span: True once saved.

        For the command line, which has no journal in memory: building every highlight
        of a big document (most of the cost of reading it) only to look at their offsets
        would make one `highlight` cost as much as listing them all (see
        `annotations.journal_spans`). False (nothing written) when the journal is already
        in memory, when the span may be taken, and for a journal that is missing, torn or
        not as this store writes it: the whole read decides.

        A line damaged inside a journal is not looked for here: the append lands after it
        as after any line, and the next whole read sets the journal aside with one
        sentence, keeping every highlight it can read, this one too. A journal appended
        to this way is not compacted either: a new highlight leaves nothing to compact,
        and the next save that reads it whole compacts when needed.
        """
        from annotations.journal_spans import ever_written, is_current, placed_spans

        document_id = highlight.document_id
        path = self.journal_path(document_id)
        with self._mutex:
            if document_id in self._journals:
                return False
        try:
            raw = path.read_bytes()
        except OSError:
            return False
        span = (highlight.start, highlight.end)
        if not is_current(raw):
            return False
        if ever_written(raw, span) is not False:
            placed = placed_spans(raw, document_id)
            if placed is None or span in placed:
                return False
        try:
            append_lines(path, change_line((highlight,)))
        except OSError as err:
            raise StoreError(f"The {LABEL} {path} cannot be written: {reason_of(err)}.") from err
        return True

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
        from annotations.kept_journals import REMOVED_FOLDER, move_aside, move_back

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
        from annotations.kept_journals import REMOVED_FOLDER, kept_journals

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
        from annotations.kept_journals import (
            REMOVED_FOLDER,
            discard_kept,
            kept_journals,
            merge_newest,
            read_kept,
        )

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
