"""A long text is written on a thread of its own while its sentences are found
(`TextFolder._write_new_text_and_spans`): what it stores is what the add stored when it
wrote first and split after, and a failed write still fails the add, leaving nothing."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from library import forked_work, segment_scan, text_folder
from library.catalog import Catalog
from library.parse import parse_text
from library.safe_files import StoreError
from library.segment_scan import text_bounds
from library.spancache import read_spans


def _long_text() -> str:
    paragraph = (
        "Mr. Reyes wrote of the wind. The tide came in late! Did the boats return? "
        "Nobody said… The harbour lamp stayed lit through the night."
    )
    return "A LONG LOG\n\n" + "\n\n".join(f"{paragraph} Day {n}." for n in range(2_000)) + "\n"


@pytest.mark.parametrize("forks", [False, True])
def test_a_long_text_and_its_spans_are_stored_as_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: bool
) -> None:
    """Also with the second half of the text split into sentences by a forked child."""
    raw = _long_text()
    path = tmp_path / "log.txt"
    path.write_text(raw, encoding="utf-8")
    catalog = Catalog.open(tmp_path / "library")
    forked: list[bool] = []
    if forks:
        monkeypatch.setattr(segment_scan, "SPLIT_FROM", 1000)
        monkeypatch.setattr(forked_work, "may_fork", lambda: True)
        original = forked_work.ForkedWork.result

        def noted(work: forked_work.ForkedWork[segment_scan.Bounds]) -> segment_scan.Bounds:
            forked.append(work.forked)
            return original(work)

        monkeypatch.setattr(forked_work.ForkedWork, "result", noted)
    (entry,) = catalog.add([path]).added
    assert forked == ([True] if forks else [])
    parsed = parse_text(raw, fallback_title="log")
    assert len(parsed.text) >= text_folder.SPANS_AT_ADD_FROM  # the threaded path
    assert catalog.text(entry.id) == parsed.text
    assert catalog.text_path(entry.id).read_bytes() == parsed.text.encode("utf-8")
    cached = read_spans(catalog.text_path(entry.id).with_suffix(".spans"), entry.content_hash)
    assert cached is not None
    (par_starts, par_ends), (starts, ends) = text_bounds(parsed.text)
    assert list(cached[0].starts) == list(par_starts) and list(cached[0].ends) == list(par_ends)
    assert list(cached[1].starts) == list(starts) and list(cached[1].ends) == list(ends)


def test_a_long_text_that_cannot_be_written_fails_the_add(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "log.txt"
    path.write_text(_long_text(), encoding="utf-8")
    catalog = Catalog.open(tmp_path / "library")
    before = {entry.id for entry in catalog.entries()}

    def full_disk(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(text_folder, "write_in_pieces", full_disk)
    with pytest.raises(StoreError, match="no space left on device"):
        catalog.add([path])
    monkeypatch.undo()
    fresh = Catalog.open(tmp_path / "library")
    assert {entry.id for entry in fresh.entries()} == before
    left = {p.name for p in fresh.documents_folder.iterdir()}
    assert not any(name.endswith((".txt", ".spans")) and name[:12] not in before for name in left)
