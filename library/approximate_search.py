"""The approximate stage of search: places *like* the query, found with rapidfuzz.

Exact occurrences are nearly free (`str.find`); this stage finds the rest in the
normalised text (see `library.normalization`) without freezing the reader: the text is
cut into overlapping ~4 KB chunks, every chunk is scored with `fuzz.partial_ratio`
(through `process.cdist`, which releases the GIL, when numpy is installed; otherwise one
short call per chunk), and the best chunks are aligned with `fuzz.partial_ratio_alignment`
and snapped to word boundaries. `process.extract` is avoided: it holds the GIL for the
whole scan and would freeze the reader's UI thread. Long queries are scanned for by
their first words; two- and three-word queries are also tried with neighbouring words
swapped. Every offset here is a normalised one; mapping back is the caller's job.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import heapq
import importlib.util
import itertools
import sys
import threading
from bisect import bisect_right, insort
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from library.document import Span
from library.normalization import MASK
from library.paced_find import paced_find

CHUNK_SIZE = 4096
"""Characters per chunk scored by the approximate stage (chunks overlap by the query)."""

MAX_SCANNED_QUERY = 64
"""Longer queries are scanned for by their first words, then checked whole."""

SWAPPED_WORDS_PENALTY = 5.0
"""Points taken from a match that needed two neighbouring query words swapped."""


def find_approximate(
    text: str,
    query: str,
    exact: list[Span],
    threshold: float,
    room: int,
    pace: Callable[[], None],
) -> list[Hit]:
    """Return up to `room` approximate matches of `query` in `text`, best first.

    Both are normalised. `exact` holds the spans of the exact matches, which no hit
    overlaps; hits score at least `threshold` and do not overlap one another. `pace` is
    called every so often (see `Pacer`).
    """
    search = _ApproximateSearch(text, query, exact, threshold, pace)
    if len(query) > MAX_SCANNED_QUERY:
        hits = search.long(room)
    else:
        hits = search.scan(room)
        if sum(hit.score >= 100 - SWAPPED_WORDS_PENALTY for hit in hits) < room:
            hits += search.swapped(room)  # a swapped match may yet beat some of them
    return select_hits(hits, room)


@dataclass(frozen=True, slots=True)
class Hit:
    """An approximate match found in normalised text, before mapping back."""

    start: int
    """Offset of its first character in the normalised text."""
    end: int
    """Offset just past its last character in the normalised text."""
    score: float
    """How well it matches, 0-100 (rapidfuzz's ratio, less any penalty)."""


def _numpy_available() -> bool:
    return importlib.util.find_spec("numpy") is not None


_CDIST: Callable[..., Any] | None = None
_CDIST_CHECKED = False
_CDIST_LOCK = threading.Lock()


def cdist_if_available() -> Callable[..., Any] | None:
    """`rapidfuzz.process.cdist` when numpy (which it needs) is installed, else None."""
    global _CDIST, _CDIST_CHECKED
    with _CDIST_LOCK:
        if not _CDIST_CHECKED:
            _CDIST_CHECKED = True
            if _numpy_available():
                from rapidfuzz import process

                _CDIST = process.cdist
        return _CDIST


def score_chunks(
    query: str, chunks: Sequence[str], threshold: float, pace: Callable[[], None]
) -> list[float]:
    """Score every chunk with `partial_ratio`, without holding the GIL for long.

    `process.cdist` runs the whole scan with the GIL released. Without numpy it cannot be
    used, so each chunk gets its own short call (~20 µs) and `pace` hands the GIL over
    between calls every millisecond or so.
    """
    cdist = cdist_if_available()
    if cdist is not None:
        scores = cdist([query], chunks, scorer=fuzz.partial_ratio, score_cutoff=threshold)
        return [float(score) for score in scores[0].tolist()]
    result: list[float] = []
    for chunk in chunks:
        result.append(fuzz.partial_ratio(query, chunk, score_cutoff=threshold))
        pace()
    return result


def _is_start(text: str, pos: int) -> bool:
    """A word, or a run of punctuation, starts at `pos`."""
    if not 0 <= pos < len(text) or text[pos] == " ":
        return False
    return pos == 0 or text[pos - 1] == " " or text[pos - 1].isalnum() != text[pos].isalnum()


def _is_end(text: str, pos: int) -> bool:
    """A word, or a run of punctuation, ends just before `pos`."""
    if not 0 < pos <= len(text) or text[pos - 1] == " ":
        return False
    return pos >= len(text) or text[pos] == " " or text[pos - 1].isalnum() != text[pos].isalnum()


def select_hits(hits: Iterable[Hit], room: int) -> list[Hit]:
    """The best `room` hits that do not overlap one another, best first."""
    chosen: list[Hit] = []
    spans: list[Span] = []
    for hit in sorted(hits, key=lambda hit: (-hit.score, hit.start)):
        if len(chosen) >= room:
            break
        if not overlaps(spans, hit.start, hit.end):
            chosen.append(hit)
            insort(spans, (hit.start, hit.end))
    return chosen


def overlaps(spans: list[Span], start: int, end: int) -> bool:
    """Whether `[start, end)` overlaps a span of the sorted, disjoint `spans`."""
    index = bisect_right(spans, (start, sys.maxsize)) - 1
    if index >= 0 and spans[index][1] > start:
        return True
    return index + 1 < len(spans) and spans[index + 1][0] < end


class _ApproximateSearch:
    """The approximate stage for one query over one normalised text.

    `exact` holds the spans of the exact matches (normalised offsets): approximate
    matches never overlap them.
    """

    def __init__(
        self,
        text: str,
        query: str,
        exact: list[Span],
        threshold: float,
        pace: Callable[[], None],
    ) -> None:
        self.pace = pace
        self.text = text
        self.query = query
        self.threshold = threshold
        self.exact = sorted(exact)

    def _refine(
        self, variant: str, start: int, end: int, avoid: list[Span]
    ) -> tuple[int, int, float] | None:
        """Snap an alignment window to word boundaries, keeping the best-scoring span.

        The window `partial_ratio` found has the query's length and may start or end in
        the middle of a word; nearby word boundaries usually score better and always read
        better. A clean start counts for a little more than a clean end, since the last
        word of a query being typed is often unfinished.
        """
        text = self.text
        reach = min(max(2, len(variant) // 3), 24)
        starts = [(p, 6.0) for p in range(start - reach, start + reach + 1) if _is_start(text, p)]
        ends = [(p, 3.0) for p in range(end - reach, end + reach + 1) if _is_end(text, p)]
        starts.append((start, 0.0))
        ends.append((end, 0.0))
        best: tuple[float, float, int, int] | None = None
        for (s, s_bonus), (e, e_bonus) in itertools.product(starts, ends):
            if e - s < 1 or overlaps(avoid, s, e):
                continue
            score = fuzz.ratio(variant, text[s:e])
            if best is None or score + s_bonus + e_bonus > best[0] + best[1]:
                best = (score, s_bonus + e_bonus, s, e)
        if best is None:
            return None
        return best[2], best[3], best[0]

    def scan(self, wanted: int, query: str | None = None) -> list[Hit]:
        """Find up to `wanted` distinct approximate matches of `query`, best first.

        `query` defaults to the whole query; it must be at most `MAX_SCANNED_QUERY`
        characters long, as `partial_ratio` is exact and fast only up to there.

        Chunks of `CHUNK_SIZE` overlap by the query's length, so every window of that
        length lies wholly inside one chunk, and no chunk is shorter than the query
        (`partial_ratio` would score a shorter chunk 100). Each match found is masked
        out of its chunks, and the chunk goes back into the heap for another look.
        """
        text, threshold = self.text, self.threshold
        query = query or self.query
        size = len(query)
        taken = list(self.exact)
        starts = list(range(0, max(len(text) - size, 0) + 1, CHUNK_SIZE))
        chunks = []
        for start in starts:
            # Chunk by chunk: masking the whole text at once is one long copy that holds
            # the GIL for milliseconds, and the UI thread must not wait that long.
            if self.exact:
                chunks.append(self._masked(start, start + CHUNK_SIZE + size))
            else:
                chunks.append(text[start : start + CHUNK_SIZE + size])
            self.pace()
        if len(chunks[-1]) < size:  # a text shorter than the query
            chunks[-1] += MASK * (size - len(chunks[-1]))

        def mask(start: int, end: int) -> None:
            first = max(0, (start - CHUNK_SIZE - size) // CHUNK_SIZE)
            last = min(len(chunks) - 1, (end - 1) // CHUNK_SIZE)
            for index in range(first, last + 1):
                base, chunk = starts[index], chunks[index]
                low, high = max(start - base, 0), min(end - base, len(chunk))
                if low < high:
                    chunks[index] = chunk[:low] + MASK * (high - low) + chunk[high:]

        scores = score_chunks(query, chunks, threshold, self.pace)
        heap = [(-score, index) for index, score in enumerate(scores) if score >= threshold]
        heapq.heapify(heap)
        hits: list[Hit] = []
        rounds = 4 * wanted + 64  # every round masks something new; this only guards
        while heap and len(hits) < wanted and rounds > 0:
            rounds -= 1
            self.pace()
            _, index = heapq.heappop(heap)
            alignment = fuzz.partial_ratio_alignment(query, chunks[index], score_cutoff=threshold)
            if alignment is None:
                continue
            if heap and alignment.score < -heap[0][0]:
                heapq.heappush(heap, (-alignment.score, index))  # outdated score: requeue
                continue
            start = starts[index] + alignment.dest_start
            end = min(starts[index] + alignment.dest_end, len(text))
            refined = self._refine(query, start, end, taken) if start < end else None
            if refined is not None and refined[2] >= threshold:
                hits.append(Hit(*refined))
                insort(taken, refined[:2])
                mask(refined[0], refined[1])
            else:
                mask(start, max(end, start + 1))
            heapq.heappush(heap, (-alignment.score, index))
        return hits

    def long(self, wanted: int) -> list[Hit]:
        """Find approximate matches of a query longer than `MAX_SCANNED_QUERY`.

        Scanning with the whole of a long query gets slow fast (a 500-character query
        takes seconds on a 3 MB text), so the scan looks for its first words only, and
        each place found is then aligned with, and scored against, the whole query.
        """
        query = self.query
        head = query[:MAX_SCANNED_QUERY]
        space = head.rfind(" ")
        if space >= MAX_SCANNED_QUERY // 2:
            head = head[:space]
        avoid = list(self.exact)
        hits: list[Hit] = []
        for found in select_hits(self.scan(wanted + 4, head), wanted + 4):
            self.pace()
            low = max(0, found.start - 16)
            high = min(len(self.text), found.start + len(query) + len(query) // 4 + 16)
            piece = self._masked(low, high)
            if len(piece) < len(query):
                piece += MASK * (len(query) - len(piece))
            alignment = fuzz.partial_ratio_alignment(query, piece, score_cutoff=self.threshold)
            if alignment is None:
                continue
            start = low + alignment.dest_start
            end = min(low + alignment.dest_end, len(self.text))
            refined = self._refine(query, start, end, avoid) if start < end else None
            if refined is not None and refined[2] >= self.threshold:
                hits.append(Hit(*refined))
                insort(avoid, refined[:2])
        return hits

    def swapped(self, wanted: int) -> list[Hit]:
        """Find matches of the query with two neighbouring words swapped.

        A full scan per word order would cost as much as the main scan, so the search
        is anchored instead: the places where the longest query word that occurs at
        all occurs exactly are the few worth aligning the swapped queries against. (A
        swapped query whose every word is also misspelt is not found.)
        """
        variants = _swapped_variants(self.query)
        if not variants:
            return []
        anchor = self._anchor_word()
        if anchor is None:
            return []
        aligned = self._align_variants(variants, self._windows_around(anchor))
        aligned.sort(key=lambda item: (-item[0], item[1]))
        hits: list[Hit] = []
        for _, start, end, variant in aligned[: 2 * wanted + 8]:
            if start >= end:
                continue
            refined = self._refine(variant, start, end, self.exact)
            if refined is not None and refined[2] - SWAPPED_WORDS_PENALTY >= self.threshold:
                hits.append(Hit(refined[0], refined[1], refined[2] - SWAPPED_WORDS_PENALTY))
        return hits

    def _anchor_word(self) -> str | None:
        """The longest query word (of two characters or more) that the text holds."""
        words = sorted(set(self.query.split(" ")), key=lambda word: (-len(word), word))
        for word in words:
            self.pace()
            if len(word) >= 2 and paced_find(self.text, word, 0, self.pace) != -1:
                return word
        return None

    def _windows_around(self, anchor: str) -> list[Span]:
        """Windows around the first `_MAX_ANCHORS` copies of `anchor`, wide enough for
        the query on either side of it; windows that touch are merged."""
        text = self.text
        size = len(self.query)
        windows: list[Span] = []
        pos = paced_find(text, anchor, 0, self.pace)
        while pos != -1 and len(windows) < _MAX_ANCHORS:
            low, high = max(0, pos - size - 2), min(len(text), pos + len(anchor) + size + 2)
            if windows and low <= windows[-1][1]:
                windows[-1] = (windows[-1][0], high)
            else:
                windows.append((low, high))
            pos = paced_find(text, anchor, pos + 1, self.pace)
            self.pace()
        return windows

    def _align_variants(
        self, variants: list[str], windows: list[Span]
    ) -> list[tuple[float, int, int, str]]:
        """`(score, start, end, variant)` of the best alignment of each swapped variant
        in each window, for those that score the threshold plus the swap's penalty."""
        size = len(self.query)
        threshold = self.threshold + SWAPPED_WORDS_PENALTY
        aligned: list[tuple[float, int, int, str]] = []
        for low, high in windows:
            piece = self._masked(low, high)
            if len(piece) < size:  # never align against less than the query
                piece += MASK * (size - len(piece))
            for variant in variants:
                alignment = fuzz.partial_ratio_alignment(variant, piece, score_cutoff=threshold)
                if alignment is not None:
                    start = low + alignment.dest_start
                    end = min(low + alignment.dest_end, len(self.text))
                    aligned.append((alignment.score, start, end, variant))
            self.pace()
        return aligned

    def _masked(self, low: int, high: int) -> str:
        """`text[low:high]` with the exact matches in it masked out."""
        pieces: list[str] = []
        index = max(0, bisect_right(self.exact, (low, sys.maxsize)) - 1)
        pos = low
        while index < len(self.exact) and self.exact[index][0] < high:
            start, end = max(self.exact[index][0], pos), min(self.exact[index][1], high)
            if start < end:
                pieces.append(self.text[pos:start])
                pieces.append(MASK * (end - start))
                pos = end
            index += 1
            if index % 1024 == 0:
                self.pace()
        pieces.append(self.text[pos:high])
        return "".join(pieces)


_MAX_ANCHORS = 4000
"""Places the swapped-words search looks at, at most (its cost grows with them)."""


def _swapped_variants(query: str) -> list[str]:
    """The query with two neighbouring words swapped, for two- and three-word queries."""
    words = query.split(" ")
    if not 2 <= len(words) <= 3:
        return []
    variants = []
    for index in range(len(words) - 1):
        swapped = list(words)
        swapped[index], swapped[index + 1] = swapped[index + 1], swapped[index]
        variant = " ".join(swapped)
        if variant != query and variant not in variants:
            variants.append(variant)
    return variants
