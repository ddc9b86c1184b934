"""`notes --json` read from the journal's records without making highlights: byte for byte
what reading the journal whole and writing its highlights prints, on journals with notes,
tags, unicode, hostile text, replaced, deleted, fuzzy and orphaned highlights; and any
journal not exactly as the store writes it is read whole (repaired, set aside, told)."""

from __future__ import annotations

import gc
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import annotations.journal as journal_module
from annotations.journal import by_position, change_line, header_line
from annotations.journal_rows import _BY_POSITION, live_rows
from annotations.model import (
    AnchorStatus,
    Color,
    Highlight,
    edited,
    field_values,
    new_highlight,
    to_record,
)
from annotations.record_json import records_json
from annotations.store import AnnotationStore
from library.sanitize import printable_json

DOC = "0123456789ab"
TEXT = (
    "The ferry left at dawn. Ünïcödé harbour «quiet» — 東京 🐟 gulls. "
    'A "quoted" \\ backslash\tand a tab. The boat went out to sea past the lighthouse.'
)


def sample_highlights() -> list[Highlight]:
    """Highlights as a reader makes them: notes, tags, colors, unicode, every status."""
    plain = new_highlight(DOC, TEXT, 0, 8)
    noted = new_highlight(DOC, TEXT, 24, 40, note="A note — with ünicode\nand two lines.")
    tagged = new_highlight(DOC, TEXT, 41, 60, tags=("work", "sea life"), color=Color.GREEN)
    hostile = new_highlight(DOC, TEXT, 61, 90, note='ctl \x1b[31m bidi \u202e "q" \\ %s {}')
    fuzzy = replace(new_highlight(DOC, TEXT, 91, 120), status=AnchorStatus.FUZZY, score=0.875)
    orphan = replace(new_highlight(DOC, TEXT, 5, 20, note="lost"), status=AnchorStatus.ORPHANED)
    moved = replace(new_highlight(DOC, TEXT, 5, 20), status=AnchorStatus.MOVED)
    return [plain, noted, tagged, hostile, fuzzy, orphan, moved]


def saved_store(home: Path, highlights: list[Highlight]) -> AnnotationStore:
    """A store holding `highlights`, saved one by one as the app saves them, then one
    replaced and one deleted, so the journal has history to replay."""
    store = AnnotationStore(home)
    for highlight in highlights:
        store.save(highlight)
    store.save(edited(highlights[0], note="changed later", tags=("later",)))
    store.delete(DOC, highlights[-1].id)
    return AnnotationStore(home)  # a fresh store: nothing read yet, as on the command line


def whole_read_json(home: Path, document_id: str | None = DOC) -> str:
    """What `notes --json` printed before: every highlight made, then written."""
    store = AnnotationStore(home)
    found = store.all() if document_id is None else store.for_document(document_id)
    return records_json(found)


def test_the_rows_are_the_field_values_of_the_highlights_read_whole(tmp_path: Path) -> None:
    store = saved_store(tmp_path, sample_highlights())
    raw = store.journal_path(DOC).read_bytes()
    rows = live_rows(raw, DOC)
    assert rows is not None and len(rows) == len(sample_highlights()) - 1
    # Tags come as the record's list, the color and status as their text.
    as_read = [(*row[:9], tuple(row[9]), *row[10:]) for row in rows]
    assert as_read == [field_values(h) for h in AnnotationStore(tmp_path).for_document(DOC)]


def test_a_rows_sort_key_is_its_highlights_position() -> None:
    for highlight in sample_highlights():
        assert _BY_POSITION(field_values(highlight)) == by_position(highlight)


def test_notes_json_is_byte_identical_and_makes_no_highlight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved_store(tmp_path, sample_highlights())
    expected = whole_read_json(tmp_path)
    assert expected == printable_json(
        [to_record(h) for h in AnnotationStore(tmp_path).for_document(DOC)]
    )

    def no_highlights(record: object) -> Highlight:
        raise AssertionError("a highlight was made")

    monkeypatch.setattr(journal_module, "from_record", no_highlights)
    assert AnnotationStore(tmp_path).records_json(DOC) == expected


def test_notes_json_of_every_document_is_byte_identical(tmp_path: Path) -> None:
    saved_store(tmp_path, sample_highlights())
    other = "ba9876543210"
    AnnotationStore(tmp_path).save(new_highlight(other, TEXT, 3, 30, note="other"))
    assert AnnotationStore(tmp_path).records_json(None) == whole_read_json(tmp_path, None)
    assert AnnotationStore(tmp_path).records_json("ffffffffffff") == "[]\n"


def test_a_lone_surrogate_written_escaped_comes_out_as_before(tmp_path: Path) -> None:
    odd = edited(new_highlight(DOC, TEXT, 0, 8), note="broken \ud800 pair")
    saved_store(tmp_path, [odd, new_highlight(DOC, TEXT, 9, 20)])
    assert b"\\ud800" in AnnotationStore(tmp_path).journal_path(DOC).read_bytes()
    assert AnnotationStore(tmp_path).records_json(DOC) == whole_read_json(tmp_path)


def test_a_journal_already_read_is_written_from_memory(tmp_path: Path) -> None:
    store = saved_store(tmp_path, sample_highlights())
    expected = whole_read_json(tmp_path)
    store.for_document(DOC)
    assert store.records_json(DOC) == expected


def _record_line(highlight: Highlight, **changes: object) -> bytes:
    record = {**to_record(highlight), **changes}
    return json.dumps({"put": [record]}, separators=(",", ":")).encode() + b"\n"


NOT_AS_WRITTEN = {
    "a blank line": b"\n",
    "a torn last line": b'{"put":[{"id":',
    "a line that is not JSON": b"not json\n",
    "two values on a line": b'{"delete":["x"]},{"delete":["y"]}\n',
    "a change of another kind": b'{"move":["x"]}\n',
    "an id to delete that is a number": b'{"delete":[7]}\n',
}


@pytest.mark.parametrize("tail", NOT_AS_WRITTEN.values(), ids=list(NOT_AS_WRITTEN))
def test_a_journal_not_as_written_is_read_whole(tmp_path: Path, tail: bytes) -> None:
    store = saved_store(tmp_path, sample_highlights())
    path = store.journal_path(DOC)
    with path.open("ab") as handle:
        handle.write(tail)
    assert live_rows(path.read_bytes(), DOC) is None
    copy = tmp_path / "copy"
    shutil.copytree(path.parent, copy / "annotations")
    before = AnnotationStore(copy)  # the whole read, as `notes --json` did it before
    expected = records_json(before.for_document(DOC))
    fresh = AnnotationStore(tmp_path)
    assert fresh.records_json(DOC) == expected
    assert len(fresh.warnings) == len(before.warnings)  # damage told as before


@pytest.mark.parametrize(
    "changes",
    [
        {"score": 1},  # an int where a float is written
        {"quote": 5},  # a number for the quote
        {"document_id": "ffffffffffff"},  # another document's record
        {"updated": ""},  # the long way fills it from `created`
        {"color": "mauve"},
        {"start": 10**30},
        {"extra": "a later release's field"},
    ],
    ids=str,
)
def test_a_record_not_as_written_is_read_whole(tmp_path: Path, changes: dict[str, object]) -> None:
    store = saved_store(tmp_path, sample_highlights())
    path = store.journal_path(DOC)
    with path.open("ab") as handle:
        handle.write(_record_line(new_highlight(DOC, TEXT, 30, 50), **changes))
    assert live_rows(path.read_bytes(), DOC) is None
    copy = tmp_path / "copy"
    shutil.copytree(path.parent, copy / "annotations")
    before = AnnotationStore(copy)
    expected = records_json(before.for_document(DOC))
    fresh = AnnotationStore(tmp_path)
    assert fresh.records_json(DOC) == expected
    assert len(fresh.warnings) == len(before.warnings)


def test_a_damaged_journal_is_set_aside_and_told_as_before(tmp_path: Path) -> None:
    store = saved_store(tmp_path, sample_highlights())
    path = store.journal_path(DOC)
    with path.open("ab") as handle:
        handle.write(b"not json\n")
    fresh = AnnotationStore(tmp_path)
    printed = json.loads(fresh.records_json(DOC))
    assert len(printed) == len(sample_highlights()) - 1
    assert any("could not be read" in warning for warning in fresh.warnings)
    assert list(path.parent.glob("*.damaged-*"))


def test_a_header_of_another_schema_is_read_whole() -> None:
    newer = b'{"kind":"annotations","schema":99}\n' + change_line([sample_highlights()[0]])
    assert live_rows(newer, DOC) is None
    assert live_rows(header_line(), DOC) == []


HOSTILE = st.text(
    alphabet=st.one_of(
        st.sampled_from('"\\/\n\r\t\x00\x1b\x7f\x85\u2028\u2029\u202e\ud800%{}[],: '),
        st.characters(),
    ),
    max_size=20,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(notes=st.lists(HOSTILE, min_size=1, max_size=5), tags=st.lists(HOSTILE, max_size=3))
def test_hostile_notes_and_tags_come_out_as_before(
    tmp_path_factory: pytest.TempPathFactory, notes: list[str], tags: list[str]
) -> None:
    home = tmp_path_factory.mktemp("hostile")
    clean_tags = [" ".join(tag.split()) for tag in tags if tag.split()]
    made = [
        new_highlight(DOC, TEXT, at, at + 7, note=note, tags=clean_tags)
        for at, note in enumerate(notes)
    ]
    saved_store(home, made)
    assert AnnotationStore(home).records_json(DOC) == whole_read_json(home)


def test_the_collector_waits_while_the_json_is_made_and_runs_again_after(
    tmp_path: Path,
) -> None:
    store = AnnotationStore(tmp_path)
    text = TEXT * 40
    store.save_many(new_highlight(DOC, text, at, at + 5) for at in range(0, 2000, 2))
    collections: list[str] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(phase)

    fresh = AnnotationStore(tmp_path)
    gc.collect()
    gc.callbacks.append(seen)
    try:
        printed = fresh.records_json(DOC)
    finally:
        gc.callbacks.remove(seen)
    assert len(json.loads(printed)) == 1000
    # At most one: the collection the allocations made meanwhile call for once it is on
    # again (each few hundred of them called for one before).
    assert len(collections) <= 1
    assert gc.isenabled()
