"""The notes folder: `config`, a live mirror of every highlight change, short safe names,
front matter for people, and links back to the passage."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from annotations.document_annotations import DocumentAnnotations
from annotations.links import PassageLink, parse_passage_link, passage_uri
from annotations.markdown_names import MAX_NAME_CHARS, title_stem
from annotations.markdown_notes import BEGIN_NOTES, END_NOTES, user_notes_of
from annotations.mirror_settings import EXPORT_FOLDER
from annotations.model import Highlight
from library.catalog import Catalog
from library.safe_files import current_umask
from reader.cli import main
from service.workspace import Workspace

TEXT = (
    "Harbour lights came on one by one as the ferry turned. A gull argued with the wind.\n\n"
    "The captain wrote in the log: calm sea, three passengers, one dog.\n\n"
    "At the quay a child waved a red scarf, and the dog barked back.\n\n"
    "Source: The Quay Gazette\n"
)

TITLE = "The harbour log of a long and windy night on the quay, with a dog, a gull and a scarf"

MINE = "My own thoughts on the log.\n\n- keep this"


def current(annotations: DocumentAnnotations, highlight_id: str) -> Highlight:
    found = annotations.by_id(highlight_id)
    assert found is not None
    return found


def front_and_body(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    end = text.index("\n---\n", 3)
    front = yaml.safe_load(text[4 : end + 1])
    assert isinstance(front, dict)
    return front, text[end + 5 :]


def block_ids(path: Path) -> list[str]:
    return re.findall(r"\^nr-([0-9a-f]+)$", path.read_text(encoding="utf-8"), re.MULTILINE)


def write_notes(path: Path, notes: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(BEGIN_NOTES) + len(BEGIN_NOTES)
    end = text.index(END_NOTES)
    path.write_text(text[:start] + "\n" + notes + "\n" + text[end:], encoding="utf-8")


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def doc_id(private_home: Path, tmp_path: Path, vault: Path) -> str:
    """A document in the library, and the notes folder set (from the command line)."""
    source = tmp_path / "log.txt"
    source.write_text(f"{TITLE}\n\n{TEXT}", encoding="utf-8")
    assert main(["add", str(source)]) == 0
    assert main(["config", "export-folder", str(vault)]) == 0
    catalog = Catalog.open(private_home)
    return next(e.id for e in catalog.entries() if e.title == TITLE)


def the_file(vault: Path) -> Path:
    files = sorted(vault.rglob("*.md"))
    assert len(files) == 1, files
    return files[0]


# --- config -------------------------------------------------------------------------------


def test_config_sets_gets_lists_and_unsets(
    private_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Catalog.open(private_home)  # a library to set things in
    folder = tmp_path / "notes" / "deep"
    capsys.readouterr()
    assert main(["config", "set", "export-folder", str(folder)]) == 0
    assert folder.is_dir()  # made, as a folder that can be made
    assert capsys.readouterr().out == f"export-folder = {folder}\n"
    assert main(["config", "export-folder"]) == 0
    assert capsys.readouterr().out == f"{folder}\n"
    assert main(["config", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "export-folder": str(folder),
        "highlight-style": "quote",
    }
    assert main(["config", "highlight-style", "mark"]) == 0
    assert main(["config", "get", "highlight-style", "--json"]) == 0
    assert capsys.readouterr().out.endswith('"mark"\n')
    assert main(["config", "unset", "export-folder"]) == 0
    assert main(["config", "list"]) == 0
    assert "export-folder = (not set)" in capsys.readouterr().out
    # The app reads the same store.
    assert Catalog.open(private_home).setting(EXPORT_FOLDER) is None


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["config", "export-folder", "FILE"], "is a file, not a folder"),
        (["config", "export-folder", "FILE/below"], "cannot be made"),
        (["config", "no-such-key", "x"], "There is no setting 'no-such-key'"),
        (["config", "highlight-style", "bold"], "must be one of quote, mark"),
    ],
)
def test_config_refuses_bad_values_in_one_sentence(
    private_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    said: str,
) -> None:
    Catalog.open(private_home)
    (tmp_path / "FILE").write_text("x", encoding="utf-8")
    argv = [arg.replace("FILE", str(tmp_path / "FILE")) for arg in argv]
    capsys.readouterr()
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1
    assert Catalog.open(private_home).setting(EXPORT_FOLDER) is None


# --- the mirror ---------------------------------------------------------------------------


def test_a_highlight_from_the_command_line_appears_in_the_file(
    doc_id: str, vault: Path, private_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not list(vault.iterdir())  # nothing until there is a highlight
    capsys.readouterr()
    assert main(["highlight", doc_id, "--quote", "A gull argued", "--tag", "sea birds"]) == 0
    highlight_id = capsys.readouterr().out.split()[0]
    path = the_file(vault)
    assert block_ids(path) == [highlight_id]
    front, body = front_and_body(path)
    assert front["newsreader"] == doc_id and front["tags"] == ["sea-birds"]
    assert f"(newsreader://open?doc={doc_id}&highlight={highlight_id})" in body
    assert "#sea-birds" in body
    # Ordinary permissions for a file of the user's; the store's own files stay private.
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~current_umask()
    journal = private_home / "annotations" / f"{doc_id}.jsonl"
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600


def test_every_change_shows_and_the_users_notes_survive_each_step(
    doc_id: str, vault: Path, private_home: Path
) -> None:
    workspace = Workspace.open(private_home)
    document = workspace.catalog.load(doc_id)
    annotations = workspace.open_annotations(document).annotations  # as the reader does
    start = document.text.index("The captain wrote")
    first = annotations.create(start, start + len("The captain wrote in the log"))
    path = the_file(vault)
    write_notes(path, MINE)
    steps: list[tuple[Callable[[], object], str]] = [
        (lambda: annotations.set_note(first, "Calm, it says."), "Calm, it says."),
        (lambda: annotations.set_tags(current(annotations, first.id), ("log", "sea")), "#sea"),
        (lambda: annotations.cycle_color(current(annotations, first.id)), "· green ·"),
    ]
    for change, shown in steps:
        change()
        text = path.read_text(encoding="utf-8")
        assert shown in text
        assert user_notes_of(text) == MINE
    second = annotations.create(0, len("Harbour lights came on"))
    assert block_ids(path) == [second.id, first.id]
    annotations.delete(current(annotations, first.id))
    assert block_ids(path) == [second.id]
    assert user_notes_of(path.read_text(encoding="utf-8")) == MINE
    annotations.undo()  # the delete
    assert block_ids(path) == [second.id, first.id]
    assert "Calm, it says." in path.read_text(encoding="utf-8")
    annotations.undo()  # the second highlight
    assert block_ids(path) == [first.id]
    assert user_notes_of(path.read_text(encoding="utf-8")) == MINE
    assert not list(vault.glob("*.bak-*"))


def test_a_file_the_user_renamed_and_moved_is_updated_in_place(
    doc_id: str, vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["highlight", doc_id, "--quote", "A gull argued"]) == 0
    moved = vault / "Reading" / "Harbour night.md"
    moved.parent.mkdir()
    the_file(vault).rename(moved)
    write_notes(moved, MINE)
    assert main(["highlight", doc_id, "--quote", "three passengers"]) == 0
    assert the_file(vault) == moved
    assert len(block_ids(moved)) == 2
    assert user_notes_of(moved.read_text(encoding="utf-8")) == MINE


def test_the_last_highlight_deleted_removes_the_file_unless_something_is_the_users(
    doc_id: str, vault: Path, private_home: Path
) -> None:
    workspace = Workspace.open(private_home)
    annotations = workspace.open_annotations(workspace.catalog.load(doc_id)).annotations
    highlight = annotations.create(0, 20)
    path = the_file(vault)
    annotations.delete(highlight)
    assert not path.exists()  # nothing of the user's was in it
    annotations.undo()
    path = the_file(vault)
    write_notes(path, MINE)
    annotations.delete(current(annotations, highlight.id))
    assert path.exists() and block_ids(path) == []
    assert user_notes_of(path.read_text(encoding="utf-8")) == MINE
    assert any("was kept" in warning for warning in workspace.unseen_warnings())


def test_import_notes_and_refound_highlights_update_the_file(
    doc_id: str, vault: Path, private_home: Path, tmp_path: Path
) -> None:
    assert main(["highlight", doc_id, "--quote", "A gull argued"]) == 0
    backup = tmp_path / "notes.json"
    assert main(["export", "--format", "json", "-o", str(backup)]) == 0
    path = the_file(vault)
    path.unlink()
    assert main(["import-notes", str(backup)]) == 0  # nothing new: nothing written
    assert not path.exists()
    data = json.loads(backup.read_text(encoding="utf-8"))
    data["highlights"][0]["note"] = "Imported note."
    data["highlights"][0]["updated"] = "2999-01-01T00:00:00.000Z"
    backup.write_text(json.dumps(data), encoding="utf-8")
    assert main(["import-notes", str(backup)]) == 0
    assert "Imported note." in the_file(vault).read_text(encoding="utf-8")


def test_mark_style_writes_marked_words(doc_id: str, vault: Path) -> None:
    assert main(["config", "highlight-style", "mark"]) == 0
    assert main(["highlight", doc_id, "--quote", "A gull argued"]) == 0
    assert re.search(r"^> ==A gull argued== \^nr-", the_file(vault).read_text(), re.MULTILINE)


def test_the_app_mirror_writes_in_the_background(
    doc_id: str, vault: Path, private_home: Path
) -> None:
    workspace = Workspace.open(private_home)
    told: list[str] = []
    workspace.mirror.run_in_background(told.append)
    annotations = workspace.open_annotations(workspace.catalog.load(doc_id)).annotations
    annotations.create(0, 20)
    assert workspace.close_mirror() == ()  # writes what was pending, stops the thread
    assert len(block_ids(the_file(vault))) == 1 and told == []


# --- a vault as Obsidian reads it ---------------------------------------------------------

OBSIDIAN_TAG = re.compile(r"[\w/-]+")


def test_a_vault_of_awkward_documents_reads_as_obsidian_reads_it(
    private_home: Path, tmp_path: Path, vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    titles = [
        "CON",
        'What? A: title / with \\ every * bad | character <in> it "quoted" #1 [x]^',
        "Same title",
        "Same title",
        "." * 5 + " dots first and last . . .",
        "A " + "very " * 40 + "long title",
        "Zoë's café — naïve 漢字 🦜",
    ]
    sources = tmp_path / "sources"
    sources.mkdir()
    for number, title in enumerate(titles):
        text = f"{title}\n\nSentence {number} of the body, a plain one.\n"
        (sources / f"{number}.txt").write_text(text, encoding="utf-8")
    assert main(["add", str(sources)]) == 0
    assert main(["config", "export-folder", str(vault)]) == 0
    catalog = Catalog.open(private_home)
    tags = ["local news", "2024", "Ünïcode_tag", "a / b", "!!!", "x#y"]
    for entry in catalog.entries():
        if entry.title in ("Welcome to newsreader",):
            continue
        argv = ["highlight", entry.id, "--quote", "of the body"]
        for tag in tags:
            argv += ["--tag", tag]
        assert main(argv) == 0, capsys.readouterr().err
    files = sorted(vault.glob("*.md"))
    assert len(files) == len(titles)
    for path in files:
        stem = path.name.removesuffix(".md")
        assert len(stem) <= MAX_NAME_CHARS + len(" (123456)")
        assert not re.search(r'[\\/:*?"<>|#^\[\]]', stem)
        assert stem == stem.strip(" .") and not stem.startswith(".")
        assert stem.split(".")[0].strip().casefold() not in {"con", "prn", "aux", "nul"}
        front, body = front_and_body(path)
        assert set(front) <= {"title", "author", "source", "url", "date", "tags", "newsreader"}
        assert catalog.entry(front["newsreader"]).title == front["title"]
        for tag in front["tags"]:
            assert OBSIDIAN_TAG.fullmatch(tag) and not tag.isdigit(), tag
            assert f"#{tag}" in body  # the same spelling inline
    names = [p.name for p in files]
    assert len({name.casefold() for name in names}) == len(names)
    same = sorted((name for name in names if name.startswith("Same title")), key=len)
    assert same[0] == "Same title.md"
    assert re.fullmatch(r"Same title \([0-9a-f]{6}\)\.md", same[1])


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        (
            "Joe Biden and Xi Jinping concluded a call of nearly two hours during which the U.S.",
            "Joe Biden and Xi Jinping concluded a call of nearly two",
        ),
        ("nul", "nul (note)"),
        ("LPT1.txt", "LPT1.txt (note)"),
        ("", "Untitled"),
        ("   ...   ", "Untitled"),
        ("../../etc/passwd", "etc passwd"),
        ("a\x1b[2Jb\u202e", "a 2Jb"),
        ("x" * 100, "x" * MAX_NAME_CHARS),
    ],
)
def test_title_stems(title: str, stem: str) -> None:
    assert title_stem(title) == stem


def test_links_back_round_trip_and_refuse_what_is_no_link() -> None:
    uri = passage_uri("abc123", "0f" * 16)
    assert uri == f"newsreader://open?doc=abc123&highlight={'0f' * 16}"
    assert parse_passage_link(uri) == PassageLink("abc123", "0f" * 16)
    assert parse_passage_link("newsreader://open?doc=abc") == PassageLink("abc")
    for bad in (
        "https://open?doc=a",
        "newsreader://open",
        "newsreader://x?doc=a",
        "newsreader://open?doc=../x",
        "newsreader://open?doc=a&doc=b",
    ):
        with pytest.raises(ValueError):
            parse_passage_link(bad)


def test_open_refuses_a_bad_link_in_one_sentence(
    private_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Catalog.open(private_home)
    assert main(["open", "https://example.org"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["newsreader://open?doc=abc"]) == 1  # no terminal here: said so
    assert "needs a terminal" in capsys.readouterr().err


def test_umask_permissions_only_when_asked(tmp_path: Path) -> None:
    from library.safe_files import atomic_write_bytes

    atomic_write_bytes(tmp_path / "store.json", b"x")
    atomic_write_bytes(tmp_path / "note.md", b"x", shared=True)
    assert stat.S_IMODE((tmp_path / "store.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "note.md").stat().st_mode) == 0o666 & ~current_umask()
    (tmp_path / "note.md").chmod(0o640)
    atomic_write_bytes(tmp_path / "note.md", b"y", shared=True)  # kept when replaced
    assert stat.S_IMODE((tmp_path / "note.md").stat().st_mode) == 0o640


def test_export_writes_into_the_notes_folder_once_it_is_set(
    doc_id: str, vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["highlight", doc_id, "--quote", "A gull argued"]) == 0
    path = the_file(vault)
    path.unlink()  # say, written before the folder was set
    capsys.readouterr()
    assert main(["export"]) == 0
    assert capsys.readouterr().out == f"Exported the notes to {path}.\n"
    assert len(block_ids(path)) == 1
