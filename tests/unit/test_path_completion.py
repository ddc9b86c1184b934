"""Tab completion of paths in the add dialog, as a shell does it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.states.path_completion import CANDIDATES_KEPT, Completion, complete_path


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder with articles in it; the current folder is the home."""
    home = tmp_path / "home"
    (home / "articles" / "2024").mkdir(parents=True)
    (home / "articles" / "harbour.txt").write_text("x", encoding="utf-8")
    (home / "articles" / "harvest.md").write_text("x", encoding="utf-8")
    (home / "archive").mkdir()
    (home / "notes.txt").write_text("x", encoding="utf-8")
    (home / ".hidden").mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home)
    return home


def test_one_name_that_fits_is_completed_and_a_folder_ends_in_a_slash(tree: Path) -> None:
    assert complete_path("~/art") == Completion("~/articles/")
    assert complete_path("~/articles/harb") == Completion("~/articles/harbour.txt")
    assert complete_path("~/articles/20") == Completion("~/articles/2024/")
    assert complete_path(f"{tree}/no") == Completion(f"{tree}/notes.txt")  # absolute
    assert complete_path("no") == Completion("notes.txt")  # from the current folder


def test_several_names_complete_their_common_start_and_are_listed(tree: Path) -> None:
    assert complete_path("~/ar") == Completion("~/ar", ("archive/", "articles/"))
    assert complete_path("~/articles/h") == Completion(
        "~/articles/har", ("harbour.txt", "harvest.md")
    )
    assert complete_path("~/articles/") == Completion(
        "~/articles/", ("2024/", "harbour.txt", "harvest.md")
    )


def test_home_is_completed_and_hidden_names_need_a_dot(tree: Path) -> None:
    assert complete_path("~") == Completion("~/")
    assert complete_path("~/") == Completion("~/", ("archive/", "articles/", "notes.txt"))
    assert complete_path("~/.h") == Completion("~/.hidden/")
    assert complete_path("~nobody-has-this-name") == Completion("~nobody-has-this-name")


def test_nothing_that_fits_leaves_the_text_as_typed(tree: Path) -> None:
    assert complete_path("~/zzz") == Completion("~/zzz")
    assert complete_path("~/notes.txt/x") == Completion("~/notes.txt/x")  # not a folder
    assert complete_path("/no/such/folder/") == Completion("/no/such/folder/")


def test_a_huge_folder_lists_the_first_names_and_counts_the_rest(tmp_path: Path) -> None:
    for number in range(CANDIDATES_KEPT + 5):
        (tmp_path / f"doc{number:04}.txt").write_text("x", encoding="utf-8")
    completion = complete_path(f"{tmp_path}{os.sep}doc")
    assert completion.text == f"{tmp_path}/doc0"
    assert len(completion.candidates) == CANDIDATES_KEPT and completion.more == 5
