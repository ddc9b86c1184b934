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

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from pathlib import Path

from library.catalog import Catalog
from library.entries import Entry
from library.library_search import library_candidates
from library.normalization import normalize_query
from library.safe_files import StoreError
from library.search import search_documents
from library.snippets import ContextLine, context_line
from library.text_index import (
    BATCH,
    INDEX_FILE,
    IndexDamaged,
    IndexUnavailable,
    SearchCancelled,
    TextIndex,
)
from service.text_search import SearchHit, TextSearch

KEPT_TEXT_CHARACTERS = 4_000_000
"""Texts of recent matches kept for their lines of context (more are read again)."""

HOOK_TIMEOUT = 2.0
"""Seconds an add or remove waits for the index: past that, the next search catches up."""

INLINE_DOCUMENTS = 200
"""An add that changes at most this many documents indexes them itself (some 0.15 s):
the feed refreshes and single files that grow a large library."""

INLINE_BYTES = 4_000_000
"""...and at most this much text (~0.3 s of indexing: some 70 ms a megabyte). A long
book is left to the upkeep too: indexed inside its add, a 100 MB text made the add wait
9 s instead of 2 and take 600 MB instead of 260."""

INDEX_FROM = 1_000
"""A library this large gets its index after an add even before its first search
(building it at that search would take about 0.7 s a thousand documents)."""


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


def index_documents(catalog: Catalog, doc_ids: Iterable[str]) -> None:
    """Keep the library's index current after an add changed these documents.

    A few (at most `INLINE_DOCUMENTS`, of `INLINE_BYTES` of text in all) are indexed here
    and now, when the library has an index. More than that, or a library of `INDEX_FROM`
    documents or more that has none yet, are left to an upkeep in the background
    (`service.index_upkeep`), so the add does not wait for them and the first search after
    it does not either. A small
    library without an index gets one at its first search, in well under a second. A
    failure here is caught up with by the next search, which reconciles first.
    """
    changed = list(doc_ids)
    if not changed:
        return
    indexed = (catalog.home / INDEX_FILE).is_file()
    if (
        indexed
        and len(changed) <= INLINE_DOCUMENTS
        and _text_bytes(catalog, changed) <= INLINE_BYTES
    ):
        _index_now(catalog, changed)
    elif indexed or len(changed) >= INDEX_FROM or _holds_at_least(catalog, INDEX_FROM):
        from service.index_upkeep import start_upkeep

        start_upkeep(catalog.home)


def _text_bytes(catalog: Catalog, doc_ids: list[str]) -> int:
    """The size of these documents' text files together (one missing counts nothing:
    indexing skips it too)."""
    total = 0
    for doc_id in doc_ids:
        with suppress(OSError):
            total += catalog.text_path(doc_id).stat().st_size
    return total


def _index_now(catalog: Catalog, doc_ids: list[str]) -> None:
    index = TextIndex(catalog.home / INDEX_FILE, timeout=HOOK_TIMEOUT)
    try:
        texts: list[tuple[str, str]] = []
        for doc_id in doc_ids:
            try:
                texts.append((doc_id, catalog.text(doc_id)))
            except StoreError:
                continue
        for start in range(0, len(texts), BATCH):
            index.put(texts[start : start + BATCH])
    except (IndexDamaged, IndexUnavailable):
        pass  # the next search reconciles
    finally:
        index.close()


def _holds_at_least(catalog: Catalog, count: int) -> bool:
    """Whether the library holds `count` documents or more: its text files are counted,
    stopping at `count` (listing the catalog of a large library would cost more)."""
    found = 0
    try:
        with os.scandir(catalog.documents_folder) as names:
            for name in names:
                found += name.name.endswith(".txt")
                if found >= count:
                    return True
    except OSError:
        return False
    return False


def unindex_documents(home: Path, doc_ids: Iterable[str]) -> None:
    """Drop these documents from the library's index, if it has one."""
    index = _existing_index(home)
    if index is None:
        return
    try:
        index.forget(list(doc_ids))
    except (IndexDamaged, IndexUnavailable):
        pass  # the next search reconciles
    finally:
        index.close()


def _existing_index(home: Path) -> TextIndex | None:
    if not (home / INDEX_FILE).is_file():
        return None  # made by the first search; until then adds pay nothing for it
    return TextIndex(home / INDEX_FILE, timeout=HOOK_TIMEOUT)
