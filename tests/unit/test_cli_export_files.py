"""`export -o`: a path ending in `.md` (or an existing file) is a file, a folder gets
`newsreader-notes.json`, and folders on the way are never made up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.safety.support import run_cli

STORY = "The ferry left at dawn.\n\nGulls followed it past the breakwater. Nobody spoke.\n"
OTHER = "The mill stream ran fast in spring.\n\nNobody remembered who built the bridge.\n"


@pytest.fixture
def library(tmp_path: Path) -> tuple[Path, str, str]:
    """A library of two documents, each with one highlight: (folder, first id, second id)."""
    library = tmp_path / "lib"
    ids = []
    for name, text, quote in (("ferry.txt", STORY, "Gulls"), ("mill.txt", OTHER, "bridge")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        added = run_cli("--library", str(library), "add", str(path))
        assert added.code == 0, added.err
        doc_id = added.out.split()[1]
        assert run_cli("--library", str(library), "highlight", doc_id, "--quote", quote).code == 0
        ids.append(doc_id)
    return library, ids[0], ids[1]


def export(library: Path, *argv: str) -> tuple[int, str, str]:
    result = run_cli("--library", str(library), "export", *argv)
    return result.code, result.out, result.err


def test_o_ending_in_md_is_a_file(library: tuple[Path, str, str], tmp_path: Path) -> None:
    folder, first, _ = library
    target = tmp_path / "one.md"
    code, out, err = export(folder, first, "-o", str(target))
    assert code == 0, err
    assert target.is_file()
    assert "> Gulls ^nr-" in target.read_text(encoding="utf-8")
    assert err == f"newsreader: wrote {target}\n" and out == ""


def test_o_a_file_keeps_what_the_user_wrote_in_it(
    library: tuple[Path, str, str], tmp_path: Path
) -> None:
    """Exporting again into the same file keeps the notes region and backs up other
    edits, as exporting into a folder does; nothing of the user's is silently lost."""
    folder, first, _ = library
    target = tmp_path / "one.md"
    assert export(folder, first, "-o", str(target))[0] == 0
    text = target.read_text(encoding="utf-8")
    target.write_text(
        text.replace("%% begin notes %%", "%% begin notes %%\nMy own thoughts."), "utf-8"
    )
    code, _, err = export(folder, first, "-o", str(target))
    assert code == 0, err
    assert "My own thoughts." in target.read_text(encoding="utf-8")
    assert list(tmp_path.glob("one.md.bak-*")) == []
    with target.open("a", encoding="utf-8") as edited:
        edited.write("\nA line written below everything.\n")
    code, _, err = export(folder, first, "-o", str(target))
    assert code == 0, err
    (backup,) = tmp_path.glob("one.md.bak-*")
    assert "A line written below everything." in backup.read_text(encoding="utf-8")
    assert f"the old file was kept as {backup}" in err
    assert "My own thoughts." in target.read_text(encoding="utf-8")


def test_o_ending_in_md_with_several_documents_is_refused(
    library: tuple[Path, str, str], tmp_path: Path
) -> None:
    folder, first, second = library
    for argv in ([first, second], []):
        code, _, err = export(folder, *argv, "-o", str(tmp_path / "all.md"))
        assert code == 1 and err.count("\n") == 1 and "name one document" in err
    assert not (tmp_path / "all.md").exists()


def test_o_a_folder_gets_one_file_per_document(
    library: tuple[Path, str, str], tmp_path: Path
) -> None:
    folder, first, second = library
    target = tmp_path / "notes"
    code, _, err = export(folder, first, second, "-o", str(target))
    assert code == 0, err
    assert target.is_dir() and (target / "index.md").is_file()
    assert len(list(target.glob("*.md"))) == 3
    slashed = tmp_path / "more.md"  # a trailing slash says "folder", whatever the name
    code, _, err = export(folder, first, "-o", f"{slashed}/")
    assert code == 0, err
    assert slashed.is_dir() and len(list(slashed.glob("*.md"))) == 1


@pytest.mark.parametrize(
    ("kind", "name"), [("json", "newsreader-notes.json"), ("w3c", "newsreader-notes.w3c.json")]
)
def test_json_into_a_folder_has_one_json_suffix(
    library: tuple[Path, str, str], tmp_path: Path, kind: str, name: str
) -> None:
    folder, _, _ = library
    code, _, err = export(folder, "--format", kind, "-o", str(tmp_path))
    assert code == 0, err
    written = tmp_path / name
    assert json.loads(written.read_text(encoding="utf-8"))
    assert not list(tmp_path.glob("*.json.json"))


@pytest.mark.parametrize(
    "argv",
    [
        ["--format", "json", "-o", "{missing}/notes.json"],
        ["--format", "json", "-o", "{missing}/"],
        ["{first}", "-o", "{missing}/one.md"],
        ["-o", "{missing}/notes"],
        ["--format", "w3c", "-o", "{file}/notes.json"],
    ],
)
def test_missing_folders_on_the_way_are_an_error(
    library: tuple[Path, str, str], tmp_path: Path, argv: list[str]
) -> None:
    folder, first, _ = library
    missing = tmp_path / "no" / "such"
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x", encoding="utf-8")
    filled = [arg.format(missing=missing, first=first, file=a_file) for arg in argv]
    code, out, err = export(folder, *filled)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "cannot be written" in err
    assert not (tmp_path / "no").exists()


def test_a_dangling_link_into_a_missing_folder_is_an_error(
    library: tuple[Path, str, str], tmp_path: Path
) -> None:
    folder, first, _ = library
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "gone" / "target.md")
    code, _, err = export(folder, first, "-o", str(link))
    assert code == 1 and "does not exist" in err
    assert not (tmp_path / "gone").exists()
