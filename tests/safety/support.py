"""Helpers shared by the safety tests: running the real command line and reading stores."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from library.catalog_shards import shard_of
from reader.cli import main

REPO = Path(__file__).resolve().parents[2]
"""The repository, so subprocesses import the code under test and not an installed copy."""

HELPER = Path(__file__).resolve().parent / "writer.py"
"""The helper process that writes to a library and reports what was acknowledged."""

ESC = "\x1b"
"""The escape character that must never reach a terminal raw."""

C1_AND_ESC = frozenset([ESC, *map(chr, range(0x80, 0xA0))])
"""Raw ESC and C1 control characters: none of them may be printed or exported raw."""

BIDI_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Characters that reorder what a terminal shows."""


@dataclass(frozen=True, slots=True)
class CliResult:
    """What one run of the command line did."""

    code: int
    """The exit status `main` returned."""
    out: str
    """Everything written to stdout."""
    err: str
    """Everything written to stderr."""

    @property
    def err_lines(self) -> list[str]:
        """The lines written to stderr."""
        return self.err.splitlines()


def catalog_shard(home: Path, doc_id: str) -> Path:
    """The catalog file that holds the record of `doc_id` (the catalog is kept in shards
    by the start of the id)."""
    return home / "catalog" / f"{shard_of(doc_id)}.json"


def run_cli(*argv: str) -> CliResult:
    """Run `newsreader ARGV...` in this process, the way the console script does."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return CliResult(code, out.getvalue(), err.getvalue())


def listing(library: Path) -> list[dict[str, Any]]:
    """The `list --json` rows of the library at `library` (the run must succeed)."""
    result = run_cli("--library", str(library), "list", "--json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert isinstance(rows, list)
    return rows


def added_id(result: CliResult) -> str:
    """The id printed by an `add` of one file that was added, updated or unchanged."""
    words = result.out.split()
    assert result.code == 0 and len(words) >= 2, result
    return words[1]


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def subprocess_env(library: Path) -> dict[str, str]:
    """The environment for a helper process: this library, this checkout, no real home."""
    env = dict(os.environ)
    env["NEWSREADER_HOME"] = str(library)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def newsreader_command() -> list[str]:
    """The real `newsreader` command: the console script beside this interpreter, else
    the module run by this interpreter."""
    script = Path(sys.executable).with_name("newsreader")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "reader.cli"]
