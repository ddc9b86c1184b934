"""Run the speed benchmarks: ``python -m bench [--quick] [--only GROUP...] [--write]``.

Every figure is measured on this machine in this one run (several runs each, medians), and
printed as a table; ``--write`` also rewrites `BENCHMARKS.md`. A target missed is reported,
not an error: the exit status is 0 when everything could be measured, 2 when something
could not (the table says what and why).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench import (
    anchoring_bench,
    annotations_bench,
    cli_bench,
    feeds_bench,
    frame_bench,
    growth_bench,
    many_highlights_bench,
    scale_bench,
    screen_bench,
    search_figures,
)
from bench.figures import Figure, not_measured
from bench.report import kept_part, markdown, terminal_report, this_machine
from bench.terminal import ScreenTimeout
from bench.workspace import ROOT, SetupError, Workspace

GROUPS: tuple[str, ...] = (
    "screen",
    "keys",
    "frame",
    "search",
    "cli",
    "memory",
    "annotations",
    "anchoring",
    "scale",
    "growth",
    "feeds",
)
"""In the order of the table of targets."""


@dataclass(frozen=True, slots=True)
class Runs:
    """How many times each group measures (full run, or `--quick`)."""

    screen: screen_bench.Plan
    """Start-ups, key sessions and memory sessions."""
    frames: int
    """Frames drawn."""
    search: int
    """Runs per search query."""
    lists: int
    """`newsreader list` runs."""
    adds: int
    """`newsreader add` runs of 1,000 articles."""
    annotations: int
    """Runs of each annotation figure."""
    many_highlights: int
    """Sessions opening the book with 10,000 and 100,000 highlights."""
    imports: int
    """`newsreader import-notes` runs of 100,000 highlights."""
    refreshes: int = 3
    """Refreshes of 20 local feeds × 20 entries."""


FULL = Runs(screen_bench.Plan(11, 3, 5, 3, 3), 100, 15, 7, 3, 20, 5, 3)
QUICK = Runs(screen_bench.Plan(3, 1, 3, 2, 1), 30, 5, 3, 1, 5, 2, 1, refreshes=1)


def _measurers(runs: Runs) -> dict[str, Callable[[Workspace], list[Figure]]]:
    return {
        "screen": lambda ws: screen_bench.start_up(ws, runs.screen),
        "keys": lambda ws: screen_bench.keys_to_screen(ws, runs.screen),
        "frame": lambda ws: frame_bench.frame(ws, runs.frames),
        "search": lambda ws: search_figures.search(runs.search),
        "cli": lambda ws: cli_bench.list_and_add(ws, runs.lists, runs.adds),
        "memory": lambda ws: screen_bench.memory(ws, runs.screen),
        "annotations": lambda ws: [
            *annotations_bench.measure(ws, runs.annotations),
            *many_highlights_bench.measure(ws, runs.many_highlights, runs.imports),
        ],
        "anchoring": lambda ws: anchoring_bench.measure(max(1, runs.annotations // 4)),
        "scale": lambda ws: [
            *scale_bench.adds(ws, max(1, runs.adds - 1)),
            *scale_bench.big_documents(ws, runs.adds),
            *scale_bench.library_search(ws, runs.adds),
        ],
        "growth": lambda ws: growth_bench.measure(
            ws, runs.adds, growth_bench.SIZES_QUICK if runs is QUICK else growth_bench.SIZES_FULL
        ),
        "feeds": lambda ws: feeds_bench.measure(ws, runs.refreshes),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, print the table, optionally write BENCHMARKS.md; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs (about a minute)")
    parser.add_argument(
        "--only", nargs="+", choices=GROUPS, metavar="GROUP", help=f"some of: {' '.join(GROUPS)}"
    )
    parser.add_argument("--write", action="store_true", help="rewrite BENCHMARKS.md")
    args = parser.parse_args(argv)
    chosen = [group for group in GROUPS if not args.only or group in args.only]
    measurers = _measurers(QUICK if args.quick else FULL)
    machine = this_machine()
    began = time.perf_counter()
    figures: list[Figure] = []
    failed = False
    try:
        workspace = Workspace()
    except SetupError as err:
        print(f"bench: {err}", file=sys.stderr)
        return 2
    try:
        for group in chosen:
            print(f"bench: measuring {group}…", file=sys.stderr, flush=True)
            started = time.perf_counter()
            try:
                found = measurers[group](workspace)
            except Exception as err:  # noqa: BLE001 - one group breaking (the app changed) must not lose the rest
                failed = True
                first = str(err).splitlines()[0] if str(err) else ""
                known = isinstance(err, SetupError | ScreenTimeout)
                reason = first if known else f"{type(err).__name__}: {first}"
                found = [not_measured(group, f"{group}: could not be measured", "", "", reason)]
            figures.extend(found)
            print(
                f"bench: {group} took {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    finally:
        workspace.close()
    seconds = time.perf_counter() - began
    print(terminal_report(figures))
    if args.write:
        path = ROOT / "BENCHMARKS.md"
        command = "python -m bench" + (" --quick" if args.quick else "")
        if args.only:
            command += " --only " + " ".join(chosen)
        load_after = this_machine().load_before
        path.write_text(
            markdown(
                figures,
                machine,
                load_after=load_after,
                seconds=seconds,
                command=command,
                kept=kept_part(path),
            ),
            encoding="utf-8",
        )
        print(f"bench: wrote {path}", file=sys.stderr)
    return 2 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
