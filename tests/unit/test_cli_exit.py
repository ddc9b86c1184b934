"""Run as the program, a command leaves what it made to the exit (frozen, not walked by
the collector on the way out); run by a caller in its own process, it leaves the
collector as it was."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from reader.cli import main


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text("The Ferry\n\nThe ferry left at dawn. Nobody spoke.\n", encoding="utf-8")
    return path


def test_a_caller_keeps_collecting_its_garbage(tmp_path: Path, story: Path) -> None:
    frozen = gc.get_freeze_count()
    library = str(tmp_path / "lib")
    assert main(["--library", library, "add", str(story)]) == 0
    assert main(["--library", library, "list"]) == 0
    assert main(["--library", library, "list", "--bogus"]) == 2
    assert gc.get_freeze_count() == frozen
    assert gc.isenabled()


def test_the_program_leaves_its_objects_to_the_exit(
    tmp_path: Path, story: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["newsreader", "--library", str(tmp_path / "lib"), "add", str(story)]
    monkeypatch.setattr(sys, "argv", argv)
    try:
        assert main() == 0
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
    finally:
        gc.unfreeze()
