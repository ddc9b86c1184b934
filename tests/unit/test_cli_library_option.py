"""`--library`: accepted anywhere on the command line, and a folder that does not exist is
made only by `add` and the app (which say so); every other command refuses it in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.cli import main
from tests.safety.support import run_cli

STORY = "The ferry left at dawn.\n\nGulls followed it past the breakwater. Nobody spoke.\n"


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "ferry.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["list", "--json"],
        ["show", "abc"],
        ["search", "ferry"],
        ["highlight", "abc", "--quote", "ferry"],
        ["notes"],
        ["export"],
        ["export", "--format", "json"],
        ["import-notes", "notes.json"],
        ["remove", "abc"],
    ],
)
def test_a_missing_library_is_refused_by_every_command_but_add(
    tmp_path: Path, argv: list[str]
) -> None:
    typo = tmp_path / "typo" / "path"
    result = run_cli("--library", str(typo), *argv)
    assert result.code == 1
    assert result.out == ""
    assert len(result.err_lines) == 1
    assert str(typo) in result.err and "no library" in result.err.lower()
    assert not typo.exists() and not typo.parent.exists()


def test_the_default_library_is_not_made_by_a_listing(private_home: Path) -> None:
    result = run_cli("list")
    assert result.code == 1 and str(private_home) in result.err
    assert not private_home.exists()


def test_add_makes_a_missing_library_and_says_so(tmp_path: Path, story: Path) -> None:
    library = tmp_path / "new" / "library"
    result = run_cli("--library", str(library), "add", str(story))
    assert result.code == 0, result.err
    assert result.err_lines == [
        f"newsreader: Created a new library at {library}, with the guide "
        "'Welcome to newsreader' in it."
    ]
    assert library.is_dir()
    again = run_cli("--library", str(library), "add", str(story))
    assert again.code == 0 and again.err == ""  # told once, when it is made


def test_the_app_makes_a_missing_library_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.app
    import reader.cli

    class StartedApp:
        return_code = 0
        crash = None

        def run(self) -> None:
            pass

    monkeypatch.setattr(reader.cli, "terminal_attached", lambda: True)
    monkeypatch.setattr(reader.app, "make_app", lambda *_, **__: StartedApp())
    library = tmp_path / "fresh"
    result = run_cli("--library", str(library))
    assert result.code == 0
    assert result.err_lines == [
        f"newsreader: Created a new library at {library}, with the guide "
        "'Welcome to newsreader' in it."
    ]
    assert library.is_dir()


def test_the_app_opening_an_id_does_not_make_a_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.cli

    monkeypatch.setattr(reader.cli, "terminal_attached", lambda: True)
    library = tmp_path / "typo"
    result = run_cli("--library", str(library), "0dea2d33")
    assert result.code == 1 and "no library" in result.err.lower()
    assert not library.exists()


@pytest.mark.parametrize(
    "where",
    [
        ["--library", "{lib}", "list", "--json"],
        ["--library={lib}", "list", "--json"],
        ["list", "--library", "{lib}", "--json"],
        ["list", "--json", "--library={lib}"],
        ["--library", "{other}", "list", "--json", "--library", "{lib}"],  # the last wins
    ],
)
def test_library_is_accepted_anywhere(tmp_path: Path, story: Path, where: list[str]) -> None:
    library = tmp_path / "lib"
    assert run_cli("--library", str(library), "add", str(story)).code == 0
    other = tmp_path / "other"
    argv = [arg.format(lib=library, other=other) for arg in where]
    result = run_cli(*argv)
    assert result.code == 0, result.err
    assert "The ferry left at dawn" in result.out
    assert not other.exists()


def test_library_after_the_command_and_before_an_argument(tmp_path: Path, story: Path) -> None:
    library = tmp_path / "lib"
    doc_id = run_cli("--library", str(library), "add", str(story)).out.split()[1]
    shown = run_cli("show", "--library", str(library), doc_id)
    assert shown.code == 0 and shown.out == STORY.rstrip("\n")
    added = run_cli("add", str(story), f"--library={library}")
    assert added.code == 0 and "unchanged" in added.out


def test_library_without_a_folder_is_a_usage_error() -> None:
    result = run_cli("list", "--library")
    assert result.code == 2 and "--library" in result.err and len(result.err_lines) == 1


def test_an_existing_empty_folder_is_a_library(tmp_path: Path) -> None:
    folder = tmp_path / "made-by-hand"
    folder.mkdir()
    assert main(["--library", str(folder), "list", "--json"]) == 0
