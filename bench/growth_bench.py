"""Growth: what a library of 1,000, 10,000 and 50,000 articles costs, side by side.

Feeds fill libraries fast, so each figure here is taken at every size and its growth read
from the curve: commands about one document (`show`, `notes ID`, `highlight`) must cost the
same at 50,000 as at 1,000 (within 1.2×); `list` is set beside `ls -l` and `find` over the
same texts; the app's first title is timed against the floor, a filter key and the way
back from a document to the library in a pseudo-terminal.

The generated articles and the libraries made of them are kept between runs in the
temporary folder (`newsreader-bench-growth/`), since adding 50,000 articles takes minutes:
a library is made again when the code that stores it changed (a stamp of those files).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.corpus import write_library
from bench.figures import Figure, against_floor, at_most, information, median
from bench.floor_app import READY
from bench.screen_bench import COLUMNS, LINES, floor_argv
from bench.terminal import Terminal
from bench.workspace import ROOT, SetupError, Workspace

SIZES_FULL = (1_000, 10_000, 50_000)
SIZES_QUICK = (1_000, 10_000)
ONE_DOCUMENT_RATIO = 1.2
LIBRARY_START_RATIO = 1.25
FILTER_KEY_TARGET_MS = 50.0
BACK_TARGET_MS = 50.0
SEARCH_MEMORY_MB = 200.0
CACHE = Path(tempfile.gettempdir()) / "newsreader-bench-growth"

_STORAGE_CODE = ("library/catalog_shards.py", "library/entries.py", "library/storage.py")
"""The files whose change makes a kept library stale."""


def _stamp() -> str:
    digest = hashlib.sha256()
    for name in _STORAGE_CODE:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:12]


def library_of(workspace: Workspace, count: int) -> Path:
    """A library of `count` generated articles (and the welcome guide), kept between runs."""
    from bench.scale_bench import wait_for_index_upkeep

    articles = CACHE / f"articles-{count}"
    if not (articles / "done").exists():
        shutil.rmtree(articles, ignore_errors=True)
        write_library(articles, count, seed=count)
        (articles / "done").write_text("")
    home = CACHE / f"library-{count}-{_stamp()}"
    if not (home / "done").exists():
        for stale in CACHE.glob(f"library-{count}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        workspace.newsreader("add", str(articles / "articles"), home=home)
        wait_for_index_upkeep(home)  # the add left its search index to a background process
        (home / "done").write_text("")
    return home


def _wall_ms(workspace: Workspace, argv: Sequence[str]) -> float:
    began = time.perf_counter()
    done = subprocess.run(
        argv, env=workspace.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    if done.returncode != 0:
        raise SetupError(f"{' '.join(argv[:3])}… failed: {done.stderr.decode()[-200:]}")
    return (time.perf_counter() - began) * 1000


def _newest(home: Path) -> tuple[str, list[str]]:
    """The newest document's id, and the passages of its text to highlight: the start of
    each sentence after the first, each once, so that every round marks a passage of its
    own (the same passage twice is refused, and a refusal is not what is timed)."""
    from library.catalog import Catalog

    catalog = Catalog.open(home)
    entry = catalog.entries()[0]
    text = catalog.text(entry.id)
    passages = dict.fromkeys(
        sentence[:40].strip() for sentence in text.split(". ")[1:] if len(sentence) >= 20
    )
    return entry.id, list(passages)


@contextmanager
def _annotations_kept(home: Path) -> Iterator[None]:
    """Put the library's annotations back as they were once the block is done, so the
    highlights a run adds are not in the next run's kept library."""
    kept = home / "annotations.kept"
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(home / "annotations", kept)
    try:
        yield
    finally:
        shutil.rmtree(home / "annotations")
        kept.rename(home / "annotations")


ONE_DOCUMENT_ROUNDS = 4
"""Rounds of the one-document commands for each run of the others.

Each takes ~80 ms, and a spell of load of a few tens of ms on one of three samples moved the
ratio of the largest library to the smallest from 1.0 to 1.36 ×; a dozen rounds cost ~10 s
and keep the figure about the library, not the machine's moment."""


def _commands(
    workspace: Workspace, homes: dict[int, Path], runs: int
) -> dict[int, dict[str, list[float]]]:
    """Each command at each size, the sizes taking turns within each round: a slow spell of
    the machine then falls on every size alike, not on whichever was measured last.

    The listing commands run `runs` rounds; `show`, `notes ID` and `highlight`, which must
    cost the same at every size, run `ONE_DOCUMENT_ROUNDS` times as many, so that their
    ratio (`_round_ratio`) rests on enough pairs."""
    plans: dict[int, tuple[dict[str, list[str]], list[str], list[str]]] = {}
    for count, home in homes.items():
        doc_id, passages = _newest(home)
        base = [workspace.command, "--library", str(home)]
        argvs = {
            "show": [*base, "show", doc_id],
            "notes": [*base, "notes", doc_id, "--json"],
            "list": [*base, "list", "--json"],
            "ls": ["ls", "-l", str(home / "documents")],
            "find": ["find", str(home / "documents"), "-name", "*.txt"],
        }
        plans[count] = (argvs, [*base, "highlight", doc_id, "--nth", "1", "--quote"], passages)
    names = ("show", "notes", "list", "ls", "find", "highlight")
    samples: dict[int, dict[str, list[float]]] = {
        count: {name: [] for name in names} for count in homes
    }
    listing = ("list", "ls", "find")
    for run in range(runs * ONE_DOCUMENT_ROUNDS):
        for count, (argvs, marking, passages) in plans.items():
            for name, argv in argvs.items():
                if name not in listing or run % ONE_DOCUMENT_ROUNDS == 0:
                    samples[count][name].append(_wall_ms(workspace, argv))
            quote = passages[run % len(passages)]
            samples[count]["highlight"].append(_wall_ms(workspace, [*marking, quote]))
    return samples


def _warm_up(workspace: Workspace, home: Path) -> None:
    """Start the app once on `home` until it has listed the library in full, untimed.

    A large library starts on the rows kept from its last listing (`library-head.json`),
    which a library just made by `add` does not have yet: its first start lists every
    document before showing any. Timed, that one start made the median of three show a
    returning reader's start as slower than it is (10,000 documents at 1.61 × the floor,
    against 1.2–1.3 × once the head is kept). Every timed start is a returning one.
    """
    argv = [workspace.command, "--library", str(home)]
    with Terminal(argv, workspace.env, columns=COLUMNS, lines=LINES) as term:
        term.wait_for_text("Library ·", term.started, 120)
        term.wait_until(lambda t: "listing…" not in t.text, time.perf_counter(), 120)
        term.settle(quiet=0.5, limit=10)  # the head is written after the listing is shown


def _screen_session(
    workspace: Workspace, home: Path, title: str, floor_ms: list[float]
) -> dict[str, float]:
    """One app session: first title (and a floor start just before), a filter key, and
    back from a document."""
    with Terminal(floor_argv(), workspace.env, columns=COLUMNS, lines=LINES) as floor:
        floor_ms.append(floor.wait_for_text(READY, floor.started) * 1000)
    argv = [workspace.command, "--library", str(home)]
    figures: dict[str, float] = {}
    with Terminal(argv, workspace.env, columns=COLUMNS, lines=LINES) as term:
        figures["start"] = term.wait_for_text(title[:24], term.started) * 1000
        term.settle(quiet=0.5, limit=60)  # listed in full (a large library, in the background)
        term.wait_until(lambda t: "listing…" not in t.text, time.perf_counter(), 60)
        term.send("/")
        term.wait_for_text("Filter by title", time.perf_counter())
        for typed in "harbou":
            term.send(typed)
        term.settle(quiet=0.3, limit=30)
        since = term.send("r")
        figures["filter"] = term.wait_for_text("for 'harbour'", since) * 1000
        term.send("\r")  # to the list
        term.settle(quiet=0.3, limit=10)
        term.send("\r")  # open the best match
        term.wait_for_text(" read", time.perf_counter())
        term.settle(quiet=0.3, limit=10)
        since = term.send("q")
        figures["back"] = term.wait_for_text("Library ·", since) * 1000
    return figures


def _search_all(workspace: Workspace, home: Path, count: int, runs: int) -> list[Figure]:
    """Search across the library typed at five keys a second (`bench.search_all_stall`)."""
    from bench.search_all_stall import BUSY_TARGET_MS, KEY_SECONDS, QUERY, typed_search

    workspace.newsreader("search", "harbour", home=home)  # the index in step first
    typed = [typed_search(home) for _ in range(runs)]
    size = f"{count:,}"
    note = (
        f"{QUERY!r} typed a key every {KEY_SECONDS:g} s, each prefix searched and the older "
        f"cancelled; {typed[0].matches} matches"
    )
    return [
        at_most(
            f"growth.search_all_busy_{count}",
            f"search across the library typed at 5 keys/s, longest UI-thread wait, {size} "
            "documents",
            "ms", [t.busy_ms for t in typed], BUSY_TARGET_MS, note=note,
        ),
        information(
            f"growth.search_all_results_{count}",
            f"search across the library, last key to its results on screen, {size} documents",
            "ms", [t.results_ms for t in typed], "",
        ),
        at_most(
            f"growth.search_all_memory_{count}",
            f"search across the library typed at 5 keys/s, peak resident memory, {size} "
            "documents",
            "MB", [t.peak_mb for t in typed], SEARCH_MEMORY_MB, note="the app's process",
        ),
    ]  # fmt: skip


def measure(workspace: Workspace, runs: int, sizes: Sequence[int]) -> list[Figure]:
    """Every figure at every size (see the module docstring)."""
    figures: list[Figure] = []
    homes = {count: library_of(workspace, count) for count in sizes}
    with ExitStack() as stack:
        for home in homes.values():
            stack.enter_context(_annotations_kept(home))
        by_size = _commands(workspace, homes, runs)
    for count, home in homes.items():
        samples = by_size[count]
        floor_ms: list[float] = []
        _warm_up(workspace, home)
        sessions = [
            _screen_session(workspace, home, workspace.first_title(home), floor_ms)
            for _ in range(runs)
        ]
        for name in ("start", "filter", "back"):
            samples[name] = [session[name] for session in sessions]
        size = f"{count:,}"
        figures += _search_all(workspace, home, count, runs)
        for name, label in (("ls", "`ls -l`"), ("find", "`find -name '*.txt'`")):
            figures.append(
                information(
                    f"growth.{name}_{count}",
                    f"{label} over the texts of {size} documents",
                    "ms",
                    samples[name],
                    "reference for `list`",
                )
            )
        figures += [
            information(
                f"growth.list_{count}", f"`newsreader list --json`, {size} documents", "ms",
                samples["list"], "",
            ),
            against_floor(
                f"growth.start_{count}", f"app start to the first title, {size} documents",
                samples["start"], floor_ms, LIBRARY_START_RATIO,
            ),
            at_most(
                f"growth.filter_{count}",
                f"library filter, one more key to screen, {size} documents",
                "ms", samples["filter"], FILTER_KEY_TARGET_MS,
            ),
            at_most(
                f"growth.back_{count}", f"back from a document to the library, {size} documents",
                "ms", samples["back"], BACK_TARGET_MS,
            ),
        ]  # fmt: skip
    smallest, largest = min(by_size), max(by_size)
    for name in ("show", "notes", "highlight"):
        small, large = by_size[smallest][name], by_size[largest][name]
        for count in sizes:
            figures.append(
                information(
                    f"growth.{name}_{count}",
                    f"`newsreader {name} ID`, {count:,} documents",
                    "ms",
                    by_size[count][name],
                    "",
                )
            )
        figures.append(
            at_most(
                f"growth.{name}_ratio",
                f"`newsreader {name} ID` at {largest:,} ÷ at {smallest:,} documents",
                "×",
                [_round_ratio(large, small)],
                ONE_DOCUMENT_RATIO,
                note=f"the median of {len(small)} rounds' ratios",
            )
        )
    return figures


def _round_ratio(large: Sequence[float], small: Sequence[float]) -> float:
    """The median of the ratios taken round by round (the two sizes ran back to back in
    each), as the start-up figures take theirs to the floor: a spell of load then weighs on
    one pair, not on the median of one size only."""
    return median([big / little for big, little in zip(large, small, strict=True)])
