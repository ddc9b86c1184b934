"""Two command lines highlighting one document at once, with a notes folder set: the
document's notes file ends with every highlight of both (the copies take turns writing it,
each reading the highlights under the lock, after saving its own)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotations.mirror_settings import EXPORT_FOLDER
from annotations.store import AnnotationStore
from library.catalog import Catalog
from tests.safety.support import added_id, run_cli
from tests.safety.test_two_copies import acknowledged_highlights, finish, start_writer

pytestmark = pytest.mark.slow

EACH = 15
"""Highlights each copy makes."""


def sentence(n: int) -> str:
    return f"Buoy {n:03d} was painted red before the storm."


def test_two_copies_highlighting_at_once_leave_a_file_with_both(
    private_home: Path, tmp_path: Path
) -> None:
    source = tmp_path / "buoys.txt"
    source.write_text(" ".join(sentence(n) for n in range(2 * EACH)) + "\n", "utf-8")
    doc_id = added_id(run_cli("add", str(source)))
    vault = tmp_path / "vault"
    Catalog.open(private_home).set_setting(EXPORT_FOLDER, str(vault))
    writers = [
        start_writer(
            private_home,
            [["highlight", doc_id, "--quote", sentence(n)] for n in range(copy, 2 * EACH, 2)],
            tmp_path,
        )
        for copy in (0, 1)
    ]
    (tmp_path / "go").touch()
    results = [finish(writer) for writer in writers]
    acknowledged = acknowledged_highlights(results[0]) | acknowledged_highlights(results[1])
    assert len(acknowledged) == 2 * EACH
    assert {h.id for h in AnnotationStore(private_home).for_document(doc_id)} == acknowledged
    (notes,) = vault.glob("*.md")
    text = notes.read_text(encoding="utf-8")
    assert set(re.findall(r"\^nr-([0-9a-f]+)$", text, re.MULTILINE)) == acknowledged
    assert not list(vault.glob("*.bak-*")) and not list(vault.glob(".*"))
