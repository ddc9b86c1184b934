"""The catalog: which documents are in the library, where their text is, how far each was read.

A library home folder looks like this (nothing is created before it is needed)::

    documents/<id>.txt   the stored text of each document, UTF-8, exactly `Parsed.text`
                         (beside it: its sentence spans; see `library.document_files`)
    .running/            the registrations of adds and removes under way
    catalog/<xx>.json    the metadata of every document (title, source, date, ...), in
                         shards by the start of the id (`shard_of`)
                         (`library.catalog_shards`)
    reading.json         the reading position in each document
    settings.json        preferences such as the theme
    exports/             where Markdown exports go

Text lives in plain files, never inside a TinyDB file, so listing the library reads
no text at all, and one document's metadata is one small shard away. Reading positions
are kept apart from the metadata, so saving a position while another process imports
files never contends for the same file. Every JSON file goes through
`library.storage.Store`.

The models are in `library.entries`, the planning of an add in `library.adding`, and
the upkeep of the texts in `library.text_folder`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from library.catalog_shards import DOCUMENTS_TABLE, LEGACY_FILE, SHARD_FOLDER, CatalogShards
from library.clock import utc_now
from library.document_files import RUNNING_FOLDER, AddRegistry
from library.entries import (
    AddResult,
    Entry,
    ReadingState,
    check_entry_record,
    check_setting_record,
    check_state_record,
    entry_from_record,
    state_from_record,
)
from library.entry_order import SORT_KEYS as SORT_KEYS
from library.entry_order import SortKey as SortKey
from library.entry_order import sort_entries
from library.safe_files import StatKey, StoreError, reason_of
from library.sanitize import one_line, short_title
from library.storage import Record, Store
from library.text_folder import TextFolder

if TYPE_CHECKING:
    # Parsing (and charset detection), and the add path itself, are imported only when
    # adding: listing and reading never need them, and every start and command does.
    from library.add_batches import AddSource
    from library.adding import AddPlan
    from library.document import Document
    from library.parse import Parsed


CATALOG_FILE = LEGACY_FILE
"""The one catalog file of libraries written before shards (moved into shards on open)."""
CATALOG_FOLDER = SHARD_FOLDER
READING_FILE = "reading.json"
SETTINGS_FILE = "settings.json"
DOCUMENTS_FOLDER = "documents"
EXPORTS_FOLDER = "exports"

WELCOME_TITLE = "Welcome to newsreader"
"""The title of the built-in guide added to an empty library."""

_DOCUMENTS = DOCUMENTS_TABLE
_POSITIONS = "positions"
_SETTINGS = "settings"
_SAFE_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
_CANDIDATES_SHOWN = 5


class UnknownDocument(StoreError, LookupError):
    """No document has the given id or id prefix."""


class AmbiguousId(StoreError, LookupError):
    """An id prefix matches more than one document; the message lists them."""


class MissingText(StoreError):
    """The catalog knows the document but its text file is gone."""


class LibraryError(StoreError):
    """The library folder itself cannot be used (it is a file, or cannot be created)."""


# --- the catalog -----------------------------------------------------------------------


class Catalog:
    """The documents of one library home folder, their metadata and reading positions."""

    def __init__(self, home: Path, *, clock: Callable[[], str] = utc_now) -> None:
        """Describe the library at `home`; use `Catalog.open` to start using one.

        Args:
            home: The library home folder.
            clock: Gives the time an add happens, ISO 8601 UTC (tests pass a fixed one).
        """
        self.home = Path(home)
        self._clock = clock
        self.documents_folder = self.home / DOCUMENTS_FOLDER
        self.exports_folder = self.home / EXPORTS_FOLDER
        self._catalog = CatalogShards(self.home, check_entry_record)
        self._reading = Store(
            self.home / READING_FILE,
            kind="reading",
            label="reading-position file",
            checks={_POSITIONS: check_state_record},
        )
        self._settings = Store(
            self.home / SETTINGS_FILE,
            kind="settings",
            label="settings file",
            checks={_SETTINGS: check_setting_record},
        )
        self._adds = AddRegistry(self.home / RUNNING_FOLDER)
        self._texts = TextFolder(self.documents_folder, self._catalog, self._adds)

    @classmethod
    def open(cls, home: Path, *, clock: Callable[[], str] = utc_now) -> Catalog:
        """Open the library at `home`, creating the folder if needed.

        A library that has never been used gets the built-in welcome guide. Every store
        file is checked once, so `warnings` already tells of any damaged one. `clock` is
        as for the constructor.

        Raises:
            LibraryError: `home` cannot be created or is not a folder.
        """
        home = Path(home)
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise LibraryError(
                f"The library folder {home} cannot be used: {reason_of(err)}."
            ) from err
        catalog = cls(home, clock=clock)
        first_run = not catalog._catalog.exists() and not catalog.documents_folder.exists()
        if first_run:
            catalog._add_welcome()
        catalog._catalog.migrate_legacy()
        catalog._reading.check()
        catalog._settings.check()
        catalog._texts.tidy()
        return catalog

    def __repr__(self) -> str:
        return f"Catalog({str(self.home)!r})"

    @property
    def warnings(self) -> tuple[str, ...]:
        """One sentence per problem met in the library's files, to show the user.

        For example a damaged file that was set aside, or a file from a newer release.
        """
        stores = (self._catalog, self._reading, self._settings)
        return tuple(dict.fromkeys(w for store in stores for w in store.warnings))

    # -- listing and finding

    def entries(self, sort: SortKey = "added") -> tuple[Entry, ...]:
        """Return every document's entry in the order `sort` names (see `SORT_KEYS`).

        Reads only the catalog (and the reading positions for ``progress``), never text.
        """
        if sort != "progress":
            return sort_entries(self._entries(), sort)
        states = self.all_reading_states()

        def progress_of(entry: Entry) -> float:
            state = states.get(entry.id)
            return state.listed_progress if state is not None else 0.0

        return sort_entries(self._entries(), sort, progress_of)

    def _entries(self) -> list[Entry]:
        return self._catalog.entries()

    def resolve(self, id_or_prefix: str) -> Entry:
        """Return the entry whose id is `id_or_prefix`, or the only one starting with it.

        Raises:
            UnknownDocument: No id starts with it.
            AmbiguousId: Several ids start with it; the message lists them.
        """
        wanted = id_or_prefix.strip()
        shown = one_line(wanted)
        if not wanted:
            raise UnknownDocument("No document id was given.")
        records = self._catalog.records_starting(wanted)
        for key in dict.fromkeys((wanted, wanted.lower())):
            if key in records:
                entry = entry_from_record(key, records[key])
                if entry is not None:
                    return entry
        matches = sorted(records)
        if not matches:
            raise UnknownDocument(f'No document in the library has the id "{shown}".')
        if len(matches) == 1:
            entry = entry_from_record(matches[0], records[matches[0]])
            if entry is None:
                raise UnknownDocument(f'No document in the library has the id "{shown}".')
            return entry
        described = [
            f"{doc_id} ({short_title(records[doc_id].get('title'))})"
            for doc_id in matches[:_CANDIDATES_SHOWN]
        ]
        more = len(matches) - _CANDIDATES_SHOWN
        listing = ", ".join(described) + (f" and {more} more" if more > 0 else "")
        raise AmbiguousId(
            f'The id "{shown}" matches {len(matches)} documents: {listing}; type more of the id.'
        )

    def entry(self, doc_id: str) -> Entry:
        """Return the entry with exactly this id.

        Raises:
            UnknownDocument: There is none.
        """
        record = self._catalog.record(doc_id)
        entry = entry_from_record(doc_id, record) if record is not None else None
        if entry is None:
            raise UnknownDocument(f'No document in the library has the id "{one_line(doc_id)}".')
        return entry

    # -- text

    def text_path(self, doc_id: str) -> Path:
        """Return where the text of `doc_id` is stored (it may not exist)."""
        if _SAFE_ID.fullmatch(doc_id) is None:
            raise UnknownDocument(f'No document in the library has the id "{one_line(doc_id)}".')
        return self._texts.text_path(doc_id)

    def text(self, doc_id: str) -> str:
        """Return the stored text of `doc_id`, exactly as stored: the text offsets index.

        Raises:
            UnknownDocument: The id is not in the library.
            MissingText: The catalog knows it but its text file is gone.
        """
        path = self.text_path(doc_id)
        try:
            return path.read_bytes().decode("utf-8")
        except FileNotFoundError as err:
            entry = self.entry(doc_id)  # raises UnknownDocument when it is not known at all
            raise MissingText(
                f'The text of "{short_title(entry.title)}" ({doc_id}) is missing from {path}; '
                "add its file again or remove it."
            ) from err
        except (OSError, UnicodeDecodeError) as err:
            reason = getattr(err, "strerror", None) or str(err)
            raise MissingText(f"The text file {path} cannot be read: {reason}.") from err

    def load(self, doc_id: str) -> Document:
        """Return the document `doc_id` with its text split into paragraphs and sentences."""
        from library.document import Document  # (with its structure: for opening only)
        from library.spancache import load_spans

        entry = self.entry(doc_id)
        text = self.text(doc_id)
        paragraphs, sentences = load_spans(
            self.text_path(doc_id).with_suffix(".spans"), text, entry.content_hash
        )
        return Document(
            id=entry.id,
            title=entry.title,
            source=entry.source,
            date=entry.date,
            caption=entry.caption,
            text=text,
            paragraphs=paragraphs,
            sentences=sentences,
            words=entry.words,
            reading_minutes=entry.reading_minutes,
            path=entry.path,
            content_hash=entry.content_hash,
            added=entry.added,
        )

    # -- adding and removing

    def add(
        self,
        paths: Iterable[AddSource],
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> AddResult:
        """Add files and folders (recursively) to the library.

        Inside folders only the files `library.adding.TEXT_SUFFIXES` names are taken
        (text, Markdown, EPUB, saved pages), hidden files and folders are skipped, and
        files are taken in sorted order. A file named explicitly is tried whatever its
        name. The same file twice, or the same text from another file, is left as it is;
        a changed version of a file already in the library updates that document, keeping
        its id. Files that cannot be read are reported in `AddResult.failed` and change
        nothing.

        Files are read and recorded in batches (see `library.add_batches`), so memory
        holds one batch of texts, not a whole folder's: each batch's texts are written
        (atomically, and on disk) before the catalog records them, and the catalog is
        written once per batch. An add cut short keeps the batches it recorded.

        Args:
            paths: The files and folders to add, and web pages: an http or https address
                given as a string is fetched, and its article added (a `Path` would have
                folded its ``//``).
            progress: Called with (steps done, steps in all) as the add goes: reading a
                file, writing its text and its spans, and waiting for the disk are a step
                each (each takes about a third of an add's time).
        """
        from library.add_batches import AddSteps, combined, find_sources, read_batches

        found_files = find_sources(paths, self.home)
        steps = AddSteps(len(found_files), progress)
        failed: list[tuple[str, str]] = []
        # Each batch is recorded before the next one is read (`read_batches` is lazy).
        results = [
            self._add_parsed(batch, steps.advance)
            for batch in read_batches(found_files, steps, failed)
        ]
        return combined(results, failed)

    def add_text(self, data: bytes, name: str = "standard input") -> AddResult:
        """Add one document from bytes that are no file (`newsreader add -` reads them from
        standard input): decoded and parsed as a text file is, recorded with no path.

        The same text again is `unchanged`. What cannot be a document is in
        `AddResult.failed` as ``(name, one sentence)``, and changes nothing.
        """
        from library.parse import parse_bytes
        from library.textfile import UnreadableFile

        try:
            parsed = parse_bytes(data, name)
        except UnreadableFile as err:
            return AddResult(failed=((name, str(err)),))
        return self._add_parsed([(None, parsed)])

    def _add_welcome(self) -> None:
        from importlib.resources import files

        from library.parse import parse_text

        raw = files("library").joinpath("welcome.txt").read_text(encoding="utf-8")
        self._add_parsed([(None, parse_text(raw, fallback_title=WELCOME_TITLE))])

    def _add_parsed(
        self,
        items: list[tuple[str | None, Parsed]],
        progress: Callable[[int], None] | None = None,
    ) -> AddResult:
        """Record parsed documents: plan on a snapshot, write texts, then commit once.

        Raises:
            StoreError: A file could not be written (the message names it); nothing was
                added, and what was written is removed the next time the library opens.
        """
        if not items:
            return AddResult()
        from library.add_batches import STEPS_PER_FILE
        from library.adding import AddPlan

        hashes = [parsed.content_hash for _, parsed in items]
        now = self._clock()
        with ExitStack() as registration:
            # Plan on a snapshot, then write the texts outside the lock: writing many text
            # files can take a while, and other copies may change the catalog meanwhile.
            # The add registers itself under the lock, so that no copy opening the library
            # takes the texts it writes for leftovers of a crash (`library.document_files`).
            with self._catalog.transaction() as db:
                before = db.table(_DOCUMENTS).records()
                registration.enter_context(self._adds.running())
            plan = AddPlan(before, self.documents_folder, now)
            for (path, parsed), content_hash in zip(items, hashes, strict=True):
                plan.decide(path, parsed, content_hash)
            written = self._texts.write_new(plan, before, progress)
            if progress is not None and len(items) > len(written):
                # The files with nothing to write are through.
                progress((STEPS_PER_FILE - 1) * (len(items) - len(written)))
            try:
                final, staged = self._commit(items, hashes, now, before, written)
            except StoreError:
                self._texts.discard_unnamed(written)  # nothing was added: nor do its texts stay
                raise
            # Still registered: should this process die before the new texts are in
            # place, its registration is what tells the next open to finish the job.
            if staged:
                # Swapped in under the lock, and only while the catalog still names it:
                # another copy may have committed a newer version since this commit.
                self._texts.finish_updates()
            if staged:
                from library.spancache import load_spans  # (an add's): see `load`

            for doc_id, (text, content_hash) in staged.items():
                load_spans(self.text_path(doc_id).with_suffix(".spans"), text, content_hash)
        return AddResult(
            added=tuple(final.added.values()),
            updated=tuple(final.updated.values()),
            unchanged=tuple(final.unchanged.values()),
            previous_hashes=tuple(final.previous_hashes.items()),
        )

    def _commit(
        self,
        items: list[tuple[str | None, Parsed]],
        hashes: list[str],
        now: str,
        before: dict[str, Record],
        written: dict[str, str],
    ) -> tuple[AddPlan, dict[str, tuple[str, str]]]:
        """Decide again on the fresh catalog under the lock, and record the documents.

        Another process may have added files since the snapshot. Any text the first plan
        did not foresee is written here, still before the catalog file is replaced.

        Returns:
            The final plan, and the changed documents whose new text waits beside the old
            one: id → (text, content hash).
        """
        from library.adding import AddPlan

        try:
            with self._catalog.transaction() as db:
                table = db.table(_DOCUMENTS)
                current = table.records()
                final = AddPlan(current, self.documents_folder, now)
                for (path, parsed), content_hash in zip(items, hashes, strict=True):
                    final.decide(path, parsed, content_hash)
                # A text is written again if the plan did not write it, if another process
                # changed its entry since the snapshot (it may have replaced the file too),
                # or if its file is gone (removed as a leftover while this add was not
                # registered, should the registration have failed to hold).
                late = {
                    doc_id: text_and_hash
                    for doc_id, text_and_hash in final.texts.items()
                    if written.get(doc_id) != text_and_hash[1]
                    or current.get(doc_id) != before.get(doc_id)
                    or not self.text_path(doc_id).exists()
                }
                staged = self._texts.write_late(final, current, late)
                table.put_many({entry.id: entry.to_record() for entry in final.changed.values()})
        except OSError as err:  # the catalog file itself (a text fails as a StoreError)
            where = err.filename or self._catalog.path
            raise StoreError(
                f"Nothing was added: the catalog file {where} could not be written: "
                f"{reason_of(err).lower()}."
            ) from err
        return final, staged

    def remove(self, doc_id: str) -> Entry:
        """Remove a document: its metadata and its text file.

        Its reading position stays, as its highlights are kept aside: the same text added
        again gets the same id, and the reader finds its place (and whether it finished
        it) as it left them. A text of its own is all an id ever names.

        Raises:
            UnknownDocument: The id is not in the library.
        """
        with ExitStack() as registration:
            with self._catalog.transaction() as db:
                record = db.table(_DOCUMENTS).record(doc_id)
                entry = entry_from_record(doc_id, record) if record is not None else None
                if entry is None:
                    raise UnknownDocument(
                        f'No document in the library has the id "{one_line(doc_id)}".'
                    )
                registration.enter_context(self._adds.running())
                db.table(_DOCUMENTS).delete(doc_id)
            # The catalog no longer names the text, so a crash from here on leaves at worst
            # an unused file behind, never an entry without its text; and the registration
            # left behind has the next open remove it.
            self._texts.delete_text(doc_id)
        return entry

    # -- reading positions

    def reading_state(self, doc_id: str) -> ReadingState:
        """Return where the reader left `doc_id` (the start, if never opened)."""
        return state_from_record(self._reading.read_table(_POSITIONS).get(doc_id))

    def change_key(self) -> tuple[StatKey | None, StatKey | None]:
        """Something that changes whenever any process changes the documents or the reading
        positions (compare two keys to know whether to read them again)."""
        return (self._catalog.change_key(), self._reading.change_key())

    def all_reading_states(self) -> dict[str, ReadingState]:
        """Return the reading position of every document that has one, by id."""
        return {
            doc_id: state_from_record(record)
            for doc_id, record in self._reading.read_table(_POSITIONS).items()
        }

    def save_reading_state(self, doc_id: str, state: ReadingState) -> None:
        """Remember where the reader is in `doc_id` (progress is clamped to 0..1)."""
        with self._reading.transaction() as db:
            db.table(_POSITIONS).put(doc_id, state.to_record())

    def toggle_finished(self, doc_id: str) -> ReadingState:
        """Mark `doc_id` read if it is not finished, else unread; its place stays. Read and
        written under one lock, so a reader saving its place meanwhile loses nothing.

        Returns:
            The state saved.
        """
        self.entry(doc_id)  # an unknown id is named, not given a position
        with self._reading.transaction() as db:
            table = db.table(_POSITIONS)
            state = state_from_record(table.record(doc_id))
            state = replace(state, finished=not state.finished)
            if state == ReadingState():
                table.delete(doc_id)  # marked read and unread, never opened: new again
            else:
                table.put(doc_id, state.to_record())
        return state

    # -- settings

    def setting(self, key: str, default: Any = None) -> Any:
        """Return the stored value of setting `key`, or `default` when it is not set."""
        record = self._settings.read_table(_SETTINGS).get(key)
        if record is None or "value" not in record:
            return default
        return record["value"]

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-compatible value for setting `key`."""
        json.dumps(value)  # fail here, with TypeError, not halfway through a write
        with self._settings.transaction() as db:
            db.table(_SETTINGS).put(key, {"value": value})


# --- helpers ---------------------------------------------------------------------------
