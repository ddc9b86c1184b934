"""The real `newsreader` command in a pseudo-terminal, driven as a person would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal

pytestmark = pytest.mark.slow  # a real program in a real pseudo-terminal

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "library"


def newsreader_command() -> str:
    found = Path(sys.executable).with_name("newsreader")
    if found.exists():
        return str(found)
    which = shutil.which("newsreader")
    if which is None:
        pytest.skip("the newsreader command is not installed")
    return which


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environ = dict(os.environ)
    environ["NEWSREADER_HOME"] = str(tmp_path / "lib")
    return environ


def test_add_list_read_quit_and_reopen(tmp_path: Path, env: dict[str, str]) -> None:
    command = newsreader_command()
    source = tmp_path / "src"
    shutil.copytree(FIXTURES, source)
    added = subprocess.run(
        [command, "add", str(source)], env=env, capture_output=True, text=True, timeout=60
    )
    assert added.returncode == 0, added.stderr
    assert "added" in added.stdout

    terminal = Terminal([command], env, columns=110, lines=32)
    try:
        screen = terminal.wait_for("Library")
        assert "Field notes on slow reading" in screen
        assert "Welcome to newsreader" in screen
        terminal.send("/")
        terminal.wait_for("Filter by title or source")  # a person types once they see it
        terminal.send("cooperative")
        terminal.wait_for("1 match for 'cooperative'")
        terminal.send("\r")  # from the filter to the list
        terminal.pump(0.3)
        terminal.send("\r")  # open
        # The title is in the library's list too: the reader is there when its progress is.
        screen = terminal.wait_for("min left")
        assert "Vale of Sennet" in screen
        terminal.send("}")
        terminal.send("j")
        terminal.wait_for("%")
        terminal.send("q")
        terminal.wait_for("Library")
        terminal.send("q")
        assert terminal.wait_exit() == 0
    finally:
        terminal.close()

    listed = subprocess.run([command, "list"], env=env, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0
    orchard = next(line for line in listed.stdout.splitlines() if "A cooperative" in line)
    assert "new" not in orchard.split("A cooperative")[0]
