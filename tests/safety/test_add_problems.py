"""Adding files that are odd in their name, their place or their bytes, through the real
command line: what can be added is added, and each problem is one sentence that names
what the user typed.

- A file whose name is not UTF-8 is refused, its odd bytes shown as ``\\xNN``, and the
  rest of its folder is added.
- A folder that cannot be read is named, with the reason, and the readable rest is added.
- A file mostly in UTF-8 with bytes of other code pages keeps its UTF-8 (its title too).
- Errors name the path as typed (``/dev/stdin``, not where its link leads) and, when a
  write fails, the file that could not be written.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from library.catalog import Catalog
from tests.safety.support import (
    CliResult,
    added_id,
    listing,
    newsreader_command,
    run_cli,
    subprocess_env,
)


@pytest.fixture
def library(private_home: Path) -> Path:
    """The library of the autouse fixture, made (with its welcome guide) as a first start
    of the app makes it: a listing alone makes no library."""
    Catalog.open(private_home)
    assert len(listing(private_home)) == 1
    return private_home


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def _one_problem(result: CliResult, exit_code: int) -> str:
    """The one line on stderr of a run that hit one problem (checked to be one sentence)."""
    assert result.code == exit_code, result
    assert len(result.err_lines) == 1, result.err
    line = result.err_lines[0]
    assert line.startswith("newsreader: ") and line.endswith(".")
    assert "Traceback" not in result.err and "unexpected error" not in result.err
    return line


def _texts_no_record_names(library: Path) -> list[str]:
    ids = {row["id"] for row in listing(library)}
    return sorted(
        path.name
        for path in (library / "documents").iterdir()
        if path.name.split(".")[0] not in ids
    )


# --- names that are not UTF-8 --------------------------------------------------------------


def _bytes_named_file(folder: Path, name: bytes, text: str) -> None:
    try:
        (folder / os.fsdecode(name)).write_bytes(text.encode("utf-8"))
    except OSError:  # pragma: no cover - macOS refuses such names
        pytest.skip("this filesystem refuses file names that are not UTF-8")


def test_a_file_named_with_bytes_that_are_not_utf8_is_refused_and_the_rest_added(
    library: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    _write(folder / "first.txt", "The first article\n\nIt sits beside an oddly named file.\n")
    _write(folder / "last.txt", "The last article\n\nIt sits beside an oddly named file too.\n")
    _bytes_named_file(folder, b"caf\xe9 menu.txt", "The menu\n\nCoffee and cake.\n")

    result = run_cli("add", str(folder))
    line = _one_problem(result, 3)
    assert f"{folder}/caf\\xe9 menu.txt" in line
    assert "UTF-8" in line
    assert [row.split()[0] for row in result.out.splitlines()] == ["added", "added"]
    titles = {row["title"] for row in listing(library)}
    assert {"The first article", "The last article"} <= titles
    assert _texts_no_record_names(library) == []


def test_a_bad_name_typed_directly_is_shown_with_escapes(library: Path, tmp_path: Path) -> None:
    _bytes_named_file(tmp_path, b"r\xe9sum\xe9.txt", "A r\u00e9sum\u00e9\n\nOne line of it.\n")
    typed = str(tmp_path / os.fsdecode(b"r\xe9sum\xe9.txt"))
    line = _one_problem(run_cli("add", typed), 1)
    assert "r\\xe9sum\\xe9.txt" in line
    assert len(listing(library)) == 1


# --- folders that cannot be read ------------------------------------------------------------


@pytest.fixture
def scandir_refusing(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Folders (added to the set) whose listing fails with "permission denied".

    Tests run as root here, where mode 000 stops nothing, so the refusal is simulated
    where the walk meets it: `os.scandir` raises the very error an unreadable folder
    raises, and everything from there on is the real code.
    """
    refused: set[str] = set()
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> Iterator[os.DirEntry[str]]:
        if os.fspath(path) in refused:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    yield refused


def test_an_unreadable_subfolder_is_named_and_the_rest_is_added(
    library: Path, tmp_path: Path, scandir_refusing: set[str]
) -> None:
    folder = tmp_path / "papers"
    _write(folder / "open.txt", "An open paper\n\nAnyone may read it.\n")
    _write(folder / "locked" / "secret.txt", "A secret paper\n\nNobody may read it.\n")
    scandir_refusing.add(str(folder / "locked"))

    result = run_cli("add", str(folder))
    line = _one_problem(result, 3)
    assert line == f"newsreader: {folder / 'locked'} cannot be read: permission denied."
    assert result.out.startswith("added ") and len(result.out.splitlines()) == 1


def test_an_unreadable_folder_is_named_not_called_empty(
    library: Path, tmp_path: Path, scandir_refusing: set[str]
) -> None:
    folder = tmp_path / "locked"
    _write(folder / "secret.txt", "A secret paper\n\nNobody may read it.\n")
    scandir_refusing.add(str(folder))

    line = _one_problem(run_cli("add", str(folder)), 1)
    assert line == f"newsreader: {folder} cannot be read: permission denied."
    assert "No text files" not in line
    assert len(listing(library)) == 1


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_mode_000_folder_is_named(library: Path, tmp_path: Path) -> None:
    """The same with real permissions, where they stop reads (not as root)."""
    folder = tmp_path / "papers"
    _write(folder / "open.txt", "An open paper\n\nAnyone may read it.\n")
    locked = folder / "locked"
    _write(locked / "secret.txt", "A secret paper\n\nNobody may read it.\n")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as a user who can read any folder (root)")
        result = run_cli("add", str(folder))
        line = _one_problem(result, 3)
        assert line == f"newsreader: {locked} cannot be read: permission denied."
        assert result.out.startswith("added ")
        line = _one_problem(run_cli("add", str(locked)), 1)
        assert f"{locked} cannot be read: permission denied" in line
    finally:
        locked.chmod(stat.S_IRWXU)


# --- UTF-8 mixed with other code pages ------------------------------------------------------


MIXED = (
    "Café Society\n\n".encode()
    + "The regulars said “bonjour” à tous, ".encode("cp1252")
    + "και είπε γεια σου.\n".encode("cp1253")
)
"""A title in UTF-8, then a sentence pasted from cp1252 and a few words from cp1253."""


def test_a_file_mostly_in_utf8_keeps_its_utf8_title(library: Path, tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(MIXED)
    result = run_cli("add", str(path))
    doc_id = added_id(result)
    shown = json.loads(run_cli("show", doc_id, "--json").out)
    assert shown["title"] == "Café Society"
    assert shown["text"].startswith("The regulars said \ufffdbonjour\ufffd \ufffd tous, ")


# --- errors name what was typed -------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/stdin").exists(), reason="no /dev/stdin here")
@pytest.mark.parametrize("stdin", ["null", "pipe"])
def test_add_dev_stdin_names_dev_stdin(library: Path, stdin: str) -> None:
    """Not "null is not a regular file", nor "pipe:[1234] does not exist"."""
    done = subprocess.run(
        [*newsreader_command(), "add", "/dev/stdin"],
        env=subprocess_env(library),
        stdin=subprocess.DEVNULL if stdin == "null" else None,
        input=None if stdin == "null" else "Text on a pipe.\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    line = _one_problem(CliResult(done.returncode, done.stdout, done.stderr), 1)
    assert line == "newsreader: /dev/stdin is not a regular file."


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Files (a piece of their name, added to the list) whose writes fail as on a full disk.

    The failure is raised where a full disk raises it, when the written data is flushed to
    the disk (fsync), with no file name, as the operating system gives it.
    """
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to tell which file a descriptor writes")
    failing: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        target = str(Path(f"/proc/self/fd/{fd}").readlink())
        if any(piece in target for piece in failing):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    yield failing


def test_a_full_disk_names_the_text_that_could_not_be_written(
    library: Path, tmp_path: Path, full_disk: list[str]
) -> None:
    path = _write(tmp_path / "story.txt", "A story\n\nIt will not fit on the disk.\n")
    documents = library / "documents"
    before = sorted(p.name for p in documents.iterdir())
    full_disk.append(str(documents))

    line = _one_problem(run_cli("add", str(path)), 1)
    assert "[Errno" not in line
    assert str(path) in line and str(documents) in line
    assert line.endswith("no space left on device.")
    full_disk.clear()
    assert sorted(p.name for p in documents.iterdir()) == before
    assert len(listing(library)) == 1


def test_a_full_disk_names_the_catalog_file_that_could_not_be_written(
    library: Path, tmp_path: Path, full_disk: list[str]
) -> None:
    path = _write(tmp_path / "story.txt", "A story\n\nIts text fits, the catalog does not.\n")
    full_disk.append("/catalog/.")  # the temporary file of a catalog shard's write

    line = _one_problem(run_cli("add", str(path)), 1)
    assert "[Errno" not in line
    assert re.search(rf"{re.escape(str(library / 'catalog'))}/[0-9a-f]{{2}}\.json\b", line)
    assert line.endswith("no space left on device.")
    full_disk.clear()
    assert len(listing(library)) == 1
    # The text written before the catalog failed was removed again.
    assert _texts_no_record_names(library) == []
    assert Catalog.open(library).warnings == ()


def test_a_full_disk_names_the_reading_file_that_could_not_be_written(
    library: Path, full_disk: list[str]
) -> None:
    """Other stores fail with the file's name too (the command line's last sentence)."""
    full_disk.append(".reading.json.")
    catalog = Catalog.open(library)
    (entry,) = catalog.entries()
    from library.entries import ReadingState

    with pytest.raises(OSError) as caught:
        catalog.save_reading_state(entry.id, ReadingState(progress=0.5))
    assert caught.value.filename == str(library / "reading.json")
