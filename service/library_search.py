"""Searching every document of the library through its text index.

`LibrarySearch` answers as `TextSearch` does over every document, without reading every
text: the index (`library.text_index`) is brought in step with the catalog when the search
is made, then each query reads only the documents the index names
(`library.library_search`). A damaged index is built again, with one sentence in
`warnings`; an index that cannot be used at all (a read-only library folder, a lock held
for too long) leaves the search to read every text, as it did before there was an index.

`index_documents` and `unindex_documents` keep the index current as documents are added
and removed (a large add in the background, `service.index_upkeep`); nothing depends on
them, since every search reconciles first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from library.catalog import Catalog
from library.entries import Entry
from library.library_search import library_candidates
from library.normalization import normalize_query
from library.safe_files import StoreError
from library.search import search_documents
from library.snippets import ContextLine, context_line
from library.text_index import (
    IndexDamaged,
    IndexUnavailable,
    SearchCancelled,
    TextIndex,
)
from service.text_search import SearchHit, TextSearch

KEPT_TEXT_CHARACTERS = 4_000_000
"""Texts of recent matches kept for their lines of context (more are read again)."""


class LibrarySearch:
    """Every document in the library, searched through the text index.

    Making one brings the index in step with the catalog, which takes a while only when
    many documents changed since (or the index is new): `progress` is told (done, total)
    and `cancelled` is asked between batches (`SearchCancelled` stops it; what was done
    is kept). Safe to use from several threads.
    """

    def __init__(
        self,
        catalog: Catalog,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        self._catalog = catalog
        entries = catalog.entries()
        self._entries = {entry.id: entry for entry in entries}
        self._order = tuple(entry.id for entry in entries)
        self._position = {doc_id: number for number, doc_id in enumerate(self._order)}
        self._texts: dict[str, str] = {}
        self._texts_lock = threading.Lock()
        self._unreadable: dict[str, None] = {}
        self._fallback: TextSearch | None = None
        self._problems: list[str] = []
        self.weighed = 0
        """How many texts the last `find` weighed for exact matches (for tests and bench)."""
        try:
            self._index: TextIndex | None = TextIndex.open(catalog.home)
            self._reconcile(progress, cancelled)
        except IndexUnavailable as err:
            self._index = None
            self._problems.append(f"{err} Every document is read instead.")
            self._fallback = TextSearch(catalog, entries)

    def _reconcile(
        self,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        assert self._index is not None
        wanted = [(entry.id, entry.content_hash) for entry in self._entries.values()]
        try:
            done = self._index.reconcile(
                wanted, self._catalog.text, progress=progress, cancelled=cancelled
            )
        except IndexDamaged:
            self._index.rebuild()
            done = self._index.reconcile(
                wanted, self._catalog.text, progress=progress, cancelled=cancelled
            )
        self._unreadable.update(dict.fromkeys(done.unreadable))

    @property
    def unreadable(self) -> tuple[Entry, ...]:
        """The documents left out because their text could not be read."""
        if self._fallback is not None:
            return self._fallback.unreadable
        return tuple(self._entries[doc_id] for doc_id in self._unreadable)

    @property
    def warnings(self) -> tuple[str, ...]:
        """One sentence per problem with the index (built again, or not usable)."""
        told = self._index.warnings if self._index is not None else []
        return tuple(dict.fromkeys([*told, *self._problems]))

    def close(self) -> None:
        """Let go of the index file."""
        if self._index is not None:
            self._index.close()

    def find(
        self,
        query: str,
        limit: int,
        *,
        per_document: int | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[SearchHit, ...]:
        """The best `limit` matches of `query`, as `TextSearch.find` over every document
        ranks them (exact ones exactly so; approximate ones from the documents most like
        the query).

        Raises:
            SearchCancelled: `cancelled` said so.
        """
        if self._fallback is not None:
            return self._fallback.find(query, limit, per_document=per_document)
        try:
            return self._find(query, limit, per_document, cancelled)
        except IndexDamaged:
            assert self._index is not None
            self._index.rebuild()
            self._reconcile(None, cancelled)
            return self._find(query, limit, per_document, cancelled)

    def _find(
        self,
        query: str,
        limit: int,
        per_document: int | None,
        cancelled: Callable[[], bool] | None,
    ) -> tuple[SearchHit, ...]:
        assert self._index is not None
        read: dict[str, str | None] = {}

        def read_text(doc_id: str) -> str | None:
            if doc_id not in read:
                read[doc_id] = self._read(doc_id)
            return read[doc_id]

        candidates = library_candidates(
            self._index,
            self._order,
            self._position,
            query,
            normalize_query(query),
            limit,
            per_document=per_document,
            read_text=read_text,
            cancelled=cancelled,
        )
        self.weighed = candidates.weighed

        def texts() -> Iterator[tuple[str, str]]:
            """The candidates' texts, read as the ranking comes to them: a newer query
            stops the ranking between two documents (it takes a few hundred ms)."""
            for doc_id in candidates.documents:
                if cancelled is not None and cancelled():
                    raise SearchCancelled
                text = read_text(doc_id)
                if text is not None:
                    yield doc_id, text

        found = search_documents(texts(), query, limit, per_document=per_document)
        self._keep({doc_id: text for doc_id, _ in found if (text := read[doc_id]) is not None})
        return tuple(
            SearchHit(doc_id, self._entries[doc_id].title, match) for doc_id, match in found
        )

    def _read(self, doc_id: str) -> str | None:
        try:
            return self._catalog.text(doc_id)
        except StoreError:
            self._unreadable[doc_id] = None
            return None

    def _keep(self, texts: dict[str, str]) -> None:
        """Keep the texts of the latest matches (within `KEPT_TEXT_CHARACTERS`)."""
        with self._texts_lock:
            for doc_id, text in texts.items():
                self._texts.pop(doc_id, None)
                self._texts[doc_id] = text
            total = sum(len(text) for text in self._texts.values())
            while total > KEPT_TEXT_CHARACTERS and len(self._texts) > len(texts):
                oldest = next(iter(self._texts))
                total -= len(self._texts.pop(oldest))

    def context(self, hit: SearchHit, width: int = 80) -> str:
        """One line of at most `width` characters showing `hit` in its text."""
        return self.context_line(hit, width).text

    def context_line(self, hit: SearchHit, width: int = 80) -> ContextLine:
        """`context`'s line, with where the match is in it, to mark it there."""
        if self._fallback is not None:
            return self._fallback.context_line(hit, width)
        with self._texts_lock:
            text = self._texts.get(hit.document_id)
        if text is None:
            text = self._read(hit.document_id) or ""
        return context_line(text, hit.match.start, hit.match.end, width=width)
