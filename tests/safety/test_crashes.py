"""Crashes: a process adding documents is killed with SIGKILL, and the catalog survives.

The annotation store has its own kill -9 test (tests/unit/test_annotation_store.py); this
one kills a real process adding documents to the catalog, at random moments, over and
over in one library. After each kill the library must open without complaint, list every
document whose `add` returned, hold for every listed document a text file whose hash
is the one the catalog records (the text every highlight offset indexes), and hold
nothing else in documents/: what the killed add wrote and never recorded is removed.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotations.model import new_highlight
from annotations.store import AnnotationStore
from library.catalog import Catalog
from tests.safety.support import HELPER, added_id, listing, run_cli, sha256_of, subprocess_env

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name == "nt", reason="POSIX signals")]


def check_library(home: Path, acknowledged: dict[str, str]) -> Catalog:
    """The library opens cleanly, lists every acknowledged document, texts match hashes."""
    catalog = Catalog.open(home)
    assert catalog.warnings == ()
    assert list(home.glob("*.damaged-*")) == []
    entries = {entry.id: entry for entry in catalog.entries()}
    for doc_id, content_hash in acknowledged.items():
        assert doc_id in entries, f"acknowledged document {doc_id} was lost"
        assert entries[doc_id].content_hash == content_hash
    for entry in entries.values():
        path = catalog.text_path(entry.id)
        assert path.is_file(), f"{entry.id} is listed without its text"
        assert sha256_of(path) == entry.content_hash
    # Opening removed what the killed add left: every file in documents/ is named by a
    # record (texts and spans of an add that never committed, half-written temporaries).
    leftovers = sorted(
        path.name
        for path in catalog.documents_folder.iterdir()
        if path.name.split(".")[0] not in entries
    )
    assert leftovers == [], f"files no record names were left: {leftovers[:5]}"
    return catalog


def test_kill_9_while_adding_documents_loses_no_acknowledged_one(
    private_home: Path, tmp_path: Path
) -> None:
    rng = random.Random(20241128)
    acknowledged: dict[str, str] = {}
    source = tmp_path / "incoming"
    budget = time.monotonic() + 12.0
    trials = 0
    while trials < 25 and (trials < 8 or time.monotonic() < budget):
        trials += 1
        writer = subprocess.Popen(
            [sys.executable, str(HELPER), "catalog-adds", str(source), "--seed", str(trials)],
            env=subprocess_env(private_home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready", writer.stderr
        time.sleep(rng.uniform(0.0, 0.25))
        writer.send_signal(signal.SIGKILL)
        out, err = writer.communicate(timeout=60)
        assert writer.returncode == -signal.SIGKILL, err
        for line in out.split("\n")[:-1]:  # the last piece may be cut off by the kill
            kind, *rest = line.split()
            if kind == "A":
                acknowledged[rest[0]] = rest[1]
        check_library(private_home, acknowledged)
    assert trials >= 8
    assert len(acknowledged) > 20
    # The library is still fully usable: listed, added to, shown.
    assert {row["id"] for row in listing(private_home)} >= set(acknowledged)
    extra = tmp_path / "after.txt"
    extra.write_text("Written after all the crashes, and still fine.\n", "utf-8")
    doc_id = added_id(run_cli("add", str(extra)))
    assert run_cli("show", doc_id).out == "Written after all the crashes, and still fine."


def test_kill_9_while_updating_a_document_keeps_text_and_hash_together(
    private_home: Path, tmp_path: Path
) -> None:
    source = tmp_path / "story.txt"
    source.write_text("The first version of the story. It has a quiet ending.\n", "utf-8")
    doc_id = added_id(run_cli("add", str(source)))
    catalog = Catalog.open(private_home)
    entry = catalog.entry(doc_id)
    text = catalog.text(doc_id)
    start = text.index("quiet ending")
    AnnotationStore(private_home).save(
        new_highlight(doc_id, text, start, start + 12, content_hash=entry.content_hash)
    )
    source.write_text("A rewritten story, with many more words up front. Quiet.\n", "utf-8")
    dying = subprocess.run(
        [sys.executable, str(HELPER), "die-in-add", str(source)],
        env=subprocess_env(private_home),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert dying.returncode == -signal.SIGKILL, dying.stderr
    catalog = check_library(private_home, {doc_id: entry.content_hash})
    # What a highlight of the recorded version marks is still what it marked.
    (highlight,) = AnnotationStore(private_home).for_document(doc_id)
    stored = catalog.text(doc_id)
    assert hashlib.sha256(stored.encode()).hexdigest() == highlight.content_hash
    assert stored[highlight.start : highlight.end] == "quiet ending"
