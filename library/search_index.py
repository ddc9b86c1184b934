"""One document's text ready for search, the matches it yields, and a cache of indexes.

A `SearchIndex` normalises a text once (see `library.normalization`); each `find` then
costs one look for exact occurrences (plain `str.find` over the normalised text, nearly
free) and, for what room is left, one approximate stage (see `library.approximate_search`).
Every `Match` holds offsets into the original text, never into the normalised copy, so
the reader can show, highlight and jump to it as it is. `index_for` keeps recent indexes,
so typing a query letter by letter does not normalise a 3 MB book again each time.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import threading
from bisect import insort
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass

from library.approximate_search import find_approximate, overlaps
from library.document import Span
from library.normalization import normalize, normalize_query
from library.paced_find import paced_find
from library.pacing import Pacer

DEFAULT_THRESHOLD = 75.0
"""Approximate matches scoring below this (0-100, rapidfuzz's ratio) are dropped."""

MIN_FUZZY_QUERY = 3
"""Normalised queries shorter than this are searched exactly only: fuzz finds noise."""

MAX_APPROXIMATE = 100
"""At most this many approximate matches are returned, whatever the limit."""

SHORT_QUERY_THRESHOLDS = ((5, 85.0), (8, 82.0))
"""(longest query length, lowest score): one wrong letter in a short word is a large part
of it, so short queries need a closer match (`Psaki` must not find `speaking`)."""


def effective_threshold(query_length: int, threshold: float) -> float:
    """The threshold actually applied to a normalised query of `query_length` characters."""
    for longest, lowest in SHORT_QUERY_THRESHOLDS:
        if query_length <= longest:
            return max(threshold, lowest)
    return threshold


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
        self,
        query: str,
        limit: int = 50,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        words_first: bool = False,
        approximate_limit: int = MAX_APPROXIMATE,
    ) -> tuple[Match, ...]:
        """Return up to `limit` matches of `query`: exact ones first, then approximate.

        Exact matches (score 100) come in reading order; with `words_first`, those on
        whole words first, then those starting a word, then those inside one (see
        `word_fit`), each in reading order, so that `xi` finds "Xi" before "anxiety"
        even when "anxiety" comes first and there are more matches than `limit`.
        Approximate ones, scoring at least `threshold`, come next, best first and never
        overlapping another match, at most `approximate_limit` of them (a reader who
        searches from the middle of a book wants the typo'd name's matches there too, not
        only the hundred best of the whole book). An empty query finds nothing; one shorter than
        `MIN_FUZZY_QUERY` characters, or without a letter or digit, is only searched
        exactly.
        """
        wanted = normalize_query(query)
        if not wanted or limit <= 0:
            return ()
        pace = Pacer()
        if words_first:
            matches, exact = self._exact_words_first(wanted, limit, pace)
        else:
            matches, exact = self._exact(wanted, limit, pace)
        pace()
        room = min(limit - len(matches), approximate_limit)
        if room <= 0 or len(wanted) < MIN_FUZZY_QUERY or not any(c.isalnum() for c in wanted):
            return tuple(matches)
        threshold = effective_threshold(len(wanted), threshold)
        normalized = self.normalized
        hits = find_approximate(normalized.text, wanted, exact, threshold, room, pace)
        # Disjoint in normalised text can still touch one original character (both
        # halves of a folded `ß`); such a straggler is dropped.
        spans = sorted(match.span for match in matches)
        for hit in hits:
            start_orig, end_orig = normalized.to_original(hit.start, hit.end)
            if not overlaps(spans, start_orig, end_orig):
                matches.append(Match(start_orig, end_orig, round(hit.score, 2), False))
                insort(spans, (start_orig, end_orig))
        return tuple(matches)

    def _exact(self, wanted: str, limit: int, pace: Pacer) -> tuple[list[Match], list[Span]]:
        """The first `limit` exact matches of the normalised `wanted`, in reading order,
        and their spans in the normalised text."""
        normalized = self.normalized
        text = normalized.text
        matches: list[Match] = []
        exact: list[Span] = []
        pos = paced_find(text, wanted, 0, pace)
        while pos != -1 and len(matches) < limit:
            pace()
            end = pos + len(wanted)
            if normalized.splits_a_character(pos, end):
                pos = paced_find(text, wanted, pos + 1, pace)
                continue
            start_orig, end_orig = normalized.to_original(pos, end)
            matches.append(Match(start_orig, end_orig, 100.0, True))
            exact.append((pos, end))
            pos = paced_find(text, wanted, end, pace)
        return matches, exact

    def _exact_words_first(
        self, wanted: str, limit: int, pace: Pacer
    ) -> tuple[list[Match], list[Span]]:
        """Up to `limit` exact matches of the normalised `wanted`, those on whole words
        first, then those starting a word, then the rest, each in reading order; and
        their spans in the normalised text, sorted.

        The scan stops once `limit` whole-word matches are found, or after
        `WORDS_FIRST_SCAN` matches (a one-letter query matches everywhere).
        """
        normalized = self.normalized
        text = normalized.text
        tiers: tuple[list[Span], ...] = ([], [], [])  # inside a word, word start, whole
        seen = 0
        pos = paced_find(text, wanted, 0, pace)
        while pos != -1 and len(tiers[2]) < limit and seen < max(limit, WORDS_FIRST_SCAN):
            pace()
            seen += 1
            end = pos + len(wanted)
            if normalized.splits_a_character(pos, end):
                pos = paced_find(text, wanted, pos + 1, pace)
                continue
            tiers[word_fit(text, pos, end)].append((pos, end))
            pos = paced_find(text, wanted, end, pace)
        chosen = [*tiers[2], *tiers[1], *tiers[0]][:limit]
        matches = [Match(*normalized.to_original(*span), 100.0, True) for span in chosen]
        return matches, sorted(chosen)


WORDS_FIRST_SCAN = 20_000
"""How many exact matches `find(words_first=True)` looks through for whole words."""


def word_fit(text: str, start: int, end: int) -> int:
    """How well `text[start:end]` sits on words: 2 when it is one or more whole words,
    1 when it starts a word (`Xi` in `Xinhua`), 0 when it starts inside one (`xi` in
    `anxiety`). An end that is not a letter or digit needs no boundary there."""
    starts_word = start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
    if not starts_word:
        return 0
    ends_word = end >= len(text) or not (text[end].isalnum() and text[end - 1].isalnum())
    return 2 if ends_word else 1


INDEX_CACHE_CHARACTERS = 8_000_000
"""How much text the cached indexes may cover together (the latest one is always kept)."""

_indexes: dict[str, SearchIndex] = {}
_indexes_lock = threading.Lock()
_building: dict[str, Future[SearchIndex]] = {}
"""Indexes being built, by text: a second search of the text waits for the first's."""


def index_for(text: str) -> SearchIndex:
    """Return a `SearchIndex` for `text`, reusing one built recently for the same text.

    Python caches a string's hash, so asking again for the same (large) string object is
    a dictionary look-up, not a re-normalisation. The least recently used indexes are
    dropped once together they cover more than `INDEX_CACHE_CHARACTERS`, so the texts of
    documents read long ago are not kept alive for a search that may never come.

    An index being built is waited for, never built a second time: a query typed or
    pasted at once starts a search per key, and each would otherwise normalise a long
    text beside the others (eight 100 MB builds sharing the GIL).
    """
    with _indexes_lock:
        index = _indexes.pop(text, None)
        if index is not None:
            _indexes[text] = index  # now the most recently used
            return index
        building = _building.get(text)
        if building is None:
            building = _building[text] = Future()
            builder = True
        else:
            builder = False
    if not builder:
        return building.result()
    try:
        index = SearchIndex(text)  # built outside the lock: searches in other threads go on
    except BaseException as error:
        with _indexes_lock:
            del _building[text]
        building.set_exception(error)
        raise
    with _indexes_lock:
        del _building[text]
        _indexes[text] = index
        total = sum(len(cached) for cached in _indexes)
        while total > INDEX_CACHE_CHARACTERS and len(_indexes) > 1:
            oldest = next(iter(_indexes))
            total -= len(oldest)
            del _indexes[oldest]
    building.set_result(index)
    return index


def cached_index(text: str) -> SearchIndex | None:
    """The index of `text` if one is built and kept, else None (nothing is built)."""
    with _indexes_lock:
        return _indexes.get(text)


SEARCHED_WHOLE = 8_000_000
"""A text up to this long is only searched whole: its index is built in well under a
second. A longer one is searched near the reader's place first (see `near_matches`)."""
NEAR_PIECE = 1 << 20
"""Characters of a long text searched at a time by `near_matches`."""
NEAR_PIECES = 8
"""At most this many pieces are searched before the whole text's index is built."""


def near_matches(text: str, query: str, offset: int, *, limit: int) -> Iterator[tuple[Match, ...]]:
    """The exact matches of `query` found so far, piece after piece of `text` from the
    paragraph holding `offset` on, in reading order, while the whole text's index is not
    built: a 100 MB text takes seconds to normalise, a piece of it milliseconds, so a
    reader sees the first matches near their place at once and the count grow.

    Yields after each piece, at most `NEAR_PIECES` times, and stops once `limit` matches
    are found; yields nothing for a text of at most `SEARCHED_WHOLE` characters or one
    whose index is built. Offsets are into `text`. A match across two pieces is found
    only by the whole search, which gives the full answer (approximate matches too).
    """
    if len(text) <= SEARCHED_WHOLE or cached_index(text) is not None:
        return
    found: list[Match] = []
    for start, end in _pieces_from(text, offset, NEAR_PIECES):
        piece = SearchIndex(text[start:end])
        for match in piece.find(query, limit - len(found), approximate_limit=0):
            found.append(Match(match.start + start, match.end + start, match.score, True))
        yield tuple(found)
        if len(found) >= limit:
            return


def _pieces_from(text: str, offset: int, count: int) -> Iterator[tuple[int, int]]:
    """Up to `count` pieces of `text` of about `NEAR_PIECE` characters, from the start of
    the paragraph holding `offset` on; each ends at whitespace (a paragraph break when
    one is near), so that no word is cut in two."""
    start = text.rfind("\n\n", 0, max(0, min(offset, len(text)))) + 1
    for _ in range(count):
        if start >= len(text):
            return
        end = text.find("\n\n", start + NEAR_PIECE, start + 2 * NEAR_PIECE)
        if end == -1:
            end = _next_space(text, start + NEAR_PIECE)
        yield start, end
        start = end


def _next_space(text: str, position: int) -> int:
    """The first space or line break at or after `position`, else the text's end."""
    if position >= len(text):
        return len(text)
    ends = [found for found in (text.find(" ", position), text.find("\n", position)) if found >= 0]
    return min(ends, default=len(text))
