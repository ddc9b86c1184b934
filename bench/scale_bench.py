"""Scale: what grows with the size of what is added — a document of nearly 100 MB, and a
folder of thousands of articles — timed as a person waits for `newsreader add`, with the
peak memory of the process that does it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import write_big_document, write_library
from bench.figures import Figure, at_most, information
from bench.workspace import BOOK, SetupError, Workspace

HUGE_ADD_TARGET_S = 3.0
HUGE_ADD_TARGET_MB = 400.0
MANY_ADD_TARGET_S = 10.0
HUGE_COPIES = 30
"""The 3 MB book thirty times over: some 95 MB, under the 100 MB a document may have."""
MANY_ARTICLES = 10_000

_PEAK_OF_CHILD = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)
"""Runs a command and prints its peak resident memory (KiB, as Linux counts it)."""


SEARCHED_ARTICLES = 20
"""Articles in the library the ~95 MB document is added to, searched once before it."""


def adds(workspace: Workspace, runs: int) -> list[Figure]:
    """`newsreader add` of a ~95 MB document (wall and peak memory) and of 10,000 articles.

    The ~95 MB document goes into a library that has a search index, as every library
    that was searched once has (the 100 MB one of `bench.big_documents_bench` into a new
    library): such an add keeps the index in step, and it once indexed a long book inside
    the add, 9 s of the person's wait. The upkeep that indexes it in the background is
    waited for after each run, and timed, so that it slows no later figure.
    """
    generated = workspace.folder / "generated"
    generated.mkdir(parents=True, exist_ok=True)
    huge = write_big_document(BOOK, generated / "war-and-peace-x30.txt", copies=HUGE_COPIES)
    searched = [str(path) for path in workspace.generated.articles[:SEARCHED_ARTICLES]]
    seconds: list[float] = []
    peaks: list[float] = []
    huge_indexed: list[float] = []
    for run in range(runs):
        home = workspace.new_home(f"huge-{run}")
        workspace.newsreader("add", *searched, home=home)
        workspace.newsreader("search", "harbour", home=home)  # (the index is made)
        began = time.perf_counter()
        peak_kib = _peak_kib(workspace, "add", str(huge), home=home)
        seconds.append(time.perf_counter() - began)
        peaks.append(peak_kib / 1024)
        huge_indexed.append(_wait_until_indexed(home))
    articles = write_library(workspace.folder / "generated-many", MANY_ARTICLES).folder
    many: list[float] = []
    indexed: list[float] = []
    first_search: list[float] = []
    for run in range(runs):
        home = workspace.new_home(f"many-{run}")
        began = time.perf_counter()
        workspace.newsreader("add", str(articles), home=home)
        many.append(time.perf_counter() - began)
        # The index is brought up to date in the background after the add: waited for,
        # so that it does not slow the next run, and timed, as the first search waits.
        indexed.append(wait_for_index_upkeep(home))
        began = time.perf_counter()
        workspace.newsreader("search", "harbour authority", home=home)
        first_search.append(time.perf_counter() - began)
    size = huge.stat().st_size / 1e6
    return [
        at_most(
            "scale.add_huge",
            f"`newsreader add` of a {size:.0f} MB document into a library with a search "
            "index, wall",
            "s",
            seconds,
            HUGE_ADD_TARGET_S,
        ),
        at_most(
            "scale.add_huge_memory",
            f"`newsreader add` of a {size:.0f} MB document into a library with a search "
            "index, peak resident memory",
            "MB",
            peaks,
            HUGE_ADD_TARGET_MB,
        ),
        information(
            "scale.add_huge_indexed",
            f"search index caught up after the add of the {size:.0f} MB document (background)",
            "s",
            huge_indexed,
            "after `add` returned, in a detached process at low priority",
        ),
        at_most(
            "scale.add_many",
            f"`newsreader add` of {MANY_ARTICLES:,} articles into an empty library, wall",
            "s",
            many,
            MANY_ADD_TARGET_S,
        ),
        information(
            "scale.add_many_indexed",
            f"search index caught up after the add of {MANY_ARTICLES:,} articles (background)",
            "s",
            indexed,
            "after `add` returned, in a detached process at low priority",
        ),
        information(
            "scale.add_many_first_search",
            f"first `newsreader search` after the add of {MANY_ARTICLES:,} articles",
            "s",
            first_search,
            "once the background upkeep is done",
        ),
    ]


def _wait_until_indexed(home: Path, timeout: float = 600.0) -> float:
    """Seconds until the search index of the library at `home` holds every document.

    Not `wait_for_index_upkeep`: that one waits for the index file to appear and then for
    the upkeep's lock, and a library indexed already has its file, so it could return
    before the upkeep started by the add had taken its lock."""
    from library.catalog import Catalog
    from library.text_index import IndexUnavailable, TextIndex

    wanted = {entry.id for entry in Catalog.open(home).entries()}
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        try:
            index = TextIndex.open(home, timeout=1.0)
            try:
                held = set(index.hashes())
            finally:
                index.close()
        except IndexUnavailable:  # (the upkeep writing a long text: asked again)
            held = set()
        if wanted <= held:
            break
        time.sleep(0.1)
    return time.perf_counter() - began


def wait_for_index_upkeep(home: Path, timeout: float = 600.0) -> float:
    """Seconds until the index upkeep an add started has finished."""
    from library.index_file import INDEX_FILE
    from service.index_upkeep import upkeep_running

    began = time.perf_counter()
    while not (home / INDEX_FILE).exists() and time.perf_counter() - began < 5.0:
        time.sleep(0.02)  # the upkeep takes its lock before it makes the index file
    while upkeep_running(home) and time.perf_counter() - began < timeout:
        time.sleep(0.05)
    return time.perf_counter() - began


def _peak_kib(workspace: Workspace, *args: str, home: Path) -> float:
    command = [workspace.command, "--library", str(home), *args]
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_OF_CHILD, *command],
        env=workspace.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SetupError(f"newsreader {args[0]} failed: {done.stderr.strip()[-200:]}")
    return float(done.stdout.split()[-1])


def big_documents(workspace: Workspace, runs: int) -> list[Figure]:
    """The table of documents of 0.3, 3, 30 and 100 MB: add, open, `G` and the first `/`
    query right after the first screen (see `bench.big_documents_bench`)."""
    from bench import big_documents_bench

    return big_documents_bench.measure(workspace, runs)


def library_search(workspace: Workspace, runs: int) -> list[Figure]:
    """`newsreader search` over 1,000, 10,000 and 50,000 articles, beside `rg` (see
    `bench.library_search_bench`)."""
    from bench import library_search_bench

    return library_search_bench.measure(workspace, runs)
