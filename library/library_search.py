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

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from library.search_index import (
    MIN_FUZZY_QUERY,
    WORDS_FIRST_SCAN,
    SearchIndex,
    word_fit,
)
from library.text_index import IndexedDocument, SearchCancelled, TextIndex

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
    need no mapping back (see `IndexedDocument.regular`).
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
    indexed: dict[str, IndexedDocument],
    order: Sequence[str],
    query: str,
    wanted: str,
    limit: int,
    *,
    per_document: int | None = None,
    read_text: Callable[[str], str | None],
    cancelled: Callable[[], bool] | None = None,
) -> Candidates:
    """The documents a search of `query` (normalised: `wanted`) must look at.

    `order` is every document id in the library's order, `indexed` what the index holds
    (`TextIndex.documents`, in step with the catalog); `read_text` gives an original
    text, or None when it cannot be read.

    Raises:
        SearchCancelled: `cancelled` said so.
    """
    if not wanted or limit <= 0:
        return Candidates((), 0)
    position = {doc_id: number for number, doc_id in enumerate(order)}
    by_row = {item.doc: doc_id for doc_id, item in indexed.items() if doc_id in position}
    rows = sorted(
        (position[by_row[row]], row) for row in index.containing(wanted) if row in by_row
    )
    each = limit if per_document is None else min(limit, per_document)
    tallies: list[tuple[str, Tiers]] = []
    whole = found = weighed = 0
    for number, row in rows:
        if cancelled is not None and cancelled():
            raise SearchCancelled
        doc_id = order[number]
        tiers = _tiers(index, indexed[doc_id], row, doc_id, query, wanted, each, read_text)
        weighed += 1
        if any(tiers):
            tallies.append((doc_id, tiers))
            whole += tiers[0]
            found += sum(tiers)
        if whole >= limit:
            break  # every later document ranks below these
    chosen = set(best_exact_owners(tallies, limit))
    approximate = len(wanted) >= MIN_FUZZY_QUERY and any(c.isalnum() for c in wanted)
    if found < limit and approximate:
        near = index.sharing_trigrams(wanted, max(APPROXIMATE_CANDIDATES, limit))
        chosen.update(by_row[row] for row in near if row in by_row)
    return Candidates(tuple(sorted(chosen, key=position.__getitem__)), weighed)


def _tiers(
    index: TextIndex,
    item: IndexedDocument,
    row: int,
    doc_id: str,
    query: str,
    wanted: str,
    each: int,
    read_text: Callable[[str], str | None],
) -> Tiers:
    if item.regular:
        body = index.body(row)
        return (0, 0, 0) if body is None else exact_tiers(body, wanted, each)
    text = read_text(doc_id)
    return (0, 0, 0) if text is None else exact_tiers_of_original(text, query, each)
