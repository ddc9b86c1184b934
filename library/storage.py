"""One safe way to keep a TinyDB file: atomic writes, a cross-process lock, a schema version.

Every store file of the library (the catalog, reading positions, settings, and the
per-document annotation files) goes through `Store`, so they all share the same
guarantees:

- A write never leaves a half-written file behind: the new content goes to a temporary
  file in the same folder, is flushed and fsynced, then `os.replace`d over the old one,
  and the folder itself is fsynced so the rename survives a crash.
- Changes happen in `Store.transaction()`, under a `filelock.FileLock` held across the
  whole read-modify-write, so two running copies of newsreader never lose each other's
  changes. A transaction writes at most once, at its end, and only if something changed.
- Reads need no lock: since the file is only ever replaced whole, a reader sees either
  the old or the new content, never a mix.
- Each file records its kind and schema version in a `_meta` table. A file from a newer
  release is opened read-only; an older one is migrated in memory and saved on the next
  write.
- A file that cannot be understood is never overwritten: it is moved aside, next to the
  original, and a one-sentence warning says where it went.

Records are keyed by string ids chosen by the caller (`StoreTable.put`); TinyDB's
auto-increment ids are disabled on purpose, because ids must stay stable across files,
processes and exports.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

if TYPE_CHECKING:
    from filelock import BaseFileLock

Record = dict[str, Any]
"""One stored record: a JSON object."""

Tables = dict[str, dict[str, Record]]
"""A whole store file: table name → record id → record."""

Migration = Callable[[Tables], Tables]
"""Upgrades the tables of a file from schema N to schema N + 1."""

META_TABLE = "_meta"
"""The table that says what a file is and which schema it follows."""

META_ID = "store"
"""The id of the one record in `META_TABLE`."""

DEFAULT_LOCK_TIMEOUT = 10.0
"""Seconds to wait for another process to finish its transaction before giving up."""


StatKey = tuple[int, int, int]
"""Inode, size and modification time (ns) of a file: when it differs, the file changed."""


def stat_key(info: os.stat_result) -> StatKey:
    """The `StatKey` of a file from its `os.stat` result."""
    return (info.st_ino, info.st_size, info.st_mtime_ns)


class StoreError(Exception):
    """A store file cannot be used; the message is one sentence meant for the user."""


class StoreLocked(StoreError):
    """Another process held the store's lock for longer than the timeout."""


class StoreReadOnly(StoreError):
    """The store must not be written: it comes from a newer release, or is a snapshot."""


class _Damaged(Exception):
    """Internal: the file's content cannot be understood (its message says why)."""


# --- atomic files ------------------------------------------------------------------------


def fsync_directory(directory: Path) -> None:
    """Make a rename inside `directory` durable (a no-op where folders cannot be fsynced)."""
    if os.name == "nt":  # pragma: no cover - Windows cannot open a folder for fsync
        return
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on folders
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, sync_directory: bool = True) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file.

    The data goes to a hidden temporary file in the same folder (so the rename cannot
    cross filesystems), is flushed and fsynced, then renamed over `path`. The file keeps
    the permissions of the one it replaces; a new file is private to the user (0600).

    Args:
        path: The file to write; its folder is created if missing.
        data: The complete new content.
        sync_directory: Fsync the folder after the rename. Pass False when writing many
            files into one folder and call `fsync_directory` once at the end.
    """
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            with suppress(FileNotFoundError):
                if hasattr(os, "fchmod"):
                    os.fchmod(handle.fileno(), stat.S_IMODE(os.stat(path).st_mode))
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _replace(temp_name, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp_name)
        raise
    if sync_directory:
        fsync_directory(directory)


def atomic_write_text(path: Path, text: str, *, sync_directory: bool = True) -> None:
    """Replace `path` with `text` encoded as UTF-8, atomically (see `atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"), sync_directory=sync_directory)


def _replace(source: str, target: Path) -> None:
    # Windows refuses to replace a file that a reader holds open for a moment; retry briefly.
    for attempt in range(50):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if os.name != "nt" or attempt == 49:
                raise
            time.sleep(0.02)  # pragma: no cover - Windows only


# --- encoding and checking a file ----------------------------------------------------------


def encode_tables(tables: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> bytes:
    """Serialize a whole store file: compact JSON in UTF-8 (fast to write and to read)."""
    return json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_tables(raw: bytes) -> Tables:
    """Parse a store file and check its shape: an object of tables of records.

    Raises:
        ValueError: The content is not JSON, or not shaped like a store file.
    """
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("the file is not a JSON object")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise ValueError(f"table {name!r} is not a JSON object")
        for record in table.values():
            if not isinstance(record, dict):
                raise ValueError(f"a record of table {name!r} is not a JSON object")
    return data


# --- TinyDB pieces ---------------------------------------------------------------------


class AtomicJSONStorage(Storage):
    """A TinyDB storage over one JSON file that is only ever replaced whole.

    Usable on its own (`TinyDB(path, storage=AtomicJSONStorage)`), but `Store` adds the
    lock, the schema check and the damage handling that the library relies on.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(path)

    def read(self) -> Tables | None:
        """Return the file's tables, or None when the file is missing or empty."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            return None
        return decode_tables(raw)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace the file atomically with `data`."""
        atomic_write_bytes(self.path, encode_tables(data))


class _MemoryStorage(Storage):
    """The in-memory copy a transaction or snapshot works on."""

    def __init__(self, data: Tables, writable: bool, description: str) -> None:
        super().__init__()
        self.data = data
        self.writable = writable
        self.description = description
        self.changed = False

    def read(self) -> Tables:
        return self.data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if not self.writable:
            raise StoreReadOnly(
                f"{self.description} was opened for reading only, so it cannot be changed."
            )
        self.data = data
        self.changed = True


class StoreTable(Table):
    """A TinyDB table whose records are keyed by string ids given by the caller."""

    document_id_class = str  # type: ignore[assignment]

    def _get_next_id(self) -> str:
        # TinyDB would compute max(ids) + 1, which is meaningless for string ids and
        # unstable across processes: every record must be stored under an explicit id.
        raise TypeError(
            "Store records need an explicit string id: use StoreTable.put(id, record) "
            "or insert(Document(record, doc_id=id))."
        )

    def record(self, doc_id: str) -> Record | None:
        """Return a copy of the record stored under `doc_id`, or None."""
        found = self._read_table().get(doc_id)
        return dict(found) if found is not None else None

    def records(self) -> dict[str, Record]:
        """Return a copy of every record, keyed by id, in stored order."""
        return {doc_id: dict(record) for doc_id, record in self._read_table().items()}

    def put(self, doc_id: str, record: Mapping[str, Any]) -> None:
        """Insert `record` under `doc_id`, wholly replacing any record already there."""
        self.put_many({doc_id: record})

    def put_many(self, records: Mapping[str, Mapping[str, Any]]) -> None:
        """Insert or wholly replace many records in one pass over the table."""
        if not records:
            return

        def updater(table: dict[Any, Any]) -> None:
            for doc_id, record in records.items():
                table[str(doc_id)] = dict(record)

        self._update_table(updater)

    def delete(self, doc_id: str) -> bool:
        """Remove the record under `doc_id`; return whether there was one."""
        return bool(self.remove(doc_ids=[doc_id]))  # type: ignore[list-item]


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
        """
        self.path = Path(path)
        self.kind = kind
        self.schema = schema
        self.label = label or f"{kind} file"
        self._migrations = dict(migrations or {})
        self._lock_timeout = lock_timeout
        self._lock: BaseFileLock | None = None
        self._lock_creation = threading.Lock()
        self._warnings: list[str] = []
        self._newer_schema: int | None = None
        self._in_transaction = threading.local()

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

    def stamp(self) -> StatKey | None:
        """The file's `stat_key` (None if it is missing): it changes whenever any process
        writes the file, since every write replaces it."""
        try:
            return stat_key(self.path.stat())
        except OSError:
            return None

    def read_tables(self) -> Tables:
        """Return every table of the file as plain dicts: a fresh copy the caller owns.

        A missing file reads as no tables. Takes no lock (see the module docstring).
        """
        return self._load(locked=False).tables

    def read_table(self, name: str) -> dict[str, Record]:
        """Return one table's records, keyed by id (empty if the table does not exist)."""
        return self.read_tables().get(name, {})

    def snapshot(self) -> StoreDB:
        """Return a read-only TinyDB over the file as it is now; changing it raises."""
        storage = _MemoryStorage(
            self._load(locked=False).tables, writable=False, description=self._described()
        )
        return StoreDB(storage=lambda: storage)

    def check(self) -> None:
        """Read the file once, so that any damage or newer schema is reported now."""
        self._load(locked=False)

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
            with self._locked():
                loaded = self._load(locked=True)
                if loaded.newer_schema is not None:
                    raise StoreReadOnly(self._newer_message(loaded.newer_schema))
                storage = _MemoryStorage(
                    loaded.tables, writable=True, description=self._described()
                )
                yield StoreDB(storage=lambda: storage)
                if storage.changed:
                    encoded = encode_tables(self._with_meta(storage.data))
                    if encoded != loaded.raw:
                        atomic_write_bytes(self.path, encoded)
        finally:
            self._in_transaction.active = False

    # -- internals

    def _described(self) -> str:
        return f"The {self.label} {self.path}"

    def _newer_message(self, schema: int) -> str:
        return (
            f"The {self.label} {self.path} was written by a newer version of newsreader "
            f"(schema {schema}, this version knows {self.schema}), so it is left unchanged "
            "and nothing can be saved to it until newsreader is upgraded."
        )

    def _with_meta(self, tables: Tables) -> Tables:
        tables[META_TABLE] = {META_ID: {"kind": self.kind, "schema": self.schema}}
        return tables

    @contextmanager
    def _locked(self) -> Iterator[None]:
        # filelock is imported here, not at module level: reads never need it, and it
        # costs tens of milliseconds to import, which `newsreader list` cannot spare.
        from filelock import FileLock, Timeout

        try:
            with self._lock_creation:
                if self._lock is None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    self._lock = FileLock(f"{self.path}.lock", timeout=self._lock_timeout)
                lock = self._lock
            lock.acquire()
        except Timeout as err:
            raise StoreLocked(
                f"The {self.label} {self.path} is in use by another program; "
                "close it or try again in a moment."
            ) from err
        except OSError as err:
            reason = err.strerror or str(err)
            raise StoreError(f"The {self.label} {self.path} cannot be locked: {reason}.") from err
        try:
            yield
        finally:
            lock.release()

    def _read_raw(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            reason = err.strerror or str(err)
            raise StoreError(f"The {self.label} {self.path} cannot be read: {reason}.") from err

    def _load(self, *, locked: bool) -> _Loaded:
        raw = self._read_raw()
        if raw is None or not raw.strip():
            self._newer_schema = None
            return _Loaded(tables={}, raw=raw, newer_schema=None)
        try:
            tables, newer = self._understand(raw)
        except _Damaged:
            if not locked:
                # Another process may be replacing the file right now; decide under the lock.
                with self._locked():
                    return self._load(locked=True)
            self._set_aside()
            self._newer_schema = None
            return _Loaded(tables={}, raw=None, newer_schema=None)
        self._newer_schema = newer
        if newer is not None:
            self._warn(self._newer_message(newer))
        return _Loaded(tables=tables, raw=raw, newer_schema=newer)

    def _understand(self, raw: bytes) -> tuple[Tables, int | None]:
        """Decode, check kind and schema, and migrate; raise `_Damaged` if impossible."""
        try:
            tables = decode_tables(raw)
        except ValueError as err:  # includes JSONDecodeError and UnicodeDecodeError
            raise _Damaged(str(err)) from err
        meta = tables.get(META_TABLE, {}).get(META_ID)
        if meta is None:
            if tables:
                raise _Damaged("the file has no newsreader header")
            return tables, None
        kind = meta.get("kind")
        schema = meta.get("schema")
        if kind != self.kind:
            raise _Damaged(f"the file holds {kind!r}, not {self.kind!r}")
        if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
            raise _Damaged(f"the schema version {schema!r} is not valid")
        if schema > self.schema:
            return tables, schema
        for version in range(schema, self.schema):
            migrate = self._migrations.get(version)
            if migrate is not None:
                tables = migrate(tables)
        return tables, None

    def _set_aside(self) -> None:
        """Move the damaged file next to itself under a new, unique name, and say so."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        counter = 1
        while aside.exists():
            counter += 1
            aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{counter}")
        try:
            os.rename(self.path, aside)
        except OSError as err:
            reason = err.strerror or str(err)
            raise StoreError(
                f"The {self.label} {self.path} is damaged and could not be moved aside "
                f"({reason}); fix or remove it by hand."
            ) from err
        fsync_directory(self.path.parent)
        self._warn(
            f"The {self.label} {self.path} was damaged; it was kept as {aside} "
            "and a new one was started."
        )
