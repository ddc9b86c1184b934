"""`newsreader open URI` (and `newsreader URI`) in a real pseudo-terminal: the app starts
on the passage a note's link names, as a click in Obsidian would start it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal
from tests.e2e.test_terminal import env, newsreader_command

pytestmark = pytest.mark.slow  # a real program in a real pseudo-terminal

__all__ = ["env"]  # the fixture, shared with the other terminal tests

MARKER = "The lighthouse keeper finally wrote the missing line."


def long_document(tmp_path: Path) -> Path:
    """A document whose marked passage is far below its first screen."""
    paragraphs = [f"Paragraph {n} of the tide tables, read slowly and kept." for n in range(300)]
    paragraphs[240] = MARKER
    path = tmp_path / "tides.txt"
    path.write_text("Tide tables\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("with_open", [True, False])
def test_a_link_back_opens_the_app_on_its_passage(
    tmp_path: Path, env: dict[str, str], with_open: bool
) -> None:
    command = newsreader_command()

    def run(*argv: str) -> str:
        done = subprocess.run([command, *argv], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    doc_id = run("add", str(long_document(tmp_path))).split()[1]
    highlight_id = run("highlight", doc_id, "--quote", "finally wrote the missing line").split()[0]
    uri = f"newsreader://open?doc={doc_id}&highlight={highlight_id}"
    argv = [command, "open", uri] if with_open else [command, uri]
    terminal = Terminal(argv, env, columns=100, lines=30)
    try:
        screen = terminal.wait_for(MARKER)
        assert "Paragraph 0 " not in screen  # not the start: the passage's place
        terminal.send("\x11")  # ctrl+q: quit from the reader
        assert terminal.wait_exit() == 0
    finally:
        terminal.close()
