"""`import-notes` believes nothing it can check: a record's place is verified against the
text before it is kept, so no crafted or stale export puts a quote on other words."""

from __future__ import annotations

import json
from pathlib import Path

from tests.safety.support import run_cli

STORY = (
    "The ferry left at dawn. The harbour was quiet.\n\n"
    "Gulls followed the ferry out past the breakwater. Nobody spoke.\n"
)


def test_a_fuzzy_record_whose_quote_is_not_the_text_there_is_found_again(
    tmp_path: Path,
) -> None:
    source = tmp_path / "ferry.txt"
    source.write_text(STORY, encoding="utf-8")
    library = tmp_path / "library"
    doc_id = run_cli("--library", str(library), "add", str(source)).out.split()[1]
    assert (
        run_cli("--library", str(library), "highlight", doc_id, "--quote", "Nobody spoke.").code
        == 0
    )
    exported = json.loads(run_cli("--library", str(library), "export", "--format", "json").out)
    (record,) = exported["highlights"]
    # What a stale or crafted export may say: found fuzzily, on this very text, with a
    # quote that is nothing like the words at its offsets.
    record.update(status="fuzzy", score=0.95, quote="zebra crossings of quantum jazz")
    crafted = tmp_path / "crafted.json"
    crafted.write_text(json.dumps(exported), encoding="utf-8")

    other = tmp_path / "other"
    assert run_cli("--library", str(other), "add", str(source)).code == 0
    imported = run_cli("--library", str(other), "import-notes", str(crafted))
    assert imported.code == 0, imported.err
    (note,) = json.loads(run_cli("--library", str(other), "notes", "--json").out)
    assert note["quote"] == "zebra crossings of quantum jazz"
    assert note["status"] == "orphaned"  # kept, and said to be lost: not placed on other words
    markdown = run_cli("--library", str(other), "export", doc_id).out
    assert markdown.index("Orphaned highlights") < markdown.index("zebra crossings")


def test_an_honest_fuzzy_record_is_kept_as_it_is(tmp_path: Path) -> None:
    source = tmp_path / "ferry.txt"
    source.write_text(STORY, encoding="utf-8")
    library = tmp_path / "library"
    doc_id = run_cli("--library", str(library), "add", str(source)).out.split()[1]
    run_cli("--library", str(library), "highlight", doc_id, "--quote", "Nobody spoke.")
    exported = json.loads(run_cli("--library", str(library), "export", "--format", "json").out)
    (record,) = exported["highlights"]
    record.update(status="fuzzy", score=0.9, quote="Nobody spoke!")  # one character off
    honest = tmp_path / "honest.json"
    honest.write_text(json.dumps(exported), encoding="utf-8")
    other = tmp_path / "other"
    run_cli("--library", str(other), "add", str(source))
    assert run_cli("--library", str(other), "import-notes", str(honest)).code == 0
    (note,) = json.loads(run_cli("--library", str(other), "notes", "--json").out)
    assert (note["status"], note["start"], note["end"]) == ("fuzzy", record["start"], record["end"])
