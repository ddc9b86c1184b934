"""`newsreader add -` reads one document from standard input, as a text file is read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.safety.support import subprocess_env

STORY = b"Piped story\n\nThe ferry left at dawn. Nobody spoke.\n"


def add_from_stdin(home: Path, data: bytes, *more: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "reader.cli", "--library", str(home), "add", "-", *more],
        input=data,
        capture_output=True,
        env=subprocess_env(home),
        check=False,
        timeout=60,
    )


def test_a_document_from_standard_input(tmp_path: Path) -> None:
    home = tmp_path / "lib"
    first = add_from_stdin(home, STORY)
    assert first.returncode == 0, first.stderr
    assert first.stdout.decode().startswith("added ") and b"Piped story" in first.stdout
    again = add_from_stdin(home, STORY)
    assert again.stdout.decode().startswith("unchanged ")
    cp1252 = add_from_stdin(home, "Caf\xe9 notes\n\nThe caf\xe9 opened.\n".encode("cp1252"))
    assert cp1252.returncode == 0 and "Café notes" in cp1252.stdout.decode()


def test_standard_input_with_files_and_bad_input(tmp_path: Path) -> None:
    home = tmp_path / "lib"
    other = tmp_path / "other.txt"
    other.write_text("Another story\n\nGulls followed the boat.\n", encoding="utf-8")
    both = add_from_stdin(home, STORY, str(other))
    assert both.returncode == 0, both.stderr
    assert b"Piped story" in both.stdout and b"Another story" in both.stdout
    empty = add_from_stdin(home, b"")
    assert empty.returncode == 1
    assert empty.stderr.decode() == "newsreader: standard input is empty.\n"
    binary = add_from_stdin(home, bytes(range(256)) * 20)
    assert binary.returncode == 1 and binary.stderr.count(b"\n") == 1
