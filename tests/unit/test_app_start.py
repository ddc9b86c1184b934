"""How `newsreader [ID]` starts the app: what it does before Textual is even imported."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from library.catalog import Catalog
from reader.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_no_collection_while_the_library_is_opened_for_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Opening the library imports its modules and reads its records: start-up's objects
    # too, which the collector would walk for nothing before the first frame.
    import reader.cli

    home = tmp_path / "lib"
    Catalog.open(home)
    opened: list[bool] = []
    real_open = reader.cli.open_workspace

    def open_workspace(*args: object, **kwargs: object) -> object:
        opened.append(gc.isenabled())
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    def started(*_: object, **__: object) -> int:
        return 0

    monkeypatch.setattr(reader.cli, "terminal_attached", lambda: True)
    monkeypatch.setattr(reader.cli, "open_workspace", open_workspace)
    monkeypatch.setattr(reader.cli, "start_app", started)
    try:
        assert main(["--library", str(home)]) == 0
        assert opened == [False]
    finally:
        gc.enable()


def test_the_collector_is_back_when_the_library_cannot_be_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.cli

    monkeypatch.setattr(reader.cli, "terminal_attached", lambda: True)
    assert main(["--library", str(tmp_path / "none"), "abc123"]) == 1  # no such library
    assert gc.isenabled()


def test_a_passage_link_is_told_from_an_id_without_reading_links() -> None:
    code = (
        "import sys\n"
        "from reader.cli import _names_a_passage\n"
        "print(_names_a_passage('0a1b2c3d'), _names_a_passage(None),"
        " 'annotations.links' in sys.modules)\n"
        "print(_names_a_passage('newsreader://open?doc=0a1b'),"
        " _names_a_passage('NewsReader:open'), _names_a_passage('notes/a:b.md'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.split("\n")[:2] == ["False False False", "True True False"]
