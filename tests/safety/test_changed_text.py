"""A document whose text another copy replaces while the reader has it open.

The command line's `add` of a changed file updates the document's text and re-finds its
highlights in it. A reader that opened the document before still shows, and highlights
on, the old text. What it saves must not be stored as if made on the new text at the
old text's offsets, nor under the old text's hash once the library holds a new one:
exports and the command line would take it as placed where other words now are. It is
found again in the new text before it is saved, and the reader goes on drawing every
highlight on the text it shows.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from annotations.model import AnchorStatus
from annotations.store import AnnotationStore
from service.workspace import Workspace
from tests.safety.support import added_id, run_cli

FIRST = (
    "The ferry left at dawn. The harbour was quiet.\n\n"
    "Gulls followed the ferry out past the breakwater. Nobody spoke.\n\n"
    "By noon the ferry had reached the islands, where the harbour master waited.\n"
)

INSERTED = "A storm warning was posted on the quay the night before.\n\n"


def notes_json(doc_id: str) -> list[dict[str, Any]]:
    result = run_cli("notes", doc_id, "--json")
    assert result.code == 0, result.err
    records = json.loads(result.out)
    assert isinstance(records, list)
    return records


def test_a_highlight_made_on_the_old_text_is_stored_on_the_new_one(
    private_home: Path, tmp_path: Path
) -> None:
    source = tmp_path / "ferry.txt"
    source.write_text(FIRST, "utf-8")
    doc_id = added_id(run_cli("add", str(source)))
    made_before = run_cli("highlight", doc_id, "--quote", "Nobody spoke.")
    assert made_before.code == 0, made_before.err

    reader = Workspace.open(private_home)
    document = reader.catalog.load(doc_id)
    opened = reader.open_annotations(document).annotations

    # Meanwhile the command line adds the changed file: every offset moves.
    source.write_text(INSERTED + FIRST, "utf-8")
    updated = run_cli("add", str(source))
    assert updated.code == 0 and f"updated    {doc_id}" in updated.out, updated
    new_text = reader.catalog.text(doc_id)
    new_hash = hashlib.sha256(new_text.encode("utf-8")).hexdigest()

    quote = "the harbour master waited"
    start = document.text.index(quote)
    made = opened.create(start, start + len(quote))

    stored = {h.id: h for h in AnnotationStore(private_home).for_document(doc_id)}
    for highlight in stored.values():
        assert highlight.content_hash == new_hash
        assert new_text[highlight.start : highlight.end] == highlight.quote
    assert stored[made.id].quote == quote
    assert stored[made.id].status is AnchorStatus.MOVED
    exported = {record["id"]: record for record in notes_json(doc_id)}
    assert new_text[exported[made.id]["start"] : exported[made.id]["end"]] == quote

    # The reader still shows the old text, and draws every highlight on it.
    for highlight in opened.highlights:
        assert document.text[highlight.start : highlight.end] == highlight.quote
    assert {h.quote for h in opened.highlights} == {"Nobody spoke.", quote}

    # A note written on the old text's highlight is saved on the new text too.
    noted = opened.set_note(opened.exact(start, start + len(quote)) or made, "met him")
    again = AnnotationStore(private_home).get(doc_id, noted.id)
    assert again is not None and again.note == "met him"
    assert new_text[again.start : again.end] == quote and again.content_hash == new_hash


def test_nothing_changes_while_the_text_stays_the_same(private_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "ferry.txt"
    source.write_text(FIRST, "utf-8")
    doc_id = added_id(run_cli("add", str(source)))
    reader = Workspace.open(private_home)
    document = reader.catalog.load(doc_id)
    opened = reader.open_annotations(document).annotations
    start = document.text.index("Gulls")
    made = opened.create(start, start + 5)
    assert AnnotationStore(private_home).for_document(doc_id) == (made,)


def test_a_note_written_while_highlights_are_re_found_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-finding highlights after the text changed takes a while, outside the lock: a
    note another copy writes meanwhile must not be overwritten by the version re-found
    from the older highlight (it is re-found later, from the newer one)."""
    from dataclasses import replace

    import annotations.anchoring as anchoring

    workspace = Workspace.open(tmp_path / "lib")
    story = tmp_path / "story.txt"
    story.write_text("A story\n\nThe ferry left at dawn. Gulls followed it.\n", "utf-8")
    doc_id = workspace.add([story]).touched[0]
    made = workspace.highlight_quote(doc_id, "Gulls followed it.")
    story.write_text("A story\n\nAt dawn the ferry left. Gulls followed it.\n", "utf-8")
    real_reanchor = anchoring.reanchor
    other_copy = AnnotationStore(tmp_path / "lib")

    def reanchor_while_a_note_is_written(*args: object, **kwargs: object) -> object:
        (stored,) = other_copy.for_document(doc_id)
        other_copy.save(replace(stored, note="written in the app meanwhile"))
        return real_reanchor(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(anchoring, "reanchor", reanchor_while_a_note_is_written)
    workspace.add([story])
    monkeypatch.setattr(anchoring, "reanchor", real_reanchor)
    (kept,) = AnnotationStore(tmp_path / "lib").for_document(doc_id)
    assert kept.id == made.id and kept.note == "written in the app meanwhile"
    # Re-found the next time, from the version with the note.
    workspace.refresh_anchors(doc_id)
    (found,) = AnnotationStore(tmp_path / "lib").for_document(doc_id)
    assert found.note == "written in the app meanwhile"
    assert found.content_hash == workspace.catalog.entry(doc_id).content_hash
