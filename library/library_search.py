"""Which documents a library-wide search must look at, asked of the text index.

`search_documents` (in `library.search`) ranks the matches of every document it is given;
given all 50,000 texts of a large library it reads and normalises each of them. The text
index (`library.text_index`) narrows that down to the few documents that can make the
answer, and the same `search_documents` then ranks those, so offsets, typo tolerance
and order stay exactly what they are for a handful of documents:

- exact matches: the index names the documents that may hold the query; their stored
  normalised texts are weighed in the library's order (whole-word matches, then word
  starts, then the rest, as `search_documents` ranks them), stopping once `limit`
  whole-word matches are in hand, since no later document can outrank them. The
  documents owning the best `limit` exact matches are kept: the same ones a search of
  every document would list.
- approximate matches, when exact ones leave room: the `APPROXIMATE_CANDIDATES`
  documents sharing the most trigrams with the query. Unlike the exact part this is a
  choice, not a proof: a near match in a document sharing fewer trigrams than a hundred
  others is not looked for.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from library.search_index import (
    MIN_FUZZY_QUERY,
    WORDS_FIRST_SCAN,
    SearchIndex,
    word_fit,
)
from library.text_index import Candidate, SearchCancelled, TextIndex

APPROXIMATE_CANDIDATES = 120
"""Documents searched for approximate matches: those sharing most trigrams with the query."""

Tiers = tuple[int, int, int]
"""How many exact matches of a document would be listed: on whole words, starting a
word, inside a word."""


@dataclass(frozen=True, slots=True)
class Candidates:
    """The documents to search, and what weighing them found."""

    documents: tuple[str, ...]
    """Their ids, in the library's order."""
    weighed: int
    """How many documents' texts were weighed for exact matches."""


def exact_tiers(text: str, wanted: str, limit: int) -> Tiers:
    """The exact matches of `wanted` that `SearchIndex.find(words_first=True)` would keep
    of the normalised `text`, counted by how well they sit on words.

    Follows that search step for step (same scan, same limits) on a text whose offsets
    need no mapping back (see `Candidate.regular`).
    """
    counts = [0, 0, 0]  # inside a word, word start, whole
    seen = 0
    pos = text.find(wanted)
    while pos != -1 and counts[2] < limit and seen < max(limit, WORDS_FIRST_SCAN):
        seen += 1
        end = pos + len(wanted)
        counts[word_fit(text, pos, end)] += 1
        pos = text.find(wanted, end)
    whole = min(counts[2], limit)
    starts = min(counts[1], limit - whole)
    return whole, starts, min(counts[0], limit - whole - starts)


def exact_tiers_of_original(text: str, query: str, limit: int) -> Tiers:
    """`exact_tiers` for an original text, through the search itself (for texts whose
    normalised form moves word boundaries: ligatures, zero-width characters…)."""
    counts = [0, 0, 0]
    for match in SearchIndex(text).find(query, limit, words_first=True, approximate_limit=0):
        counts[word_fit(text, match.start, match.end)] += 1
    return counts[2], counts[1], counts[0]


def best_exact_owners(tallies: Sequence[tuple[str, Tiers]], limit: int) -> list[str]:
    """The documents owning the best `limit` exact matches, given each document's tiers
    in the library's order: whole words first, then word starts, then the rest."""
    owners: dict[str, None] = {}
    room = limit
    for tier in range(3):
        for doc_id, tiers in tallies:
            if room <= 0:
                return list(owners)
            if tiers[tier]:
                owners[doc_id] = None
                room -= min(tiers[tier], room)
    return list(owners)


def library_candidates(
    index: TextIndex,
    position: Mapping[str, int],
    query: str,
    wanted: str,
    limit: int,
    *,
    per_document: int | None = None,
    read_text: Callable[[str], str | None],
    cancelled: Callable[[], bool] | None = None,
) -> Candidates:
    """The documents a search of `query` (normalised: `wanted`) must look at.

    `position` gives every document's place in the library's order (the index is in step
    with the catalog); `read_text` gives an original text, or None when it cannot be read.

    Raises:
        SearchCancelled: `cancelled` said so.
    """
    if not wanted or limit <= 0:
        return Candidates((), 0)
    found = [item for item in index.containing(wanted) if item.doc_id in position]
    found.sort(key=lambda item: position[item.doc_id])
    each = limit if per_document is None else min(limit, per_document)
    weighing = _Weighing(index, query, wanted, each, read_text, cancelled)
    if not weighing.in_order(found[:IN_ORDER], limit) and len(found) > IN_ORDER:
        weighing.in_one_pass(index.containing_texts(wanted), position)
    tallies = sorted(weighing.tallies.items(), key=lambda item: position[item[0]])
    chosen = set(best_exact_owners(tallies, limit))
    approximate = len(wanted) >= MIN_FUZZY_QUERY and any(c.isalnum() for c in wanted)
    if weighing.found < limit and approximate:
        near = index.sharing_trigrams(wanted, max(APPROXIMATE_CANDIDATES, limit))
        chosen.update(doc_id for doc_id in near if doc_id in position)
    return Candidates(tuple(sorted(chosen, key=position.__getitem__)), weighing.weighed)


IN_ORDER = 256
"""Documents weighed one by one in the library's order, hoping to stop early; past them,
the rest are read in one pass (no early stop, but no query per document either)."""


class _Weighing:
    """The exact matches of one query, weighed document by document."""

    def __init__(
        self,
        index: TextIndex,
        query: str,
        wanted: str,
        each: int,
        read_text: Callable[[str], str | None],
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.index = index
        self.query = query
        self.wanted = wanted
        self.each = each
        self.read_text = read_text
        self.cancelled = cancelled
        self.tallies: dict[str, Tiers] = {}
        """Documents holding exact matches, and how many of each kind they would list."""
        self.whole = 0
        self.found = 0
        self.weighed = 0

    def in_order(self, found: Sequence[Candidate], limit: int) -> bool:
        """Weigh `found` in order; True once `limit` whole-word matches are in hand (no
        later document can outrank them)."""
        for item in found:
            self._check()
            body = self.index.body(item.doc) if item.regular else None
            self._weigh(item, body)
            if self.whole >= limit:
                return True
        return False

    def in_one_pass(
        self, found: Iterable[tuple[Candidate, str]], position: Mapping[str, int]
    ) -> None:
        """Weigh every document of `found` not weighed yet, whatever its order."""
        for number, (item, body) in enumerate(found):
            if number % 256 == 0:
                self._check()
            if item.doc_id in position and item.doc_id not in self.tallies:
                self._weigh(item, body)

    def _check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise SearchCancelled

    def _weigh(self, item: Candidate, body: str | None) -> None:
        self.weighed += 1
        if item.regular:
            tiers = (0, 0, 0) if body is None else exact_tiers(body, self.wanted, self.each)
        else:
            text = self.read_text(item.doc_id)
            tiers = (
                (0, 0, 0) if text is None else exact_tiers_of_original(text, self.query, self.each)
            )
        if any(tiers):
            self.tallies[item.doc_id] = tiers
            self.whole += tiers[0]
            self.found += sum(tiers)
