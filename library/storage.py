"""A small store kept whole in one TinyDB file: the catalog, reading positions, settings.

Every such file goes through `Store`, which adds to TinyDB what the library relies on
(the pieces themselves are in `library.safe_files`, shared with the annotation journals):

- Changes happen in `Store.transaction()`, under a cross-process lock held across the
  whole read-modify-write, so two running copies of newsreader never lose each other's
  changes. TinyDB works on an in-memory copy (`_MemoryStorage`, a public TinyDB
  `Storage`); the transaction writes at most once, at its end, and only if something
  changed, replacing the file atomically.
- Reads need no lock: since the file is only ever replaced whole, a reader sees either
  the old or the new content, never a mix.
- Each file records its kind and schema version in a `_meta` table. A file from a newer
  release is read but never written; an older one is migrated in memory and saved on
  the next write.
- A file that cannot be understood is never overwritten: it is moved aside, next to the
  original, and a one-sentence warning says where it went. That includes JSON nested
  deeper than newsreader ever writes (`MAX_NESTING`): Python's parser gives up on it with
  a `RecursionError`, or, just below its limit, it parses but could never be written back.
- Each table may have a check (`RecordCheck`) run on every read: a record with values of
  the wrong kind is reported in one sentence per file, and left in the file untouched, so
  that nothing of the user's is lost while a reader of the table (`library.entries`)
  reads what it can of it. A bad record costs only itself, never the rest of the file.

Records are keyed by string ids chosen by the caller (`StoreTable.put`); TinyDB's
auto-increment ids are refused on purpose, because ids must stay stable across files,
processes and exports.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from library.safe_files import (
    DEFAULT_LOCK_TIMEOUT,
    CrossProcessLock,
    DamagedFile,
    SchemaHeader,
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
from library.sanitize import one_line

Record = dict[str, Any]
"""One stored record: a JSON object."""

Tables = dict[str, dict[str, Record]]
"""A whole store file: table name → record id → record."""

Migration = Callable[[Tables], Tables]
"""Upgrades the tables of a file from schema N to schema N + 1."""

META_TABLE = "_meta"
"""The table that says what a file is and which schema it follows."""

META_ID = "store"
"""The id of the one record in `META_TABLE`: the file's `SchemaHeader`."""

MAX_NESTING = 200
"""How many levels of lists and objects a record may hold. newsreader writes records of
plain values, a level or two deep. Python's JSON parser gives up on very deep nesting
(``[[[[…`` 200,000 times) with a `RecursionError`, and a value nested just below its limit
(1,000 levels, less the calls already under way) could be read but not written back from
a deeper call: such a file was not written by newsreader and is damaged. Below this
depth, well inside the limit, a record is read, checked and written back like any other."""

_RECORDS_NAMED = 5
"""How many records a warning names before it says "and N more"."""

_ID_SHOWN = 40
"""How many characters of a record's id a warning shows."""

_REPLACED_ONE_BY_ONE = 4
"""`StoreTable.put_many` replaces up to this many existing records one TinyDB update each;
more, and rebuilding the table in one pass costs less."""


# --- encoding and checking a file ----------------------------------------------------------


def encode_tables(tables: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> bytes:
    """Serialize a whole store file: compact JSON in UTF-8 (fast to write and to read)."""
    return json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_tables(raw: bytes) -> Tables:
    """Parse a store file and check its shape: an object of tables of records.

    Raises:
        ValueError: The content is not JSON, not shaped like a store file, or nested
            deeper than `MAX_NESTING`.
    """
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError as err:
        raise ValueError("the file is nested too deeply") from err
    if not isinstance(data, dict):
        raise ValueError("the file is not a JSON object")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise ValueError(f"table {name!r} is not a JSON object")
        for record in table.values():
            if not isinstance(record, dict):
                raise ValueError(f"a record of table {name!r} is not a JSON object")
            for value in record.values():
                # (`type` rather than `isinstance`: the parser makes plain dicts and
                # lists, and this runs for every value of every record.)
                kind = type(value)
                if (kind is dict or kind is list) and _nested_deeper_than(value, MAX_NESTING):
                    raise ValueError(f"a record of table {name!r} is nested too deeply")
    return data


def _nested_deeper_than(value: dict[str, Any] | list[Any], limit: int) -> bool:
    """Whether `value` nests lists and objects more than `limit` levels, itself included
    (found by a walk, not a recursion: the point is to refuse what recursion cannot
    handle)."""
    pending: list[tuple[dict[str, Any] | list[Any], int]] = [(value, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


# --- checking records ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordFault:
    """What a table's check found wrong with one record."""

    fields: tuple[str, ...]
    """The fields whose values cannot be used (the record's own id is named ``"id"``)."""
    skipped: bool = False
    """True when the record cannot be used at all; False when only `fields` are read as
    unknown and the rest of the record is used."""


RecordCheck = Callable[[str, Record], RecordFault | None]
"""Checks one record of a table, given its id; None when nothing is wrong with it."""


def record_faults(
    tables: Tables, checks: Mapping[str, RecordCheck]
) -> dict[str, dict[str, RecordFault]]:
    """Run each table's check over its records: table → record id → fault, faults only."""
    found: dict[str, dict[str, RecordFault]] = {}
    for name, check in checks.items():
        for record_id, record in tables.get(name, {}).items():
            fault = check(record_id, record)
            if fault is not None:
                found.setdefault(name, {})[record_id] = fault
    return found


def fault_messages(label: str, path: Path, faults: Mapping[str, RecordFault]) -> list[str]:
    """The sentences telling the user about the bad records of one file (at most two: the
    records skipped, and the records read in part)."""
    skipped = {key: fault for key, fault in faults.items() if fault.skipped}
    partial = {key: fault for key, fault in faults.items() if not fault.skipped}
    sentences = []
    if skipped:
        sentences.append(
            f"The {label} {path} has {_records(len(skipped))} that cannot be used "
            f"({_describe(skipped)}); {_left(len(skipped))} in the file and skipped."
        )
    if partial:
        sentences.append(
            f"The {label} {path} has values of the wrong kind in {_records(len(partial))} "
            f"({_describe(partial)}); they are left in the file and read as unknown."
        )
    return sentences


def _records(count: int) -> str:
    return "1 record" if count == 1 else f"{count} records"


def _left(count: int) -> str:
    return "it is left" if count == 1 else "they are left"


def _describe(faults: Mapping[str, RecordFault]) -> str:
    """``"id: field, field; id: field"`` for the first few records, then how many more."""
    keys = list(faults)
    named = "; ".join(
        f"{_shown_id(key)}: {', '.join(faults[key].fields)}" for key in keys[:_RECORDS_NAMED]
    )
    more = len(keys) - _RECORDS_NAMED
    return named + (f"; and {more} more" if more > 0 else "")


def _shown_id(record_id: str) -> str:
    """A record's id as a warning shows it: visible characters, on one line, not too long
    (an id is a JSON key, and a hand edit can make it anything)."""
    shown = one_line(record_id)
    return shown if len(shown) <= _ID_SHOWN else shown[: _ID_SHOWN - 1] + "…"


# --- TinyDB pieces (its public API: a Storage, a Table subclass's hooks and methods) -----


class _MemoryStorage(Storage):
    """The in-memory copy of a file that one transaction's TinyDB reads and changes."""

    def __init__(self, data: Tables) -> None:
        super().__init__()
        self.data = data
        self.changed = False

    def read(self) -> Tables:
        return self.data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.data = data
        self.changed = True


def _with_id(document: Mapping[str, Any]) -> Document:
    if not isinstance(document, Document):
        raise TypeError(
            "Store records need an explicit string id: use StoreTable.put(id, record) "
            "or insert(Document(record, doc_id=id))."
        )
    return document


def _replacing(record: Record) -> Callable[[MutableMapping[str, Any]], None]:
    """A TinyDB update that makes a stored record exactly `record` (not a merge)."""

    def replace(stored: MutableMapping[str, Any]) -> None:
        stored.clear()
        stored.update(record)

    return replace


class StoreTable(Table):
    """A TinyDB table whose records are keyed by string ids given by the caller.

    `document_id_class` is TinyDB's hook for the type of ids. TinyDB's own ids (the
    largest plus one) would be meaningless for string ids and unstable across processes,
    so `insert` and `insert_multiple` refuse a record that does not carry its id.
    """

    document_id_class = str  # type: ignore[assignment]

    def insert(self, document: Mapping[str, Any]) -> int:
        """Insert a `Document` under its own id (a plain mapping has none: TypeError)."""
        return super().insert(_with_id(document))

    def insert_multiple(self, documents: Iterable[Mapping[str, Any]]) -> list[int]:
        """Insert `Document`s under their own ids, in one pass over the table."""
        return super().insert_multiple([_with_id(d) for d in documents])

    def record(self, doc_id: str) -> Record | None:
        """Return a copy of the record stored under `doc_id`, or None."""
        found = self.get(doc_id=cast(int, doc_id))  # TinyDB's annotations say ids are ints
        return dict(found) if found is not None else None

    def records(self) -> dict[str, Record]:
        """Return a copy of every record, keyed by id, in stored order."""
        return {str(document.doc_id): document for document in self}

    def put(self, doc_id: str, record: Mapping[str, Any]) -> None:
        """Insert `record` under `doc_id`, wholly replacing any record already there."""
        self.put_many({doc_id: record})

    def put_many(self, records: Mapping[str, Mapping[str, Any]]) -> None:
        """Insert or wholly replace many records; a replaced record keeps its place.

        The place matters: the catalog lists documents added at the same moment in the
        order they are stored.
        """
        fresh = {str(doc_id): dict(record) for doc_id, record in records.items()}
        replaced = [doc_id for doc_id in fresh if self.contains(doc_id=cast(int, doc_id))]
        if len(replaced) > _REPLACED_ONE_BY_ONE:
            fresh = {**self.records(), **fresh}
            self.truncate()
        else:
            for doc_id in replaced:
                self.update(_replacing(fresh.pop(doc_id)), doc_ids=[cast(int, doc_id)])
        if fresh:
            self.insert_multiple(
                Document(record, doc_id=cast(int, doc_id)) for doc_id, record in fresh.items()
            )

    def delete(self, doc_id: str) -> bool:
        """Remove the record under `doc_id`; return whether there was one."""
        return bool(self.remove(doc_ids=[cast(int, doc_id)]))


class StoreDB(TinyDB):
    """The TinyDB a transaction hands out: its tables are `StoreTable`s."""

    table_class = StoreTable

    def table(self, name: str, **kwargs: Any) -> StoreTable:
        """Return the table `name` (created on first write)."""
        return cast(StoreTable, super().table(name, **kwargs))


# --- the store -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What one read of the file found."""

    tables: Tables
    """The tables, migrated to the current schema; empty for a missing or damaged file."""
    raw: bytes | None
    """The bytes read, to tell later whether a write would change anything."""
    newer_schema: int | None
    """The file's schema when it is newer than this release knows; None otherwise."""


class Store:
    """One TinyDB file of the library, read and written safely (see the module docstring).

    Example::

        store = Store(home / "settings.json", kind="settings")
        with store.transaction() as db:
            db.table("settings").put("theme", {"value": "nord"})
        theme = store.read_table("settings").get("theme")
    """

    def __init__(
        self,
        path: Path,
        *,
        kind: str,
        schema: int = 1,
        migrations: Mapping[int, Migration] | None = None,
        label: str | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        checks: Mapping[str, RecordCheck] | None = None,
    ) -> None:
        """Describe a store file; nothing is read or created yet.

        Args:
            path: The JSON file.
            kind: What the file holds (``"catalog"``, ``"reading"``, ...); recorded in the
                file and checked on every read, so one store is never taken for another.
            schema: The schema version this code reads and writes.
            migrations: ``migrations[n]`` upgrades tables from schema n to n + 1. A missing
                step means the shapes did not change.
            label: How messages name the file, e.g. ``"catalog file"``; by default
                ``"<kind> file"``.
            lock_timeout: Seconds to wait for another process's transaction.
            checks: ``checks[table]`` checks each record of that table when the file is
                read (not in transactions, which keep every record as it is).
        """
        self.path = Path(path)
        self.header = SchemaHeader(kind, schema)
        self.label = label or f"{kind} file"
        self._migrations = dict(migrations or {})
        self._checks = dict(checks or {})
        self._checked: bytes | None = None
        """The content whose records were last checked: the same bytes need no new check."""
        self._lock = CrossProcessLock(self.path, self.label, lock_timeout)
        self._warnings: list[str] = []
        self._newer_schema: int | None = None
        self._in_transaction = threading.local()

    @property
    def kind(self) -> str:
        """What the file holds, as its header records it."""
        return self.header.kind

    @property
    def schema(self) -> int:
        """The schema version this code reads and writes."""
        return self.header.schema

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}, kind={self.kind!r})"

    # -- what the user should be told

    @property
    def warnings(self) -> tuple[str, ...]:
        """One sentence per problem met so far (a damaged file kept aside, a newer schema)."""
        return tuple(self._warnings)

    @property
    def read_only(self) -> bool:
        """True when the last read found a file written by a newer release."""
        return self._newer_schema is not None

    def _warn(self, message: str) -> None:
        if message not in self._warnings:
            self._warnings.append(message)

    # -- reading

    def change_key(self) -> StatKey | None:
        """The file's `stat_key` (None if it is missing): it changes whenever any process
        writes the file, since every write replaces it."""
        try:
            return stat_key(self.path.stat())
        except OSError:
            return None

    def read_tables(self, *, checked: bool = True) -> Tables:
        """Return every table of the file as plain dicts: a fresh copy the caller owns.

        A missing file reads as no tables. Takes no lock (see the module docstring).
        Records with values of the wrong kind are handed out as they are, and reported
        (see `warnings`): what to make of them is the reader's to decide. A reader that
        uses a few records only may leave them unchecked and `check_records` those.
        """
        loaded = self._load(locked=False)
        if checked:
            self._check_records(loaded)
        return loaded.tables

    def read_table(self, name: str, *, checked: bool = True) -> dict[str, Record]:
        """Return one table's records, keyed by id (empty if the table does not exist)."""
        return self.read_tables(checked=checked).get(name, {})

    def check_records(self, name: str, records: Mapping[str, Record]) -> None:
        """Report the faults of `records` of the table `name` alone (see `warnings`): a
        command about one document checks its record, not the hundreds beside it in the
        same file (at 50,000 documents, checking a whole shard was most of `show`)."""
        check = self._checks.get(name)
        if check is None or self._newer_schema is not None:
            return
        faults = record_faults({name: dict(records)}, {name: check}).get(name)
        for message in fault_messages(self.label, self.path, faults) if faults else ():
            self._warn(message)

    def check(self) -> None:
        """Read the file once, so that any damage, newer schema or bad record is reported
        now."""
        self._check_records(self._load(locked=False))

    # -- writing

    @contextmanager
    def transaction(self) -> Iterator[StoreDB]:
        """Lock the file, read it fresh, and save the changes made to the db once, at exit.

        Nothing is written when the block raises or changes nothing. Transactions on one
        store do not nest (the inner one would be overwritten by the outer one).

        Raises:
            StoreLocked: Another process held the lock past the timeout.
            StoreReadOnly: The file comes from a newer release of newsreader.
        """
        if getattr(self._in_transaction, "active", False):
            raise RuntimeError(f"A transaction on {self.path} is already open in this thread.")
        self._in_transaction.active = True
        try:
            with self._lock.held():
                loaded = self._load(locked=True)
                if loaded.newer_schema is not None:
                    raise StoreReadOnly(self._newer_message(loaded.newer_schema))
                database = StoreDB(loaded.tables, storage=_MemoryStorage)
                yield database
                storage = cast(_MemoryStorage, database.storage)
                if storage.changed:
                    encoded = encode_tables(self._with_meta(storage.data))
                    if encoded != loaded.raw:
                        atomic_write_bytes(self.path, encoded)
        finally:
            self._in_transaction.active = False

    # -- internals

    def _check_records(self, loaded: _Loaded) -> None:
        """Report the records that the table checks find fault with (once per content).

        A file from a newer release is not checked: its records may well differ from what
        this release knows, and the user is told about that file already.
        """
        if not self._checks or loaded.raw is None or loaded.raw == self._checked:
            return
        if loaded.newer_schema is not None:
            return
        faults = record_faults(loaded.tables, self._checks)
        for table_faults in faults.values():
            for message in fault_messages(self.label, self.path, table_faults):
                self._warn(message)
        self._checked = loaded.raw

    def _newer_message(self, schema: int) -> str:
        return newer_release_message(
            self.label,
            self.path,
            schema,
            self.schema,
            "it is left unchanged and nothing can be saved to it",
        )

    def _with_meta(self, tables: Tables) -> Tables:
        tables[META_TABLE] = {META_ID: self.header.fields()}
        return tables

    def _read_raw(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            raise StoreError(
                f"The {self.label} {self.path} cannot be read: {reason_of(err)}."
            ) from err

    def _load(self, *, locked: bool) -> _Loaded:
        raw = self._read_raw()
        if raw is None or not raw.strip():
            self._newer_schema = None
            return _Loaded(tables={}, raw=raw, newer_schema=None)
        try:
            tables, newer = self._understand(raw)
        except DamagedFile:
            if not locked:
                # Another process may be replacing the file right now; decide under the lock.
                with self._lock.held():
                    return self._load(locked=True)
            aside = set_aside(self.path, self.label)
            self._warn(damaged_message(self.label, self.path, aside, "a new one was started"))
            self._newer_schema = None
            return _Loaded(tables={}, raw=None, newer_schema=None)
        self._newer_schema = newer
        if newer is not None:
            self._warn(self._newer_message(newer))
        return _Loaded(tables=tables, raw=raw, newer_schema=newer)

    def _understand(self, raw: bytes) -> tuple[Tables, int | None]:
        """Decode, check kind and schema, and migrate; raise `DamagedFile` if impossible."""
        try:
            tables = decode_tables(raw)
        except ValueError as err:  # includes JSONDecodeError and UnicodeDecodeError
            raise DamagedFile(str(err)) from err
        meta = tables.get(META_TABLE, {}).get(META_ID)
        if meta is None and not tables:
            return tables, None
        schema = self.header.version_of(meta)
        if schema > self.schema:
            return tables, schema
        for version in range(schema, self.schema):
            migrate = self._migrations.get(version)
            if migrate is not None:
                tables = migrate(tables)
        return tables, None
