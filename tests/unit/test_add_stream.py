"""An add of many files: memory held, texts written, what a failed write leaves."""

from __future__ import annotations

import errno
import os
import random
import tracemalloc
from pathlib import Path

import pytest

import library.add_batches as add_batches
from library.catalog import Catalog
from library.safe_files import StoreError

WORDS = ("harbour", "ferry", "council", "budget", "winter", "bridge", "river", "market")


def _articles(folder: Path, count: int, characters: int) -> Path:
    folder.mkdir(parents=True)
    chooser = random.Random(count)
    for number in range(count):
        words = [chooser.choice(WORDS) for _ in range(characters // 7)]
        sentences = (
            " ".join(words[i : i + 12]).capitalize() + "." for i in range(0, len(words), 12)
        )
        (folder / f"article-{number:03}.txt").write_text(
            f"Article {number}\n\n" + " ".join(sentences), encoding="utf-8"
        )
    return folder


def _peak_of_add(home: Path, folder: Path) -> int:
    catalog = Catalog.open(home)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        result = catalog.add([folder])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not result.failed
    return peak - start


@pytest.mark.slow
def test_an_add_holds_one_batch_of_texts_however_many_batches_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(add_batches, "BATCH_FILES", 8)
    size = 60_000
    one_batch = _peak_of_add(tmp_path / "one", _articles(tmp_path / "eight", 8, size))
    six_batches = _peak_of_add(tmp_path / "six", _articles(tmp_path / "many", 48, size))
    batch_of_text = 8 * size
    # The records of forty more documents cost a little; another batch of texts would not.
    assert six_batches - one_batch < batch_of_text // 2, (one_batch, six_batches)


def test_a_text_that_cannot_be_written_adds_nothing_and_leaves_no_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    before = sorted(p.name for p in catalog.documents_folder.iterdir())
    folder = _articles(tmp_path / "in", 5, 2_000)
    real_write = os.write
    calls = 0

    def full_disk(fd: int, data: bytes | memoryview) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(StoreError, match="(?i)Nothing was added.*no space left on device"):
        catalog.add([folder])
    monkeypatch.undo()
    assert sorted(p.name for p in catalog.documents_folder.iterdir()) == before
    assert len(catalog.entries()) == 1  # the welcome guide alone


def test_a_new_text_never_writes_over_a_file_in_place(tmp_path: Path) -> None:
    """A file already under the new id (left by a crash, or the same text from another
    copy) is replaced whole, as a reader may have it open."""
    catalog = Catalog.open(tmp_path / "lib")
    folder = _articles(tmp_path / "in", 1, 2_000)
    source = next(folder.iterdir())
    first = catalog.add([source]).added[0]
    text_path = catalog.text_path(first.id)
    catalog.remove(first.id)
    text_path.write_text("half of it", encoding="utf-8")
    held = text_path.open(encoding="utf-8")
    again = catalog.add([source]).added[0]
    assert again.id == first.id
    assert held.read() == "half of it"  # the old file was replaced, not rewritten
    held.close()
    assert catalog.text(again.id) == catalog.load(again.id).text != "half of it"
