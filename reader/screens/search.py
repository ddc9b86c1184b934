"""Search across every document in the library; `enter` opens the document at the match.

The query field has the keys when the screen opens (every key types, `j` and `k` too);
`enter`, `↓` or `tab` go to the results, where `j`/`k` move and `/` comes back to the query.
Results are gathered by document (the document with the best match first), each match is
marked in its line of context, and the document opens with the search carried into the
reader, so `n`/`N` go on from the match chosen.

Each query runs in one exclusive worker that checks, between documents, whether a newer
query has cancelled it, so typing fast never piles up searches. Opening the screen brings
the library's search index in step (see `service.library_search`), with its progress in
the status line; what a cancelled build did is kept for the next time.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from contextlib import suppress

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from library.sanitize import one_line
from library.text_index import SearchCancelled
from reader.labels import clip_cells
from reader.messages import OpenDocument
from reader.widgets.filter_field import FilterField, type_in_turn
from reader.widgets.highlight_list import Piece
from reader.widgets.key_bar import KeyBar
from reader.widgets.result_list import ResultList
from service.library_search import LibrarySearch
from service.text_search import SearchHit, TextSearch, by_document
from service.workspace import Workspace

RESULT_LIMIT = 200
"""At most this many matches are listed."""

PER_DOCUMENT = 20
"""At most this many matches of one document are listed (`n` in the reader finds the rest),
so one long book cannot push every other document off the list."""

FULL_PASSES_APART = 10
"""While the screen is open, the collector's full passes come this many times more
seldom (see `LibrarySearchScreen._quiet_collector`)."""

CONTEXT_INDENT = "  "
"""Each match's line of context stands under its document's title, indented."""


class LibrarySearchScreen(Screen[None]):
    """A query field over the matches in every document, gathered by document."""

    HELP_TITLE = "Search keys"
    SHOWS = "search_library"
    """The app action that opens this screen: the palette does not offer it here."""
    BINDINGS = [
        Binding("escape", "close", "Library", id="search.close", tooltip="Back to the library"),
        # A priority key, so keys typed right after `/` in one burst go into the field.
        Binding(
            "slash",
            "edit_query",
            "Query",
            id="search.query",
            tooltip="Back to the query, to change it",
            priority=True,
        ),
    ]

    class Found(Message):
        """A search finished (handler: `on_library_search_screen_found`)."""

        def __init__(self, query: str, results: tuple[SearchHit, ...]) -> None:
            super().__init__()
            self.query = query
            self.results = results

    class Indexing(Message):
        """The index is being brought in step (handler: `on_library_search_screen_indexing`)."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        """The library searched."""
        self._search_over: TextSearch | LibrarySearch | None = None
        """The search over every document, made on the first query (in the worker)."""
        self._making = threading.Lock()
        """Held while the search is made: one worker brings the index in step at a time."""
        self._query = ""
        self.results: tuple[SearchHit, ...] = ()
        """The matches listed, in the order shown (by document)."""
        self._shown_query = ""
        """The query whose matches are listed (the one typed may be newer)."""
        self.shown_at = 0.0
        """When they were listed (`time.perf_counter`), for the benchmarks."""
        self._collector_settings: tuple[int, int, int] | None = None
        """The collector's thresholds before the first query (see `_quiet_collector`)."""
        self._thaw_on_close = False
        """Whether closing gives the objects set aside back to the collector."""

    def compose(self) -> ComposeResult:
        yield Static(Content(" Search every document"), id="search-title")
        yield FilterField(placeholder="Words to find (typos are forgiven)", id="search-query")
        yield ResultList(id="search-results")
        yield Static(id="search-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_focus(self._field)
        self._prepare()

    @work(
        thread=True,
        exit_on_error=False,
        group="library-search-prepare",
        description="prepare the search across the library",
    )
    def _prepare(self) -> None:
        """Make the search over every document as the screen opens, so the first key does
        not wait for it: listing the catalog in the library's order holds the GIL for some
        30 ms at 50,000 documents, better spent before typing than during it; and an index
        that is behind starts catching up at once, its progress in the status line."""
        worker = get_current_worker()
        with suppress(SearchCancelled):  # the screen closed first
            search = self._searcher(lambda: worker.is_cancelled)
            if not self.is_attached and isinstance(search, LibrarySearch):
                search.close()  # closed while it was made: `on_unmount` came too early

    def on_key(self, event: events.Key) -> None:
        """A character that reaches the screen itself was typed before the query field had
        the keys (right after `f`, in one burst): hand it back to the app, which gives it
        to the field now, in order. (The field stops every character it types.)"""
        if event.is_printable and self.focused is self._field:
            event.stop()
            self.app.post_message(events.Key(event.key, event.character))

    @property
    def shown_query(self) -> str:
        """The query whose results are listed (the one typed may be newer)."""
        return self._shown_query

    @property
    def _field(self) -> FilterField:
        return self.query_one("#search-query", FilterField)

    @on(FilterField.Changed, "#search-query")
    def _changed(self, event: FilterField.Changed) -> None:
        self._query = event.value
        if not event.value.strip():
            self._show(event.value, ())
            return
        self._quiet_collector()
        self._search(event.value)

    def _quiet_collector(self) -> None:
        """Keep Python's collector from going over the whole app while searches run.

        A full pass of the collector goes over every object the app holds (some 160,000
        with 50,000 documents listed and their filter), holding the GIL for 70 to 300 ms,
        and each search's allocations brought one on every query or two: the UI thread
        waited that long in the middle of typing. So, at the first query, what the app
        holds then is set aside from the collector's passes (`gc.freeze`: reference
        counting still frees whatever is let go), and full passes come ten times more
        seldom; both are undone when the screen closes (unless the app had set objects
        aside itself: they stay so). Young objects are collected as ever.
        """
        if self._collector_settings is not None:
            return
        self._collector_settings = gc.get_threshold()
        self._thaw_on_close = gc.get_freeze_count() == 0
        young, middle, full = self._collector_settings
        gc.freeze()
        gc.set_threshold(young, middle, full * FULL_PASSES_APART)

    def action_edit_query(self) -> None:
        field = self._field
        if field.has_focus:
            type_in_turn(field, "slash", "/")  # a slash typed in the query is part of it
            return
        self.set_focus(field)

    @work(thread=True, exclusive=True, exit_on_error=False, group="library-search")
    def _search(self, query: str) -> None:
        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        try:
            search = self._searcher(cancelled)
            found = search.find(query, RESULT_LIMIT, per_document=PER_DOCUMENT, cancelled=cancelled)
        except SearchCancelled:
            return  # a newer query's worker has taken over
        self.post_message(self.Found(query, found))

    def _searcher(self, cancelled: Callable[[], bool]) -> TextSearch | LibrarySearch:
        """The search over every document, made by the first worker that needs it."""
        with self._making:
            if self._search_over is None:
                self._search_over = self.workspace.text_search(
                    progress=self._tell_indexing, cancelled=cancelled
                )
            return self._search_over

    def _tell_indexing(self, done: int, total: int) -> None:
        self.post_message(self.Indexing(done, total))

    def on_library_search_screen_indexing(self, event: LibrarySearchScreen.Indexing) -> None:
        share = 100 * event.done // event.total if event.total else 100
        status = f"Building the search index · {share} % (once; adds keep it current)"
        self.query_one("#search-status", Static).update(Content(status))

    def on_unmount(self) -> None:
        if self._collector_settings is not None:
            gc.set_threshold(*self._collector_settings)
            if self._thaw_on_close:
                gc.unfreeze()
        if isinstance(self._search_over, LibrarySearch):
            self._search_over.close()

    def on_library_search_screen_found(self, event: LibrarySearchScreen.Found) -> None:
        if event.query == self._query:
            self._show(event.query, event.results)

    def _show(self, query: str, results: tuple[SearchHit, ...]) -> None:
        """List `results` under their documents' titles, the cursor on the best match.
        Only the lines in view are ever worked out (see `ResultList`)."""
        self._shown_query = query
        self.shown_at = time.perf_counter()
        groups = by_document(results)
        hits = self.results = tuple(hit for group in groups for hit in group)
        matches: list[int | None] = []
        titles: dict[int, tuple[SearchHit, ...]] = {}
        for group in groups:
            titles[len(matches)] = group
            matches.append(None)
            listed = len(matches) - len(titles)  # the matches above this title
            matches.extend(range(listed, listed + len(group)))

        def draw(line: int, width: int) -> list[Piece]:
            match = matches[line]
            if match is None:
                return self._heading(titles[line], width)
            return self._hit_line(hits[match], width)

        self.query_one("#search-results", ResultList).set_lines(matches, draw)
        self._update_status(query, len(results), len(groups))

    @staticmethod
    def _heading(group: tuple[SearchHit, ...], width: int) -> list[Piece]:
        """A document's line above its matches: its title and how many matched."""
        count = len(group)
        more = "+" if count >= PER_DOCUMENT else ""
        found = f"  {count}{more} match" + ("" if count == 1 else "es")
        title = clip_cells(one_line(group[0].title), max(8, width - len(found)))
        return [(title, "result-list--title"), (found, "result-list--count")]

    def _hit_line(self, hit: SearchHit, width: int) -> list[Piece]:
        """A match in its line of context, the match marked (plain text, never markup)."""
        search = self._search_over
        if search is None:
            return []
        line = search.context_line(hit, width=width - len(CONTEXT_INDENT))
        text = one_line(line.text)
        if len(text) != len(line.text):  # `one_line` changed the line: no marking then
            return [(CONTEXT_INDENT, ""), (text, "result-list--context")]
        return [
            (CONTEXT_INDENT, ""),
            (text[: line.match_start], "result-list--context"),
            (text[line.match_start : line.match_end], "result-list--match"),
            (text[line.match_end :], "result-list--context"),
        ]

    def _update_status(self, query: str, count: int, documents: int) -> None:
        if not query.strip():
            status = ""
        elif not count:
            status = "No matches."
        else:
            found = f"{count} match{'' if count == 1 else 'es'}"
            where = f"{documents} document{'' if documents == 1 else 's'}"
            status = f"{found} in {where} · enter opens the document there, n goes on"
        search = self._search_over
        unreadable = len(search.unreadable) if search is not None else 0
        if unreadable:
            status += f" ({unreadable} document(s) could not be read and were skipped)"
        for warning in search.warnings if search is not None else ():
            status += f" · {warning}"
        self.query_one("#search-status", Static).update(Content(status))

    @on(ResultList.Chosen, "#search-results")
    def _selected(self, event: ResultList.Chosen) -> None:
        hit = self.results[event.match]
        self.dismiss(None)
        self.app.post_message(OpenDocument(hit.document_id, hit.match.start, self._query))

    def action_close(self) -> None:
        self.dismiss(None)
