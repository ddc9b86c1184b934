"""The command line: add, list, show, search, remove, and its errors."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "library"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(FIXTURES, source)
    assert main(["add", str(source)]) == 0
    return source


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(list(argv)) == 0
    value = json.loads(capsys.readouterr().out)
    assert isinstance(value, list)
    return value


def test_list_json_has_the_documented_fields(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = run_json(capsys, "list", "--json")
    fields = {
        "id",
        "title",
        "source",
        "date",
        "caption",
        "words",
        "reading_minutes",
        "path",
        "added",
        "progress",
        "highlights",
    }
    assert all(fields <= set(row) for row in rows)
    harbour = next(r for r in rows if str(r["title"]).startswith("The harbour authority"))
    assert harbour["date"] == "2024-05-02"
    assert harbour["source"] == "The Coastal Gazette"
    assert str(harbour["caption"]).startswith("Fishing boats wait at the quay")
    notes = next(r for r in rows if r["title"] == "Field notes on slow reading")
    assert notes["source"] == "The Margin"
    assert notes["date"] == "2023-11-20"


def test_corpus_comes_out_right(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", str(corpus)]) == 0
    rows = run_json(capsys, "list", "--json")
    by_path = {Path(str(r["path"])).name: r for r in rows if r["path"]}
    first = by_path["004_3070b542610b7c5b.txt"]
    assert first["date"] == "2022-03-18"
    assert str(first["caption"]).startswith("U.S. President Joe Biden meets virtually")
    assert str(first["title"]).startswith("U.S. President Joe Biden is planning to warn")
    assert len(str(first["title"])) <= 95
    second = by_path["000_d13208a75ad07fcb.txt"]
    assert second["source"] == "Financial Times"
    assert second["date"] is None
    assert str(second["title"]).startswith("Joe Biden and Xi Jinping concluded a call")


def test_add_twice_is_a_no_op(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = run_json(capsys, "list", "--json")
    assert main(["add", str(library)]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert run_json(capsys, "list", "--json") == before


def test_show_prints_stored_text_and_json(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = run_json(capsys, "list", "--json")
    doc = next(r for r in rows if r["title"] == "Field notes on slow reading")
    assert main(["show", str(doc["id"])[:6]]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Reading slowly is a skill.")
    assert main(["show", str(doc["id"]), "--json"]) == 0
    value = json.loads(capsys.readouterr().out)
    assert value["id"] == doc["id"]
    assert value["text"].rstrip("\n") == text.rstrip("\n")


def test_search_finds_with_offsets(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "search", "brekwater", "--json")
    assert rows
    best = rows[0]
    assert main(["show", str(best["document_id"])]) == 0
    text = capsys.readouterr().out
    assert "breakwater" in text[int(str(best["start"])) : int(str(best["end"]))]


def test_remove(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "list", "--json")
    doc = next(r for r in rows if r["title"] == "Field notes on slow reading")
    assert main(["remove", str(doc["id"])]) == 0
    assert doc["id"] not in {r["id"] for r in run_json(capsys, "list", "--json")}


@pytest.mark.parametrize(
    ("argv", "status", "needle"),
    [
        (["show", "zzzz"], 1, "zzzz"),
        (["remove", "nope"], 1, "nope"),
        (["list", "--sort", "colour"], 2, "colour"),
        (["frobnicate", "x"], 2, "frobnicate"),
        (["search", "x", "--limit", "0"], 2, "--limit"),
        (["add"], 2, "PATH"),
    ],
)
def test_errors_are_one_line(
    library: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    status: int,
    needle: str,
) -> None:
    capsys.readouterr()
    assert main(argv) == status
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert needle in err
    assert "Traceback" not in err


def test_add_bad_files_says_why_and_keeps_library(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = run_json(capsys, "list", "--json")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert main(["add", str(empty), str(binary)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert "empty.txt" in err[0]
    assert "photo.png" in err[1]
    assert run_json(capsys, "list", "--json") == before
    assert main(["add", str(tmp_path / "missing.txt")]) == 1
    assert "missing.txt" in capsys.readouterr().err


def test_highlight_and_notes(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "list", "--json")
    harbour = str(next(r for r in rows if str(r["title"]).startswith("The harbour"))["id"])
    argv = ["highlight", harbour, "--quote", "the sea does not wait", "--note", "Line one\nTwo"]
    assert main([*argv, "--tag", "sea", "--color", "green"]) == 0
    notes = run_json(capsys, "notes", harbour, "--json")
    assert len(notes) == 1
    note = notes[0]
    fields = {
        "id",
        "document_id",
        "quote",
        "prefix",
        "suffix",
        "start",
        "end",
        "color",
        "note",
        "tags",
        "created",
        "updated",
        "status",
    }
    assert fields <= set(note)
    assert note["quote"] == "the sea does not wait"
    assert note["note"] == "Line one\nTwo"
    assert note["tags"] == ["sea"]
    assert note["color"] == "green"
    assert main(["show", harbour]) == 0
    text = capsys.readouterr().out
    assert text[int(str(note["start"])) : int(str(note["end"]))] == "the sea does not wait"
    listed = run_json(capsys, "list", "--json")
    assert next(r for r in listed if r["id"] == harbour)["highlights"] == 1
    assert run_json(capsys, "notes", "--search", "sea", "--json") == notes


def test_highlight_fuzzy_ambiguous_and_missing(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = run_json(capsys, "list", "--json")
    harbour = str(next(r for r in rows if str(r["title"]).startswith("The harbour"))["id"])
    assert main(["highlight", harbour, "--quote", "the sea dose not wait"]) == 0
    capsys.readouterr()
    assert main(["highlight", harbour, "--quote", "the"]) == 2
    err = capsys.readouterr().err
    assert "--nth" in err and err.count("\n") == 1
    assert main(["highlight", harbour, "--quote", "the", "--nth", "2"]) == 0
    capsys.readouterr()
    assert main(["highlight", harbour, "--quote", "volcanic eruption in Iceland"]) == 1
    assert "not in the document" in capsys.readouterr().err
    assert len(run_json(capsys, "notes", harbour, "--json")) == 2


def test_export_and_import_notes(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = run_json(capsys, "list", "--json")
    harbour = str(next(r for r in rows if str(r["title"]).startswith("The harbour"))["id"])
    assert main(["highlight", harbour, "--quote", "the sea does not wait", "--note", "Wow"]) == 0
    capsys.readouterr()

    assert main(["export", harbour[:6]]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("---\n")
    assert "> the sea does not wait ^nr-" in markdown

    assert main(["export"]) == 0
    said = capsys.readouterr().out
    assert "exports" in said
    exports = Path(os.environ["NEWSREADER_HOME"]) / "exports"
    assert str(exports) in said
    assert len(list(exports.glob("*.md"))) == 1

    saved = tmp_path / "notes.json"
    assert main(["export", "--format", "json", "-o", str(saved)]) == 0
    before = run_json(capsys, "notes", "--json")
    assert main(["export", "--format", "w3c"]) == 0
    w3c = json.loads(capsys.readouterr().out)
    assert w3c["type"] == "AnnotationCollection"
    assert main(["import-notes", str(saved)]) == 0
    assert "already there" in capsys.readouterr().out
    assert run_json(capsys, "notes", "--json") == before
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["import-notes", str(bad)]) == 1  # the file is wrong, not the command line
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid JSON" in err


def test_import_notes_that_skipped_highlights_exits_3_and_1_when_all_were_skipped(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = run_json(capsys, "list", "--json")
    harbour = str(next(r for r in rows if str(r["title"]).startswith("The harbour"))["id"])
    assert main(["highlight", harbour, "--quote", "the sea does not wait"]) == 0
    capsys.readouterr()
    assert main(["export", "--format", "w3c"]) == 0
    good = json.loads(capsys.readouterr().out)["first"]["items"][0]
    unusable = {"type": "Annotation", "target": "https://example.org/page"}
    partly = tmp_path / "partly.json"
    partly.write_text(json.dumps([good, unusable]), encoding="utf-8")
    assert main(["import-notes", str(partly)]) == 3
    said = capsys.readouterr().out
    assert "1 were skipped" in said and "Skipped" in said
    nothing = tmp_path / "nothing.json"
    nothing.write_text(json.dumps([unusable]), encoding="utf-8")
    assert main(["import-notes", str(nothing)]) == 1


def test_notes_search_without_a_match_says_so(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["notes", "--search", "sea"]) == 0
    assert capsys.readouterr().out == "No highlights yet.\n"  # there are none at all
    rows = run_json(capsys, "list", "--json")
    harbour = str(next(r for r in rows if str(r["title"]).startswith("The harbour"))["id"])
    assert main(["highlight", harbour, "--quote", "the sea does not wait"]) == 0
    capsys.readouterr()
    assert main(["notes", "--search", "zzzz"]) == 1
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err == "newsreader: no highlight matches 'zzzz'\n"
    assert run_json(capsys, "notes", "--search", "zzzz", "--json") == []


def test_changed_document_re_anchors_highlights(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "story.txt"
    first = (
        "The council met on Monday. It approved the new library.\n\n"
        "Work starts in spring. The mayor called it a good day for readers.\n\n"
        "A second vote on the car park was put off until June.\n"
    )
    path.write_text(first, encoding="utf-8")
    assert main(["add", str(path)]) == 0
    doc = str(run_json(capsys, "list", "--json")[0]["id"])
    for quote in ("a good day for readers", "put off until June", "It approved the new library"):
        assert main(["highlight", doc, "--quote", quote]) == 0
    path.write_text(
        "Breaking: an update.\n\n"
        + first.replace(" It approved the new library.", "").replace("readers", "all readers"),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["add", str(path)]) == 0
    said = capsys.readouterr().out
    assert "updated" in said and "3 highlights" in said
    notes = {str(n["quote"]): n for n in run_json(capsys, "notes", doc, "--json")}
    assert len(notes) == 3  # none dropped
    assert main(["show", doc]) == 0
    text = capsys.readouterr().out
    moved = notes["put off until June"]
    assert moved["status"] == "moved"
    assert text[int(str(moved["start"])) : int(str(moved["end"]))] == "put off until June"
    assert notes["It approved the new library"]["status"] == "orphaned"
    changed = notes["a good day for readers"]
    assert changed["status"] in ("fuzzy", "orphaned")
    if changed["status"] == "fuzzy":
        assert "good day for" in text[int(str(changed["start"])) : int(str(changed["end"]))]


def test_removed_highlights_come_back_when_the_document_does(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = run_json(capsys, "list", "--json")
    harbour = next(r for r in rows if str(r["title"]).startswith("The harbour"))
    doc = str(harbour["id"])
    assert main(["highlight", doc, "--quote", "the sea does not wait", "--note", "Kept"]) == 0
    assert main(["remove", doc]) == 0
    assert "come back" in capsys.readouterr().out
    assert main(["add", str(harbour["path"])]) == 0
    assert "earlier highlight(s) are back" in capsys.readouterr().out
    notes = run_json(capsys, "notes", doc, "--json")
    assert [n["note"] for n in notes] == ["Kept"]


def test_collection_waits_for_the_first_frame_and_comes_back_on_any_exit(
    library: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import gc

    import reader.app
    import reader.cli

    seen: list[bool] = []

    def failing_app(*_: object, **__: object) -> None:
        seen.append(gc.isenabled())
        raise RuntimeError("the terminal went away")

    monkeypatch.setattr(reader.cli, "terminal_attached", lambda: True)  # as in a terminal
    monkeypatch.setattr(reader.app, "make_app", failing_app)
    assert main(["--library", str(library)]) == 1
    assert seen == [False]  # off while the app starts…
    assert gc.isenabled()  # …and back on even when it fails
    assert "the terminal went away" in capsys.readouterr().err

    after_frame: list[bool] = []

    def drawn_app(*_: object, after_first_frame: Callable[[], object], **__: object) -> None:
        after_first_frame()  # what the app does once its first frame is drawn
        after_frame.append(gc.isenabled() and gc.get_freeze_count() > 0)
        raise RuntimeError("closed")

    monkeypatch.setattr(reader.app, "make_app", drawn_app)
    try:
        assert main(["--library", str(library)]) == 1
        assert after_frame == [True]  # on again, with what start-up made left out
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_color_not_offered_is_refused_with_the_list_of_colors(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc_id = run_json(capsys, "list", "--json")[0]["id"]
    assert main(["highlight", str(doc_id), "--quote", "the", "--color", "mauve"]) == 2
    error = capsys.readouterr().err
    assert "invalid choice: 'mauve'" in error and "'yellow', 'green'" in error


def test_every_command_has_its_parser_and_its_function() -> None:
    from reader.cli import COMMAND_NAMES
    from reader.cli_commands import COMMANDS

    assert set(COMMANDS) == set(COMMAND_NAMES)
    for name in COMMAND_NAMES:
        with pytest.raises(SystemExit) as helped:
            main([name, "--help"])
        assert helped.value.code == 0
