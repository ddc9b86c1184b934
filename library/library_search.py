"""Which documents a library-wide search must look at, asked of the text index.

`search_documents` (in `library.search`) ranks the matches of every document it is given;
given all 50,000 texts of a large library it reads and normalises each of them. The text
index (`library.text_index`) narrows that down to the few documents that can make the
answer, and the same `search_documents` then ranks those, so offsets, typo tolerance
and order stay exactly what they are for a handful of documents:

- exact matches: the index names the documents that may hold the query; their stored
  normalised texts are weighed in the library's order (whole-word matches, then word
  starts, then the rest, as `search_documents` ranks them), each kind of match only
  until `limit` of it are in hand, since no later document can outrank them. The
  documents owning the best `limit` exact matches are kept: the same ones a search of
  every document would list. In three steps, each stopping as early as it can:

  1. the first `IN_ORDER` documents, for `limit` whole-word matches: a query of whole
     words ends here;
  2. the documents where the query may end a word, which SQLite picks by reading their
     texts itself (GLOB; the GIL released, stopped by a newer query) and which are few
     while a word is being typed: every whole-word match is then known;
  3. the documents holding the query, for word starts and then the rest.

  A word being typed (`harbo`, `harbour au`) used to read and weigh every one of the
  47,000 documents holding it at 50,000 articles (about a second of Python at each
  key, taking turns for the GIL with the UI thread); it now weighs a few hundred, and
  SQLite's pass over the texts (some 0.4 s) holds no GIL. The documents are kept as
  places in the library's order (integers): a list of candidate objects as long as
  the library, alive across a query, made Python's collector go over the whole app.
- approximate matches, when exact ones leave room: the `APPROXIMATE_CANDIDATES`
  documents sharing the most trigrams with the query. Unlike the exact part this is a
  choice, not a proof: a near match in a document sharing fewer trigrams than a hundred
  others is not looked for.

Queries of one or two characters have no trigram to ask about: SQLite reads every text
for them (again without the GIL, and stopped by the next key). They are searched all the
same, rather than waiting for a third character: `xi` must find "Xi", and once stale
queries stop at once and hold no GIL, typing through them costs the UI nothing.

The search stays in the app's process, on a worker thread. A process of its own would
keep all of its Python off the UI's GIL, but it would load the catalog and open the index
again (1 to 1.8 s at 50,000 articles on this machine, measured) and hold its own copy of
the catalog (some 110 MB resident at 50,000): more than the whole memory allowed for the
app. With the steps above the UI thread waits some 40 ms at worst while a word is typed
at 50,000 articles.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from library.search_index import (
    MIN_FUZZY_QUERY,
    WORDS_FIRST_SCAN,
    SearchIndex,
    word_fit,
)
from library.text_index import Named, SearchCancelled, TextIndex

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
    need no mapping back (see `Named.irregular`).
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
    order: Sequence[str],
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

    `order` holds every document's id in the library's order and `position` their places
    in it (the index is in step with the catalog); `read_text` gives an original text, or
    None when it cannot be read.

    Raises:
        SearchCancelled: `cancelled` said so.
    """
    if not wanted or limit <= 0:
        return Candidates((), 0)
    each = limit if per_document is None else min(limit, per_document)
    weighing = _Weighing(index, order, query, wanted, each, read_text, cancelled)
    found = _InOrder(index.containing(wanted, cancelled=cancelled), position)
    if not weighing.until(found.first(IN_ORDER), WHOLE, limit):
        ending = index.containing(wanted, ending_word=True, cancelled=cancelled)
        if not weighing.until(_InOrder(ending, position), WHOLE, limit):
            # Every whole-word match is known: word starts fill what is left, then the rest.
            room = limit - weighing.listed[WHOLE]
            if not weighing.until(found, START, room):
                weighing.until(found, INSIDE, room - weighing.listed[START])
    tallies = sorted(weighing.tallies.items(), key=lambda item: position[item[0]])
    chosen = set(best_exact_owners(tallies, limit))
    approximate = len(wanted) >= MIN_FUZZY_QUERY and any(c.isalnum() for c in wanted)
    if weighing.found < limit and approximate:
        near = index.sharing_trigrams(
            wanted, max(APPROXIMATE_CANDIDATES, limit), cancelled=cancelled
        )
        chosen.update(doc_id for doc_id in near if doc_id in position)
    return Candidates(tuple(sorted(chosen, key=position.__getitem__)), weighing.weighed)


IN_ORDER = 256
"""Documents weighed first, in the library's order, hoping for `limit` whole-word matches
among them: a query of whole words stops there. Past them the index is asked which
documents may hold the query ending a word (SQLite reads every candidate's text for
that, some 0.4 s at 50,000 articles, with the GIL released)."""

WHOLE, START, INSIDE = 0, 1, 2
"""Where each kind of exact match is counted in `Tiers`."""

NO_MATCH: Tiers = (0, 0, 0)


class _InOrder:
    """The documents an answer of the index names, in the library's order.

    Only their places in that order are kept, in an array of integers: Python's collector
    never scans it, and it takes 4 bytes a document. (A list of fifty thousand candidate
    objects kept across a query made the collector go over the app's whole heap every
    few queries, holding the GIL for 100 ms and more at 50,000 documents.)
    """

    def __init__(self, found: Named, position: Mapping[str, int]) -> None:
        # Documents the catalog as this search saw it does not list are left out.
        known = [place for place in map(position.get, found.ids) if place is not None]
        self.places = array("i", sorted(known))
        """Where each document is in the library's order, first first."""
        self.irregular = {position[doc_id] for doc_id in found.irregular if doc_id in position}
        """The places of the documents weighed on their original text, not the stored one
        (see `Named.irregular`): few."""

    def first(self, count: int) -> _InOrder:
        """The first `count` of them."""
        head = _InOrder(Named((), frozenset()), {})
        head.places = self.places[:count]
        head.irregular = self.irregular
        return head


class _Weighing:
    """The exact matches of one query, weighed document by document."""

    def __init__(
        self,
        index: TextIndex,
        order: Sequence[str],
        query: str,
        wanted: str,
        each: int,
        read_text: Callable[[str], str | None],
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.index = index
        self.order = order
        self.query = query
        self.wanted = wanted
        self.each = each
        self.read_text = read_text
        self.cancelled = cancelled
        self.tallies: dict[str, Tiers] = {}
        """Documents holding exact matches, and how many of each kind they would list."""
        self.known: dict[int, Tiers] = {}
        """Every document weighed, by place."""
        self.listed = [0, 0, 0]
        """The matches of each kind, over every document weighed."""
        self.found = 0
        self.weighed = 0

    def until(self, documents: _InOrder, kind: int, room: int) -> bool:
        """Go through `documents` in order, weighing those not weighed yet, until their
        matches of this `kind` (`WHOLE`, `START`, `INSIDE`) fill `room`: True then (no
        later document can outrank them); False when all were weighed short of it."""
        if room <= 0:
            return True
        held = 0
        for place in documents.places:
            tiers = self.known.get(place)
            if tiers is None:
                tiers = self._weigh(place, place not in documents.irregular)
            held += tiers[kind]
            if held >= room:
                return True
        return False

    def _weigh(self, place: int, regular: bool) -> Tiers:
        if self.cancelled is not None and self.cancelled():
            raise SearchCancelled
        self.weighed += 1
        doc_id = self.order[place]
        if regular:
            body = self.index.body(doc_id)
            tiers = (0, 0, 0) if body is None else exact_tiers(body, self.wanted, self.each)
        else:
            text = self.read_text(doc_id)
            tiers = (
                (0, 0, 0) if text is None else exact_tiers_of_original(text, self.query, self.each)
            )
        if not any(tiers):
            tiers = NO_MATCH  # one tuple for every document without a match
        self.known[place] = tiers
        if tiers is not NO_MATCH:
            self.tallies[doc_id] = tiers
            for kind in (WHOLE, START, INSIDE):
                self.listed[kind] += tiers[kind]
            self.found += sum(tiers)
        return tiers
