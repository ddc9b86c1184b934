"""The pieces every store shares: unique names, setting aside, headers, locks, messages."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pytest
from filelock import FileLock

from library.safe_files import (
    CrossProcessLock,
    DamagedFile,
    SchemaHeader,
    StoreLocked,
    atomic_write_bytes,
    damaged_message,
    move_into_place,
    newer_release_message,
    set_aside,
    unique_sibling,
)


def test_unique_sibling_never_lands_on_a_taken_name(tmp_path: Path) -> None:
    assert unique_sibling(tmp_path, "doc", ".jsonl") == tmp_path / "doc.jsonl"
    (tmp_path / "doc.jsonl").touch()
    (tmp_path / "doc-2.jsonl").touch()
    assert unique_sibling(tmp_path, "doc", ".jsonl") == tmp_path / "doc-3.jsonl"


def test_set_aside_keeps_every_damaged_copy(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    kept = []
    for number in range(3):
        path.write_bytes(b"garbage %d" % number)
        kept.append(set_aside(path, "catalog file"))
        assert not path.exists()
    assert len(set(kept)) == 3
    assert all(re.fullmatch(r"catalog\.json\.damaged-\d{8}-\d{6}(-\d+)?", p.name) for p in kept)
    assert sorted(p.read_bytes() for p in kept) == [b"garbage 0", b"garbage 1", b"garbage 2"]


def test_the_sentences_for_the_user() -> None:
    path, aside = Path("/lib/catalog.json"), Path("/lib/catalog.json.damaged-1")
    assert damaged_message("catalog file", path, aside, "a new one was started") == (
        "The catalog file /lib/catalog.json was damaged; it was kept as "
        "/lib/catalog.json.damaged-1 and a new one was started."
    )
    assert damaged_message("x file", path, aside, "so on", why="it is cut short") == (
        "The x file /lib/catalog.json was damaged (it is cut short); it was kept as "
        "/lib/catalog.json.damaged-1 and so on."
    )
    assert newer_release_message("catalog file", path, 9, 1, "it is left alone") == (
        "The catalog file /lib/catalog.json was written by a newer version of newsreader "
        "(schema 9, this version knows 1), so it is left alone until newsreader is upgraded."
    )


def test_a_schema_header_checks_kind_and_version() -> None:
    header = SchemaHeader("notes", 2)
    assert header.fields() == {"kind": "notes", "schema": 2}
    assert header.version_of({"kind": "notes", "schema": 1}) == 1
    assert header.version_of({"kind": "notes", "schema": 5}) == 5
    for found in (
        None,
        {"kind": "other", "schema": 1},
        {"kind": "notes"},
        {"kind": "notes", "schema": 0},
        {"kind": "notes", "schema": True},
        {"kind": "notes", "schema": "2"},
    ):
        with pytest.raises(DamagedFile):
            header.version_of(found)


def test_a_lock_held_elsewhere_fails_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "notes.json"
    lock = CrossProcessLock(path, "notes file", timeout=0.05)
    with lock.held():  # creates the folder; the lock can be taken again afterwards
        pass
    with FileLock(f"{path}.lock"), pytest.raises(StoreLocked) as caught, lock.held():
        pass
    assert str(caught.value) == (
        f"The notes file {path} is in use by another program; close it or try again in a moment."
    )
    with lock.held():
        pass


def test_move_into_place_replaces_the_target(tmp_path: Path) -> None:
    target, staged = tmp_path / "a.txt", tmp_path / "a.next"
    atomic_write_bytes(target, b"old")
    atomic_write_bytes(staged, b"new")
    move_into_place(staged, target)
    assert target.read_bytes() == b"new"
    assert not staged.exists()


def test_a_failed_write_names_its_file_and_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk fails with "[Errno 28] No space left on device" and no file name: the
    error names the file that could not be written, so the user is told which."""
    path = tmp_path / "catalog.json"
    path.write_bytes(b"old")

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError) as caught:
        atomic_write_bytes(path, b"new", sync_directory=False)
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == str(path)
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.json"]
