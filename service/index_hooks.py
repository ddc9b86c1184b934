"""The library's search index kept in step as adds and removes change its documents.

An add asks first whether there is anything to index: often not (a library with no index
yet gets one at its first search), and then it imports nothing of the search, which took
~25 ms of every add (the in-text search and rapidfuzz with it); the index itself
(`library.text_index`) is imported only when a document is indexed or forgotten here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from library.index_file import INDEX_FILE
from library.safe_files import StoreError

if TYPE_CHECKING:
    from library.catalog import Catalog

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


def index_documents(catalog: Catalog, doc_ids: Iterable[str]) -> None:
    """Keep the library's index current after an add changed these documents.

    A few (at most `INLINE_DOCUMENTS`, of `INLINE_BYTES` of text in all) are indexed here
    and now, when the library has an index. More than that, or a library of `INDEX_FROM`
    documents or more that has none yet, are left to an upkeep in the background
    (`service.index_upkeep`), so the add does not wait for them and the first search after
    it does not either. A small library without an index gets one at its first search, in
    well under a second. A failure here is caught up with by the next search, which
    reconciles first.
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
    from library.text_index import BATCH, IndexDamaged, IndexUnavailable, TextIndex

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
    if not (home / INDEX_FILE).is_file():
        return  # made by the first search; until then removes pay nothing for it
    from library.text_index import IndexDamaged, IndexUnavailable, TextIndex

    index = TextIndex(home / INDEX_FILE, timeout=HOOK_TIMEOUT)
    try:
        index.forget(list(doc_ids))
    except (IndexDamaged, IndexUnavailable):
        pass  # the next search reconciles
    finally:
        index.close()
