"""A new highlight from the command line: the "is this passage highlighted already?" check
reads the journal's spans only, and stays right beside other copies, deletes, orphans, torn
and damaged journals (see `AnnotationStore.save_unless_covered`)."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import annotations.journal as journal_module
from annotations.journal import change_line, header_line, whole_journal
from annotations.journal_spans import ever_written, placed_spans
from annotations.model import AnchorStatus, Highlight, new_highlight
from annotations.store import ANNOTATIONS_FOLDER, AnnotationStore

REPO = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("crash_writer.py")

TEXT = "The ferry left at dawn. Gulls followed it out past the harbour wall. " * 40


def make(start: int, end: int, document_id: str = "doc1") -> Highlight:
    return new_highlight(document_id, TEXT, start, end)


def journal(home: Path, document_id: str = "doc1") -> Path:
    return home / ANNOTATIONS_FOLDER / f"{document_id}.jsonl"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "lib"


def test_a_fresh_store_checks_the_span_without_building_every_highlight(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the command line does: a new store, one highlight. Reading each stored
    highlight whole is what made `highlight` cost as much as listing them all."""
    AnnotationStore(home).save_many([make(i, i + 5) for i in range(300)])

    def refuse(record: Any) -> Highlight:
        raise AssertionError("a stored highlight was built")

    monkeypatch.setattr(journal_module, "from_record", refuse)
    new = make(400, 420)
    assert AnnotationStore(home).save_unless_covered(new) is None
    monkeypatch.undo()
    stored = AnnotationStore(home).for_document("doc1")
    assert len(stored) == 301 and new in stored


def test_the_check_sees_what_other_copies_saved_deleted_and_lost(home: Path) -> None:
    app = AnnotationStore(home)  # a copy that keeps the journal in memory
    first = make(4, 14)
    app.save(first)
    assert AnnotationStore(home).save_unless_covered(make(4, 14)) == first  # taken
    app.delete("doc1", first.id)
    again = make(4, 14)
    assert AnnotationStore(home).save_unless_covered(again) is None  # free once deleted
    assert again in app.for_document("doc1")  # the app's copy sees the command line's
    assert app.save_unless_covered(make(4, 14)) == again
    app.save(replace(again, status=AnchorStatus.ORPHANED))
    placed = make(4, 14)
    assert AnnotationStore(home).save_unless_covered(placed) is None  # a lost one has no place
    assert {h.id for h in AnnotationStore(home).for_document("doc1")} == {again.id, placed.id}


def test_a_torn_journal_is_repaired_by_the_whole_read(home: Path) -> None:
    kept = make(0, 9)
    AnnotationStore(home).save(kept)
    path = journal(home)
    path.write_bytes(path.read_bytes() + b'{"put":[{"id":"cut sho')
    new = make(30, 40)
    assert AnnotationStore(home).save_unless_covered(new) is None
    assert path.read_bytes().endswith(b"\n")
    assert set(AnnotationStore(home).for_document("doc1")) == {kept, new}


def test_a_damaged_journal_is_set_aside_by_the_next_whole_read_keeping_the_new_one(
    home: Path,
) -> None:
    kept = make(0, 9)
    AnnotationStore(home).save(kept)
    path = journal(home)
    path.write_bytes(path.read_bytes() + b"{not json\n")
    new = make(30, 40)
    assert AnnotationStore(home).save_unless_covered(new) is None
    reader = AnnotationStore(home)
    assert set(reader.for_document("doc1")) == {kept, new}
    assert any("could not be read" in warning for warning in reader.warnings)
    assert list(path.parent.glob("doc1.jsonl.damaged-*"))


def test_a_hand_written_record_sends_the_check_to_the_whole_read(home: Path) -> None:
    """A record whose offsets are not written as the store writes them (by hand, with
    spaces) is never missed: its span is taken."""
    AnnotationStore(home).save(make(0, 9))
    path = journal(home)
    hand = json.dumps(
        {"id": "hand", "document_id": "doc1", "quote": TEXT[4:14], "start": 4, "end": 14}
    )
    path.write_bytes(path.read_bytes() + b'{"put": [' + hand.encode() + b"]}\n")
    taken = AnnotationStore(home).save_unless_covered(make(4, 14))
    assert taken is not None and taken.id == "hand"


def test_ever_written_finds_every_span_ever_written_or_says_it_cannot() -> None:
    one, two = make(0, 9), make(10, 20)
    written = whole_journal([one, two]) + change_line((), (two.id,))
    assert ever_written(written, (0, 9)) is True
    assert ever_written(written, (10, 20)) is True  # deleted: step 2 decides
    assert ever_written(written, (0, 1)) is False
    assert ever_written(written, (1, 9)) is False
    noted = whole_journal([new_highlight("doc1", TEXT, 0, 9, note="start")])
    assert ever_written(noted, (30, 40)) is None  # a note that reads "start"
    spaced = written.replace(b'"start":0,', b'"start": 0,')
    assert ever_written(spaced, (30, 40)) is None
    # Whichever comes first answers: the span (written), or an odd "start" (cannot say).
    assert ever_written(written + noted.split(b"\n", 1)[1], (10, 20)) is True
    assert ever_written(noted + written.split(b"\n", 1)[1], (10, 20)) is None


def test_placed_spans_answers_only_for_a_journal_as_the_store_writes_it() -> None:
    one, two, lost = make(0, 9), make(10, 20), make(30, 40)
    lost = replace(lost, status=AnchorStatus.ORPHANED)
    written = whole_journal([one, two, lost]) + change_line((), (two.id,))
    assert placed_spans(written, "doc1") == {(0, 9)}
    assert placed_spans(header_line(), "doc1") == set()
    assert placed_spans(b"", "doc1") is None  # no header: the whole read decides
    assert placed_spans(written[:-1], "doc1") is None  # torn
    assert placed_spans(written + b"\n", "doc1") is None  # a blank line
    assert placed_spans(written + b"[1]\n", "doc1") is None  # not a change
    assert placed_spans(whole_journal([make(0, 9, "doc2")]), "doc1") is None  # not its own
    newer = written.replace(b'"schema":1', b'"schema":2', 1)
    assert newer != written and placed_spans(newer, "doc1") is None


@pytest.mark.slow
def test_kill_9_never_loses_a_highlight_the_command_line_acknowledged(home: Path) -> None:
    """Writers saving as the command line does (a fresh store each time, the span looked
    for in the journal's bytes, then one appended line) are killed at random moments."""
    rng = random.Random(20261207)
    saved: set[str] = set()
    started: set[str] = set()
    trials = 0
    budget = time.monotonic() + 15.0
    while trials < 20 and time.monotonic() < budget:
        trials += 1
        writer = subprocess.Popen(
            [sys.executable, str(WRITER), str(home), "--seed", str(trials), "--command-line"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None and writer.stderr is not None
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.08))
        writer.send_signal(signal.SIGKILL)
        out = writer.stdout.read()
        writer.stderr.read()
        writer.wait(timeout=60)
        for line in out.split("\n")[:-1]:  # the last piece may be cut off by the kill
            kind, highlight_id, *_ = line.split()
            (saved if kind == "S" else started if kind == "s" else set()).add(highlight_id)
        store = AnnotationStore(home)
        found = {h.id for h in store.all()}
        assert store.warnings == ()
        assert saved <= found, "an acknowledged highlight was lost"
        assert found <= started
    assert trials >= 5 and saved
