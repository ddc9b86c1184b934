"""The catalog's document records, kept in 64 small files instead of one large one.

A library fed by feeds holds tens of thousands of documents. With every record in one
file, each command that touches a single document (`show`, `highlight`, opening one in
the app) read and checked the whole catalog: 20 MB and 1.5 s at 50,000 documents, a
hundred times what the document itself costs. Here the records are spread over 64 files,
``catalog/<xx>.json``, by the start of their id (`shard_of`; ids are hex digests, so the
files fill evenly: some 800 records each at 50,000, a few milliseconds to read). One
document costs one small file whatever the size of the library; listing the library reads
them all, as it must. (256 files, by two hex digits, cost a small library's start some
40 ms in opening so many files; 16 would make each shard of a large library a 1 MB read.)

Why files of the same kind rather than an embedded database: each shard is a `Store`,
so every guarantee the library's stores give holds per shard without new machinery —
atomic replacement, a schema version, hand edits read tolerantly and reported, a damaged
file kept aside (and now it costs only the records of one shard, not the catalog). The
library's other files keep their shape too: texts stay plain files, and highlights stay
in their per-document journals. SQLite would give partial reads as well, but a second
storage engine with its own damage, locking and migration rules for one table of small
records buys nothing the shards do not.

Changes take one lock for the whole catalog (``catalog.lock``), then write each shard
they touch in its own transaction. A batch that spans shards is therefore not atomic as a
whole: a crash partway leaves some of its documents recorded and the others not — each
record whole, each recorded text in place (texts are written first), and the unrecorded
texts tidied away as leftovers of the add. Readers take no lock: a shard is only ever
replaced whole.

A library written before shards has one ``catalog.json``; the first open moves its
records into shards under the lock and keeps the old file as ``catalog.json.before-shards``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from library.entries import Entry, entry_from_record
from library.safe_files import CrossProcessLock, StatKey, stat_key
from library.storage import Record, RecordFault, Store

DOCUMENTS_TABLE = "documents"
"""The table of document records in each shard (and in the catalog file before shards)."""

SHARD_FOLDER = "catalog"
"""The folder of the shards, in the library home."""

LEGACY_FILE = "catalog.json"
"""The one catalog file of libraries written before shards."""

MIGRATED_SUFFIX = ".before-shards"
"""What the legacy file is renamed with once its records are in shards."""

_SAVE_WORKERS = 16
"""How many shards a change writes at once."""

_SHARDS_REMEMBERED = 4
"""How many shards' records are kept for reading (see `CatalogShards._records_of`)."""

_SHARD_NAME = re.compile(r"[0-9a-z_-][0-3_]\.json")

RecordCheck = Callable[[str, Record], RecordFault | None]


def shard_of(doc_id: str) -> str:
    """The name of the shard that holds `doc_id`'s record: its first character and which
    quarter of the hex digits its second is in (``3e`` → ``33``), in lower case so that an
    id typed in capitals finds it. An id that is not hex (edited by hand) goes by its
    first character, its second read as ``_``."""
    lowered = doc_id.lower()
    second = lowered[1] if len(lowered) > 1 else "_"
    return lowered[0] + _QUARTER_OF.get(second, "_")


_QUARTER_OF = {digit: str(int(digit, 16) // 4) for digit in "0123456789abcdef"}


class CatalogShards:
    """The document records of one library, spread over shard files."""

    def __init__(self, home: Path, check: RecordCheck) -> None:
        """Describe the shards of the library at `home`; nothing is read or created yet.

        Args:
            home: The library home folder.
            check: Checks each record when a shard is read (see `Store`).
        """
        self.home = home
        self.path = home / SHARD_FOLDER
        self.legacy_path = home / LEGACY_FILE
        self._check = check
        self._stores: dict[str, Store] = {}
        self._lock = CrossProcessLock(self.path, "catalog file")
        self._legacy_warnings: tuple[str, ...] = ()
        self._entries_memo: dict[str, tuple[StatKey, list[Entry]]] = {}
        self._records_memo: dict[str, tuple[StatKey, dict[str, Record]]] = {}

    def __repr__(self) -> str:
        return f"CatalogShards({str(self.path)!r})"

    def exists(self) -> bool:
        """Whether the library has a catalog yet (in shards, or in one file before them)."""
        return self.path.is_dir() or self.legacy_path.exists()

    # -- what the user should be told

    @property
    def warnings(self) -> tuple[str, ...]:
        """One sentence per problem met in the shards read so far, and in the legacy file."""
        found = [w for store in self._stores.values() for w in store.warnings]
        return tuple(dict.fromkeys((*self._legacy_warnings, *found)))

    @property
    def read_only(self) -> bool:
        """Whether a shard read so far comes from a newer release (it is never written)."""
        return any(store.read_only for store in self._stores.values())

    def damaged_kept(self) -> bool:
        """Whether a damaged shard (or catalog file) lies aside, and may name texts."""
        return any(self.path.glob("*.damaged-*")) or any(self.home.glob(f"{LEGACY_FILE}.damaged-*"))

    def change_key(self) -> StatKey | None:
        """Changes whenever any process writes a shard: each write replaces a file in the
        folder, which changes the folder's own modification time."""
        try:
            return stat_key(self.path.stat())
        except OSError:
            return None

    # -- reading

    def store(self, name: str) -> Store:
        """The `Store` of the shard `name` (made on first use)."""
        store = self._stores.get(name)
        if store is None:
            store = Store(
                self.path / f"{name}.json",
                kind="catalog",
                label="catalog file",
                checks={DOCUMENTS_TABLE: self._check},
            )
            self._stores[name] = store
        return store

    def shard_names(self) -> list[str]:
        """The shards that exist, sorted."""
        try:
            names = [path.name for path in self.path.iterdir()]
        except OSError:
            return []
        return sorted(name[:2] for name in names if _SHARD_NAME.fullmatch(name))

    def records(self) -> dict[str, Record]:
        """Every document record, by id (reads every shard)."""
        found: dict[str, Record] = {}
        for name in self.shard_names():
            found.update(self.store(name).read_table(DOCUMENTS_TABLE))
        return found

    def entries(self) -> list[Entry]:
        """The entry of every usable record (reads every shard that changed since the last
        call: a long-running app lists the library again after each change, and at 50,000
        documents reading only what changed is the difference between waiting and not).

        Each shard is checked and turned into entries in one go, so what the check read of
        a record is still remembered when its entry is made (see `library.entries`).
        """
        found: list[Entry] = []
        memo: dict[str, tuple[StatKey, list[Entry]]] = {}
        for name in self.shard_names():
            store = self.store(name)
            key = store.change_key()
            known = self._entries_memo.get(name)
            if known is not None and key is not None and known[0] == key:
                shard_entries = known[1]
            else:
                shard_entries = [
                    entry
                    for doc_id, record in store.read_table(DOCUMENTS_TABLE).items()
                    if (entry := entry_from_record(doc_id, record)) is not None
                ]
            if key is not None:
                memo[name] = (key, shard_entries)
            found.extend(shard_entries)
        self._entries_memo = memo
        return found

    def record(self, doc_id: str) -> Record | None:
        """The record of exactly `doc_id`, or None (reads one shard, checks one record)."""
        name = shard_of(doc_id)
        record = self._records_of(name).get(doc_id)
        if record is not None:
            self.store(name).check_records(DOCUMENTS_TABLE, {doc_id: record})
        return record

    def _records_of(self, name: str) -> dict[str, Record]:
        """The records of the shard `name`, to read, not to change: read again only when
        the shard changed since. A command about one document finds its id and then its
        record in the same shard, some 800 records to read and check at 50,000 documents:
        once, not twice. The last `_SHARDS_REMEMBERED` shards read are kept."""
        store = self.store(name)
        key = store.change_key()
        if key is None:  # no such shard yet
            return store.read_table(DOCUMENTS_TABLE)
        known = self._records_memo.pop(name, None)
        if known is None or known[0] != key:
            # Unchecked here: the records handed out are checked alone (`record`,
            # `records_starting`), not the ~800 beside them in a shard at 50,000.
            known = (key, store.read_table(DOCUMENTS_TABLE, checked=False))
        self._records_memo[name] = known  # the newest last
        while len(self._records_memo) > _SHARDS_REMEMBERED:
            del self._records_memo[next(iter(self._records_memo))]
        return known[1]

    def records_starting(self, prefix: str) -> dict[str, Record]:
        """The records whose id starts with `prefix`, ignoring case (reads only the shards
        that can hold them: one for a prefix of two characters or more)."""
        lowered = prefix.lower()
        found: dict[str, Record] = {}
        for name in self.shard_names():
            if name == shard_of(lowered) if len(lowered) > 1 else name[0] == lowered:
                matching = {
                    doc_id: record
                    for doc_id, record in self._records_of(name).items()
                    if doc_id.lower().startswith(lowered)
                }
                self.store(name).check_records(DOCUMENTS_TABLE, matching)
                found.update(matching)
        return found

    # -- writing

    @contextmanager
    def transaction(self) -> Iterator[ShardedDB]:
        """Hold the catalog's lock; the block's changes are saved shard by shard at its end
        (nothing when it raises). Records are read fresh under the lock, only from the
        shards the block asks for.

        Raises:
            StoreLocked: Another process held the lock past its timeout.
            StoreReadOnly: A shard to be written comes from a newer release.
        """
        with self._lock.held():
            database = ShardedDB(self)
            yield database
            database.table(DOCUMENTS_TABLE).save()

    def migrate_legacy(self) -> None:
        """Move the records of a catalog written before shards into shards (see the module
        docstring). A legacy file that is damaged is kept aside by its store, and said so;
        one from a newer release is left as it is."""
        if not self.legacy_path.exists():
            return
        legacy = Store(
            self.legacy_path,
            kind="catalog",
            label="catalog file",
            checks={DOCUMENTS_TABLE: self._check},
        )
        with self.transaction() as db:
            if not self.legacy_path.exists():
                return  # another copy moved it meanwhile
            records = legacy.read_table(DOCUMENTS_TABLE)
            self._legacy_warnings = legacy.warnings
            if legacy.read_only:
                return
            table = db.table(DOCUMENTS_TABLE)
            table.put_many({doc_id: records[doc_id] for doc_id in records if doc_id not in table})
        if self.legacy_path.exists():
            self.legacy_path.replace(self.legacy_path.with_name(LEGACY_FILE + MIGRATED_SUFFIX))


class ShardedDB:
    """What a catalog transaction hands out: its one table, as a TinyDB database would."""

    def __init__(self, shards: CatalogShards) -> None:
        self._table = ShardedTable(shards)

    def table(self, name: str) -> ShardedTable:
        """The table of document records (the only table the catalog has)."""
        if name != DOCUMENTS_TABLE:
            raise ValueError(f"The catalog has no table {name!r}.")
        return self._table


class ShardedTable:
    """The document records under the catalog's lock: shards are read when first asked
    for, changes are kept until `save`."""

    def __init__(self, shards: CatalogShards) -> None:
        self._shards = shards
        self._read: dict[str, dict[str, Record]] = {}
        self._changed: dict[str, dict[str, Record | None]] = {}

    def _shard(self, name: str) -> dict[str, Record]:
        records = self._read.get(name)
        if records is None:
            records = self._shards.store(name).read_table(DOCUMENTS_TABLE)
            self._read[name] = records
        return records

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and doc_id in self._shard(shard_of(doc_id))

    def records(self) -> dict[str, Record]:
        """Every record, by id, with this transaction's changes."""
        found: dict[str, Record] = {}
        for name in dict.fromkeys([*self._shards.shard_names(), *self._changed]):
            found.update(self._shard(name))
        return found

    def record(self, doc_id: str) -> Record | None:
        """The record of `doc_id`, with this transaction's changes, or None."""
        return self._shard(shard_of(doc_id)).get(doc_id)

    def put(self, doc_id: str, record: Mapping[str, Any]) -> None:
        """Store `record` under `doc_id`, replacing any record there."""
        self.put_many({doc_id: record})

    def put_many(self, records: Mapping[str, Mapping[str, Any]]) -> None:
        """Store each record under its id."""
        for doc_id, record in records.items():
            name = shard_of(doc_id)
            self._shard(name)[doc_id] = dict(record)
            self._changed.setdefault(name, {})[doc_id] = dict(record)

    def delete(self, doc_id: str) -> bool:
        """Delete the record of `doc_id`; whether there was one."""
        name = shard_of(doc_id)
        if self._shard(name).pop(doc_id, None) is None:
            return False
        self._changed.setdefault(name, {})[doc_id] = None
        return True

    def save(self) -> None:
        """Write every shard changed, each in its own transaction, in a fixed order."""
        names = sorted(self._changed)
        if len(names) == 1:
            self._save_shard(names[0])
        else:
            from concurrent.futures import ThreadPoolExecutor  # (and logging): for writers only

            # Several at a time, as their fsyncs wait on the disk without the GIL.
            with ThreadPoolExecutor(max_workers=_SAVE_WORKERS) as pool:
                for _ in pool.map(self._save_shard, names):
                    pass
        self._changed.clear()

    def _save_shard(self, name: str) -> None:
        store = self._shards.store(name)
        changes = self._changed[name]
        try:
            with store.transaction() as db:
                table = db.table(DOCUMENTS_TABLE)
                replaced = {k: v for k, v in changes.items() if v is not None}
                if replaced:
                    table.put_many(replaced)
                for doc_id in [k for k, v in changes.items() if v is None]:
                    table.delete(doc_id)
        except OSError as err:
            if err.filename is None:  # a full disk says so at fsync, naming no file
                err.filename = str(store.path)
            raise
