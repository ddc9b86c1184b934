"""Annotation figures: saving a highlight, and re-anchoring highlights after an edit.

Measured through the pure API (`annotations.store.AnnotationStore`,
`annotations.anchoring.reanchor`), the way the reader uses it: one store kept open for the
session, highlights made with `annotations.model.new_highlight` and the document's hash.
When those modules are missing or do not import, every figure says so ("not built yet").
"""

from __future__ import annotations

import hashlib
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bench.figures import Figure, at_most, information, median, not_measured
from bench.workspace import BOOK, Workspace

if TYPE_CHECKING:
    from annotations.model import Highlight
    from annotations.store import AnnotationStore

NOT_BUILT = "not built yet"
SAVE_TARGET_MS = 5.0
SAVE_GROWTH = 1.2
UNCHANGED_TARGET_MS = 10.0
EDITED_TARGET_MS = 500.0
HIGHLIGHTS = 1000
DOCUMENT_ID = "b00c0000b00c"


def _slots(reason: str) -> list[Figure]:
    """Every annotation figure, unmeasured, saying why."""
    return [
        not_measured("annotations.save_10", "save a highlight, 10 stored", "ms", "≤ 5 ms", reason),
        not_measured(
            "annotations.save_10000",
            "save a highlight, 10,000 stored",
            "ms",
            "≤ 5 ms and ≤ 1.2 × with 10",
            reason,
        ),
        not_measured(
            "annotations.reanchor_unchanged",
            "re-anchor 1,000 highlights, 3 MB book unchanged",
            "ms",
            "≤ 10 ms",
            reason,
        ),
        not_measured(
            "annotations.reanchor_edited",
            "re-anchor 1,000 highlights, 3 MB book after edits",
            "ms",
            "≤ 500 ms",
            reason,
        ),
    ]


def _timed_ms(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return times


def _spans(text: str, count: int, seed: int) -> list[tuple[int, int]]:
    """`count` spans of 20 to 200 characters starting at word starts, spread over `text`."""
    rng = random.Random(seed)
    spans: list[tuple[int, int]] = []
    while len(spans) < count:
        start = text.find(" ", rng.randrange(0, len(text) - 400)) + 1
        end = start + rng.randint(20, 200)
        if text[start:end].strip():
            spans.append((start, end))
    return sorted(spans)


def _highlights(text: str, count: int, seed: int) -> list[Highlight]:
    from annotations.model import new_highlight

    digest = hashlib.sha256(text.encode()).hexdigest()
    return [
        new_highlight(DOCUMENT_ID, text, start, end, content_hash=digest)
        for start, end in _spans(text, count, seed)
    ]


def edited_text(text: str, highlights: Sequence[Highlight], seed: int = 7) -> str:
    """`text` after a revision: 300 insertions, deletions and rewordings spread over it, and
    one highlighted passage in twenty changed inside (a typo fixed: a fuzzy re-find)."""
    rng = random.Random(seed)
    edits: dict[int, tuple[int, str]] = {}
    for _ in range(300):
        at = rng.randrange(0, len(text) - 100)
        kind = rng.random()
        if kind < 0.4:
            edits[at] = (0, " A sentence added in the revision.")
        elif kind < 0.7:
            edits[at] = (rng.randint(5, 60), "")
        else:
            edits[at] = (8, "reworded")
    for highlight in highlights[::20]:
        middle = (highlight.start + highlight.end) // 2
        edits[middle] = (1, "x")
    parts: list[str] = []
    position = 0
    for at in sorted(edits):
        if at < position:
            continue  # overlaps the previous edit
        removed, inserted = edits[at]
        parts.append(text[position:at])
        parts.append(inserted)
        position = at + removed
    parts.append(text[position:])
    return "".join(parts)


def _open_store(home: Path, text: str, stored: int) -> AnnotationStore:
    """A store holding `stored` highlights in one document, opened afresh (as the reader
    finds it)."""
    from annotations.store import AnnotationStore

    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    AnnotationStore(home).save_many(_highlights(text, stored, seed=stored))
    return AnnotationStore(home)


def _save_ms(
    folder: Path, text: str, counts: tuple[int, ...], runs: int
) -> tuple[list[list[float]], list[float]]:
    """For each count of stored highlights: the times of saving one new highlight, the store
    already open (as in the reader), and the first save after opening (cold).

    The saves into the different stores alternate, so a slow spell of the disk (fsync)
    or of the machine falls on all of them alike and their ratio holds.
    """
    stores = [_open_store(folder / f"annotations-{count}", text, count) for count in counts]
    fresh = [iter(_highlights(text, runs + 1, seed=count + 1)) for count in counts]

    def save_one(index: int) -> float:
        began = time.perf_counter()
        stores[index].save(next(fresh[index]))
        return (time.perf_counter() - began) * 1000

    cold = [save_one(index) for index in range(len(counts))]
    warm: list[list[float]] = [[] for _ in counts]
    for _ in range(runs):
        for index, times in enumerate(warm):
            times.append(save_one(index))
    return warm, cold


def measure(workspace: Workspace, runs: int) -> list[Figure]:
    """Save with 10 and with 10,000 stored; re-anchor 1,000 highlights in the 3 MB book."""
    try:
        from annotations.anchoring import reanchor
        from annotations.model import AnchorStatus
        from annotations.store import AnnotationStore  # noqa: F401 - must import
    except ImportError as err:
        return _slots(f"{NOT_BUILT} ({err})")
    text = BOOK.read_text(encoding="utf-8")
    (few, many), (few_cold, many_cold) = _save_ms(workspace.folder, text, (10, 10_000), runs * 5)
    growth = median(many) / median(few)
    highlights = _highlights(text, HIGHLIGHTS, seed=1)
    digest = hashlib.sha256(text.encode()).hexdigest()
    unchanged = _timed_ms(lambda: reanchor(highlights, text, text, digest), runs * 5)
    unhashed = [replace(h, content_hash="") for h in highlights]
    at_offsets = _timed_ms(lambda: reanchor(unhashed, text, text, digest), runs)
    revised = edited_text(text, highlights)
    revised_hash = hashlib.sha256(revised.encode()).hexdigest()
    after = reanchor(highlights, text, revised, revised_hash)
    statuses = {status: sum(h.status is status for h in after) for status in AnchorStatus}
    found = ", ".join(f"{count} {status}" for status, count in statuses.items())
    edited = _timed_ms(lambda: reanchor(highlights, text, revised, revised_hash), runs)
    blind = _timed_ms(lambda: reanchor(highlights, None, revised, revised_hash), runs)
    return [
        at_most(
            "annotations.save_10",
            "save a new highlight (fsynced), 10 stored in the document",
            "ms",
            few,
            SAVE_TARGET_MS,
            note=f"first save after opening the store: {few_cold:.1f} ms",
        ),
        Figure(
            "annotations.save_10000",
            "save a new highlight (fsynced), 10,000 stored in the document",
            "ms",
            tuple(many),
            "≤ 5 ms and ≤ 1.2 × with 10",
            median(many) <= SAVE_TARGET_MS and growth <= SAVE_GROWTH,
            note=f"{growth:.2f} × the time with 10; first save after opening the store "
            f"(reads the journal): {many_cold:.0f} ms",
        ),
        at_most(
            "annotations.reanchor_unchanged",
            "re-anchor 1,000 highlights, 3 MB book unchanged (hash known)",
            "ms",
            unchanged,
            UNCHANGED_TARGET_MS,
        ),
        information(
            "annotations.reanchor_unhashed",
            "re-anchor 1,000 highlights, 3 MB book unchanged, hashes unknown (checked at offsets)",
            "ms",
            at_offsets,
            "for context",
        ),
        at_most(
            "annotations.reanchor_edited",
            "re-anchor 1,000 highlights, 3 MB book after ~300 edits (old text known)",
            "ms",
            edited,
            EDITED_TARGET_MS,
            note=found,
        ),
        information(
            "annotations.reanchor_edited_blind",
            "the same without the old text",
            "ms",
            blind,
            "for context",
        ),
    ]
