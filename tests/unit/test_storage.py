"""The store: atomic writes, one write per transaction, damaged and newer files, two processes."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from tinydb.table import Document

import library.storage as storage_module
from library.safe_files import StoreLocked, StoreReadOnly, atomic_write_bytes, atomic_write_text
from library.storage import MAX_NESTING, RecordFault, Store, Tables

REPO = Path(__file__).resolve().parents[2]
DAMAGED_NAME = re.compile(r"^notes\.json\.damaged-\d{8}-\d{6}(-\d+)?$")


def leftovers(folder: Path) -> list[str]:
    """Temporary files a write may have left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "notes.json", kind="notes")


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every atomic write the store makes."""
    seen: list[Path] = []
    from library.safe_files import atomic_write_bytes as real

    def spy(path: Path, data: bytes, *, sync_directory: bool = True) -> None:
        seen.append(path)
        real(path, data, sync_directory=sync_directory)

    monkeypatch.setattr(storage_module, "atomic_write_bytes", spy)
    return seen


# --- atomic files ----------------------------------------------------------------------


def test_atomic_write_replaces_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "file.txt"
    atomic_write_text(target, "first")
    atomic_write_text(target, "second — ünïcode")
    assert target.read_text(encoding="utf-8") == "second — ünïcode"
    assert leftovers(target.parent) == []
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.txt"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_atomic_write_keeps_permissions_and_new_files_are_private(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    atomic_write_bytes(target, b"one")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    target.chmod(0o640)
    atomic_write_bytes(target, b"two")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_failed_atomic_write_keeps_the_old_file_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "file.txt"
    atomic_write_bytes(target, b"old")

    def broken_replace(source: str, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


# --- transactions ----------------------------------------------------------------------


def test_transaction_writes_once_however_many_changes(store: Store, writes: list[Path]) -> None:
    with store.transaction() as db:
        table = db.table("highlights")
        for number in range(20):
            table.put(f"h{number}", {"n": number})
        table.delete("h3")
        table.update({"seen": True}, doc_ids=["h4"])  # type: ignore[list-item]
    assert writes == [store.path]
    records = store.read_table("highlights")
    assert len(records) == 19 and "h3" not in records
    assert records["h4"] == {"n": 4, "seen": True}
    assert leftovers(store.path.parent) == []


def test_transaction_without_changes_writes_nothing(store: Store, writes: list[Path]) -> None:
    with store.transaction() as db:
        assert db.table("highlights").records() == {}
    assert writes == []
    assert not store.path.exists()

    with store.transaction() as db:
        db.table("highlights").put("a", {"n": 1})
    with store.transaction() as db:
        db.table("highlights").put("a", {"n": 1})  # the same value again
        db.table("highlights").delete("missing")
    assert writes == [store.path]


def test_exception_in_transaction_writes_nothing(store: Store) -> None:
    with store.transaction() as db:
        db.table("highlights").put("a", {"n": 1})
    before = store.path.read_bytes()
    with pytest.raises(KeyError), store.transaction() as db:
        db.table("highlights").put("a", {"n": 2})
        db.table("highlights").put("b", {"n": 3})
        raise KeyError("boom")
    assert store.path.read_bytes() == before
    # The lock was released: another transaction goes through.
    with store.transaction() as db:
        db.table("highlights").put("b", {"n": 3})
    assert set(store.read_table("highlights")) == {"a", "b"}


def test_records_use_string_ids_and_never_auto_increment(store: Store) -> None:
    with store.transaction() as db:
        table = db.table("t")
        # TinyDB's annotations say int; StoreTable makes str the id class.
        table.insert(Document({"a": 1}, doc_id="x1"))  # type: ignore[arg-type]
        table.upsert(Document({"b": 2}, doc_id="x1"))  # type: ignore[arg-type]
        table.put("y2", {"c": 3})
        with pytest.raises(TypeError, match="explicit string id"):
            table.insert({"d": 4})
        assert [str(doc.doc_id) for doc in table.all()] == ["x1", "y2"]
        assert table.record("x1") == {"a": 1, "b": 2}
        table.put("x1", {"z": 0})  # put replaces the whole record
    raw = json.loads(store.path.read_text(encoding="utf-8"))
    assert raw["t"] == {"x1": {"z": 0}, "y2": {"c": 3}}
    assert raw["_meta"] == {"store": {"kind": "notes", "schema": 1}}


@pytest.mark.parametrize("replaced", [1, 10])
def test_put_many_replaces_records_where_they_are(store: Store, replaced: int) -> None:
    """A replaced record keeps its place (the catalog lists ties in stored order), however
    many are replaced at once; new ones come after."""
    with store.transaction() as db:
        db.table("t").put_many({f"r{n}": {"n": n, "old": True} for n in range(20)})
    changed = {f"r{n}": {"n": -n} for n in range(0, 20, 20 // replaced)}
    with store.transaction() as db:
        db.table("t").put_many({**changed, "new": {"n": 99}})
    records = store.read_table("t")
    assert list(records) == [f"r{n}" for n in range(20)] + ["new"]
    assert records["new"] == {"n": 99}
    for n in range(20):
        key = f"r{n}"
        assert records[key] == changed.get(key, {"n": n, "old": True})  # wholly replaced


def test_nested_transactions_are_refused(store: Store) -> None:
    with store.transaction(), pytest.raises(RuntimeError), store.transaction():
        pass


def test_a_held_lock_makes_a_transaction_fail_with_a_sentence(tmp_path: Path) -> None:
    store = Store(tmp_path / "notes.json", kind="notes", lock_timeout=0.05)
    with (
        FileLock(f"{store.path}.lock"),
        pytest.raises(StoreLocked) as caught,
        store.transaction(),
    ):
        pass
    assert str(caught.value).startswith(f"The notes file {store.path} is in use")
    with store.transaction() as db:
        db.table("t").put("a", {})


# --- damaged files ---------------------------------------------------------------------

DAMAGED_CONTENTS = {
    "not json": b"{this is not json",
    "truncated": b'{"t":{"a":{"n":1}},"_meta":{"store":{"kind":"notes","sch',
    "not utf-8": b'{"t": {"a": {"n": "\xff\xfe"}}}',
    "a list": b"[1, 2, 3]",
    "a table that is not an object": b'{"t": [1, 2]}',
    "a record that is not an object": b'{"t": {"a": 5}}',
    "no header": b'{"t": {"a": {"n": 1}}}',
    "another kind": b'{"_meta": {"store": {"kind": "settings", "schema": 1}}}',
    "a bad schema": b'{"_meta": {"store": {"kind": "notes", "schema": "one"}}}',
    # Too deep for Python's parser (RecursionError), and just deeper than MAX_NESTING.
    "nested 200,000 deep": b'{"t": {"a": {"n": ' + b"[" * 200_000 + b"]" * 200_000 + b"}}}",
    "nested too deep": b'{"t": {"a": {"n": '
    + b"[" * (MAX_NESTING + 1)
    + b"]" * (MAX_NESTING + 1)
    + b'}}, "_meta": {"store": {"kind": "notes", "schema": 1}}}',
}


@pytest.mark.parametrize("content", DAMAGED_CONTENTS.values(), ids=DAMAGED_CONTENTS.keys())
def test_damaged_file_is_kept_aside_never_overwritten(store: Store, content: bytes) -> None:
    store.path.write_bytes(content)
    with store.transaction() as db:
        assert db.table("t").records() == {}
        db.table("t").put("fresh", {"n": 1})

    asides = [p for p in store.path.parent.iterdir() if ".damaged-" in p.name]
    assert len(asides) == 1
    assert DAMAGED_NAME.match(asides[0].name)
    assert asides[0].read_bytes() == content
    assert store.warnings == (
        f"The notes file {store.path} was damaged; it was kept as {asides[0]} "
        "and a new one was started.",
    )
    assert store.read_table("t") == {"fresh": {"n": 1}}


def test_damaged_file_found_by_a_read_is_set_aside_too(store: Store) -> None:
    store.path.write_bytes(b"garbage")
    assert store.read_tables() == {}
    assert not store.path.exists()
    assert len(store.warnings) == 1 and "was damaged; it was kept as" in store.warnings[0]


def test_each_damaged_file_gets_its_own_name(store: Store) -> None:
    for number in range(3):
        store.path.write_bytes(b"garbage %d" % number)
        store.check()
    asides = sorted(p for p in store.path.parent.iterdir() if ".damaged-" in p.name)
    assert len(asides) == 3
    assert {p.read_bytes() for p in asides} == {b"garbage 0", b"garbage 1", b"garbage 2"}
    assert len(store.warnings) == 3


def test_empty_file_is_a_new_store_not_a_damaged_one(store: Store) -> None:
    store.path.write_bytes(b"")
    with store.transaction() as db:
        db.table("t").put("a", {})
    assert store.warnings == ()
    assert [p.name for p in store.path.parent.iterdir() if ".damaged-" in p.name] == []


def test_values_nested_within_the_limit_are_read_and_written_back(store: Store) -> None:
    nested: Any = []
    for _ in range(MAX_NESTING - 1):
        nested = [nested]
    with store.transaction() as db:
        db.table("t").put("a", {"n": nested})
    with store.transaction() as db:
        db.table("t").put("b", {"n": 1})
    assert store.read_table("t")["a"] == {"n": nested} and store.warnings == ()


# --- records of the wrong kind ---------------------------------------------------------


def _positive_n(record_id: str, record: dict[str, Any]) -> RecordFault | None:
    """A check: ``n`` must be a positive int; a record without one cannot be used."""
    n = record.get("n")
    if n is None:
        return RecordFault(("n",), skipped=True)
    return None if isinstance(n, int) and n > 0 else RecordFault(("n",))


def test_records_of_the_wrong_kind_are_told_once_and_kept(tmp_path: Path) -> None:
    store = Store(tmp_path / "notes.json", kind="notes", checks={"t": _positive_n})
    with store.transaction() as db:
        db.table("t").put_many({"good": {"n": 1}, "neg": {"n": -7}, "text": {"n": "lots"}})
        db.table("t").put("none", {"m": 1})
        db.table("u").put("other", {"n": -1})  # another table: not checked
    tables = store.read_tables()
    assert tables["t"]["neg"] == {"n": -7}  # handed out as stored: the reader decides
    assert store.warnings == (
        f"The notes file {store.path} has 1 record that cannot be used (none: n); "
        "it is left in the file and skipped.",
        f"The notes file {store.path} has values of the wrong kind in 2 records "
        "(neg: n; text: n); they are left in the file and read as unknown.",
    )
    store.read_tables()
    store.check()
    assert len(store.warnings) == 2  # the same content is not checked again
    before = store.path.read_bytes()
    with store.transaction() as db:  # a write elsewhere keeps every bad record as it was
        db.table("t").put("good", {"n": 2})
    assert json.loads(store.path.read_bytes())["t"]["neg"] == {"n": -7}
    assert len(store.path.read_bytes()) == len(before)


def test_a_warning_names_a_few_records_shown_safely(tmp_path: Path) -> None:
    store = Store(tmp_path / "notes.json", kind="notes", checks={"t": _positive_n})
    with store.transaction() as db:
        db.table("t").put_many({f"\x1b[2J{'x' * 50}{n}": {"n": 0} for n in range(8)})
    store.check()
    (warning,) = store.warnings
    assert "\x1b" not in warning and "in 8 records" in warning and "; and 3 more)" in warning
    assert "xxxxxxxxxx…: n" in warning


# --- schema versions -------------------------------------------------------------------


def test_newer_schema_is_read_but_never_written(store: Store) -> None:
    content = json.dumps(
        {"t": {"a": {"n": 1}}, "_meta": {"store": {"kind": "notes", "schema": 7}}}
    ).encode()
    store.path.write_bytes(content)
    assert store.read_table("t") == {"a": {"n": 1}}
    assert store.read_only
    with pytest.raises(StoreReadOnly) as caught, store.transaction() as db:
        db.table("t").put("b", {})
    message = str(caught.value)
    assert "newer version of newsreader" in message and "\n" not in message
    assert store.path.read_bytes() == content
    assert store.warnings == (message,)


def test_older_schema_is_migrated_and_saved_on_next_write(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text(
        json.dumps({"t": {"a": {"n": 1}}, "_meta": {"store": {"kind": "notes", "schema": 1}}})
    )

    def one_to_two(tables: Tables) -> Tables:
        for record in tables.get("t", {}).values():
            record["m"] = record.pop("n")
        return tables

    store = Store(path, kind="notes", schema=3, migrations={1: one_to_two})
    assert store.read_table("t") == {"a": {"m": 1}}
    assert json.loads(path.read_text())["_meta"]["store"]["schema"] == 1  # reading changes nothing
    with store.transaction() as db:
        db.table("t").put("b", {"m": 2})
    saved = json.loads(path.read_text())
    assert saved["t"] == {"a": {"m": 1}, "b": {"m": 2}}
    assert saved["_meta"]["store"] == {"kind": "notes", "schema": 3}


# --- two processes -------------------------------------------------------------------

WORKER = """
import sys
import threading
from pathlib import Path
from library.storage import Store

store = Store(Path(sys.argv[1]), kind="notes", lock_timeout=60)
name = sys.argv[2]
for number in range(int(sys.argv[3])):
    with store.transaction() as db:
        table = db.table("t")
        counter = table.record("counter") or {"value": 0}
        table.put("counter", {"value": counter["value"] + 1})
        table.put(f"{name}-{number}", {"by": name})
"""


@pytest.mark.slow
def test_two_processes_lose_no_transaction(store: Store) -> None:
    rounds = 200
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(store.path), name, str(rounds)],
            cwd=REPO,
            env=environment,
            stderr=subprocess.PIPE,
        )
        for name in ("left", "right")
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors.decode()
    records: dict[str, Any] = store.read_table("t")
    assert records["counter"] == {"value": 2 * rounds}
    assert len(records) == 2 * rounds + 1
    assert store.warnings == ()
    assert leftovers(store.path.parent) == []


def test_threads_sharing_one_store_lose_no_transaction(store: Store) -> None:
    rounds = 50

    def work() -> None:
        for _ in range(rounds):
            with store.transaction() as db:
                table = db.table("t")
                counter = table.record("counter") or {"value": 0}
                table.put("counter", {"value": counter["value"] + 1})

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert store.read_table("t")["counter"] == {"value": 4 * rounds}
