"""Many highlights, seen from the command line and from the notes screen.

Two libraries: the 3 MB book with 10,000 highlights (`many_highlights_bench`'s, copied, so
its sessions keep their count), where `newsreader highlight ID --quote …` (one more, a new
passage each run) and `newsreader notes ID --json` are timed wall to wall; and the thousand
generated articles with 15 highlights each (15,000 in the library, one in five with a
note, one in seven tagged), where the app is started on the library and, once it is
listed, `n` is timed until the notes screen shows its first notes (those changed last,
read first) and until it lists them all, then one more key of a filter (`harbou` typed,
then `r`) until the screen shows the matches of `harbour`.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
import time
from pathlib import Path

from bench.figures import Figure, at_most, information
from bench.many_highlights_bench import Marked, _spans
from bench.screen_bench import COLUMNS, LINES
from bench.terminal import Terminal
from bench.workspace import SetupError, Workspace

HIGHLIGHT_TARGET_MS = 150.0
NOTES_JSON_TARGET_MS = 300.0
NOTES_OPEN_TARGET_MS = 250.0
NOTES_FILTER_TARGET_MS = 50.0
ROW_MARK = "▌yellow"
"""How a note's row starts on screen (every generated highlight is yellow)."""
PER_ARTICLE = 15
"""Highlights given to each of the thousand articles: 15,000 in the library."""


def _notes_library(workspace: Workspace) -> tuple[Path, int]:
    """The thousand articles with `PER_ARTICLE` highlights each; the library and the count."""
    from annotations.model import new_highlight
    from annotations.store import AnnotationStore
    from library.catalog import Catalog

    home = workspace.new_home("notes-15000")
    workspace.newsreader("add", str(workspace.generated.folder), home=home)
    catalog = Catalog.open(home)
    store = AnnotationStore(home)
    rng = random.Random(15_000)
    topics = ("harbour", "council", "budget", "river", "school")
    count = 0
    for entry in catalog.entries():
        if entry.path is None or not entry.path.startswith(str(workspace.generated.folder)):
            continue
        text = catalog.text(entry.id)
        digest = hashlib.sha256(text.encode()).hexdigest()
        made = []
        for start, end in _spans(text, PER_ARTICLE):
            note = f"Note {count} on the {rng.choice(topics)}." if count % 5 == 0 else ""
            tags = ("work",) if count % 7 == 0 else ()
            made.append(
                new_highlight(entry.id, text, start, end, note=note, tags=tags, content_hash=digest)
            )
            count += 1
        store.save_many(made)
    return home, count


def _notes_session(workspace: Workspace, home: Path, count: int) -> tuple[float, float, float]:
    """ms from `n` to the first notes on screen and to all of them listed, then from the
    last key of a filter to its matches."""
    argv = [workspace.command, "--library", str(home)]
    with Terminal(argv, workspace.env, columns=COLUMNS, lines=LINES) as term:
        term.wait_for_text("Library ·", term.started)
        term.settle(quiet=0.5, limit=60)
        since = term.send("n")
        opened = term.wait_for_text(ROW_MARK, since) * 1000
        listed = term.wait_for_text(f"Notes · {count} highlights", since) * 1000
        term.settle(quiet=0.5, limit=30)  # the filter's index is made in the background
        term.send("/")
        for typed in "harbou":
            term.send(typed)
        term.settle(quiet=0.5, limit=30)
        since = term.send("r")
        filtered = term.wait_for_text("for 'harbour'", since) * 1000
    return opened, listed, filtered


def _wall_ms(workspace: Workspace, argv: list[str], *, ok: bool = True) -> float:
    began = time.perf_counter()
    done = subprocess.run(
        argv, env=workspace.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = (time.perf_counter() - began) * 1000
    if ok and done.returncode != 0:
        raise SetupError(f"{' '.join(argv[3:5])}… failed: {done.stderr.decode()[-200:]}")
    return elapsed


def _quotes(text: str, runs: int) -> list[str]:
    """`runs` passages of the book to highlight, each its own (one per run)."""
    rng = random.Random(runs)
    sentences = [s for s in text.split(". ") if 40 < len(s) < 200 and "\n" not in s]
    return [sentence[:60].rsplit(" ", 1)[0] for sentence in rng.sample(sentences, runs)]


def measure(workspace: Workspace, marked: Marked, runs: int) -> list[Figure]:
    """`highlight` and `notes --json` with 10,000 highlights in the document; the notes
    screen with 15,000 in the library."""
    from library.catalog import Catalog

    home = workspace.new_home("highlights-10000-commands")
    shutil.copytree(marked.home, home)
    base = [workspace.command, "--library", str(home)]
    text = Catalog.open(home).text(marked.doc_id)
    highlight_ms, notes_ms = [], []
    for quote in _quotes(text, runs):
        marking = [*base, "highlight", marked.doc_id, "--nth", "1", "--quote", quote]
        highlight_ms.append(_wall_ms(workspace, marking, ok=False))  # a taken passage: 1
        notes_ms.append(_wall_ms(workspace, [*base, "notes", marked.doc_id, "--json"]))
    notes_home, count = _notes_library(workspace)
    sessions = [_notes_session(workspace, notes_home, count) for _ in range(runs)]
    return [
        at_most(
            "annotations.highlight_10000",
            "`newsreader highlight ID --quote …`, 10,000 highlights in the document, wall",
            "ms",
            highlight_ms,
            HIGHLIGHT_TARGET_MS,
        ),
        at_most(
            "annotations.notes_json_10000",
            "`newsreader notes ID --json`, 10,000 highlights in the document, wall",
            "ms",
            notes_ms,
            NOTES_JSON_TARGET_MS,
        ),
        at_most(
            "annotations.notes_open_15000",
            f"`n`: the notes screen listing {count:,} highlights of the library, to screen",
            "ms",
            [opened for opened, _, _ in sessions],
            NOTES_OPEN_TARGET_MS,
            note="its first notes; the rest follow, read in a thread",
        ),
        information(
            "annotations.notes_listed_15000",
            f"`n`: the notes screen, all {count:,} highlights listed (its title counts them)",
            "ms",
            [listed for _, listed, _ in sessions],
            "for context",
        ),
        at_most(
            "annotations.notes_filter_15000",
            f"notes filter, one more key to screen, {count:,} highlights",
            "ms",
            [filtered for _, _, filtered in sessions],
            NOTES_FILTER_TARGET_MS,
        ),
    ]
