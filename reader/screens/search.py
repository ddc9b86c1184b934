"""Search across every document in the library; `enter` opens the document at the match."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from library.catalog import Catalog
from library.sanitize import one_line
from library.search import Match, context_snippet, search_documents
from library.storage import StoreError
from reader.widgets.key_bar import KeyBar

RESULT_LIMIT = 200


class LibrarySearchScreen(Screen[None]):
    """A query field over a list of matches from every document, best first."""

    HELP_TITLE = "Search keys"
    BINDINGS = [
        Binding("escape", "close", "Library", id="search.close", tooltip="Back to the library"),
        Binding("down", "results", "Results", show=False, id="search.results"),
    ]

    class Found(Message):
        """A search finished (handler: `on_library_search_screen_found`)."""

        def __init__(self, query: str, results: list[tuple[str, Match]]) -> None:
            super().__init__()
            self.query = query
            self.results = results

    def __init__(self) -> None:
        super().__init__()
        self._texts: dict[str, str] | None = None
        self._titles: dict[str, str] = {}
        self._query = ""
        self._unreadable = 0
        self.results: list[tuple[str, Match]] = []

    @property
    def catalog(self) -> Catalog:
        catalog: Catalog = getattr(self.app, "catalog")  # noqa: B009 - set by NewsreaderApp
        return catalog

    def compose(self) -> ComposeResult:
        yield Static(Content(" Search every document"), id="search-title")
        yield Input(placeholder="Words to find (typos are forgiven)", id="search-query")
        yield OptionList(id="search-results")
        yield Static(id="search-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#search-query", Input))

    @on(Input.Changed, "#search-query")
    def _changed(self, event: Input.Changed) -> None:
        self._query = event.value
        if not event.value.strip():
            self._show(event.value, [])
            return
        self._search(event.value)

    @on(Input.Submitted, "#search-query")
    def _submitted(self) -> None:
        self.action_results()

    def action_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if results.option_count:
            results.highlighted = results.highlighted or 0
            self.set_focus(results)

    @work(thread=True, exclusive=True, exit_on_error=False, group="library-search")
    def _search(self, query: str) -> None:
        if self._texts is None:
            entries = self.catalog.entries()
            self._titles = {e.id: e.title for e in entries}
            texts: dict[str, str] = {}
            for entry in entries:
                try:
                    texts[entry.id] = self.catalog.text(entry.id)
                except StoreError:
                    self._unreadable += 1  # its text file is gone: search the others
            self._texts = texts
        found = search_documents(self._texts.items(), query, RESULT_LIMIT)
        self.post_message(self.Found(query, found))

    def on_library_search_screen_found(self, event: LibrarySearchScreen.Found) -> None:
        if event.query == self._query:
            self._show(event.query, event.results)

    def _show(self, query: str, results: list[tuple[str, Match]]) -> None:
        self.results = results
        options = self.query_one("#search-results", OptionList)
        options.clear_options()
        texts = self._texts or {}
        for index, (doc_id, match) in enumerate(results):
            title = one_line(self._titles.get(doc_id, doc_id))
            context = context_snippet(texts.get(doc_id, ""), match.start, match.end, width=100)
            prompt = Content.assemble((title, "bold"), "\n  ", (one_line(context), "dim"))
            options.add_option(Option(prompt, id=str(index)))
        count = len(results)
        if not query.strip():
            status = ""
        elif not count:
            status = "No matches."
        else:
            status = f"{count} match{'' if count == 1 else 'es'} · enter opens the document there"
        if self._unreadable:
            status += f" ({self._unreadable} document(s) could not be read and were skipped)"
        self.query_one("#search-status", Static).update(Content(status))

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        doc_id, match = self.results[int(event.option.id or 0)]
        open_document = getattr(self.app, "open_document")  # noqa: B009
        self.dismiss(None)
        self.app.call_later(open_document, doc_id, match.start)

    def action_close(self) -> None:
        self.dismiss(None)
