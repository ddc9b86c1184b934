"""The real app in a pseudo-terminal, made to fail: it ends with one line saying where its
crash log is, and the log is in the library folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal

pytestmark = pytest.mark.slow  # a real program in a real pseudo-terminal

# The app as `newsreader` starts it, with the library's sort key broken.
BROKEN_APP = """
import sys
from reader.screens.library import LibraryScreen
def broken(self):
    raise ZeroDivisionError("a key met a bug")
LibraryScreen.action_cycle_sort = broken
from reader.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_crash_ends_with_a_line_naming_the_crash_log(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    env = {**os.environ, "NEWSREADER_HOME": str(library)}
    terminal = Terminal([sys.executable, "-c", BROKEN_APP], env, columns=160, lines=45)
    try:
        terminal.wait_for("Library")
        terminal.send("s")
        assert terminal.wait_exit(timeout=20) == 1
        terminal.pump(0.2)
    finally:
        terminal.close()
    (log,) = library.glob("crash-*.log")
    assert "ZeroDivisionError: a key met a bug" in log.read_text(encoding="utf-8")
    # After the traceback, the line naming the log (wrapped where it is too long; this
    # terminal keeps no second screen, so what the app drew is still around it).
    screen = "".join(terminal.screen.display)
    sentence = (
        "newsreader: stopped on an unexpected error (ZeroDivisionError: a key met a bug); "
        f"the details are in {log}"
    )
    assert sentence in screen
    assert screen.index("ZeroDivisionError: a key met a bug") < screen.index(sentence)
