"""Bad input through the real command line: each file is imported right or refused in one line.

Every case runs `newsreader add PATH` (`reader.cli.main`) on a library that already holds
the welcome guide, then checks the promise made for bad input: the file is either imported (and
`show` prints the expected text) or refused with exactly one line on stderr, nothing
crashes, and after a refusal the library lists exactly what it listed before.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.safety.support import (
    CliResult,
    added_id,
    listing,
    newsreader_command,
    run_cli,
    sha256_of,
    subprocess_env,
)

ARTICLE = (
    "The harbour authority met on Tuesday. “We cannot wait,” said the chair — "
    "and the café across the quay stayed open late.\n\n"
    "Fishing boats left at dawn, as they always had.\n"
)
"""A small article with smart quotes, a dash and an accent: the text encodings must keep."""

WESTERN = "Déjà vu at the café: a naïve señor ordered crème brûlée.\n"
"""Accented Western European text that Latin-1 can hold."""

SMART = "He said \u201cnever\u201d and she said \u2018maybe\u2019 \u2014 then they left\u2026\n"
"""Typographic quotes, a dash and an ellipsis: cp1252 holds them, Latin-1 does not."""

ESCAPES = (
    "\x1b[31m\x1b[1m\x1b]8;;http://x\x07link\x1b]8;;\x07\x1b[0m\x1b[2J\x1b[H\x9b31m\x1b[?1049h"
)
"""Nothing but terminal escape sequences (colors, an OSC 8 link, clear screen, C1 CSI)."""

MARKUP = "[bold]Loud[/bold] [/bold] [@click=app.quit]quit[/] [link=https://x]here[/link] [red]"
"""Rich/Textual markup, balanced and not."""

MOJIBAKE = "Ã©tÃ© Ã  la cafÃ©: â€œquotesâ€ twice encoded, and that is how it was saved.\n"
"""UTF-8 that was decoded as cp1252 and saved again: valid UTF-8, kept as it is."""

BIG_WORDS = 1_048_576
"""Words in the one-line file: five bytes each, five megabytes in all."""


@dataclass(frozen=True, slots=True)
class Case:
    """One bad input: how to make it, and what `add` must do with it."""

    name: str
    """The test id."""
    make: Callable[[Path], Path]
    """Creates the input under the given folder and returns the path to add."""
    text: str | None = None
    """For an imported file: the text `show` must print (without the final newline)."""
    refusal: str | None = None
    """For a refused file: a piece of the one-line message."""
    exit_code: int = 1
    """The exit status of `add`."""


def _file(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _folder_without_text(folder: Path) -> Path:
    target = folder / "pictures"
    target.mkdir()
    (target / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (target / "notes.docx").write_bytes(b"PK\x03\x04")
    (target / "empty-sub").mkdir()
    return target


def _symlink_loop(folder: Path) -> Path:
    first, second = folder / "loop-a.txt", folder / "loop-b.txt"
    first.symlink_to(second)
    second.symlink_to(first)
    return first


def _missing(folder: Path) -> Path:
    return folder / "no such file.txt"


def _sparse_huge(folder: Path) -> Path:
    path = folder / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: no disk space, no time
    return path


def _deep(folder: Path) -> Path:
    top = folder / "deep"
    bottom = top.joinpath(*(f"level {n}" for n in range(60)))
    bottom.mkdir(parents=True)
    (bottom / "bottom.txt").write_text("At the bottom of sixty folders, a note.\n", "utf-8")
    return top


def _newline_name_empty(folder: Path) -> Path:
    path = folder / "two\nlines  name.txt"
    path.write_bytes(b"")
    return path


def _newline_name(folder: Path) -> Path:
    path = folder / "odd\nname with spaces.txt"
    path.write_text("A document whose file name has a line break.\n", "utf-8")
    return path


CASES = [
    Case("empty", _file("empty.txt", b""), refusal="is empty"),
    Case("whitespace-only", _file("blank.txt", b"  \n\t\n   \r\n"), refusal="blank space"),
    Case(
        "png",
        _file("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8),
        refusal="binary",
    ),
    Case(
        "elf",
        _file("program", b"\x7fELF\x02\x01\x01" + b"\x00" * 57 + bytes(range(256)) * 4),
        refusal="binary",
    ),
    Case(
        "nul-bytes", _file("nul.txt", b"text\x00\x00\x00with nuls\x00\x00" * 64), refusal="binary"
    ),
    Case(
        "invalid-utf8-high-bytes",
        _file("high.txt", bytes(range(0x80, 0x100)) * 16),
        refusal="could not be decoded",
    ),
    Case(
        "invalid-utf8-one-cut-character",
        _file("cut.txt", ("Naïve café prose. " * 8).encode() + b"\xc3 the end.\n"),
        text=("Naïve café prose. " * 8) + "\ufffd the end.",
        exit_code=0,
    ),
    Case(
        "utf16-le-bom",
        _file("le-bom.txt", codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le")),
        text=ARTICLE.strip(),
        exit_code=0,
    ),
    Case(
        "utf16-be-bom",
        _file("be-bom.txt", codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be")),
        text=ARTICLE.strip(),
        exit_code=0,
    ),
    Case(
        "utf16-le",
        _file("le.txt", ARTICLE.encode("utf-16-le")),
        text=ARTICLE.strip(),
        exit_code=0,
    ),
    Case(
        "utf16-be",
        _file("be.txt", ARTICLE.encode("utf-16-be")),
        text=ARTICLE.strip(),
        exit_code=0,
    ),
    Case(
        "utf32-bom",
        _file("utf32.txt", ARTICLE.encode("utf-32")),
        text=ARTICLE.strip(),
        exit_code=0,
    ),
    Case(
        "utf8-bom-crlf",
        _file("bom.txt", codecs.BOM_UTF8 + ARTICLE.replace("\n", "\r\n").encode()),
        text=ARTICLE.strip(),
        exit_code=0,
    ),
    Case(
        "latin1", _file("latin1.txt", WESTERN.encode("latin-1")), text=WESTERN.strip(), exit_code=0
    ),
    Case("cp1252", _file("cp1252.txt", SMART.encode("cp1252")), text=SMART.strip(), exit_code=0),
    Case(
        "crlf",
        _file("crlf.txt", ARTICLE.replace("\n", "\r\n").encode()),
        text=ARTICLE.strip(),
        exit_code=0,
    ),
    Case(
        "lone-cr",
        _file("cr.txt", ARTICLE.replace("\n", "\r").encode()),
        text=ARTICLE.strip(),
        exit_code=0,
    ),
    Case(
        "five-megabyte-line",
        _file("line.txt", b"word " * BIG_WORDS),
        text=("word " * BIG_WORDS).strip(),
        exit_code=0,
    ),
    Case("only-escapes", _file("escapes.txt", ESCAPES.encode()), text=ESCAPES, exit_code=0),
    Case("markup", _file("markup.txt", MARKUP.encode()), text=MARKUP, exit_code=0),
    Case("mojibake", _file("mojibake.txt", MOJIBAKE.encode()), text=MOJIBAKE.strip(), exit_code=0),
    Case("folder-without-text", _folder_without_text, refusal="No text files"),
    Case("symlink-loop", _symlink_loop, refusal="loop-a.txt"),
    Case("missing", _missing, refusal="no such file.txt"),
    Case("sparse-200-mb", _sparse_huge, refusal="100 MB"),
    Case(
        "deep-folders",
        _deep,
        text="At the bottom of sixty folders, a note.",
        exit_code=0,
    ),
    Case("newline-in-name-empty", _newline_name_empty, refusal="is empty"),
    Case(
        "newline-in-name",
        _newline_name,
        text="A document whose file name has a line break.",
        exit_code=0,
    ),
]


def _documents(library: Path) -> list[str]:
    folder = library / "documents"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def library(private_home: Path) -> Path:
    """The library of the autouse fixture, opened once so it holds the welcome guide (its
    folder made first: only `add` and the app make a missing one)."""
    private_home.mkdir(parents=True)
    assert len(listing(private_home)) == 1
    return private_home


def _check_refused(result: CliResult, needle: str, exit_code: int) -> None:
    assert result.code == exit_code, result
    assert len(result.err_lines) == 1, result.err
    assert needle in result.err
    assert "Traceback" not in result.err and "unexpected error" not in result.err
    assert result.err.startswith("newsreader: ")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_imported_right_or_refused_in_one_line(
    case: Case, library: Path, tmp_path: Path
) -> None:
    before = listing(library)
    documents_before = _documents(library)
    path = case.make(tmp_path)
    result = run_cli("add", str(path))
    if case.refusal is not None:
        _check_refused(result, case.refusal, case.exit_code)
        assert result.out == ""
        assert listing(library) == before
        assert _documents(library) == documents_before
        return
    assert case.text is not None
    assert result.code == case.exit_code, result
    assert result.err == ""
    assert len(result.out.splitlines()) == 1 and result.out.startswith("added ")
    doc_id = added_id(result)
    shown = run_cli("show", doc_id)
    assert shown.code == 0 and shown.err == ""
    assert shown.out == case.text  # exactly as stored: no newline added when piped
    metadata = json.loads(run_cli("show", doc_id, "--json").out)
    assert metadata["text"] == case.text
    assert "\n" not in metadata["title"]
    assert sha256_of(library / "documents" / f"{doc_id}.txt") == metadata["content_hash"]
    after = listing(library)
    assert [row for row in after if row["id"] != doc_id] == before
    # Whatever the file held, listing it prints no raw control character.
    listed = run_cli("list").out
    assert not any(char in listed for char in "\x1b\x07\x9b")


def test_only_escapes_are_listed_as_visible_stand_ins(library: Path, tmp_path: Path) -> None:
    path = tmp_path / "escapes.txt"
    path.write_bytes(ESCAPES.encode())
    doc_id = added_id(run_cli("add", str(path)))
    listed = run_cli("list").out
    line = next(line for line in listed.splitlines() if line.startswith(doc_id))
    assert "␛[31m" in line and "\x1b" not in line


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_unreadable_file_is_refused(library: Path, tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Nobody may read this.\n", "utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read any file (root)")
        before = listing(library)
        result = run_cli("add", str(path))
        _check_refused(result, "permission denied", 1)
        assert listing(library) == before
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_is_refused_without_waiting_for_a_writer(library: Path, tmp_path: Path) -> None:
    """Run in a real process with a time limit, so that a regression fails instead of hanging."""
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    folder = tmp_path / "with-pipe"
    folder.mkdir()
    os.mkfifo(folder / "inner.txt")
    (folder / "real.txt").write_text("A real document beside a pipe.\n", "utf-8")
    before = listing(library)
    done = subprocess.run(
        [*newsreader_command(), "add", str(pipe)],
        env=subprocess_env(library),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    _check_refused(CliResult(done.returncode, done.stdout, done.stderr), "not a regular file", 1)
    assert listing(library) == before
    done = subprocess.run(
        [*newsreader_command(), "add", str(folder)],
        env=subprocess_env(library),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3, done
    assert done.stdout.startswith("added ") and len(done.stdout.splitlines()) == 1
    _check_refused(CliResult(3, "", done.stderr), "inner.txt", 3)


def test_a_symlink_loop_inside_a_folder_skips_only_the_loop(library: Path, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    (folder / "good.txt").write_text("A good article sits beside a symlink loop.\n", "utf-8")
    result = run_cli("add", str(folder))
    assert "unexpected error" not in result.err
    assert result.code == 3, result
    assert result.out.startswith("added ") and len(result.out.splitlines()) == 1
    assert len(result.err_lines) == 2  # one line for each link of the loop
    assert "good.txt" not in result.err


def test_several_bad_files_get_one_line_each_and_good_ones_still_go_in(
    library: Path, tmp_path: Path
) -> None:
    bad = [_file(f"bad{n}.txt", data)(tmp_path) for n, data in enumerate([b"", b"\x00\x01" * 99])]
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, "utf-8")
    result = run_cli("add", str(bad[0]), str(good), str(bad[1]), str(tmp_path / "gone.txt"))
    assert result.code == 3
    assert len(result.err_lines) == 3
    assert [line.split(": ")[0] for line in result.err_lines] == ["newsreader"] * 3
    assert len(listing(library)) == 2
