"""Where a benchmark run keeps its files: a temporary folder, with libraries built on demand.

Nothing touches the user's own library: every command runs with ``--library`` pointing
into the temporary folder, and ``NEWSREADER_HOME`` and the XDG folders point there too.

Programs start as they would for a user who installed newsreader: with the project's
bytecode compiled once and cached. In an environment with ``PYTHONDONTWRITEBYTECODE`` set
(this one has it) the editable install would compile every module of the project from
source at every start, some 50–90 ms here. So the run copies the project's packages into
its temporary folder, compiles them there, and puts that copy first on ``PYTHONPATH``:
the figures are those of the code as it was when the run started, and nothing is written
into the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from bench.corpus import GeneratedLibrary, write_big_document, write_library
from library.catalog import SORT_KEYS, Catalog
from library.entries import ReadingState

ROOT = Path(__file__).resolve().parents[1]
"""The repository."""

BOOK = ROOT.parent / "shared" / "bench" / "war_and_peace.txt"
"""The 3 MB book the speed targets name."""

ARTICLE_COUNT = 1000

PACKAGES = ("library", "annotations", "service", "reader")
"""The project's packages, as `pyproject.toml` lists them."""


class SetupError(Exception):
    """The benchmark could not prepare what it measures; one plain sentence."""


@dataclass(frozen=True, slots=True)
class Documents:
    """The library holding the documents opened one at a time, and their ids."""

    home: Path
    """The library folder."""
    article_5kb: str
    """Id of the 5 KB article."""
    book: str
    """Id of the 3 MB book."""
    big: str
    """Id of the 30 MB document (the book ten times over)."""


def newsreader_command() -> str:
    """The installed `newsreader` script beside this Python, else the one on PATH."""
    beside = Path(sys.executable).with_name("newsreader")
    if beside.exists():
        return str(beside)
    found = shutil.which("newsreader")
    if found is None:
        raise SetupError("The newsreader command is not installed; run `make run` once first.")
    return found


class Workspace:
    """A temporary folder for one run; libraries are made the first time they are asked for."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="newsreader-bench-"))
        self.command = newsreader_command()
        if not BOOK.is_file():
            raise SetupError(f"The 3 MB book was not found at {BOOK}.")
        environment = dict(os.environ)
        for name, sub in (
            ("NEWSREADER_HOME", "default-home"),
            ("XDG_DATA_HOME", "xdg/data"),
            ("XDG_CONFIG_HOME", "xdg/config"),
            ("XDG_CACHE_HOME", "xdg/cache"),
            ("XDG_STATE_HOME", "xdg/state"),
        ):
            environment[name] = str(self.folder / sub)
        installed = self._install_copy()
        environment["PYTHONPATH"] = os.pathsep.join(
            [str(installed), *filter(None, [environment.get("PYTHONPATH")])]
        )
        self.env: dict[str, str] = environment

    def _install_copy(self) -> Path:
        """Copy the project's packages here and compile them, as installing would."""
        target = self.folder / "installed"
        for name in PACKAGES:
            shutil.copytree(
                ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(target)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        return target

    def close(self) -> None:
        """Delete the folder and everything in it."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def newsreader(self, *args: str, home: Path) -> subprocess.CompletedProcess[bytes]:
        """Run ``newsreader --library HOME ARGS`` and wait; raises `SetupError` on failure."""
        done = subprocess.run(
            [self.command, "--library", str(home), *args],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip().splitlines()
            raise SetupError(f"newsreader {args[0]} failed: {message[-1] if message else '?'}")
        return done

    def new_home(self, name: str) -> Path:
        """A library folder path that does not exist yet."""
        home = self.folder / "libraries" / name
        if home.exists():
            shutil.rmtree(home)
        home.parent.mkdir(parents=True, exist_ok=True)
        return home

    @cached_property
    def generated(self) -> GeneratedLibrary:
        """The thousand articles and the 5 KB article, written once."""
        return write_library(self.folder / "generated", ARTICLE_COUNT)

    @cached_property
    def big_document(self) -> Path:
        """The 30 MB document, written once."""
        return write_big_document(BOOK, self.folder / "generated" / "war-and-peace-x10.txt")

    @cached_property
    def library_1000(self) -> Path:
        """A library of the thousand articles (and the welcome guide), added once."""
        home = self.new_home("thousand")
        self.newsreader("add", str(self.generated.folder), home=home)
        return home

    @cached_property
    def documents(self) -> Documents:
        """A small library with the 5 KB article, the book and the 30 MB document."""
        home = self.new_home("documents")
        paths = (self.generated.article_5kb, BOOK, self.big_document)
        self.newsreader("add", *(str(p) for p in paths), home=home)
        by_path = {entry.path: entry.id for entry in Catalog.open(home).entries()}
        ids = [by_path.get(str(p.resolve())) for p in paths]
        article, book, big = ids
        if article is None or book is None or big is None:
            raise SetupError(f"The documents to open were not all added to {home}.")
        return Documents(home, article, book, big)

    def first_title(self, home: Path) -> str:
        """The title the library screen shows first (its default order: recently added)."""
        catalog = Catalog.open(home)
        wanted = catalog.setting("library_sort", "added")
        entries = catalog.entries(sort=next((k for k in SORT_KEYS if k == wanted), "added"))
        return entries[0].title

    def forget_position(self, home: Path, doc_id: str) -> None:
        """Put the reading position of `doc_id` back at the start (the app saves it on exit)."""
        opened = datetime.now(UTC).isoformat(timespec="seconds")
        Catalog.open(home).save_reading_state(doc_id, ReadingState(0, 0.0, opened))
