"""Searching the text of some documents at once (`newsreader search --doc`).

`TextSearch` reads the texts it is given and searches them all; searching the whole
library goes through its text index instead (`service.library_search.LibrarySearch`),
which answers with the same `SearchHit`s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from library.catalog import Catalog
from library.entries import Entry
from library.safe_files import StoreError
from library.search import search_documents
from library.search_index import Match
from library.snippets import ContextLine, context_line
from library.text_index import SearchCancelled


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One match in one document."""

    document_id: str
    """The document it is in."""
    title: str
    """That document's title."""
    match: Match
    """Where in the document's text, and how good a match (offsets index `show`'s text)."""


class TextSearch:
    """The texts of some documents, read once and then searched as often as asked.

    A document whose text cannot be read (its file is gone or unreadable) is left out and
    listed in `unreadable`, so one bad file never stops a search of the others.
    """

    def __init__(self, catalog: Catalog, entries: Iterable[Entry]) -> None:
        self._titles: dict[str, str] = {}
        self._texts: dict[str, str] = {}
        unreadable: list[Entry] = []
        for entry in entries:
            try:
                self._texts[entry.id] = catalog.text(entry.id)
            except StoreError:
                unreadable.append(entry)
                continue
            self._titles[entry.id] = entry.title
        self.unreadable: tuple[Entry, ...] = tuple(unreadable)
        """The documents left out because their text could not be read."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """Nothing to tell: no index is involved (see `LibrarySearch.warnings`)."""
        return ()

    def find(
        self,
        query: str,
        limit: int,
        *,
        per_document: int | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[SearchHit, ...]:
        """The best `limit` matches of `query` (at most `per_document` of one document, if
        given): exact ones first, on whole words before inside words, then approximate by
        score (see `search_documents`).

        Raises:
            SearchCancelled: `cancelled` said so before the search began.
        """
        if cancelled is not None and cancelled():
            raise SearchCancelled
        found = search_documents(self._texts.items(), query, limit, per_document=per_document)
        return tuple(SearchHit(doc_id, self._titles[doc_id], match) for doc_id, match in found)

    def context(self, hit: SearchHit, width: int = 80) -> str:
        """One line of at most `width` characters showing `hit` in its text."""
        return self.context_line(hit, width).text

    def context_line(self, hit: SearchHit, width: int = 80) -> ContextLine:
        """`context`'s line, with where the match is in it, to mark it there."""
        text = self._texts.get(hit.document_id, "")
        return context_line(text, hit.match.start, hit.match.end, width=width)


def by_document(hits: Iterable[SearchHit]) -> tuple[tuple[SearchHit, ...], ...]:
    """`hits` gathered by document: the documents in the order of their first (best) hit,
    each one's hits in the order given."""
    groups: dict[str, list[SearchHit]] = {}
    for hit in hits:
        groups.setdefault(hit.document_id, []).append(hit)
    return tuple(tuple(group) for group in groups.values())
