"""Long files are handed to the operating system a piece at a time (one write of 100 MB
took ten times as long as a hundred writes of 1 MB)."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from library import safe_files
from library.catalog import Catalog
from library.entries import Entry
from library.safe_files import atomic_write_bytes
from library.text_folder import TextFolder


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each `os.write`, with pieces of 1,000 bytes."""
    sizes: list[int] = []
    real_write = os.write

    def write(fd: int, data: bytes | memoryview) -> int:
        sizes.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(safe_files, "WRITE_PIECE", 1000, raising=False)
    monkeypatch.setattr(os, "write", write)
    return sizes


def test_an_atomic_write_goes_in_pieces(tmp_path: Path, writes: list[int]) -> None:
    data = bytes(range(256)) * 40  # 10,240 bytes
    atomic_write_bytes(tmp_path / "f", data, durable=False)
    assert (tmp_path / "f").read_bytes() == data
    assert writes and max(writes) <= 1000 and sum(writes) == len(data)


def test_an_added_text_is_written_in_pieces(tmp_path: Path, writes: list[int]) -> None:
    source = tmp_path / "doc.txt"
    text = "\n\n".join(f"Paragraph {n}, with a sentence. And another one." for n in range(500))
    source.write_text(text, encoding="utf-8")
    catalog = Catalog.open(tmp_path / "lib")
    entry = catalog.add([source]).added[0]
    assert catalog.text(entry.id) == text
    assert writes and max(writes) <= 1000


def test_an_ascii_text_is_never_encoded_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 100 MB text encoded whole was 100 MB more at the moment an add holds the most.
    real_write = TextFolder._write_new_text
    peaks: list[int] = []

    def measured(folder: TextFolder, target: Path, text: str, entry: Entry) -> None:
        tracemalloc.start()
        real_write(folder, target, text, entry)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()

    monkeypatch.setattr(TextFolder, "_write_new_text", measured)
    source = tmp_path / "doc.txt"
    text = "\n\n".join(f"Paragraph {n}, with a sentence. And another one." for n in range(80_000))
    source.write_text(text, encoding="utf-8")
    catalog = Catalog.open(tmp_path / "lib")
    entry = catalog.add([source]).added[0]
    assert catalog.text(entry.id) == text
    # (a megabyte's piece and its encoding at most; the library's guide is written too)
    assert peaks and max(peaks) < len(text) * 3 // 4
