"""Fuzzy search inside documents: ranked matches with exact offsets into the original text.

This module searches several documents at once; each part of search lives in a module of
its own:

- `library.normalization`: text as search compares it (case, accents, quotes, dashes and
  whitespace folded) with offset maps back to the original (`library.offsets`);
- `library.search_index`: `SearchIndex` (one text normalised once, `find` per query),
  `Match`, and `index_for`, a bounded cache of recent indexes;
- `library.approximate_search`: the rapidfuzz stage that finds text *like* the query
  without holding the GIL for long (`library.pacing`);
- `library.snippets`: one line of context around a match.

Search across several documents, written here, is what the search screen and
`newsreader search` use.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from collections.abc import Iterable

from library.search_index import Match, SearchIndex, word_fit


def search_documents(
    docs: Iterable[tuple[str, str]],
    query: str,
    limit: int,
    *,
    per_document: int | None = None,
) -> list[tuple[str, Match]]:
    """Search several documents, given as `(document id, text)`; best matches first.

    Exact matches come first: those on whole words (`xi` finds "Xi" before "anxiety"),
    then those starting a word, then those inside one, each in the order of `docs`, then
    reading order; then approximate ones by score. At most `per_document` matches of one
    document are kept, if given, so that one long book cannot hide every other document.
    """
    found: list[tuple[tuple[bool, int, float, int, int], str, Match]] = []
    for order, (doc_id, text) in enumerate(docs):
        wanted = limit if per_document is None else min(limit, per_document)
        for match in SearchIndex(text).find(query, wanted, words_first=True):
            fit = word_fit(text, match.start, match.end) if match.exact else 0
            key = (not match.exact, -fit, -match.score, order, match.start)
            found.append((key, doc_id, match))
    found.sort(key=lambda item: item[0])
    return [(doc_id, match) for _, doc_id, match in found[: max(limit, 0)]]
