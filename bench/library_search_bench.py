"""Library-wide search at scale: `newsreader search` over libraries of 1,000, 10,000 and
50,000 generated articles, exact and typo'd, wall time and peak memory, beside `rg` over
the same text files (skipped, with a note, when `rg` is not installed).

Building a 50,000-article library takes minutes, so the libraries are kept between runs
in one folder of the system's temporary directory (`CACHE`), each marked ready once its
add has finished. The first search after a change of the index's format builds it again:
one search is run (and its time reported) before the measured ones.

Run alone as ``python -m bench.library_search_bench [--sizes 1000 10000] [--runs N]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.corpus import write_library
from bench.figures import Figure, at_most, information
from bench.workspace import SetupError, Workspace

CACHE = Path(tempfile.gettempdir()) / "newsreader-bench-scale"
"""Where the generated articles and their libraries stay between runs."""

SIZES = (1_000, 10_000, 50_000)
EXACT_QUERY = "harbour authority"
TYPO_QUERY = "harbur autority"
TYPO_TARGET_S = 1.0
MEMORY_TARGET_MB = 200.0
RG_FACTOR = 2.0
"""Exact queries may take at most this many times what `rg` takes over the same files."""
RG_TARGET_FROM = 50_000
"""The library size the `rg` comparison is a target for (the scale the index is there
for). At 1,000 documents `rg` reads them in ~0.02 s, less than a Python interpreter takes
to start; the ratio is still shown there, for context."""

_PEAK_OF_CHILD = (
    "import resource, subprocess, sys, time\n"
    "began = time.perf_counter()\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(time.perf_counter() - began, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)
"""Runs a command; prints its wall time (s) and peak resident memory (KiB, as Linux counts)."""

_PARTS = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from library.catalog import Catalog\n"
    "from service.library_search import LibrarySearch\n"
    "began = time.perf_counter()\n"
    "catalog = Catalog.open(Path(sys.argv[1]))\n"
    "catalog.entries()\n"
    "opened = time.perf_counter()\n"
    "catalog.entries()\n"
    "listed = time.perf_counter()\n"
    "LibrarySearch(catalog).find(sys.argv[2], 20)\n"
    "ended = time.perf_counter()\n"
    "print(opened - began, max(0.0, (ended - listed) - (listed - opened)))\n"
)
"""Times, in one process, reading the catalog (open and list) and the search's own part
(bringing the index in step, asking it, reading and ranking the candidates): the search
lists the catalog again, and that second listing, timed just before, is taken off."""


def library(workspace: Workspace, size: int) -> Path:
    """The library of `size` generated articles, made (once) and kept in `CACHE`."""
    home = CACHE / f"library-{size}"
    ready = CACHE / f"library-{size}.ready"
    if ready.is_file() and home.is_dir():
        return home
    shutil.rmtree(home, ignore_errors=True)
    texts = CACHE / f"texts-{size}"
    if not (texts / "articles").is_dir() or len(list((texts / "articles").iterdir())) < size:
        write_library(texts, size)
    print(f"bench: adding {size:,} articles (kept for later runs)…", file=sys.stderr, flush=True)
    workspace.newsreader("add", str(texts / "articles"), home=home)
    from bench.scale_bench import wait_for_index_upkeep

    wait_for_index_upkeep(home)  # the index an add of this size builds in the background
    ready.touch()
    return home


def timed(command: Sequence[str], workspace: Workspace) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MB) of one run of `command`."""
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_OF_CHILD, *command],
        env=workspace.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.split():
        raise SetupError(f"{command[0]} failed: {done.stderr.strip()[-200:]}")
    seconds, peak_kib = done.stdout.split()[-2:]
    return float(seconds), float(peak_kib) / 1024


def _parts(workspace: Workspace, home: Path, query: str) -> tuple[float, float]:
    """Seconds reading the catalog, and seconds of the search's own part."""
    done = subprocess.run(
        [sys.executable, "-c", _PARTS, str(home), query],
        env=workspace.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SetupError(f"the in-process search failed: {done.stderr.strip()[-200:]}")
    catalog, own = done.stdout.split()[-2:]
    return float(catalog), float(own)


def measure_size(workspace: Workspace, size: int, runs: int) -> list[Figure]:
    """Exact and typo'd search, memory, and `rg`, for one library size."""
    home = library(workspace, size)
    search = [workspace.command, "--library", str(home), "search"]
    began = time.perf_counter()
    subprocess.run([*search, EXACT_QUERY], env=workspace.env, capture_output=True, check=False)
    first = time.perf_counter() - began
    exact = [timed([*search, EXACT_QUERY], workspace) for _ in range(runs)]
    typo = [timed([*search, TYPO_QUERY], workspace) for _ in range(runs)]
    rg = shutil.which("rg")
    grep = (
        [
            timed([rg, "-i", "-F", "-c", EXACT_QUERY, str(home / "documents")], workspace)
            for _ in range(runs)
        ]
        if rg is not None
        else []
    )
    name = f"{size // 1000}k"
    figures = [
        information(
            f"scale.search_first_{name}",
            f"`newsreader search` at {size:,} articles, first after a change of the code "
            "(brings the index in step)",
            "s",
            (first,),
            "the index is rebuilt only when missing, damaged, or of an older format",
        ),
    ]
    exact_s = [seconds for seconds, _ in exact]
    parts = [_parts(workspace, home, query) for query in (EXACT_QUERY, TYPO_QUERY)]
    figures.append(
        information(
            f"scale.search_own_{name}",
            f"of which the search's own part at {size:,} articles, exact / typo'd",
            "s",
            [own for _, own in parts],
            f"the rest is reading the catalog: {parts[0][0]:.2f} s (open and list); "
            f"exact {parts[0][1]:.2f} s, typo'd {parts[1][1]:.2f} s",
        )
    )
    figures.append(_exact_figure(name, size, exact_s, grep))
    figures += [
        at_most(
            f"scale.search_typo_{name}",
            f"`newsreader search {TYPO_QUERY!r}` at {size:,} articles, wall",
            "s",
            [seconds for seconds, _ in typo],
            TYPO_TARGET_S,
        ),
        at_most(
            f"scale.search_memory_{name}",
            f"`newsreader search` at {size:,} articles, peak resident memory",
            "MB",
            [mb for _, mb in exact + typo],
            MEMORY_TARGET_MB,
        ),
    ]
    return figures


def _exact_figure(
    name: str, size: int, exact_s: list[float], grep: list[tuple[float, float]]
) -> Figure:
    """The exact query's wall time, beside `rg` over the same files when it is installed
    (a target from `RG_TARGET_FROM` documents on, the ratio for context below)."""
    key = f"scale.search_exact_{name}"
    label = f"`newsreader search {EXACT_QUERY!r}` at {size:,} articles, wall"
    if not grep:
        return information(
            key, label, "s", exact_s, "rg is not installed: its side of the comparison was skipped"
        )
    rg_s = statistics.median(seconds for seconds, _ in grep)
    if size < RG_TARGET_FROM:
        return information(
            key,
            label,
            "s",
            exact_s,
            f"{statistics.median(exact_s) / rg_s:.1f} × `rg -i -F` over the same files "
            f"({rg_s:.2f} s): the target is set for {RG_TARGET_FROM:,} documents, where "
            "reading the files is most of the time; here it is the start of a Python process",
        )
    return at_most(
        key,
        label,
        "s",
        exact_s,
        round(RG_FACTOR * rg_s, 3),
        note=f"target: {RG_FACTOR:g} × `rg -i -F` over the same files "
        f"({rg_s:.2f} s, {statistics.median(mb for _, mb in grep):.0f} MB)",
    )


def measure(workspace: Workspace, runs: int, sizes: Sequence[int] = SIZES) -> list[Figure]:
    """Every size's figures, smallest first."""
    CACHE.mkdir(parents=True, exist_ok=True)
    return [figure for size in sizes for figure in measure_size(workspace, size, runs)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    workspace = Workspace()
    try:
        for figure in measure(workspace, max(1, args.runs), args.sizes):
            shown = "–" if figure.median is None else f"{figure.median:.2f} {figure.unit}"
            print(
                f"{figure.key:<28} {shown:>10}  {figure.target_text:<12} {figure.verdict:<5}"
                f" {figure.note}"
            )
    finally:
        workspace.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
