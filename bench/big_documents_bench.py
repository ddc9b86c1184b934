"""Large documents: what a person waits for with a document of 0.3, 3, 30 and 100 MB.

For each size: `newsreader add` into a new library (wall, and the peak resident memory of
the process that does it), the reader opened on it to the first screen, `G` pressed the
moment that screen is out (to the end of the text on screen), and the first `/` query
typed the moment that screen is out (to its match count on screen). The two keys are
pressed right after the first screen on purpose: that is when a long text is still being
laid out, and when a reader who knows where they are going presses them.

The documents are made of the 3 MB book (its start, itself, or it ten and thirty-one times
over) and kept in the system's temporary folder between runs (`CACHE`): writing 100 MB
takes a while, and the same bytes make runs comparable.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import write_big_document
from bench.figures import Figure, at_most, information
from bench.screen_bench import COLUMNS, LINES, Done, _reader_opened, _shows, app_argv
from bench.terminal import Terminal
from bench.workspace import BOOK, SetupError, Workspace
from library.catalog import Catalog

CACHE = Path(tempfile.gettempdir()) / "newsreader-bench-bigdoc"
"""Where the generated documents are kept between runs (never the libraries: those are
made by the code measured)."""

ADD_TARGET_S = 3.0
ADD_TARGET_MB = 400.0
KEY_TARGET_MS = 100.0
QUERY_TARGET_MS = 500.0

QUERY = "Borodino"
"""Typed into the find bar at once: a name the book holds dozens of times."""


@dataclass(frozen=True, slots=True)
class Size:
    """One document size of the table."""

    name: str
    """As the table shows it (``30 MB``)."""
    key: str
    """As figure keys name it (``30mb``)."""
    copies: int
    """How many times the book is repeated; 0 for the start of the book alone."""
    judged: bool = False
    """Whether the targets apply (the 100 MB document)."""


SIZES: tuple[Size, ...] = (
    Size("0.3 MB", "0_3mb", 0),
    Size("3 MB", "3mb", 1),
    Size("30 MB", "30mb", 10),
    Size("100 MB", "100mb", 31, judged=True),
)
START_CHARACTERS = 300_000
"""The 0.3 MB document: the book's first paragraphs, up to this many characters."""


def document(size: Size) -> Path:
    """The document of `size`, written into `CACHE` the first time."""
    CACHE.mkdir(parents=True, exist_ok=True)
    target = CACHE / f"war-and-peace-{size.key}.txt"
    if target.exists():
        return target
    partial = target.with_suffix(".partial")
    if size.copies:
        write_big_document(BOOK, partial, copies=size.copies)
    else:
        text = BOOK.read_text(encoding="utf-8")
        cut = text.rfind("\n\n", 0, START_CHARACTERS)
        partial.write_text(text[: cut if cut > 0 else START_CHARACTERS], encoding="utf-8")
    partial.replace(target)
    return target


def measure(workspace: Workspace, runs: int) -> list[Figure]:
    """Every row of the table, for every size."""
    from bench.scale_bench import _peak_kib

    figures: list[Figure] = []
    for size in SIZES:
        path = document(size)
        seconds: list[float] = []
        peaks: list[float] = []
        for run in range(runs):
            home = workspace.new_home(f"bigdoc-{size.key}-{run}")
            began = time.perf_counter()
            peaks.append(_peak_kib(workspace, "add", str(path), home=home) / 1024)
            seconds.append(time.perf_counter() - began)
        home = workspace.folder / "libraries" / f"bigdoc-{size.key}-0"
        figures.extend(_adds(size, seconds, peaks))
        figures.extend(_sessions(workspace, size, home, runs))
    return figures


def _adds(size: Size, seconds: list[float], peaks: list[float]) -> list[Figure]:
    key = f"scale.doc_{size.key}"
    wall = f"`newsreader add` of a {size.name} document, wall"
    memory = f"`newsreader add` of a {size.name} document, peak resident memory"
    if size.judged:
        return [
            at_most(f"{key}_add", wall, "s", seconds, ADD_TARGET_S),
            at_most(f"{key}_add_memory", memory, "MB", peaks, ADD_TARGET_MB),
        ]
    return [
        information(f"{key}_add", wall, "s", seconds, ""),
        information(f"{key}_add_memory", memory, "MB", peaks, ""),
    ]


def _sessions(workspace: Workspace, size: Size, home: Path, runs: int) -> list[Figure]:
    """Open to screen, `G` and the first query right after it, `runs` sessions each."""
    catalog = Catalog.open(home)
    entries = catalog.entries()
    doc_id = next((entry.id for entry in entries if entry.path is not None), None)
    if doc_id is None:
        raise SetupError(f"The {size.name} document was not added to {home}.")
    opened = _reader_opened(catalog, doc_id)
    text = catalog.text(doc_id)
    last_word = text.split()[-1] if len(text) < 1_000_000 else text[-2000:].split()[-1]
    del text
    argv = app_argv(workspace, home, doc_id)
    times: dict[str, list[float]] = {"open": [], "G": [], "query": []}
    for _ in range(runs):
        for which in times:
            workspace.forget_position(home, doc_id)
            with Terminal(argv, workspace.env, columns=COLUMNS, lines=LINES) as term:
                shown = term.wait_until(opened, term.started, timeout=60)
                if which == "open":
                    times[which].append(shown * 1000)
                elif which == "G":
                    times[which].append(_right_after(term, "G", _shows(last_word)))
                else:
                    times[which].append(_right_after(term, f"/{QUERY}", _count_shown()))
    key = f"scale.doc_{size.key}"
    open_label = f"open a {size.name} document to its first screen"
    g_label = f"`G` pressed right after the first screen, {size.name} document, to screen"
    query_label = (
        f"first `/` query ({QUERY!r}) right after the first screen, {size.name} document, "
        "to its count on screen"
    )
    if size.judged:
        return [
            information(f"{key}_open", open_label, "ms", times["open"], ""),
            at_most(f"{key}_G", g_label, "ms", times["G"], KEY_TARGET_MS),
            at_most(f"{key}_query", query_label, "ms", times["query"], QUERY_TARGET_MS),
        ]
    return [
        information(f"{key}_open", open_label, "ms", times["open"], ""),
        information(f"{key}_G", g_label, "ms", times["G"], ""),
        information(f"{key}_query", query_label, "ms", times["query"], ""),
    ]


def _right_after(term: Terminal, keys: str, done: Done) -> float:
    """Type `keys` at once (no settling first); ms until `done` holds."""
    return term.wait_until(done, term.send(keys), timeout=60) * 1000


def _count_shown() -> Done:
    """The find bar shows the whole query and a match count. The count may still be that
    of a prefix for a moment (every one shows "1000+" in the larger documents): the figure
    is the time to the first answer on screen with the whole query typed."""
    from bench.screen_bench import _COUNT

    return lambda term: QUERY in term.text and _COUNT.search(term.text) is not None
