"""Fuzzy search inside a text: ranked matches with exact offsets into the original text.

Search compares *normalised* text: case-folded, accents and invisible format characters
dropped, curly quotes made straight, every dash and hyphen and every run of whitespace
turned into one space (so `anti aircraft` finds `anti-aircraft`, and `call - a` finds
`call — a`). Normalising can change the length of a text (`'İ'`, `'ß'`, `'ﬁ'`, combining
accents, collapsed whitespace), so a `NormalizedText` keeps a compact offset map that
leads every normalised position back to the original text; no `Match` ever points into
the normalised copy.

Exact occurrences of the normalised query come first (plain `str.find`, nearly free),
then approximate ones found with rapidfuzz: the normalised text is cut into overlapping
~4 KB chunks, every chunk is scored with `fuzz.partial_ratio` (through `process.cdist`,
which releases the GIL, when numpy is installed; otherwise one short call per chunk), and
the best chunks are aligned with `fuzz.partial_ratio_alignment` and snapped to word
boundaries. `process.extract` is avoided: it holds the GIL for the whole scan and would
freeze the reader's UI thread.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import heapq
import importlib.util
import itertools
import re
import sys
import threading
import time
import unicodedata
from array import array
from bisect import bisect_right, insort
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from rapidfuzz import fuzz

from library.document import Span
from library.sanitize import visible

DEFAULT_THRESHOLD = 75.0
"""Approximate matches scoring below this (0-100, rapidfuzz's ratio) are dropped."""

MIN_FUZZY_QUERY = 3
"""Normalised queries shorter than this are searched exactly only: fuzz finds noise."""

CHUNK_SIZE = 4096
"""Characters per chunk scored by the approximate stage (chunks overlap by the query)."""

MAX_APPROXIMATE = 100

SHORT_QUERY_THRESHOLDS = ((5, 85.0), (8, 82.0))
"""(longest query length, lowest score): one wrong letter in a short word is a large part
of it, so short queries need a closer match (`Psaki` must not find `speaking`)."""


def effective_threshold(query_length: int, threshold: float) -> float:
    """The threshold actually applied to a normalised query of `query_length` characters."""
    for longest, lowest in SHORT_QUERY_THRESHOLDS:
        if query_length <= longest:
            return max(threshold, lowest)
    return threshold


"""At most this many approximate matches are returned, whatever the limit."""

MAX_SCANNED_QUERY = 64
"""Longer queries are scanned for by their first words, then checked whole."""

SWAPPED_WORDS_PENALTY = 5.0
"""Points taken from a match that needed two neighbouring query words swapped."""

_MASK = "\uffff"
"""Stands in for text already matched; normalising never produces it (see `_fold_char`)."""

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_QUOTES = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
}
# Every character `str.isspace` accepts lies below U+3001.
_SEPARATORS = frozenset(_DASHES) | frozenset(c for c in map(chr, range(0x3001)) if c.isspace())
_ASCII_SEPARATORS = tuple(sorted(c for c in _SEPARATORS if c.isascii() and c != " "))
_ASCII_BYTES = bytes(range(128))
_SPACE_RUN = re.compile("  +")


class Pacer:
    """Hands the GIL to other threads about once a millisecond during a long search.

    Search runs in a worker thread while the reader's UI thread keeps drawing. A thread
    that runs C code back to back keeps the GIL until the interpreter forces a switch
    (every 5 ms by default), so a waiting UI thread would stall that long; a short
    `time.sleep(0)` between steps lets it in at once.
    """

    __slots__ = ("_last", "_every")

    def __init__(self, every: float = 0.001) -> None:
        self._every = every
        self._last = time.perf_counter()

    def __call__(self) -> None:
        now = time.perf_counter()
        if now - self._last >= self._every:
            time.sleep(0)
            self._last = time.perf_counter()


# --- folding one character -------------------------------------------------------------


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _simple_fold(char: str) -> str:
    """Separators to a space, curly quotes straight, the mask character kept out."""
    if char in _SEPARATORS:
        return " "
    if char == _MASK:
        return "\ufffd"
    return _QUOTES.get(char, char)


def _fold_lowered(char: str) -> str:
    """Fold one character that `str.lower` already produced."""
    if char in _SEPARATORS or char in _QUOTES or char == _MASK:
        return _simple_fold(char)
    if unicodedata.category(char) == "Cf":  # soft hyphen, zero-width space, BOM, bidi marks
        return ""
    folded = _strip_marks(_strip_marks(char).casefold())
    return "".join(_simple_fold(c) for c in folded)


@cache
def _fold_char(char: str) -> str:
    """What one original character becomes in normalised text: zero, one or more chars.

    Defined as "lower-case, then fold each resulting character" so that the fast path of
    `_fold_text` (one `str.lower` over the whole text) agrees with it character by
    character. Only `'İ'` lower-cases to two characters; its second one, a combining
    dot, is dropped here.
    """
    return "".join(_fold_lowered(c) for c in char.lower())


_ASCII_TABLE = str.maketrans({i: _fold_char(chr(i)) for i in range(128)})


# --- offset maps -----------------------------------------------------------------------


class _OffsetMap:
    """Leads positions of a derived string back to the string it was derived from.

    Most characters map one to one, shifted by a constant; only the places where that
    shift changes are stored, as *segments*: `out[a:b]` came from `in[c:d]` with
    `b - a != d - c` (or a character that swallowed the marks after it). Each output
    character in a segment stands for the whole input span of the segment. A lookup is
    one bisection, so a 3 MB text needs no per-character table.
    """

    __slots__ = ("_out_starts", "_out_ends", "_in_starts", "_in_ends")

    def __init__(self) -> None:
        self._out_starts = array("q")
        self._out_ends = array("q")
        self._in_starts = array("q")
        self._in_ends = array("q")

    def add(self, out_start: int, out_end: int, in_start: int, in_end: int) -> None:
        """Append a segment; segments must come in order."""
        self._out_starts.append(out_start)
        self._out_ends.append(out_end)
        self._in_starts.append(in_start)
        self._in_ends.append(in_end)

    def swallow(self, out_pos: int, in_pos: int) -> None:
        """Let the output character before `out_pos` also stand for input `in_pos`.

        Used for characters that vanish (combining accents, zero-width characters): they
        belong to the character they decorate, so a match ending there covers them.
        """
        if self._out_ends and self._out_ends[-1] == out_pos and self._in_ends[-1] == in_pos:
            self._in_ends[-1] = in_pos + 1
        elif out_pos == 0:  # nothing before it: a segment that produces nothing
            self.add(0, 0, in_pos, in_pos + 1)
        else:
            self.add(out_pos - 1, out_pos, in_pos - 1, in_pos + 1)

    def locate(self, pos: int) -> tuple[int, int, bool, bool]:
        """Return `(in_start, in_end, first, last)` for output position `pos`.

        `first`/`last` tell whether `pos` is the first/last output character of what its
        input span produced; a match boundary elsewhere would split a character.
        """
        index = bisect_right(self._out_starts, pos) - 1
        shift = 0
        if index >= 0:
            out_start, out_end = self._out_starts[index], self._out_ends[index]
            if pos < out_end:
                return (
                    self._in_starts[index],
                    self._in_ends[index],
                    pos == out_start,
                    pos == out_end - 1,
                )
            shift = self._in_ends[index] - out_end
        return pos + shift, pos + shift + 1, True, True

    def __len__(self) -> int:
        return len(self._out_starts)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A text as search compares it, with the way back to the original offsets."""

    text: str
    """The normalised text: folded, separators collapsed to single spaces."""
    folding: _OffsetMap
    """Maps the folded (not yet collapsed) text back to the original."""
    collapsing: _OffsetMap
    """Maps `text` back to the folded text."""

    def to_original(self, start: int, end: int) -> Span:
        """Return the span of the original text that `text[start:end]` came from.

        `start < end` is required. Accents and zero-width characters that follow the
        last character are included.
        """
        folded_start = self.collapsing.locate(start)[0]
        folded_end = self.collapsing.locate(end - 1)[1]
        if not self.folding:
            return folded_start, folded_end
        return self.folding.locate(folded_start)[0], self.folding.locate(folded_end - 1)[1]

    def splits_a_character(self, start: int, end: int) -> bool:
        """Tell whether `text[start:end]` begins or ends inside one character's folding.

        True for a match of `s` on the second half of `'ß'` (folded `ss`): its original
        span would be the whole `'ß'`, which is not what was asked for.
        """
        if not self.folding:
            return False
        folded_start = self.collapsing.locate(start)[0]
        folded_end = self.collapsing.locate(end - 1)[1]
        first = self.folding.locate(folded_start)[2]
        last = self.folding.locate(folded_end - 1)[3]
        return not (first and last)


_BLOCK = 1 << 18
"""Characters folded per step: small enough that no single C call holds the GIL long."""


def _fold_block(block: str) -> tuple[str, set[str]]:
    """Fold each character of `block` that folds to exactly one character.

    Returns the folded block, as long as `block`, and the characters left for the caller
    to patch by position: those that fold to none or several characters.
    """
    if block.isascii():
        return block.translate(_ASCII_TABLE), set()
    # Distinct non-ASCII characters, cheaply: drop the ASCII bytes of the UTF-8 form.
    others = set(
        block.encode("utf-8", "surrogatepass")
        .translate(None, _ASCII_BYTES)
        .decode("utf-8", "surrogatepass")
    )
    # `str.translate` is slow on non-ASCII text, `lower` is not: lower-case the block in
    # one call, then patch up what `lower` does not do by one `replace` per distinct
    # character. `'İ'` must not lower to two characters.
    folded = block.replace("\u0130", "I") if "\u0130" in others else block
    folded = folded.lower()
    for separator in _ASCII_SEPARATORS:
        if separator in folded:
            folded = folded.replace(separator, " ")
    lowered_forms = {"i" if c == "\u0130" else c.lower() for c in others}
    if "\u03a3" in others:
        lowered_forms.add("\u03c2")  # `lower` writes a final sigma at the end of a word
    irregular: set[str] = set()
    for char in others:
        target = _fold_char(char)
        if len(target) != 1 or _fold_char(target) != target:
            irregular.add(char)
    for lowered in lowered_forms:
        if lowered.isascii():
            continue
        target = _fold_char(lowered)
        # A target that would itself be replaced later is left to the caller instead.
        if len(target) == 1 and _fold_char(target) == target and target != lowered:
            folded = folded.replace(lowered, target)
    return folded, irregular


def _fold_text(text: str, pace: Callable[[], None]) -> tuple[str, _OffsetMap]:
    """Fold every character of `text`; return the folded text and its offset map."""
    folding = _OffsetMap()
    blocks: list[str] = []
    positions: list[int] = []
    for base in range(0, len(text), _BLOCK):
        block = text[base : base + _BLOCK]
        folded_block, irregular = _fold_block(block)
        blocks.append(folded_block)
        if irregular:
            positions.extend(base + pos for pos in sorted(_positions_of(block, irregular)))
        pace()
    folded = "".join(blocks)
    if not positions:
        return folded, folding
    # Characters that fold to zero or several characters: patch them in by position.
    pieces: list[str] = []
    out = 0
    previous = 0
    for number, pos in enumerate(positions):
        if number % 1024 == 0:
            pace()
        pieces.append(folded[previous:pos])
        out += pos - previous
        target = _fold_char(text[pos])
        if not target:
            folding.swallow(out, pos)
        elif len(target) > 1:
            folding.add(out, out + len(target), pos, pos + 1)
        pieces.append(target)
        out += len(target)
        previous = pos + 1
    pieces.append(folded[previous:])
    return "".join(pieces), folding


def _positions_of(text: str, chars: set[str]) -> Iterable[int]:
    if len(chars) > 16:
        pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")
        return (found.start() for found in pattern.finditer(text))
    positions: list[int] = []
    for char in chars:
        pos = text.find(char)
        while pos != -1:
            positions.append(pos)
            pos = text.find(char, pos + 1)
    return positions


def normalize(text: str, *, pace: Callable[[], None] | None = None) -> NormalizedText:
    """Normalise `text` for searching, keeping the way back to its offsets.

    Case-folded; accents, combining marks and invisible format characters dropped;
    compatibility forms decomposed (`ﬁ` is `fi`); curly quotes straight; every dash,
    hyphen and whitespace character a space, and every run of spaces one space.
    `pace` is called every so often (see `Pacer`).
    """
    pace = pace or Pacer()
    folded, folding = _fold_text(text, pace)
    collapsing = _OffsetMap()
    pieces: list[str] = []
    previous = 0
    out = 0
    for number, run in enumerate(_SPACE_RUN.finditer(folded)):
        start, end = run.span()
        pieces.append(folded[previous : start + 1])
        out += start + 1 - previous
        collapsing.add(out - 1, out, start, end)
        previous = end
        if number % 256 == 0:
            pace()
    if not pieces:
        return NormalizedText(folded, folding, collapsing)
    pieces.append(folded[previous:])
    return NormalizedText("".join(pieces), folding, collapsing)


def normalize_query(query: str) -> str:
    """Return `query` as search compares it: normalised, without outer spaces."""
    return normalize(query).text.strip(" ")


# --- matches ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    """One place in a text that answers a query."""

    start: int
    """Offset of the first matched character in the original text (code points)."""
    end: int
    """Offset just past the last matched character in the original text."""
    score: float
    """How well it matches, 0-100; 100 for exact matches."""
    exact: bool
    """True when the normalised text here equals the normalised query."""

    @property
    def span(self) -> Span:
        """`(start, end)`, the form `Document` uses for spans."""
        return self.start, self.end


@dataclass(frozen=True, slots=True)
class _Hit:
    """An approximate match found in normalised text, before mapping back."""

    start: int
    end: int
    score: float


def _numpy_available() -> bool:
    return importlib.util.find_spec("numpy") is not None


_CDIST: Callable[..., Any] | None = None
_CDIST_CHECKED = False
_CDIST_LOCK = threading.Lock()


def _cdist() -> Callable[..., Any] | None:
    """`rapidfuzz.process.cdist` when numpy (which it needs) is installed, else None."""
    global _CDIST, _CDIST_CHECKED
    with _CDIST_LOCK:
        if not _CDIST_CHECKED:
            _CDIST_CHECKED = True
            if _numpy_available():
                from rapidfuzz import process

                _CDIST = process.cdist
        return _CDIST


def _score_chunks(
    query: str, chunks: Sequence[str], threshold: float, pace: Callable[[], None]
) -> list[float]:
    """Score every chunk with `partial_ratio`, without holding the GIL for long.

    `process.cdist` runs the whole scan with the GIL released. Without numpy it cannot be
    used, so each chunk gets its own short call (~20 µs) and `pace` hands the GIL over
    between calls every millisecond or so.
    """
    cdist = _cdist()
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


def _select(hits: Iterable[_Hit], room: int) -> list[_Hit]:
    """The best `room` hits that do not overlap one another, best first."""
    chosen: list[_Hit] = []
    spans: list[Span] = []
    for hit in sorted(hits, key=lambda hit: (-hit.score, hit.start)):
        if len(chosen) >= room:
            break
        if not _overlaps(spans, hit.start, hit.end):
            chosen.append(hit)
            insort(spans, (hit.start, hit.end))
    return chosen


def _overlaps(spans: list[Span], start: int, end: int) -> bool:
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
            if e - s < 1 or _overlaps(avoid, s, e):
                continue
            score = fuzz.ratio(variant, text[s:e])
            if best is None or score + s_bonus + e_bonus > best[0] + best[1]:
                best = (score, s_bonus + e_bonus, s, e)
        if best is None:
            return None
        return best[2], best[3], best[0]

    def scan(self, wanted: int, query: str | None = None) -> list[_Hit]:
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
            chunks[-1] += _MASK * (size - len(chunks[-1]))

        def mask(start: int, end: int) -> None:
            first = max(0, (start - CHUNK_SIZE - size) // CHUNK_SIZE)
            last = min(len(chunks) - 1, (end - 1) // CHUNK_SIZE)
            for index in range(first, last + 1):
                base, chunk = starts[index], chunks[index]
                low, high = max(start - base, 0), min(end - base, len(chunk))
                if low < high:
                    chunks[index] = chunk[:low] + _MASK * (high - low) + chunk[high:]

        scores = _score_chunks(query, chunks, threshold, self.pace)
        heap = [(-score, index) for index, score in enumerate(scores) if score >= threshold]
        heapq.heapify(heap)
        hits: list[_Hit] = []
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
                hits.append(_Hit(*refined))
                insort(taken, refined[:2])
                mask(refined[0], refined[1])
            else:
                mask(start, max(end, start + 1))
            heapq.heappush(heap, (-alignment.score, index))
        return hits

    def long(self, wanted: int) -> list[_Hit]:
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
        hits: list[_Hit] = []
        for found in _select(self.scan(wanted + 4, head), wanted + 4):
            self.pace()
            low = max(0, found.start - 16)
            high = min(len(self.text), found.start + len(query) + len(query) // 4 + 16)
            piece = self._masked(low, high)
            if len(piece) < len(query):
                piece += _MASK * (len(query) - len(piece))
            alignment = fuzz.partial_ratio_alignment(query, piece, score_cutoff=self.threshold)
            if alignment is None:
                continue
            start = low + alignment.dest_start
            end = min(low + alignment.dest_end, len(self.text))
            refined = self._refine(query, start, end, avoid) if start < end else None
            if refined is not None and refined[2] >= self.threshold:
                hits.append(_Hit(*refined))
                insort(avoid, refined[:2])
        return hits

    def swapped(self, wanted: int) -> list[_Hit]:
        """Find matches of the query with two neighbouring words swapped.

        A full scan per word order would cost as much as the main scan, so the search
        is anchored instead: the places where the longest query word that occurs at
        all occurs exactly are the few worth aligning the swapped queries against. (A
        swapped query whose every word is also misspelt is not found.)
        """
        variants = _swapped_variants(self.query)
        if not variants:
            return []
        text = self.text
        words = sorted(set(self.query.split(" ")), key=lambda word: (-len(word), word))
        anchor = None
        for word in words:
            self.pace()
            if len(word) >= 2 and word in text:
                anchor = word
                break
        if anchor is None:
            return []
        size = len(self.query)
        threshold = self.threshold + SWAPPED_WORDS_PENALTY
        windows: list[Span] = []
        pos = text.find(anchor)
        while pos != -1 and len(windows) < _MAX_ANCHORS:
            low, high = max(0, pos - size - 2), min(len(text), pos + len(anchor) + size + 2)
            if windows and low <= windows[-1][1]:
                windows[-1] = (windows[-1][0], high)
            else:
                windows.append((low, high))
            pos = text.find(anchor, pos + 1)
            self.pace()
        aligned: list[tuple[float, int, int, str]] = []
        for low, high in windows:
            piece = self._masked(low, high)
            if len(piece) < size:  # never align against less than the query
                piece += _MASK * (size - len(piece))
            for variant in variants:
                alignment = fuzz.partial_ratio_alignment(variant, piece, score_cutoff=threshold)
                if alignment is not None:
                    start = low + alignment.dest_start
                    end = min(low + alignment.dest_end, len(text))
                    aligned.append((alignment.score, start, end, variant))
            self.pace()
        aligned.sort(key=lambda item: (-item[0], item[1]))
        hits: list[_Hit] = []
        for _, start, end, variant in aligned[: 2 * wanted + 8]:
            if start >= end:
                continue
            refined = self._refine(variant, start, end, self.exact)
            if refined is not None and refined[2] - SWAPPED_WORDS_PENALTY >= self.threshold:
                hits.append(_Hit(refined[0], refined[1], refined[2] - SWAPPED_WORDS_PENALTY))
        return hits

    def _masked(self, low: int, high: int) -> str:
        """`text[low:high]` with the exact matches in it masked out."""
        pieces: list[str] = []
        index = max(0, bisect_right(self.exact, (low, sys.maxsize)) - 1)
        pos = low
        while index < len(self.exact) and self.exact[index][0] < high:
            start, end = max(self.exact[index][0], pos), min(self.exact[index][1], high)
            if start < end:
                pieces.append(self.text[pos:start])
                pieces.append(_MASK * (end - start))
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


class SearchIndex:
    """One document's text, normalised once, ready for any number of queries.

    Building it costs one pass over the text (tens of milliseconds for 3 MB); build it
    once per document (or use `index_for`) and call `find` as the user types. `find` is
    safe to call from a worker thread; one index may serve several threads at once.
    """

    __slots__ = ("original", "normalized")

    def __init__(self, text: str) -> None:
        self.original = text
        """The text every `Match` offset indexes."""
        self.normalized = normalize(text)
        """The text as search compares it."""

    def find(
        self, query: str, limit: int = 50, *, threshold: float = DEFAULT_THRESHOLD
    ) -> tuple[Match, ...]:
        """Return up to `limit` matches of `query`: exact ones first, then approximate.

        Exact matches (score 100) come in reading order; approximate ones, scoring at
        least `threshold`, best first and never overlapping another match. An empty
        query finds nothing; one shorter than `MIN_FUZZY_QUERY` characters, or without
        a letter or digit, is only searched exactly.
        """
        wanted = normalize_query(query)
        if not wanted or limit <= 0:
            return ()
        pace = Pacer()
        normalized = self.normalized
        text = normalized.text
        matches: list[Match] = []
        exact: list[Span] = []
        pos = text.find(wanted)
        while pos != -1 and len(matches) < limit:
            pace()
            end = pos + len(wanted)
            if normalized.splits_a_character(pos, end):
                pos = text.find(wanted, pos + 1)
                continue
            start_orig, end_orig = normalized.to_original(pos, end)
            matches.append(Match(start_orig, end_orig, 100.0, True))
            exact.append((pos, end))
            pos = text.find(wanted, end)
        pace()
        room = min(limit - len(matches), MAX_APPROXIMATE)
        if room <= 0 or len(wanted) < MIN_FUZZY_QUERY or not any(c.isalnum() for c in wanted):
            return tuple(matches)
        threshold = effective_threshold(len(wanted), threshold)
        search = _ApproximateSearch(text, wanted, exact, threshold, pace)
        if len(wanted) > MAX_SCANNED_QUERY:
            hits = search.long(room)
        else:
            hits = search.scan(room)
            if sum(hit.score >= 100 - SWAPPED_WORDS_PENALTY for hit in hits) < room:
                hits += search.swapped(room)  # a swapped match may yet beat some of them
        # Disjoint in normalised text can still touch one original character (both
        # halves of a folded `ß`); such a straggler is dropped.
        spans = sorted(match.span for match in matches)
        for hit in _select(hits, room):
            start_orig, end_orig = normalized.to_original(hit.start, hit.end)
            if not _overlaps(spans, start_orig, end_orig):
                matches.append(Match(start_orig, end_orig, round(hit.score, 2), False))
                insort(spans, (start_orig, end_orig))
        return tuple(matches)


INDEX_CACHE_CHARACTERS = 8_000_000
"""How much text the cached indexes may cover together (the latest one is always kept)."""

_indexes: dict[str, SearchIndex] = {}
_indexes_lock = threading.Lock()


def index_for(text: str) -> SearchIndex:
    """Return a `SearchIndex` for `text`, reusing one built recently for the same text.

    Python caches a string's hash, so asking again for the same (large) string object is
    a dictionary look-up, not a re-normalisation. The least recently used indexes are
    dropped once together they cover more than `INDEX_CACHE_CHARACTERS`, so the texts of
    documents read long ago are not kept alive for a search that may never come.
    """
    with _indexes_lock:
        index = _indexes.pop(text, None)
        if index is not None:
            _indexes[text] = index  # now the most recently used
            return index
    index = SearchIndex(text)  # built outside the lock: searches in other threads go on
    with _indexes_lock:
        _indexes[text] = index
        total = sum(len(cached) for cached in _indexes)
        while total > INDEX_CACHE_CHARACTERS and len(_indexes) > 1:
            oldest = next(iter(_indexes))
            total -= len(oldest)
            del _indexes[oldest]
    return index


def forget_indexes() -> None:
    """Drop every cached index (and with it the texts they were built for)."""
    with _indexes_lock:
        _indexes.clear()


def find_matches(text: str, query: str, limit: int = 50) -> tuple[Match, ...]:
    """Search `text` for `query` (see `SearchIndex.find`); the index is cached."""
    return index_for(text).find(query, limit)


def search_documents(
    docs: Iterable[tuple[str, str]], query: str, limit: int
) -> list[tuple[str, Match]]:
    """Search several documents, given as `(document id, text)`; best matches first.

    Exact matches come first (in the order of `docs`, then reading order), then
    approximate ones by score.
    """
    found: list[tuple[tuple[bool, float, int, int], str, Match]] = []
    for order, (doc_id, text) in enumerate(docs):
        for match in SearchIndex(text).find(query, limit):
            found.append(((not match.exact, -match.score, order, match.start), doc_id, match))
    found.sort(key=lambda item: item[0])
    return [(doc_id, match) for _, doc_id, match in found[: max(limit, 0)]]


# --- context ---------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
_ELLIPSIS = "\u2026"


def _one_line(text: str) -> str:
    return _WHITESPACE.sub(" ", visible(text))


def context_snippet(text: str, start: int, end: int, width: int = 80) -> str:
    """Return one line of at most `width` characters showing `text[start:end]` in context.

    Whitespace is collapsed, control characters are made visible (the line is meant for
    a terminal), and an ellipsis marks each end where the text goes on. Cuts fall on a
    word boundary when one is near. A match too long for the line is shown from its
    start.
    """
    width = max(width, 12)
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    matched = _one_line(text[start:end])
    reach = 2 * width + 16
    before = _one_line(text[max(0, start - reach) : start])
    after = _one_line(text[end : end + reach])
    more_before = start - reach > 0
    more_after = end + reach < len(text)
    line = before + matched + after
    match_start, match_end = len(before), len(before) + len(matched)
    if len(matched) >= width - 2:
        first, last = match_start, match_start + width - 2
    else:
        room = width - 2 - len(matched)
        first = max(0, match_start - room // 2)
        last = min(len(line), match_end + room - (match_start - first))
        first = max(0, min(first, last - len(matched) - room))
        if first > 0:
            space = line.find(" ", first, match_start)
            if space != -1 and space - first <= 15:
                first = space + 1
        if last < len(line):
            space = line.rfind(" ", match_end, last)
            if space != -1 and last - space <= 15:
                last = space
    shown = line[first:last].strip(" ")
    prefix = _ELLIPSIS if first > 0 or more_before else ""
    suffix = _ELLIPSIS if last < len(line) or more_after else ""
    return prefix + shown + suffix
