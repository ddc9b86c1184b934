"""The library's filter: which documents match what is typed, best first, from an index of
their titles and sources made once per listing; in a large library worked out in a worker
thread, so that typing never waits for it, and only the newest key's result is shown.

`LibraryScreen` is built on this class; what it needs of the screen (showing a list of
entries) is declared here and made there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.widgets import Input
from textual.worker import get_current_worker

from library.entries import Entry
from reader.screens.library_feeds import LibraryFeeds
from reader.widgets.document_list import DocumentList
from service.workspace import Workspace

if TYPE_CHECKING:
    from library.filtering import FilterIndex

FILTER_AT_ONCE = 5_000
"""Up to this many documents the filter runs as each key is typed (some 20 ms); beyond,
in a worker thread, so typing never waits for it."""


class LibraryFilter(LibraryFeeds):
    """The library screen's filter (see the module docstring)."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self._filter_index: tuple[tuple[Entry, ...], FilterIndex] | None = None
        self._index_lock = threading.Lock()
        self._filter_turn = object()
        """The newest filtering handed to a worker: only its result is shown."""
        self._folded_fields: dict[str, str] = {}
        """Each title-and-source line folded for the filter, kept between listings."""

    # -- what the library screen makes ----------------------------------------------------------

    def _show(self, shown: list[Entry], query: str, keep: str | None) -> None:
        """List `shown` for `query`, the cursor on the document `keep` if it is there."""
        raise NotImplementedError

    # -- filtering --------------------------------------------------------------------------------

    def _current_id(self) -> str | None:
        current = self.query_one("#documents", DocumentList).current
        return current.id if current is not None else None

    def _refill(self, keep: str | None = None) -> None:
        keep = keep or self._current_id()
        query = self.query_one("#filter", Input).value
        pool = self._scoped_entries()
        if not query:
            self._show(list(pool), query, keep)
        elif len(pool) <= FILTER_AT_ONCE:
            self._show(self._filtered(pool, query), query, keep)
        else:
            self._filter_turn = object()
            self._filter_in_background(pool, query, keep, self._filter_turn)

    def _filtered(
        self,
        entries: tuple[Entry, ...],
        query: str,
        stop: Callable[[], bool] | None = None,
    ) -> list[Entry]:
        """The entries that match `query`, best first (the index of their titles and
        sources is made once per listing, and kept while the user types)."""
        return [entries[i] for i in self._index_of(entries).ranked(query, stop)]

    def _index_of(self, entries: tuple[Entry, ...]) -> FilterIndex:
        """The filter's index of `entries`, made once per listing (by one thread at a
        time: keys typed while it is made wait for it rather than make it again), from
        titles folded once per title."""
        from library.filtering import FilterIndex, fold

        with self._index_lock:
            index = self._filter_index
            if index is not None and index[0] is entries:
                return index[1]
            fields = [f"{e.title} {e.source or ''}" for e in entries]
            known = self._folded_fields
            folded = [known.get(field) or known.setdefault(field, fold(field)) for field in fields]
            if len(known) > 2 * len(fields) + 1000:  # titles gone from the library
                self._folded_fields = dict(zip(fields, folded, strict=True))
            made = FilterIndex(fields, folded=folded)
            self._filter_index = (entries, made)
            return made

    @work(thread=True, exclusive=True, group="library-filter", description="filter")
    def _filter_in_background(
        self, entries: tuple[Entry, ...], query: str, keep: str | None, turn: object
    ) -> None:
        """Filter a large library off the UI thread: keys typed meanwhile are never kept
        waiting, and the newest query's result is the one shown."""
        worker = get_current_worker()
        shown = self._filtered(entries, query, lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_filtered, turn, query, shown, keep)

    def _show_filtered(
        self, turn: object, query: str, shown: list[Entry], keep: str | None
    ) -> None:
        if turn is not self._filter_turn:
            return  # typed on, listed again or narrowed since: a newer result is on its way
        # The best match takes the cursor: no need to look for the row that had it.
        self._show(shown, query, None if shown else keep)
        if shown:
            self.query_one("#documents", DocumentList).move_cursor(0)

    @work(thread=True, exclusive=True, group="library-filter-warm", description="filter index")
    def _warm_filter(self, entries: tuple[Entry, ...]) -> None:
        """Index a large library's titles while the user types the first letters, not at
        the key that first needs the distinct words (the fifth letter: look-alikes)."""
        self._index_of(entries).warm()
