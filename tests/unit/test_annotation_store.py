"""The annotation store: saving, reading, undo, counts, damage, two processes, kill -9."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from annotations.counts_cache import COUNTS_CACHE
from annotations.journal import change_line, whole_journal
from annotations.kept_journals import REMOVED_FOLDER
from annotations.model import (
    COLORS,
    AnchorStatus,
    Color,
    Highlight,
    edited,
    new_highlight,
    to_record,
)
from annotations.store import ANNOTATIONS_FOLDER, AnnotationStore
from library.safe_files import StoreError, StoreReadOnly

REPO = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).resolve().parent / "crash_writer.py"

TEXT = (
    "The lighthouse keeper logged every ship that passed. In winter there were few, "
    "and he wrote long entries about the weather instead. His daughter later found the "
    "books in a trunk and read them aloud, one storm at a time, to anyone who would listen."
)


def make(document_id: str = "doc1", start: int = 4, end: int = 14, **fields: Any) -> Highlight:
    return new_highlight(document_id, TEXT, start, end, **fields)


def journal_lines(path: Path) -> list[dict[str, Any]]:
    """Every line of a journal, parsed (the test fails if one does not parse)."""
    return [json.loads(line) for line in path.read_bytes().splitlines()]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.fixture
def store(home: Path) -> AnnotationStore:
    return AnnotationStore(home)


# --- saving and reading ----------------------------------------------------------------------


def test_an_empty_library_has_no_highlights_and_creates_nothing(
    store: AnnotationStore, home: Path
) -> None:
    assert store.for_document("doc1") == ()
    assert store.get("doc1", "nope") is None
    assert store.all() == ()
    assert store.counts() == {}
    assert store.delete("doc1", "nope") is None
    assert not (home / ANNOTATIONS_FOLDER / "doc1.jsonl").exists()


def test_save_then_read_back_from_a_fresh_store(store: AnnotationStore, home: Path) -> None:
    first = make(start=40, end=50, note="a *note*", tags=("x",), color="green")
    second = make(start=4, end=14)
    assert store.save(first) is None
    assert store.save(second) is None
    fresh = AnnotationStore(home)
    assert fresh.for_document("doc1") == (second, first)  # sorted by start
    assert fresh.get("doc1", first.id) == first
    assert fresh.warnings == ()
    path = home / ANNOTATIONS_FOLDER / "doc1.jsonl"
    header, *changes = journal_lines(path)
    assert header == {"kind": "annotations", "schema": 1}
    assert [change["put"][0]["id"] for change in changes] == [first.id, second.id]


def test_save_replaces_and_returns_the_previous_version_for_undo(store: AnnotationStore) -> None:
    original = make(note="first")
    store.save(original)
    changed = edited(original, note="second")
    assert store.save(changed) == original
    assert store.for_document("doc1") == (changed,)
    store.save(original)  # undo
    assert store.for_document("doc1") == (original,)


def test_delete_returns_the_highlight_so_it_can_be_restored(store: AnnotationStore) -> None:
    keep, drop = make(start=0, end=3), make(start=20, end=30, note="mine")
    store.save_many([keep, drop])
    assert store.delete("doc1", drop.id) == drop
    assert store.delete("doc1", drop.id) is None
    assert store.for_document("doc1") == (keep,)
    store.save(drop)  # undo
    assert store.for_document("doc1") == (keep, drop)


def test_undo_of_a_new_highlight_is_a_delete(store: AnnotationStore) -> None:
    highlight = make()
    previous = store.save(highlight)
    assert previous is None
    store.delete(highlight.document_id, highlight.id)
    assert store.for_document("doc1") == ()


def test_save_many_across_documents_returns_previous_versions_in_order(
    store: AnnotationStore,
) -> None:
    a1, b1 = make("doc-a"), make("doc-b")
    store.save(a1)
    a2 = edited(a1, color=Color.BLUE)
    again = edited(a2, color=Color.PINK)
    previous = store.save_many([b1, a2, again])
    assert previous == (None, a1, a2)
    assert store.for_document("doc-a") == (again,)
    assert store.for_document("doc-b") == (b1,)
    assert store.save_many([]) == ()


def test_all_and_counts_cover_every_document(store: AnnotationStore) -> None:
    store.save_many([make("doc-b", 0, 3), make("doc-a", 5, 9), make("doc-b", 10, 20)])
    store.save(make("doc-c"))
    removed = store.save(make("doc-c"))
    assert removed is None
    doomed = store.for_document("doc-c")
    for highlight in doomed:
        store.delete("doc-c", highlight.id)
    assert [(h.document_id, h.start) for h in store.all()] == [
        ("doc-a", 5),
        ("doc-b", 0),
        ("doc-b", 10),
    ]
    assert store.counts() == {"doc-a": 1, "doc-b": 2}


def test_a_document_id_that_could_leave_the_folder_is_refused(
    store: AnnotationStore, home: Path
) -> None:
    with pytest.raises(ValueError, match="not a valid document id"):
        store.for_document("../catalog")
    bad = replace(make(), document_id="a/b")
    with pytest.raises(ValueError, match="not a valid document id"):
        store.save_many([make("doc1"), bad])
    assert not (home / ANNOTATIONS_FOLDER / "doc1.jsonl").exists()  # nothing half-saved
    with pytest.raises(TypeError):
        store.save_many([{"id": "x"}])  # type: ignore[list-item]


def test_odd_text_survives_a_round_trip(store: AnnotationStore, home: Path) -> None:
    note = "line one\nline two\r\n\u2028tab\t\x1b[31mred\x1b[0m [bold]x[/] \ud800 end"
    highlight = make(note=note, tags=("naïve", "日本"))
    store.save(highlight)
    assert AnnotationStore(home).get("doc1", highlight.id) == highlight
    assert len((home / ANNOTATIONS_FOLDER / "doc1.jsonl").read_bytes().splitlines()) == 2


def test_threads_sharing_one_store_lose_nothing(store: AnnotationStore, home: Path) -> None:
    made: list[Highlight] = []

    def work(document_id: str) -> None:
        for _ in range(40):
            highlight = make(document_id)
            store.save(highlight)
            made.append(highlight)

    threads = [threading.Thread(target=work, args=(d,)) for d in ("doc1", "doc1", "doc2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fresh = AnnotationStore(home)
    assert {h.id for h in fresh.all()} == {h.id for h in made}


def test_random_changes_agree_with_a_fresh_read_and_a_plain_dict(home: Path) -> None:
    """The store's own view (changed in place after each append) always matches both
    what a fresh store reads from disk and a plain model of the changes."""
    rng = random.Random(99)
    store = AnnotationStore(home, compact_slack=3)
    model: dict[str, Highlight] = {}
    for _ in range(150):
        roll = rng.random()
        if roll < 0.4 or not model:
            highlight = make("doc1", start=rng.randrange(50), end=60)
            assert store.save(highlight) is None
            model[highlight.id] = highlight
        elif roll < 0.6:
            batch = [make("doc1", start=rng.randrange(50), end=60) for _ in range(3)]
            batch.append(edited(model[rng.choice(sorted(model))], note=str(rng.random())))
            assert store.save_many(batch)[-1] == model[batch[-1].id]
            model.update((h.id, h) for h in batch)
        elif roll < 0.8:
            victim = rng.choice(sorted(model))
            assert store.delete("doc1", victim) == model.pop(victim)
        else:
            changed = edited(model[rng.choice(sorted(model))], color=rng.choice(COLORS))
            assert store.save(changed) == model[changed.id]
            model[changed.id] = changed
        expected = sorted(model.values(), key=lambda h: (h.start, h.end, h.created, h.id))
        assert list(store.for_document("doc1")) == expected
    assert list(AnnotationStore(home).for_document("doc1")) == expected
    assert store.counts() == {"doc1": len(model)}


# --- the journal: compaction, torn appends, newer releases -----------------------------------


def test_the_journal_is_compacted_when_history_outgrows_the_highlights(home: Path) -> None:
    store = AnnotationStore(home, compact_slack=4)
    highlight = make()
    for version in range(30):
        highlight = edited(highlight, note=f"v{version}")
        store.save(highlight)
    path = home / ANNOTATIONS_FOLDER / "doc1.jsonl"
    assert len(journal_lines(path)) <= 1 + 2 * 1 + 4 + 1
    assert AnnotationStore(home).for_document("doc1") == (highlight,)
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_torn_last_line_is_ignored_then_cut_off_by_the_next_save(
    store: AnnotationStore, home: Path
) -> None:
    first = make()
    store.save(first)
    path = home / ANNOTATIONS_FOLDER / "doc1.jsonl"
    with path.open("ab") as handle:
        handle.write(b'{"put":[{"id":"half')  # a crash in the middle of an append
    fresh = AnnotationStore(home)
    assert fresh.for_document("doc1") == (first,)
    second = make(start=20, end=25)
    fresh.save(second)
    assert len(journal_lines(path)) == 3
    assert AnnotationStore(home).for_document("doc1") == (first, second)
    assert fresh.warnings == ()


def test_a_journal_from_a_newer_release_is_read_but_never_written(home: Path) -> None:
    highlight = make()
    path = home / ANNOTATIONS_FOLDER / "doc1.jsonl"
    path.parent.mkdir(parents=True)
    record = dict(to_record(highlight), shiny_new_field=True)
    original = (
        json.dumps({"kind": "annotations", "schema": 99})
        + "\n"
        + json.dumps({"put": [record]})
        + "\n"
        + json.dumps({"reorder": ["x"]})
        + "\n"
    ).encode()
    path.write_bytes(original)
    store = AnnotationStore(home)
    assert store.for_document("doc1") == (highlight,)
    with pytest.raises(StoreReadOnly, match="newer version of newsreader"):
        store.save(make())
    with pytest.raises(StoreReadOnly):
        store.delete("doc1", highlight.id)
    assert path.read_bytes() == original
    assert len(store.warnings) == 1 and "schema 99" in store.warnings[0]


# --- damage ----------------------------------------------------------------------------------


def test_an_unreadable_journal_is_kept_aside_and_others_still_work(home: Path) -> None:
    store = AnnotationStore(home)
    other = make("doc-good")
    store.save(other)
    folder = home / ANNOTATIONS_FOLDER
    garbage = b"\x00\xffthis is not a journal at all\n{]\n"
    (folder / "doc-bad.jsonl").write_bytes(garbage)

    fresh = AnnotationStore(home)
    assert fresh.for_document("doc-bad") == ()
    assert fresh.for_document("doc-good") == (other,)
    assert fresh.counts() == {"doc-good": 1}
    [aside] = folder.glob("doc-bad.jsonl.damaged-*")
    assert aside.read_bytes() == garbage
    [warning] = fresh.warnings
    assert str(aside) in warning and warning.endswith(".") and "\n" not in warning
    # The damaged journal does not stop new highlights for that document.
    new = make("doc-bad")
    fresh.save(new)
    assert AnnotationStore(home).for_document("doc-bad") == (new,)


def test_readable_highlights_of_a_damaged_journal_are_kept(home: Path) -> None:
    store = AnnotationStore(home)
    first, second, third = make(start=0, end=3), make(start=5, end=9), make(start=20, end=30)
    store.save(first)
    store.save(second)
    path = home / ANNOTATIONS_FOLDER / "doc1.jsonl"
    with path.open("ab") as handle:
        handle.write(b'{"put": [{"id": "broken"}]}\nnot json\n')
    AnnotationStore(home).save(third)  # salvages, then saves

    fresh = AnnotationStore(home)
    assert fresh.for_document("doc1") == (first, second, third)
    [aside] = path.parent.glob("doc1.jsonl.damaged-*")
    assert b"not json" in aside.read_bytes()
    assert all(isinstance(line, dict) for line in journal_lines(path))


def test_a_record_of_another_document_counts_as_damage(home: Path) -> None:
    store = AnnotationStore(home)
    mine = make("doc1")
    store.save(mine)
    path = home / ANNOTATIONS_FOLDER / "doc1.jsonl"
    stray = to_record(make("doc2"))
    with path.open("ab") as handle:
        handle.write(json.dumps({"put": [stray]}).encode() + b"\n")
    fresh = AnnotationStore(home)
    assert fresh.for_document("doc1") == (mine,)
    assert len(fresh.warnings) == 1
    assert list(path.parent.glob("doc1.jsonl.damaged-*"))


def test_a_damaged_counts_cache_is_rebuilt(store: AnnotationStore, home: Path) -> None:
    store.save_many([make("doc1"), make("doc1"), make("doc2")])
    assert store.counts() == {"doc1": 2, "doc2": 1}
    (home / ANNOTATIONS_FOLDER / COUNTS_CACHE).write_text("{nonsense", encoding="utf-8")
    assert AnnotationStore(home).counts() == {"doc1": 2, "doc2": 1}
    assert AnnotationStore(home).warnings == ()


# --- counts ----------------------------------------------------------------------------------


def test_counts_reads_only_journals_that_changed(home: Path) -> None:
    store = AnnotationStore(home)
    for index in range(20):
        store.save_many([make(f"doc{index}") for _ in range(index % 3 + 1)])
    expected = {f"doc{index}": index % 3 + 1 for index in range(20)}
    assert AnnotationStore(home).counts() == expected

    other = AnnotationStore(home)  # another copy of the app adds a highlight
    other.save(make("doc7"))
    expected["doc7"] += 1
    # Every other journal is garbled in place, keeping its inode, size and modification
    # time: read, it would be set aside with a warning; counted from the cache, it is not.
    folder = home / ANNOTATIONS_FOLDER
    for index in range(20):
        if index != 7:
            garble_in_place(folder / f"doc{index}.jsonl")
    fresh = AnnotationStore(home)
    assert fresh.counts() == expected
    assert fresh.warnings == ()
    assert list(folder.glob("*.damaged-*")) == []


def garble_in_place(path: Path) -> None:
    """Overwrite a file with as many other bytes, as if its stat key had not changed."""
    info = path.stat()
    with path.open("r+b") as handle:
        handle.write(b"#" * info.st_size)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_mtime_ns == info.st_mtime_ns


# --- removing a document ---------------------------------------------------------------------


def test_remove_document_moves_its_journal_aside(store: AnnotationStore, home: Path) -> None:
    gone = [make("doc1", 0, 3), make("doc1", 10, 20)]
    kept = make("doc2")
    store.save_many([*gone, kept])
    assert store.remove_document("doc1") == tuple(gone)
    assert store.for_document("doc1") == ()
    assert store.counts() == {"doc2": 1}
    assert store.remove_document("doc1") == ()
    [moved] = (home / ANNOTATIONS_FOLDER / REMOVED_FOLDER).iterdir()
    assert moved.name.startswith("doc1-") and moved.suffix == ".jsonl"
    stored = [record["id"] for line in journal_lines(moved)[1:] for record in line["put"]]
    assert stored == [gone[0].id, gone[1].id]
    assert AnnotationStore(home).for_document("doc2") == (kept,)


def test_removing_puts_the_journal_back_when_the_block_fails(
    store: AnnotationStore, home: Path
) -> None:
    saved = make("doc1")
    store.save(saved)
    with pytest.raises(RuntimeError), store.removing("doc1") as kept:
        assert kept == (saved,)
        assert not store.journal_path("doc1").exists()
        raise RuntimeError("the catalog refused")
    assert store.for_document("doc1") == (saved,)
    assert list((home / ANNOTATIONS_FOLDER / REMOVED_FOLDER).iterdir()) == []


def test_restoring_merges_every_kept_journal_and_the_newest_change_wins(
    store: AnnotationStore, home: Path
) -> None:
    early = datetime(2024, 1, 1, tzinfo=UTC)
    late = datetime(2024, 6, 1, tzinfo=UTC)
    first, second, third = make("doc1", 0, 3), make("doc1", 4, 14), make("doc1", 20, 30)
    store.save_many([first, edited(second, note="newest", now=late)])
    store.remove_document("doc1")
    store.save_many([edited(first, note="second removal"), edited(second, note="older", now=early)])
    store.remove_document("doc1")
    store.save(third)  # a journal of its own again, as a copy that had it open makes
    assert store.restore_document("doc1") == 2
    notes = {h.id: h.note for h in AnnotationStore(home).for_document("doc1")}
    assert notes == {first.id: "second removal", second.id: "newest", third.id: ""}
    assert list((home / ANNOTATIONS_FOLDER / REMOVED_FOLDER).iterdir()) == []
    assert store.restore_document("doc1") == 0


def test_kept_journals_are_merged_in_the_order_they_were_removed(home: Path) -> None:
    """On equal change times the journal kept last wins, ``-10`` after ``-2``."""
    folder = home / ANNOTATIONS_FOLDER / REMOVED_FOLDER
    folder.mkdir(parents=True)
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    base = make("doc1", now=moment)
    for counter, note in [("-10", "last"), ("", "first"), ("-2", "second")]:
        name = f"doc1-20240101-120000{counter}.jsonl"
        (folder / name).write_bytes(whole_journal([replace(base, note=note)]))
    (folder / "doc2-20240101-120000.jsonl").write_bytes(whole_journal([make("doc2")]))
    store = AnnotationStore(home)
    assert store.removed_documents() == ("doc1", "doc2")
    assert store.removed_documents(["doc1", "doc3"]) == ("doc1",)
    assert store.restore_document("doc1") == 1
    assert [h.note for h in store.for_document("doc1")] == ["last"]
    assert store.removed_documents() == ("doc2",)


def test_a_damaged_kept_journal_is_restored_as_far_as_it_reads_and_set_aside(home: Path) -> None:
    folder = home / ANNOTATIONS_FOLDER / REMOVED_FOLDER
    folder.mkdir(parents=True)
    readable = make("doc1")
    kept = folder / "doc1-20240101-120000.jsonl"
    kept.write_bytes(whole_journal([readable]) + b"{not json\n")
    store = AnnotationStore(home)
    assert store.restore_document("doc1") == 1
    assert store.for_document("doc1") == (readable,)
    [aside] = folder.iterdir()
    assert aside.name.startswith("doc1-20240101-120000.jsonl.damaged-")
    assert any("could not be read" in w and str(aside) in w for w in store.warnings)


def test_save_unless_covered_saves_one_highlight_per_span(store: AnnotationStore) -> None:
    first = make("doc1", 4, 14)
    assert store.save_unless_covered(first) is None
    assert store.save_unless_covered(make("doc1", 4, 14)) == first
    assert store.save_unless_covered(make("doc1", 4, 15)) is None
    store.save(replace(first, status=AnchorStatus.ORPHANED))
    assert store.save_unless_covered(make("doc1", 4, 14)) is None  # a lost one has no place
    assert len(store.for_document("doc1")) == 3


# --- cost of a save --------------------------------------------------------------------------


@pytest.mark.parametrize("stored", [10, 1000])
def test_saving_beside_many_highlights(
    home: Path, stored: int, record_property: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Correct with 10 and 1,000 in one document; the time is reported, not asserted."""
    store = AnnotationStore(home)
    store.save_many([make("doc1", start=i % 200, end=i % 200 + 5) for i in range(stored)])
    timings = []
    for _ in range(20):
        highlight = make("doc1")
        began = time.perf_counter()
        store.save(highlight)
        timings.append(time.perf_counter() - began)
    median_ms = sorted(timings)[len(timings) // 2] * 1000
    record_property(f"save_ms_with_{stored}", round(median_ms, 3))
    with capsys.disabled():
        print(f"\n  save with {stored} stored in one document: {median_ms:.2f} ms (median)")
    assert len(AnnotationStore(home).for_document("doc1")) == stored + 20


# --- several processes ---------------------------------------------------------------------


def _writer(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(home), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(writer: subprocess.Popen[str]) -> tuple[str, str]:
    """The rest of a writer's output, once it has ended.

    Read through the same file objects as `readline` (not `communicate`, which reads the
    pipes' descriptors directly and would miss what `readline` had already buffered).
    """
    assert writer.stdout is not None and writer.stderr is not None
    out = writer.stdout.read()
    err = writer.stderr.read()
    writer.wait(timeout=60)
    return out, err


@pytest.mark.slow
@pytest.mark.parametrize("documents", ["same", "different"])
def test_two_processes_saving_at_once_lose_nothing(
    home: Path, tmp_path: Path, documents: str
) -> None:
    start = tmp_path / "go"
    writers = [
        _writer(
            home,
            "--seed",
            str(seed),
            "--count",
            "500",
            "--only-saves",
            "--start-file",
            str(start),
            "--documents",
            "shared" if documents == "same" else f"own{seed}",
        )
        for seed in (1, 2)
    ]
    for writer in writers:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
    start.touch()
    acknowledged: set[str] = set()
    for writer in writers:
        out, err = _finish(writer)
        assert writer.returncode == 0, err
        acknowledged |= {line.split()[1] for line in out.splitlines() if line.startswith("S ")}
    assert len(acknowledged) == 1000
    store = AnnotationStore(home)
    assert {h.id for h in store.all()} == acknowledged
    assert sum(store.counts().values()) == 1000
    assert store.warnings == ()


@pytest.mark.slow
def test_kill_9_never_loses_an_acknowledged_highlight(home: Path) -> None:
    """A real writer process is killed at random moments, over and over, in one library."""
    rng = random.Random(20240501)
    started: dict[str, int] = {}  # id -> highest version whose save was started
    saved: dict[str, int] = {}  # id -> highest version whose save returned
    deleting: set[str] = set()  # deletes started
    deleted: set[str] = set()  # deletes that returned
    budget = time.monotonic() + 15.0
    trials = 0
    while trials < 30 and time.monotonic() < budget:
        trials += 1
        writer = _writer(home, "--seed", str(trials), "--compact-slack", str(rng.choice((2, 8))))
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.08))
        writer.send_signal(signal.SIGKILL)
        out, _ = _finish(writer)
        lines = out.split("\n")[:-1]  # the last piece may be cut off by the kill
        for line in lines:
            kind, highlight_id, *rest = line.split()
            if kind == "s":
                started[highlight_id] = max(started.get(highlight_id, 0), int(rest[0]))
            elif kind == "S":
                saved[highlight_id] = max(saved.get(highlight_id, 0), int(rest[0]))
            elif kind == "d":
                deleting.add(highlight_id)
            elif kind == "D":
                deleted.add(highlight_id)

        folder = home / ANNOTATIONS_FOLDER
        for path in folder.glob("*.jsonl"):
            raw = path.read_bytes()
            complete = raw[: raw.rfind(b"\n") + 1]
            for entry in complete.splitlines():
                assert isinstance(json.loads(entry), dict), path  # every complete line parses
        assert not list(folder.glob("*.damaged-*"))

        store = AnnotationStore(home)
        found = {h.id: h for h in store.all()}
        assert store.warnings == ()
        for highlight_id, version in saved.items():
            if highlight_id in deleted:
                assert highlight_id not in found
            elif highlight_id not in deleting:
                assert highlight_id in found, f"acknowledged highlight {highlight_id} was lost"
                stored_version = int(found[highlight_id].note[1:].rstrip("x"))
                assert version <= stored_version <= started[highlight_id]
        assert set(found) <= set(started)
    assert trials >= 10
    assert len(saved) > 50
    # The library is still fully usable afterwards.
    store = AnnotationStore(home)
    store.save(make("doc-a"))
    assert store.warnings == ()


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_the_writer_helper_runs_to_completion(home: Path) -> None:
    writer = _writer(home, "--seed", "5", "--count", "30")
    out, err = _finish(writer)
    assert writer.returncode == 0, err
    assert out.splitlines()[-1] == "done"


# --- what a change writes ------------------------------------------------------------------


def test_a_change_appends_only_what_changed(home: Path) -> None:
    store = AnnotationStore(home)
    many = [make(start=i % 150, end=i % 150 + 5) for i in range(300)]
    store.save_many(many)
    path = home / ANNOTATIONS_FOLDER / "doc1.jsonl"
    before = len(journal_lines(path))
    changed = edited(many[7], note="edited")
    assert store.save(changed) == many[7]
    assert store.delete("doc1", many[8].id) == many[8]
    *_, put_line, delete_line = journal_lines(path)
    assert len(journal_lines(path)) == before + 2
    assert put_line == {"put": [to_record(changed)]}
    assert delete_line == {"delete": [many[8].id]}

    assert store.save(changed) == changed  # exactly as stored: nothing to write
    assert store.delete("doc1", many[8].id) is None
    assert len(store.for_document("doc1")) == 299
    assert store.get("doc1", changed.id) == changed
    assert len(journal_lines(path)) == before + 2  # reading wrote nothing either


def test_a_line_with_puts_and_deletes_is_one_change(home: Path) -> None:
    store = AnnotationStore(home)
    keep, gone = make(start=0, end=3), make(start=5, end=9)
    store.save_many([keep, gone])
    added = make(start=20, end=30)
    path = home / ANNOTATIONS_FOLDER / "doc1.jsonl"
    with path.open("ab") as handle:  # what another writer of the format may append
        handle.write(change_line([added], [gone.id]))
    last = journal_lines(path)[-1]
    assert last == {"delete": [gone.id], "put": [to_record(added)]}
    assert AnnotationStore(home).for_document("doc1") == (keep, added)
    assert store.for_document("doc1") == (keep, added)
    assert store.warnings == ()


def test_a_failed_write_raises_and_the_store_then_reads_the_file_again(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = AnnotationStore(home)
    mine = make()
    store.save(mine)

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(os, "fsync", full_disk)
        with pytest.raises(StoreError, match="No space left on device"):
            store.save(make(start=20, end=30))
    # The append was not acknowledged, so whether it landed is the file's say: the store
    # shows what the file holds, exactly as a fresh store does.
    assert store.for_document("doc1") == AnnotationStore(home).for_document("doc1")
    assert mine in store.for_document("doc1")
    later = make(start=40, end=45)
    store.save(later)
    assert later in AnnotationStore(home).for_document("doc1")
