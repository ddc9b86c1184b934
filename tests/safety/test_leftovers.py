"""Leftovers of adds killed midway: removed the next time the library opens, and only them.

An add writes each new document's text (and its sentence spans) before the catalog records
it. A process killed in between leaves texts that no record names, and a write cut short
leaves a hidden temporary file. Opening the library removes those files, and only those:
files newsreader makes, in `documents/`, that no record names. It never removes what an
add still running in another copy has written, nor the texts a damaged catalog set aside
still names.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from library.catalog import Catalog
from tests.safety.support import HELPER as WRITER
from tests.safety.support import listing, run_cli, sha256_of, subprocess_env

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")

HELPER = Path(__file__).resolve().parent / "interrupted_add.py"
"""The helper process that interrupts an add on purpose."""


def _articles(folder: Path, count: int, tag: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"{tag}-{number:03}.txt").write_text(
            f"Article {tag} {number}\n\nThe {tag} story number {number} has one sentence.\n",
            "utf-8",
        )
    return folder


def _unnamed_files(home: Path) -> list[str]:
    """The files of `documents/` that no catalog record names (texts, spans, anything)."""
    ids = {row["id"] for row in listing(home)}
    return sorted(
        path.name for path in (home / "documents").iterdir() if path.name.split(".")[0] not in ids
    )


def _run_helper(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(HELPER), *args],
        env=subprocess_env(home),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _user_files(home: Path, elsewhere: Path) -> dict[Path, bytes]:
    """Files that look like newsreader's but are the user's: none may be touched."""
    documents = home / "documents"
    made = {
        documents / "notes.txt": b"my own notes\n",
        documents / "README": b"kept\n",
        documents / "0123456789ab.txt.bak": b"a copy I made\n",
        documents / "ABCDEF012345.txt": b"upper case: not an id newsreader makes\n",
        home / "fedcba987654.txt": b"beside the library, not in documents/\n",
        elsewhere / "fedcba987654.txt": b"the target of a link\n",
    }
    for path, data in made.items():
        path.write_bytes(data)
    (documents / "fedcba987654.txt").symlink_to(elsewhere / "fedcba987654.txt")
    (documents / "0123456789ab.spans").mkdir()  # a folder with a made-like name
    return made


@pytest.mark.slow
def test_kill_9_while_adding_leaves_files_that_the_next_open_removes(
    private_home: Path, tmp_path: Path
) -> None:
    Catalog.open(private_home)  # the library exists, with its welcome guide
    folder = _articles(tmp_path / "incoming", 12, "crash")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    user_files = _user_files(private_home, elsewhere)
    documents = private_home / "documents"
    before = sorted(p.name for p in documents.iterdir())

    dying = _run_helper(private_home, "die-writing-text", str(folder), "6")
    assert dying.returncode == -signal.SIGKILL, dying.stderr
    left = sorted(set(p.name for p in documents.iterdir()) - set(before))
    # Five texts written, and the sixth cut short halfway.
    assert sum(name.endswith(".txt") and not name.startswith(".") for name in left) == 6

    catalog = Catalog.open(private_home)
    assert catalog.warnings == ()
    assert sorted(p.name for p in documents.iterdir()) == before
    for path, data in user_files.items():
        assert path.read_bytes() == data
    assert (documents / "fedcba987654.txt").is_symlink()
    assert (documents / "0123456789ab.spans").is_dir()
    # The library works as before: adding the same folder now adds every article.
    result = run_cli("add", str(folder))
    assert result.code == 0, result
    assert len(listing(private_home)) == 13
    users = [p.name for p in user_files if p.parent == documents]
    assert _unnamed_files(private_home) == sorted(
        [*users, "fedcba987654.txt", "0123456789ab.spans"]
    )


@pytest.mark.slow
def test_an_add_in_progress_in_another_copy_keeps_its_files_when_the_library_opens(
    private_home: Path, tmp_path: Path
) -> None:
    Catalog.open(private_home)  # a library with its welcome guide, as the app makes it
    folder = _articles(tmp_path / "incoming", 20, "slow")
    go_file = tmp_path / "go"
    adder = subprocess.Popen(
        [sys.executable, str(HELPER), "pause-before-commit", str(folder), str(go_file)],
        env=subprocess_env(private_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert adder.stdout is not None
        assert adder.stdout.readline().strip() == "written", adder.stderr
        documents = private_home / "documents"
        written = sorted(p.name for p in documents.iterdir())
        assert len(_unnamed_files(private_home)) >= 20  # not yet named by any record
        # Another copy opens the library (twice: the second open sees the same thing).
        Catalog.open(private_home)
        Catalog.open(private_home)
        assert sorted(p.name for p in documents.iterdir()) == written
    finally:
        go_file.touch()
        out, err = adder.communicate(timeout=60)
    assert adder.returncode == 0, err
    added = [line.split()[1] for line in out.splitlines() if line.startswith("added ")]
    assert len(added) == 20
    catalog = Catalog.open(private_home)
    for doc_id in added:
        assert sha256_of(catalog.text_path(doc_id)) == catalog.entry(doc_id).content_hash
    assert _unnamed_files(private_home) == []


def test_texts_are_kept_while_a_damaged_catalog_lies_aside(
    private_home: Path, tmp_path: Path
) -> None:
    folder = _articles(tmp_path / "incoming", 3, "kept")
    assert run_cli("add", str(folder)).code == 0
    texts = sorted(p.name for p in (private_home / "documents").glob("*.txt"))
    assert len(texts) == 4
    (private_home / "catalog.json").write_text("{ damaged", "utf-8")

    opened = Catalog.open(private_home)  # sets the catalog aside: a new one is started
    assert any("damaged" in warning for warning in opened.warnings)
    Catalog.open(private_home)  # and opened again, with the damaged one still aside
    assert sorted(p.name for p in (private_home / "documents").glob("*.txt")) == texts


def test_an_add_commits_a_text_removed_behind_its_back(
    private_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should an add's texts be removed before it commits (its registration did not hold,
    or a person deleted them), the add writes them again rather than record texts that
    are not there."""
    import library.text_folder as text_folder_module

    Catalog.open(private_home)  # a library with its welcome guide, as the app makes it
    folder = _articles(tmp_path / "incoming", 3, "again")
    real_fsync_directory = vars(text_folder_module)["fsync_directory"]
    documents = private_home / "documents"
    before = {p.name for p in documents.iterdir()}
    removed: list[str] = []

    def fsync_then_remove(directory: Path) -> None:
        real_fsync_directory(directory)
        if not removed:
            for path in documents.glob("*.txt"):
                if path.name not in before:
                    removed.append(path.name)
                    path.unlink()

    monkeypatch.setitem(vars(text_folder_module), "fsync_directory", fsync_then_remove)
    result = Catalog.open(private_home).add([folder])
    assert len(result.added) == 3 and len(removed) == 3
    catalog = Catalog.open(private_home)
    for entry in result.added:
        assert sha256_of(catalog.text_path(entry.id)) == entry.content_hash


def test_opening_a_tidy_library_takes_no_lock(private_home: Path, tmp_path: Path) -> None:
    """Nothing to remove, nothing locked: `newsreader list` stays as fast as before."""
    folder = _articles(tmp_path / "incoming", 3, "tidy")
    assert run_cli("add", str(folder)).code == 0
    lock = private_home / "catalog.lock"
    lock.unlink()
    Catalog.open(private_home)
    assert not lock.exists()
    assert len(listing(private_home)) == 4
    assert not lock.exists()


@pytest.mark.slow
def test_opening_again_and_again_while_another_copy_adds_loses_nothing(
    private_home: Path, tmp_path: Path
) -> None:
    """Churn: a copy adds documents non-stop while this one opens the library over and
    over. The adder never fails (none of its files vanishes under it), every add it
    acknowledged is listed with its text, and once it is killed, one more open leaves
    nothing behind."""
    Catalog.open(private_home)  # a library with its welcome guide, as the app makes it
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), "catalog-adds", str(tmp_path / "incoming"), "--seed", "7"],
        env=subprocess_env(private_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready", writer.stderr
    opens = 0
    deadline = time.monotonic() + 4.0
    while time.monotonic() < deadline:
        Catalog.open(private_home)
        opens += 1
    writer.send_signal(signal.SIGKILL)
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == -signal.SIGKILL, err  # it was still adding, never failed
    acknowledged = dict(line.split()[1:3] for line in out.split("\n")[:-1] if line.startswith("A "))
    assert len(acknowledged) > 10 and opens > 10
    catalog = Catalog.open(private_home)
    for doc_id, content_hash in acknowledged.items():
        assert catalog.entry(doc_id).content_hash == content_hash
        assert sha256_of(catalog.text_path(doc_id)) == content_hash
    assert _unnamed_files(private_home) == []


@pytest.mark.slow
def test_two_updates_of_one_document_in_a_row_keep_its_text_and_hash_together(
    private_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A changed document's new text waits beside the old one until the catalog names it.
    When a second update commits before the first has swapped its text in, the first must
    not swap in its text over the second's: the catalog records the second."""
    import threading

    import library.storage as storage_module
    import library.text_folder as text_folder_module

    source = _write_story(tmp_path / "story.txt", "first")
    (entry,) = Catalog.open(private_home).add([source]).added
    real_write = vars(storage_module)["atomic_write_bytes"]
    real_move = vars(text_folder_module)["move_into_place"]
    first = threading.current_thread()
    second: list[threading.Thread] = []

    other_copy = Catalog.open(private_home)  # open already, as the app would be

    def second_update() -> None:
        _write_story(source, "third")
        other_copy.add([source])

    def write(path: Path, data: bytes, **options: object) -> None:
        real_write(path, data, **options)
        is_shard = path.parent.name == "catalog"
        if is_shard and threading.current_thread() is first and not second:
            # The first update is committed: a second one starts in another copy, and
            # takes the catalog's lock as soon as it is free.
            second.append(threading.Thread(target=second_update))
            second[0].start()

    def move(source_path: Path, target: Path, **options: object) -> None:
        if threading.current_thread() is first and second:
            second[0].join(timeout=2.0)  # done, unless the first holds the lock it needs
        real_move(source_path, target, **options)

    monkeypatch.setitem(vars(storage_module), "atomic_write_bytes", write)
    monkeypatch.setitem(vars(text_folder_module), "move_into_place", move)
    _write_story(source, "second")
    Catalog.open(private_home).add([source])
    second[0].join(timeout=30)
    assert not second[0].is_alive()

    catalog = Catalog.open(private_home)
    recorded = catalog.entry(entry.id).content_hash
    assert sha256_of(catalog.text_path(entry.id)) == recorded
    assert "third" in catalog.text(entry.id)


def _write_story(path: Path, version: str) -> Path:
    path.write_text(f"A story\n\nThe {version} version of the story, told once.\n", "utf-8")
    return path
