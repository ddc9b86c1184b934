"""A document with very many highlights: opening it, its panel, and importing notes.

The 3 MB book is added to libraries of its own and given 10,000 and 100,000 highlights
(one every few hundred characters, one in ten with a note), written through the store as
the app would have saved them. What is timed is what a person waits for, in a
pseudo-terminal: the book's first text on screen (against the floor, like every start-up
figure), then, once the highlights are drawn, `tab` until the panel lists them all. The
import is `newsreader import-notes` of a generated newsreader export, timed wall to wall,
with the peak resident memory of that process.
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.figures import Figure, against_floor, at_most, information
from bench.floor_app import READY
from bench.screen_bench import COLUMNS, FIRST_SCREEN_TARGET, LINES, _first_line, floor_argv
from bench.terminal import Terminal
from bench.workspace import BOOK, SetupError, Workspace

PANEL_TARGET_MS = 100.0
IMPORT_TARGET_S = 10.0
IMPORT_RECORDS = 100_000
SETTLE_LIMIT = 60.0
"""Seconds a session waits for the highlights to be read and drawn before pressing `tab`."""

STILL_READING = "still being read"
"""What the reader says of a key pressed before the highlights are in."""


@dataclass(frozen=True, slots=True)
class Marked:
    """A library holding the book with `count` highlights."""

    home: Path
    doc_id: str
    count: int


def _book_library(workspace: Workspace, name: str) -> tuple[Path, str, str]:
    """A new library with the book (and the welcome guide); the book's id and text."""
    from library.catalog import Catalog

    home = workspace.new_home(name)
    workspace.newsreader("add", str(BOOK), home=home)
    catalog = Catalog.open(home)
    book = str(BOOK.resolve())
    found = [entry.id for entry in catalog.entries() if entry.path == book]
    if not found:
        raise SetupError(f"The book was not added to {home}.")
    return home, found[0], catalog.text(found[0])


def _spans(text: str, count: int) -> list[tuple[int, int]]:
    """`count` spans of 20 to 200 characters, one per stretch of the text, in order."""
    rng = random.Random(count)
    step = (len(text) - 400) // count
    spans = []
    for n in range(count):
        start = text.find(" ", n * step + rng.randrange(0, max(1, step // 2))) + 1
        spans.append((start, start + rng.randint(20, 200)))
    return spans


def marked_library(workspace: Workspace, count: int) -> Marked:
    """The book with `count` highlights, saved through the store in one batch."""
    from annotations.model import new_highlight
    from annotations.store import AnnotationStore

    home, doc_id, text = _book_library(workspace, f"highlights-{count}")
    digest = hashlib.sha256(text.encode()).hexdigest()
    highlights = [
        new_highlight(
            doc_id, text, start, end, note="A note." if n % 10 == 0 else "", content_hash=digest
        )
        for n, (start, end) in enumerate(_spans(text, count))
    ]
    AnnotationStore(home).save_many(highlights)
    return Marked(home, doc_id, count)


def _open_session(workspace: Workspace, marked: Marked, text_start: str) -> tuple[float, float]:
    """Open the book: ms to its first text; then, the highlights drawn, ms from `tab` to
    the panel listing them all."""
    workspace.forget_position(marked.home, marked.doc_id)
    argv = [workspace.command, "--library", str(marked.home), marked.doc_id]
    with Terminal(argv, workspace.env, columns=COLUMNS, lines=LINES) as term:
        first = term.wait_for_text(text_start, term.started) * 1000
        return first, _panel_ms(term, f"Highlights · {marked.count}")


def _panel_ms(term: Terminal, title: str) -> float:
    """Press `tab` once the highlights are in (until then the reader says they are still
    being read: wait and press again); ms from the press that opened the panel."""
    deadline = time.perf_counter() + SETTLE_LIMIT
    while True:
        term.settle(quiet=0.5, limit=SETTLE_LIMIT)
        since = term.send("\t")
        arrived = term.wait_until(lambda t: title in t.text or STILL_READING in t.text, since)
        if title in term.text:
            return arrived * 1000
        if time.perf_counter() > deadline:
            raise SetupError(f"The highlights were not read within {SETTLE_LIMIT:.0f} s.")
        term.wait_until(lambda t: STILL_READING not in t.text, time.perf_counter())


def _notes_file(path: Path, doc_id: str, text: str, count: int) -> Path:
    """A newsreader notes export of `count` highlights of the book (its `text` as the
    library holds it, so every highlight holds there), written as a stream."""
    from annotations.model import new_highlight, to_record

    digest = hashlib.sha256(text.encode()).hexdigest()
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n  "format": "newsreader-notes",\n  "version": 1,\n  "documents": [')
        out.write(json.dumps({"id": doc_id, "content_hash": digest}))
        out.write('],\n  "highlights": [\n')
        for n, (start, end) in enumerate(_spans(text, count)):
            record = to_record(new_highlight(doc_id, text, start, end, content_hash=digest))
            out.write((",\n" if n else "") + json.dumps(record, indent=2))
        out.write("\n  ]\n}\n")
    return path


IMPORT_PROGRAM = """
import sys
from pathlib import Path
from reader.cli import main
code = main(sys.argv[1:])
status = Path("/proc/self/status").read_text(encoding="ascii")
peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
print(peak, file=sys.stderr)
sys.exit(code)
"""
"""`newsreader` run as a script that reports its own peak resident memory (VmHWM, in kB)
on the way out: the `ru_maxrss` of a child counts the parent's pages it was forked with."""


def _import_run(workspace: Workspace, notes: Path) -> tuple[float, float]:
    """`newsreader import-notes` into a fresh library of the book: seconds and peak MB."""
    home, _, _ = _book_library(workspace, "import")
    argv = [sys.executable, "-c", IMPORT_PROGRAM]
    argv += ["--library", str(home), "import-notes", str(notes)]
    began = time.perf_counter()
    done = subprocess.run(
        argv, env=workspace.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SetupError(f"newsreader import-notes failed with status {done.returncode}.")
    return seconds, int(done.stderr.split()[-1]) / 1024


def measure(workspace: Workspace, runs: int, import_runs: int) -> list[Figure]:
    """Open with 10,000 and 100,000 highlights, the panel, and import-notes of 100,000;
    then `notes_bench`'s figures (the commands, and the notes screen)."""
    text_start = _first_line(BOOK.read_text(encoding="utf-8"))
    libraries = [marked_library(workspace, count) for count in (10_000, 100_000)]
    floor: list[float] = []
    first: dict[int, list[float]] = {m.count: [] for m in libraries}
    panel: dict[int, list[float]] = {m.count: [] for m in libraries}
    for _ in range(runs):
        with Terminal(floor_argv(), workspace.env, columns=COLUMNS, lines=LINES) as term:
            floor.append(term.wait_for_text(READY, term.started) * 1000)
        for marked in libraries:
            shown, listed = _open_session(workspace, marked, text_start)
            first[marked.count].append(shown)
            panel[marked.count].append(listed)
    _, doc_id, book_text = _book_library(workspace, "import-source")
    notes = _notes_file(workspace.folder / "notes-100000.json", doc_id, book_text, IMPORT_RECORDS)
    imports = [_import_run(workspace, notes) for _ in range(import_runs)]
    size_mb = notes.stat().st_size / 2**20
    from bench import notes_bench  # it builds on this module's libraries

    commands_and_notes = notes_bench.measure(workspace, libraries[0], runs)
    return [
        *commands_and_notes,
        against_floor(
            "annotations.open_10000",
            "3 MB book with 10,000 highlights opened directly to screen (its text)",
            first[10_000],
            floor,
            FIRST_SCREEN_TARGET,
        ),
        against_floor(
            "annotations.open_100000",
            "3 MB book with 100,000 highlights opened directly to screen (its text)",
            first[100_000],
            floor,
            FIRST_SCREEN_TARGET,
        ),
        at_most(
            "annotations.panel_10000",
            "`tab`: the highlights panel listing 10,000 highlights, to screen",
            "ms",
            panel[10_000],
            PANEL_TARGET_MS,
        ),
        information(
            "annotations.panel_100000",
            "`tab`: the highlights panel listing 100,000 highlights, to screen",
            "ms",
            panel[100_000],
            "for context",
        ),
        at_most(
            "annotations.import_100000",
            f"`newsreader import-notes` of 100,000 highlights ({size_mb:.0f} MB), wall",
            "s",
            [seconds for seconds, _ in imports],
            IMPORT_TARGET_S,
            note=f"peak resident memory {max(mb for _, mb in imports):.0f} MB",
        ),
    ]
