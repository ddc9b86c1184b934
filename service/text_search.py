"""Searching the text of many documents at once (`newsreader search`, the app's `f`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from library.catalog import Catalog
from library.entries import Entry
from library.safe_files import StoreError
from library.search import search_documents
from library.search_index import Match
from library.snippets import context_snippet


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

    def find(self, query: str, limit: int) -> tuple[SearchHit, ...]:
        """The best `limit` matches of `query`: exact ones first, then approximate by score."""
        found = search_documents(self._texts.items(), query, limit)
        return tuple(SearchHit(doc_id, self._titles[doc_id], match) for doc_id, match in found)

    def context(self, hit: SearchHit, width: int = 80) -> str:
        """One line of at most `width` characters showing `hit` in its text."""
        text = self._texts.get(hit.document_id, "")
        return context_snippet(text, hit.match.start, hit.match.end, width=width)
