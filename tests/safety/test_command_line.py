"""The command line where its surroundings are odd: no terminal, closed or full outputs,
special files given to `-o`, an empty path, control characters in JSON, a missing text.

Each case runs the real `newsreader` (in a subprocess where the streams matter) and
checks the promise: one clear sentence, the right exit status, and nothing of the
library lost or half-done.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.safety.support import (
    BIDI_OVERRIDES,
    C1_AND_ESC,
    listing,
    newsreader_command,
    run_cli,
    subprocess_env,
)

STORY = "The ferry left at dawn.\n\nGulls followed it past the breakwater. Nobody spoke.\n"
HOSTILE = "Price\x9b31m list \u202eevil\u202c and \x7f DEL \x85 NEL.\n\nA second paragraph.\n"


def run(
    library: Path, *argv: str, timeout: float = 30, **options: object
) -> subprocess.CompletedProcess[str]:
    env = subprocess_env(library)
    env.pop("PYTHONUNBUFFERED", None)  # buffered, as a person's shell runs it
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [*newsreader_command(), *argv],
        env=env,
        capture_output=options.pop("capture", True),
        text=True,
        timeout=timeout,
        check=False,
        **options,
    )


@pytest.fixture
def story(tmp_path: Path) -> tuple[Path, str]:
    library = tmp_path / "library"
    source = tmp_path / "ferry.txt"
    source.write_text(STORY, encoding="utf-8")
    added = run_cli("--library", str(library), "add", str(source))
    assert added.code == 0, added.err
    return library, added.out.split()[1]


@pytest.mark.slow
@pytest.mark.parametrize("stdin", ["null", "closed"])
def test_the_app_without_a_terminal_says_so_and_ends(tmp_path: Path, stdin: str) -> None:
    library = tmp_path / "library"
    if stdin == "null":
        done = run(library, "--library", str(library), stdin=subprocess.DEVNULL, timeout=20)
    else:
        done = run(library, "--library", str(library), preexec_fn=lambda: os.close(0), timeout=20)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert "needs a terminal" in line and "newsreader list" in line
    assert not library.exists()  # nothing was made for an app that could not start


@pytest.mark.slow
@pytest.mark.parametrize("output", ["closed", "full"])
def test_a_change_whose_report_cannot_be_written_is_kept_and_exits_0(
    story: tuple[Path, str], output: str
) -> None:
    library, doc_id = story
    argv = ("--library", str(library), "highlight", doc_id, "--quote", "Nobody spoke.")
    if output == "closed":
        done = run(library, *argv, preexec_fn=lambda: os.close(1), capture=False)
    else:
        with Path("/dev/full").open("w") as full:
            done = run(library, *argv, stdout=full, stderr=subprocess.PIPE, capture=False)
    assert done.returncode == 0, done.stderr
    notes = json.loads(run_cli("--library", str(library), "notes", "--json").out)
    assert [n["quote"] for n in notes] == ["Nobody spoke."]
    if output == "full":
        assert "highlight was done" in done.stderr and "No space left" in done.stderr
        assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


@pytest.mark.slow
def test_a_removal_with_a_full_output_is_done_and_a_listing_is_an_error(
    story: tuple[Path, str],
) -> None:
    library, doc_id = story
    with Path("/dev/full").open("w") as full:
        listed = run(
            library,
            "--library",
            str(library),
            "list",
            stdout=full,
            stderr=subprocess.PIPE,
            capture=False,
        )
        removed = run(
            library,
            "--library",
            str(library),
            "remove",
            doc_id,
            stdout=full,
            stderr=subprocess.PIPE,
            capture=False,
        )
    assert listed.returncode == 1 and "could not be written" in listed.stderr
    assert removed.returncode == 0 and "remove was done" in removed.stderr
    assert doc_id not in {row["id"] for row in listing(library)}


def test_an_empty_path_is_refused_and_imports_nothing(
    story: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    library, _ = story
    stray = tmp_path / "cwd"
    stray.mkdir()
    (stray / "private.txt").write_text("Not for the library.\n\nAt all.\n", encoding="utf-8")
    monkeypatch.chdir(stray)
    before = listing(library)
    for argv in (("add", ""), ("add", "  "), ("",)):
        result = run_cli("--library", str(library), *argv)
        assert result.code == 2, (argv, result)
        assert "empty path" in result.err and len(result.err_lines) == 1
    assert listing(library) == before


def test_json_output_escapes_control_and_bidi_characters(tmp_path: Path) -> None:
    library = tmp_path / "library"
    source = tmp_path / "hostile.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    doc_id = run_cli("--library", str(library), "add", str(source)).out.split()[1]
    assert run_cli("--library", str(library), "highlight", doc_id, "--quote", "evil").code == 0
    for argv in (
        ("list", "--json"),
        ("show", doc_id, "--json"),
        ("notes", "--json"),
        ("search", "evil", "--json"),
    ):
        result = run_cli("--library", str(library), *argv)
        assert result.code == 0, (argv, result.err)
        raw = set(result.out) & (C1_AND_ESC | BIDI_OVERRIDES | {"\x7f"})
        assert not raw, (argv, raw)
        assert json.loads(result.out)  # still JSON, the characters read back escaped
    shown = json.loads(run_cli("--library", str(library), "show", doc_id, "--json").out)
    assert {"\x9b", "\u202e", "\x7f", "\x85"} <= set(shown["text"])  # read back as stored


@pytest.mark.slow
def test_export_writes_through_a_device_and_a_link_without_replacing_them(
    story: tuple[Path, str], tmp_path: Path
) -> None:
    library, _ = story
    run_cli("--library", str(library), "highlight", story[1], "--quote", "Nobody spoke.")
    # A link of our own to this process's standard output, as /dev/stdout is: a test that
    # gave /dev/stdout itself to code that replaces it would break the machine's.
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    done = run(library, "--library", str(library), "export", "--format", "json", "-o", str(stdout))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["highlights"][0]["quote"] == "Nobody spoke."
    assert stdout.is_symlink()
    real = tmp_path / "notes.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    assert (
        run_cli("--library", str(library), "export", "--format", "json", "-o", str(link)).code == 0
    )
    assert link.is_symlink() and link.resolve() == real
    assert json.loads(real.read_text(encoding="utf-8"))["highlights"]
    markdown = run(library, "--library", str(library), "export", story[1], "-o", str(stdout))
    assert markdown.returncode == 0 and "> Nobody spoke." in markdown.stdout
    several = run_cli("--library", str(library), "export", "-o", str(link))
    assert several.code == 1 and "names a file" in several.err
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["highlights"]


def test_search_goes_on_past_a_document_whose_text_is_gone(story: tuple[Path, str]) -> None:
    library, doc_id = story
    welcome = next(row["id"] for row in listing(library) if row["id"] != doc_id)
    (library / "documents" / f"{welcome}.txt").unlink()
    result = run_cli("--library", str(library), "search", "breakwater", "--json")
    assert result.code == 0
    assert [row["document_id"] for row in json.loads(result.out)] == [doc_id]
    (warning,) = result.err_lines
    assert welcome in warning and "cannot be read" in warning
