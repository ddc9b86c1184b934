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

from library.sanitize import one_line
from reader.messages import OpenDocument
from reader.widgets.key_bar import KeyBar
from service.text_search import SearchHit, TextSearch
from service.workspace import Workspace

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

        def __init__(self, query: str, results: tuple[SearchHit, ...]) -> None:
            super().__init__()
            self.query = query
            self.results = results

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        """The library searched."""
        self._search_over: TextSearch | None = None
        """Every document's text, read on the first query (in the worker)."""
        self._query = ""
        self.results: tuple[SearchHit, ...] = ()

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
            self._show(event.value, ())
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
        if self._search_over is None:
            self._search_over = self.workspace.text_search()
        self.post_message(self.Found(query, self._search_over.find(query, RESULT_LIMIT)))

    def on_library_search_screen_found(self, event: LibrarySearchScreen.Found) -> None:
        if event.query == self._query:
            self._show(event.query, event.results)

    def _show(self, query: str, results: tuple[SearchHit, ...]) -> None:
        self.results = results
        options = self.query_one("#search-results", OptionList)
        options.clear_options()
        search = self._search_over
        for index, hit in enumerate(results):
            title = one_line(hit.title)
            context = search.context(hit, width=100) if search is not None else ""
            prompt = Content.assemble((title, "bold"), "\n  ", (one_line(context), "dim"))
            options.add_option(Option(prompt, id=str(index)))
        count = len(results)
        if not query.strip():
            status = ""
        elif not count:
            status = "No matches."
        else:
            status = f"{count} match{'' if count == 1 else 'es'} · enter opens the document there"
        unreadable = len(search.unreadable) if search is not None else 0
        if unreadable:
            status += f" ({unreadable} document(s) could not be read and were skipped)"
        self.query_one("#search-status", Static).update(Content(status))

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        hit = self.results[int(event.option.id or 0)]
        self.dismiss(None)
        self.app.post_message(OpenDocument(hit.document_id, hit.match.start))

    def action_close(self) -> None:
        self.dismiss(None)
