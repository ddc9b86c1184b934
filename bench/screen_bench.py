"""What a person sees, timed in a pseudo-terminal: start-up to first screen, keys to screen,
and the app's resident memory with the 3 MB book open.

Start-up figures are measured from the fork of the program to the arrival of the output
that made the awaited text visible; the floor (a minimal Textual app) is measured the same
way in the same run, in rounds (the floor, then each program), and every ratio is taken
round by round, so a machine that slows down for a while (other engineers run tests here
too) slows both sides of a ratio alike.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.figures import Figure, against_floor, at_most, information, median
from bench.floor_app import READY
from bench.terminal import Terminal
from bench.workspace import ROOT, Workspace
from library.catalog import Catalog
from library.sanitize import one_line
from library.search_index import Match

COLUMNS, LINES = 120, 38
"""The terminal: at 38 lines the reader shows 36 lines of text (status line and footer)."""

Done = Callable[[Terminal], bool]

FIRST_SCREEN_TARGET = 1.25
BIG_SCREEN_TARGET = 2.0
SAME_RATIO_TOLERANCE = 0.10
KEY_TARGET_MS = 50.0
QUERY_TARGET_MS = 250.0
MEMORY_TARGET_MB = 200.0

QUERIES: tuple[str, ...] = ("Prince Andrw", "Moscow burning")
"""Typed into the reader's find bar: a name with a typo, then a two-word phrase. Each
query's match count differs from that of every prefix of it, so a count left on screen by
an earlier keystroke is never taken for the answer."""


@dataclass(frozen=True, slots=True)
class Plan:
    """How many times to measure each thing."""

    start_runs: int
    """Start-ups of each program (floor, library, article, book, 30 MB)."""
    key_sessions: int
    """Reader sessions in the 3 MB book (each times every key several times)."""
    presses: int
    """Presses of `j` and of `space` per session."""
    end_presses: int
    """Presses of `G` per session (each from the top)."""
    memory_sessions: int
    """Sessions that read the app's memory."""


def _shows(*needles: str) -> Done:
    return lambda term: all(needle in term.text for needle in needles)


def _first_line(text: str, size: int = 24) -> str:
    """The start of the first non-empty line of `text`, as the screen shows it."""
    for line in text.splitlines():
        if line.strip():
            return one_line(line.strip())[:size].rstrip()
    return ""


def _reader_opened(catalog: Catalog, doc_id: str) -> Done:
    """The reader shows `doc_id`: its byline (only the reader writes "… read", as "4 min read"
    or "41 h read") and the start of its text are on screen. The status line under the text
    is not waited for."""
    from reader.labels import length_label

    byline = f"{length_label(max(1, catalog.entry(doc_id).reading_minutes))} read"
    return _shows(byline, _first_line(catalog.text(doc_id)))


def _start_ms(argv: Sequence[str], workspace: Workspace, done: Done) -> tuple[float, float | None]:
    """Wall time to the first screen (ms), and the program's CPU time by then (ms)."""
    with Terminal(argv, workspace.env, columns=COLUMNS, lines=LINES) as term:
        wall = term.wait_until(done, term.started) * 1000
        return wall, term.cpu_ms_when_done


def _cpu_of_floor(cpu_ms: Sequence[float | None]) -> str:
    known = [value for value in cpu_ms if value is not None]
    return f"; its CPU time {median(known):.0f} ms" if known else ""


def cpu_note(cpu_ms: Sequence[float | None], floor_cpu_ms: Sequence[float | None]) -> str:
    """The program's CPU time to its first screen over the floor's, median of the rounds'
    ratios: on a busy machine wall time is mostly the wait for a core (tens of percent from
    run to run), CPU time much less, so it says what the code itself costs."""
    ratios = [
        cpu / floor
        for cpu, floor in zip(cpu_ms, floor_cpu_ms, strict=True)
        if cpu is not None and floor
    ]
    if not ratios:
        return ""
    return f"CPU time {median(ratios):.2f} × the floor's"


def floor_argv() -> list[str]:
    """The floor app, run the way the app is (a Python script, a fresh interpreter)."""
    return [sys.executable, str(ROOT / "bench" / "floor_app.py")]


def app_argv(workspace: Workspace, home: Path, doc_id: str | None = None) -> list[str]:
    """`newsreader --library HOME [ID]`."""
    return [workspace.command, "--library", str(home), *([doc_id] if doc_id else [])]


def start_up(workspace: Workspace, plan: Plan) -> list[Figure]:
    """Floor, library of 1,000, 5 KB article, 3 MB book and 30 MB document to first screen."""
    library = workspace.library_1000
    documents = workspace.documents
    catalog = Catalog.open(documents.home)
    title = _first_line(workspace.first_title(library))
    programs: dict[str, tuple[list[str], Done]] = {
        "floor": (floor_argv(), _shows(READY)),
        "library": (app_argv(workspace, library), _shows(title)),
    }
    for name, doc_id in (
        ("article", documents.article_5kb),
        ("book", documents.book),
        ("big", documents.big),
    ):
        programs[name] = (
            app_argv(workspace, documents.home, doc_id),
            _reader_opened(catalog, doc_id),
        )
    reset = {"article": documents.article_5kb, "book": documents.book, "big": documents.big}
    samples: dict[str, list[float]] = {name: [] for name in programs}
    cpu: dict[str, list[float | None]] = {name: [] for name in programs}
    for _ in range(plan.start_runs):
        for name, (argv, done) in programs.items():
            if name in reset:
                workspace.forget_position(documents.home, reset[name])
            wall, cpu_ms = _start_ms(argv, workspace, done)
            samples[name].append(wall)
            cpu[name].append(cpu_ms)
    floor = samples["floor"]
    # Paired: the book and the article start one after the other in each round, so the
    # ratio is taken round by round (a slow spell of the machine slows both of a pair),
    # then its median; a ratio of the two medians would mix different rounds' noise.
    ratios = [b / a for a, b in zip(samples["article"], samples["book"], strict=True)]
    same = median(ratios)
    return [
        information(
            "screen.floor",
            "floor: minimal Textual app (Header, Static, Footer) to first screen",
            "ms",
            samples["floor"],
            "the unit of the ratios below" + _cpu_of_floor(cpu["floor"]),
        ),
        against_floor(
            "screen.library",
            "library of 1,000 articles to screen (a title visible)",
            samples["library"],
            floor,
            FIRST_SCREEN_TARGET,
            note=cpu_note(cpu["library"], cpu["floor"]),
        ),
        against_floor(
            "screen.article",
            "5 KB article opened directly (`newsreader ID`) to screen",
            samples["article"],
            floor,
            FIRST_SCREEN_TARGET,
            note=cpu_note(cpu["article"], cpu["floor"]),
        ),
        against_floor(
            "screen.book",
            "3 MB book opened directly to screen",
            samples["book"],
            floor,
            FIRST_SCREEN_TARGET,
            note=cpu_note(cpu["book"], cpu["floor"]),
        ),
        Figure(
            "screen.book_vs_article",
            "3 MB book's time over the 5 KB article's, median of the rounds' ratios "
            "(same ratio within 10 %)",
            "×",
            tuple(ratios),
            "0.9 – 1.1 ×",
            abs(same - 1) <= SAME_RATIO_TOLERANCE,
        ),
        against_floor(
            "screen.big",
            "30 MB document (the book × 10) opened directly to screen",
            samples["big"],
            floor,
            BIG_SCREEN_TARGET,
            note=cpu_note(cpu["big"], cpu["floor"]),
        ),
    ]


def _count_text(matches: Sequence[Match]) -> str:
    """What the find bar shows for `matches` (as `ReaderScreen` writes it: "1000+" when
    the search stopped at its limit)."""
    from reader.screens.reader_search import capped

    count = len(matches)
    if not count:
        return "no matches"
    more = "+" if capped(matches) else ""
    return f"{count}{more} match" + ("" if count == 1 else "es")


def _query_counts(text: str, queries: Sequence[str]) -> dict[str, tuple[str, bool]]:
    """For each query: the count text the bar will show, and whether no prefix shows it too."""
    from library.search_index import index_for
    from reader.screens.reader_search import document_matches

    index = index_for(text)
    found: dict[str, tuple[str, bool]] = {}
    for query in queries:
        final = _count_text(document_matches(index, query))
        prefixes = {
            _count_text(document_matches(index, query[:size])) for size in range(1, len(query))
        }
        found[query] = (final, final not in prefixes)
    return found


TEXT_ROWS = range(0, LINES - 2)
"""The rows of the reader's text (the status line and the footer are below)."""


def _key_ms(term: Terminal, keys: str, done: Done | None = None) -> float:
    """Type `keys`; ms until `done` holds (by default: until anything on screen changed)."""
    term.settle()
    test = done if done is not None else term.changed_from(term.snapshot())
    return term.wait_until(test, term.send(keys)) * 1000


def _text_key_ms(term: Terminal, keys: str) -> float:
    """Type `keys`; ms until the reader's text area changed (text or colours)."""
    term.settle()
    test = term.changed_from(term.snapshot(TEXT_ROWS), TEXT_ROWS)
    return term.wait_until(test, term.send(keys)) * 1000


_COUNT = re.compile(r"\b\d+\+? match(es)?\b|no matches")


def keys_to_screen(workspace: Workspace, plan: Plan) -> list[Figure]:
    """`j`, `space`, `G` and a `/` query to screen, in the 3 MB book."""
    documents = workspace.documents
    catalog = Catalog.open(documents.home)
    opened = _reader_opened(catalog, documents.book)
    book_text = catalog.text(documents.book)
    counts = _query_counts(book_text, QUERIES)
    last_word = book_text.split()[-1]
    times: dict[str, list[float]] = {"j": [], "space": [], "G": [], "first": [], "second": []}
    for _ in range(plan.key_sessions):
        workspace.forget_position(documents.home, documents.book)
        argv = app_argv(workspace, documents.home, documents.book)
        with Terminal(argv, workspace.env, columns=COLUMNS, lines=LINES) as term:
            term.wait_until(opened, term.started)
            for _ in range(plan.presses):
                times["j"].append(_text_key_ms(term, "j"))
            for _ in range(plan.presses):
                times["space"].append(_text_key_ms(term, " "))
            for _ in range(plan.end_presses):
                times["G"].append(_key_ms(term, "G", _shows(last_word)))
                _key_ms(term, "g", _shows(_first_line(book_text)))  # back at the top
            for which, query in zip(("first", "second"), QUERIES, strict=True):
                _key_ms(term, "/")  # the bar opens (with the last query selected, if any)
                expected = counts[query][0]
                times[which].append(_key_ms(term, query, _shows(query, expected)))
                _key_ms(term, "\x1b", lambda t: _COUNT.search(t.text) is None)
    ambiguous = [query for query, (_, unique) in counts.items() if not unique]
    caveat = f" (a prefix of {ambiguous} shows the same count)" if ambiguous else ""
    return [
        at_most(
            "keys.j", "`j` (next sentence) to screen, 3 MB book", "ms", times["j"], KEY_TARGET_MS
        ),
        at_most(
            "keys.pgdn", "`pgdn` (space) to screen, 3 MB book", "ms", times["space"], KEY_TARGET_MS
        ),
        at_most("keys.G", "`G` (end) to screen, 3 MB book", "ms", times["G"], KEY_TARGET_MS),
        at_most(
            "keys.query_first",
            f"first `/` query ({QUERIES[0]!r}, typed at once) to its count on screen",
            "ms",
            times["first"],
            QUERY_TARGET_MS,
            note="builds the search index first" + caveat,
        ),
        at_most(
            "keys.query_second",
            f"second `/` query ({QUERIES[1]!r}) to its count on screen",
            "ms",
            times["second"],
            QUERY_TARGET_MS,
        ),
    ]


def memory(workspace: Workspace, plan: Plan) -> list[Figure]:
    """Resident memory of the app with the 3 MB book drawn, then after a search in it."""
    documents = workspace.documents
    catalog = Catalog.open(documents.home)
    opened = _reader_opened(catalog, documents.book)
    expected = _query_counts(catalog.text(documents.book), QUERIES[:1])[QUERIES[0]][0]
    drawn: list[float] = []
    searched: list[float] = []
    peak: list[float] = []
    for _ in range(plan.memory_sessions):
        workspace.forget_position(documents.home, documents.book)
        argv = app_argv(workspace, documents.home, documents.book)
        with Terminal(argv, workspace.env, columns=COLUMNS, lines=LINES) as term:
            term.wait_until(opened, term.started)
            term.settle(quiet=0.5)
            drawn.append(term.memory_kb()["VmRSS"] / 1024)
            _key_ms(term, "/", _shows("Search this document"))
            _key_ms(term, QUERIES[0], _shows(expected))
            term.settle(quiet=0.5)
            status = term.memory_kb()
            searched.append(status["VmRSS"] / 1024)
            peak.append(status["VmHWM"] / 1024)
    return [
        at_most(
            "memory.book",
            "resident memory (VmRSS), 3 MB book drawn",
            "MB",
            drawn,
            MEMORY_TARGET_MB,
        ),
        at_most(
            "memory.book_searched",
            "resident memory (VmRSS), 3 MB book after a search",
            "MB",
            searched,
            MEMORY_TARGET_MB,
            note=f"peak (VmHWM) {median(peak):.0f} MB" if peak else "",
        ),
    ]
