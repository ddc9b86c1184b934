"""The benchmark table, for the terminal and for `BENCHMARKS.md`.

`BENCHMARKS.md` is rewritten by ``python -m bench --write`` up to a marker line; everything
after the marker (the analysis of misses, with profiles) is written by people and kept.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.figures import Figure

KEEP_MARKER = "<!-- Everything below this line is kept by `python -m bench --write`. -->"


@dataclass(frozen=True, slots=True)
class Machine:
    """What the figures were measured on."""

    cpu: str
    """CPU model name from /proc/cpuinfo."""
    cores: int
    """Logical CPUs the system has."""
    python: str
    """Python version."""
    textual: str
    """Textual version."""
    load_before: str
    """1-, 5- and 15-minute load averages when the run started."""


def _cpu_model() -> str:
    try:
        with Path("/proc/cpuinfo").open(encoding="utf-8") as info:
            for line in info:
                name, _, value = line.partition(":")
                if name.strip() == "model name":
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _load() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def this_machine() -> Machine:
    """Describe this machine now."""
    from importlib.metadata import version

    return Machine(
        _cpu_model(), os.cpu_count() or 0, platform.python_version(), version("textual"), _load()
    )


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "×":
        return f"{value:.2f} ×"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "%":
        return f"{value:.2f} %"
    if unit == "n":
        return f"{value:.0f}"
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(figures: Sequence[Figure]) -> str:
    """The Markdown table of `figures`."""
    rows = [
        "| figure | median | runs | target | ratio to floor | result |",
        "| --- | ---: | ---: | --- | ---: | :---: |",
    ]
    for figure in figures:
        label = figure.label + (f" — {figure.note}" if figure.note else "")
        ratio = f"{figure.ratio:.2f} ×" if figure.ratio is not None else ""
        runs = str(len(figure.samples)) if figure.samples else "–"
        verdict = f"**{figure.verdict}**" if figure.passed is False else figure.verdict
        rows.append(
            f"| {_cell(label)} | {_number(figure.median, figure.unit)} | {runs} "
            f"| {_cell(figure.target_text)} | {ratio} | {verdict} |"
        )
    return "\n".join(rows)


def terminal_report(figures: Sequence[Figure]) -> str:
    """A plain table for the terminal, the notes below it."""
    lines = [f"{'figure':<34} {'median':>10} {'n':>3}  {'target':<27} {'ratio':>6}  result"]
    notes = []
    for figure in figures:
        ratio = f"{figure.ratio:.2f}×" if figure.ratio is not None else ""
        runs = str(len(figure.samples)) if figure.samples else "–"
        lines.append(
            f"{figure.key:<34} {_number(figure.median, figure.unit):>10} {runs:>3}  "
            f"{figure.target_text:<27} {ratio:>6}  {figure.verdict}"
        )
        if figure.note:
            notes.append(f"  {figure.key}: {figure.note}")
    return "\n".join(lines + (["", "notes:", *notes] if notes else []))


def markdown(
    figures: Sequence[Figure],
    machine: Machine,
    *,
    load_after: str,
    seconds: float,
    command: str,
    kept: str,
) -> str:
    """The whole of BENCHMARKS.md: header, table, method, then the kept part."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    missed = [f for f in figures if f.passed is False]
    passed = [f for f in figures if f.passed]
    summary = f"{len(passed)} of {len(passed) + len(missed)} targets met" + (
        f"; missed: {', '.join(f'`{f.key}`' for f in missed)}." if missed else "."
    )
    parts = [
        "# Benchmarks",
        "",
        "The speed targets, measured on one machine in one run by the "
        "`bench/` suite. Rerun with `make bench` (the same as `.venv/bin/python -m bench`); "
        "`python -m bench --write` rewrites this file above the marker line near the end, "
        "`--quick` takes about a minute with fewer runs, `--only GROUP...` measures some "
        "groups (`screen keys frame search cli memory annotations anchoring scale growth`).",
        "",
        f"- **When:** {now}, `{command}`, {seconds:.0f} s in all.",
        f"- **Machine:** {machine.cpu}, {machine.cores} cores; Python {machine.python}; "
        f"Textual {machine.textual}.",
        f"- **Load:** {machine.load_before} (1/5/15-minute load average) when the run "
        f"started, {load_after} when it ended. This machine is shared: other engineers run "
        "test suites on it at the same time, so figures move from run to run (tens of "
        "percent for start-up). Every figure is a median, and start-ups run in rounds with "
        "the floor's, each ratio taken within a round, so a busy spell slows both sides of "
        "a ratio alike.",
        f"- **Result:** {summary}",
        "",
        table(figures),
        "",
        "## How each figure is measured",
        "",
        "- **Floor** (`bench/floor_app.py`): a minimal Textual app (Header, one Static, "
        "Footer) started in a pseudo-terminal of 120 × 38; time from the fork until its "
        "text is on the emulated screen. Each round starts the floor and then every program "
        "once, one after the other; a figure's ratio is the median, over the rounds, of its "
        "time over the floor's time in the same round (so a slow spell of this shared "
        "machine, which mostly falls within a round, slows both sides of a ratio alike). "
        "The book-over-article figure is paired the same way.",
        "- **To screen** (`bench/terminal.py`): like `../shared/tools/ttfp.py`, the program "
        "runs in a pseudo-terminal emulated with pyte; the time is taken when the output "
        "that made the awaited text visible *arrived*, so the emulator's own parsing is not "
        "counted. Library: 1,000 generated articles (`bench/corpus.py`: varied titles, "
        "sources, dates and lengths, 1.5–8 KB) added with `newsreader add`; until the first "
        "title of the list is visible. Documents: `newsreader --library DIR ID`; until the "
        "reader's byline (*N min read*) and the first line of the text are visible, from "
        "the top (the saved position is reset before each run); the status line under the "
        "text, drawn a frame or two later, is not waited for. A start-up figure's note "
        "gives its CPU time (all its threads, as the kernel's scheduler counted them when "
        "that output arrived) over the floor's, median of the rounds: on a busy machine "
        "most of the wall time is the wait for a core, the CPU time much less so.",
        "- **Keys** (3 MB book, 36 lines of text in view): after the screen has been quiet "
        "for 0.25 s, the key is written and the time taken until the text area changes "
        "(characters or colours: `j` moves the cursor's background only; the status line "
        "is not looked at); `G` until the last word of the book is on screen. A query is "
        "typed at once into the open find bar and timed until its own match count shows "
        "(the count is known beforehand from the same search function; it differs from "
        "every prefix's count).",
        "- **Frame**: headless Pilot run of the real app, scrolled to the middle of the book; "
        "`render_line` for 36 lines with every word in view lit as a match and every third "
        "pair of words highlighted over it (nearly one run per word), the drawn-line cache "
        "emptied before each frame (by setting the marks again).",
        "- **Search**: `bench/search_bench.py`, unchanged (`python bench/search_bench.py` "
        "prints every query).",
        "- **Command line**: wall time of the whole process, output to /dev/null; `add` "
        "into a new, empty library each run.",
        "- **Memory**: VmRSS of the app's process (`/proc/PID/status`) 0.5 s after the "
        "book is drawn, and again after a search has built the index.",
        "- **Annotations** (`bench/annotations_bench.py`): stores kept open, as in the "
        "reader; each save is one new highlight, fsynced, and saves alternate between a "
        "document holding 10 highlights and one holding 10,000, so a slow spell of the disk "
        "falls on both alike. Re-anchoring: 1,000 highlights spread over the book, "
        "unchanged and after ~300 scattered edits.",
        "- **Anchoring** (`bench/anchoring_bench.py`, edits in `bench/anchoring_edits.py`): "
        "3 × 1,000 highlights of whole words on the book and 60 on each corpus article; "
        "half of them get words inserted, deleted or replaced inside (mostly up to a fifth "
        "of their words) and around; then words, punctuation, quote marks, line wrapping, "
        "sentences and paragraphs change over the whole text (seeded). Each re-found "
        "highlight is compared with where the edit script put its passage: *exact* (the "
        "same words, share of the passages that survived: at most a fifth of their words "
        "changed, still together), *misattached* (on none of its words, or starting or "
        "ending inside a word), *lost but present*. The time is that of one `reanchor` "
        "call over the book's 1,000 (old text known).",
        "- **Scale** (`bench/scale_bench.py`): `newsreader add` of the book 30 times over "
        "(about 95 MB) into a new library, wall time and the peak resident memory of the "
        "process (`ru_maxrss`, read by a wrapper that runs only it); and of 10,000 "
        "generated articles (as the library above) into a new library.",
        "- **Large documents** (`bench/big_documents_bench.py`, in the scale group): the "
        "book's start (0.3 MB), the book, and the book 10 and 31 times over (kept between "
        "runs in the temporary folder): `newsreader add` into a new library (wall, peak "
        "resident memory), the reader opened on it to its first screen, and `G` and the "
        "first `/` query typed the moment that screen is out, to the end of the text and "
        "to a match count on screen.",
        "- **Growth** (`bench/growth_bench.py`): libraries of 1,000, 10,000 and 50,000 generated "
        "articles (kept between runs in the temporary folder): `show`, `notes ID`, `highlight` "
        "at each size, the sizes taking turns in each round (four rounds of these for each of "
        "the listings), and the ratio of the largest to the smallest as the median of the "
        "rounds' ratios; `highlight` marks a passage of its own each round, and the library's "
        "annotations are put back afterwards. `list --json` beside "
        "`ls -l` and `find`, and in a pseudo-terminal the first title against the floor, one "
        "more filter key (the `r` of `harbour`), and `q` from a document back to the library. "
        "Each library is started once, untimed, before the timed starts: a large library "
        "starts on the rows kept from its last listing, which one just made by `add` does "
        "not have yet.",
        "",
        KEEP_MARKER,
        kept.strip("\n"),
        "",
    ]
    return "\n".join(parts)


def kept_part(path: Path) -> str:
    """What follows the marker in an existing BENCHMARKS.md (or a starting heading)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return "## Misses: what costs the time\n\n(Not analysed yet.)\n"
    _, marker, after = text.partition(KEEP_MARKER)
    return after if marker else ""
