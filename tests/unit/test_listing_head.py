"""The head of a large library's listing, kept for the next start: read back as it was
written, and never trusted when it cannot be."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import service.listing_head as listing_head
from library.catalog import Catalog
from service.listing_head import HEAD_FILE, load_head, save_head
from service.workspace import Workspace


def test_a_head_is_read_back_for_its_order_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing_head, "LARGE_LIBRARY", 1)
    workspace = Workspace(Catalog.open(tmp_path))
    listing = workspace.listing("title")
    save_head(tmp_path, "title", listing, 12_345)
    head = load_head(tmp_path, "title")
    assert head is not None and head.total == 12_345 and head.rows == listing
    assert load_head(tmp_path, "added") is None


@pytest.mark.parametrize(
    "content",
    [b"{ damaged", b"[]", b'{"version": 99}', b"\xff\xfe", b"[" * 100_000],
)
def test_a_damaged_or_foreign_head_is_ignored(tmp_path: Path, content: bytes) -> None:
    (tmp_path / HEAD_FILE).write_bytes(content)
    assert load_head(tmp_path, "added") is None


def test_unusable_rows_are_left_out_and_odd_values_read_as_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing_head, "LARGE_LIBRARY", 1)
    listing = Workspace(Catalog.open(tmp_path)).listing()
    save_head(tmp_path, "added", listing, 9_999)
    data = json.loads((tmp_path / HEAD_FILE).read_text("utf-8"))
    data["rows"][0].update(progress=7, highlights=-3)
    data["rows"].append({"id": "../../etc", "title": 5})
    (tmp_path / HEAD_FILE).write_text(json.dumps(data), "utf-8")
    head = load_head(tmp_path, "added")
    assert head is not None and len(head.rows) == len(listing)
    assert head.rows[0].progress is None and head.rows[0].highlights == 0


def test_a_small_library_keeps_no_head(tmp_path: Path) -> None:
    (tmp_path / HEAD_FILE).write_text("{}", "utf-8")
    save_head(tmp_path, "added", Workspace(Catalog.open(tmp_path)).listing(), 10)
    assert not (tmp_path / HEAD_FILE).exists()
