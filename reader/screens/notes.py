"""Every highlight and note in the library, fuzzy-searchable; `enter` opens it in place.

It works as the library does: the list has the keys (`j`/`k`, `g`/`G`, `enter`), `/` puts
the caret in the filter, where every key types (`j` and `k` too) until `enter`, `↓` or
`tab` goes back to the list, keeping the filter; `esc` clears the filter, then leaves.

A library's highlights can number tens of thousands: past `READ_AT_ONCE` bytes of
annotations files they are read in a worker thread (the screen says so meanwhile), the
`FIRST_ROWS` changed last first, from the journals written last (`AnnotationStore.recent`),
then all of them; the filter's index is made there too, before the first key. Past
`FILTER_AT_ONCE` highlights each key filters in a worker, the newest query cancelling the
older one's work, so typing never waits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from annotations.journal import newest_first
from annotations.model import Highlight
from library.filtering import FilterIndex
from library.safe_files import StoreError
from library.sanitize import one_line
from reader.messages import OpenDocument
from reader.notices import tell_store_warnings
from reader.widgets.filter_field import FilterField, type_in_turn
from reader.widgets.key_bar import KeyBar
from reader.widgets.note_list import NoteList
from service.workspace import Workspace

READ_AT_ONCE = 256 * 1024
"""Bytes of annotations files up to which the notes are read as the screen opens (a few
hundred highlights); beyond, in a worker thread, the screen showing at once."""

FIRST_ROWS = 100
"""Highlights read first, and shown while the rest are read (more than a screen holds)."""

FILTER_AT_ONCE = 2_000
"""Up to this many highlights the filter runs as each key is typed (some 10 ms); beyond,
in a worker thread, so typing never waits for it."""


class NotesScreen(Screen[None]):
    """Lists highlights (newest first); `/` filters them by quote, note, tag and title."""

    HELP_TITLE = "Notes keys"
    SHOWS = "notes"
    """The app action that opens this screen: the palette does not offer it here."""
    BINDINGS = [
        # A priority key, so a filter typed in one burst with the `/` goes into the field.
        Binding(
            "slash",
            "filter",
            "Filter",
            id="notes.filter",
            tooltip="Filter by quote, note, tag or title (typos are forgiven)",
            priority=True,
        ),
        Binding(
            "escape",
            "escape",
            "Library",
            id="notes.close",
            tooltip="Clear the filter, else back to the library",
        ),
        Binding(
            "q", "close", "Library", show=False, id="notes.quit", tooltip="Back to the library"
        ),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        """The library whose notes are listed."""
        self._all: tuple[Highlight, ...] = ()
        self._titles: Mapping[str, str] = {}
        self.shown: tuple[Highlight, ...] = ()
        self.reading = False
        """Whether the notes are still being read (in a worker)."""
        self._index: tuple[tuple[Highlight, ...], FilterIndex] | None = None
        self._index_lock = threading.Lock()
        self._filter_turn = object()
        """The newest filtering handed to a worker: only its result is shown."""

    def compose(self) -> ComposeResult:
        yield Static(id="notes-title")
        yield FilterField(placeholder="/ filters by quote, note, tag or title", id="notes-query")
        yield NoteList(id="notes-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#notes-list", NoteList))
        if self.workspace.annotations.all_journal_bytes() <= READ_AT_ONCE:
            self._listed(*self._read())
            return
        self.reading = True
        self._update_title("")
        self._read_in_background()

    def _read(self) -> tuple[Mapping[str, str], tuple[Highlight, ...]]:
        """Every document's title, and the highlights of the documents in the library,
        newest change first."""
        titles = self.workspace.titles()
        shown = self.workspace.as_read(self.workspace.highlights())
        return titles, newest_first(h for h in shown if h.document_id in titles)

    def _read_first(self) -> tuple[Mapping[str, str], tuple[Highlight, ...]]:
        """The highlights changed last (`FIRST_ROWS` at least) and their documents' titles,
        without reading the whole catalog."""
        recent = self.workspace.annotations.recent(FIRST_ROWS)
        titles: dict[str, str] = {}
        for document_id in {h.document_id for h in recent}:
            try:
                titles[document_id] = self.workspace.catalog.entry(document_id).title
            except StoreError:  # removed from the library (or unreadable): not listed
                continue
        shown = self.workspace.as_read([h for h in recent if h.document_id in titles])
        return titles, tuple(shown)

    @work(thread=True, exclusive=True, group="notes-reading", description="reading notes")
    def _read_in_background(self) -> None:
        """Read the notes off the UI thread: the first screen's, then all of them; then
        make the filter's index (before the first key needs it)."""
        worker = get_current_worker()
        titles, first = self._read_first()
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self._first_read, titles, first)
        titles, highlights = self._read()
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self._listed, titles, highlights)
        if len(highlights) > FILTER_AT_ONCE:
            self._index_of(highlights, titles).warm()  # the words, before the first key

    def _first_read(self, titles: Mapping[str, str], highlights: tuple[Highlight, ...]) -> None:
        """Show the notes changed last while the rest are read (unless a filter is typed:
        its matches come with the whole list)."""
        if self.reading and not self._field.value.strip():
            self._titles = titles
            self.shown = highlights
            self.query_one("#notes-list", NoteList).set_notes(highlights, titles)

    def _listed(self, titles: Mapping[str, str], highlights: tuple[Highlight, ...]) -> None:
        notes = self.query_one("#notes-list", NoteList)
        moved_to = self.shown[notes.cursor].id if self.shown and notes.cursor else None
        self.reading = False
        self._titles = titles
        self._all = highlights
        self._fill(self._field.value)
        if moved_to is not None and self.shown is highlights:
            # The cursor was moved in the first rows: it stays on that highlight.
            at = next((i for i, h in enumerate(highlights) if h.id == moved_to), 0)
            notes.cursor = at
        tell_store_warnings(self, self.workspace)

    @property
    def _field(self) -> FilterField:
        return self.query_one("#notes-query", FilterField)

    def action_filter(self) -> None:
        field = self._field
        if field.has_focus:
            type_in_turn(field, "slash", "/")  # a slash typed in the filter is part of it
            return
        # Focus at once (not on the next tick), so keys typed right after `/` land in the field.
        self.set_focus(field)

    @on(FilterField.Changed, "#notes-query")
    def _changed(self, event: FilterField.Changed) -> None:
        self._fill(event.value)

    def action_escape(self) -> None:
        """Clear the filter (back in the list), else leave."""
        field = self._field
        if field.value or field.has_focus:
            field.value = ""
            self.set_focus(self.query_one("#notes-list", NoteList))
        else:
            self.action_close()

    def _fill(self, query: str) -> None:
        self._filter_turn = object()  # a filtering still under way is not shown now
        if self.reading:
            self._update_title(query)  # the notes, once read, are filtered by what is typed
        elif not query.strip():
            self._show(self._all, query)
        elif len(self._all) <= FILTER_AT_ONCE:
            self._show(self._filtered(self._all, self._titles, query), query)
        else:
            self._filter_in_background(self._all, self._titles, query, self._filter_turn)

    def _filtered(
        self,
        highlights: tuple[Highlight, ...],
        titles: Mapping[str, str],
        query: str,
        stop: Callable[[], bool] | None = None,
    ) -> tuple[Highlight, ...]:
        """The highlights that match `query`, best first."""
        ranked = self._index_of(highlights, titles).ranked(query, stop)
        return tuple(highlights[i] for i in ranked)

    def _index_of(
        self, highlights: tuple[Highlight, ...], titles: Mapping[str, str]
    ) -> FilterIndex:
        """The filter's index of `highlights`, made once (by one thread at a time: a key
        typed while the reading worker makes it waits for it rather than make it again)."""
        with self._index_lock:
            if self._index is None or self._index[0] is not highlights:
                fields = [f"{h.search_text} {titles.get(h.document_id, '')}" for h in highlights]
                self._index = (highlights, FilterIndex(fields))
            return self._index[1]

    @work(thread=True, exclusive=True, group="notes-filter", description="filtering notes")
    def _filter_in_background(
        self,
        highlights: tuple[Highlight, ...],
        titles: Mapping[str, str],
        query: str,
        turn: object,
    ) -> None:
        """Filter many notes off the UI thread: the newest query's result is shown, and
        an older one's work stops as soon as a newer one starts (`exclusive`)."""
        worker = get_current_worker()
        shown = self._filtered(highlights, titles, query, lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_filtered, turn, query, shown)

    def _show_filtered(self, turn: object, query: str, shown: tuple[Highlight, ...]) -> None:
        if turn is self._filter_turn:  # else a newer result is on its way
            self._show(shown, query)

    def _show(self, shown: tuple[Highlight, ...], query: str) -> None:
        self.shown = shown
        self.query_one("#notes-list", NoteList).set_notes(self.shown, self._titles)
        self._update_title(query)

    def _update_title(self, query: str) -> None:
        total = len(self._all)
        text = f" Notes · {total} highlight{'s' if total != 1 else ''}"
        if self.reading:
            text = " Notes · reading…"
        elif query.strip():
            shown = len(self.shown)
            text += f" · {shown} match{'' if shown == 1 else 'es'} for {one_line(query)!r}"
        if not total and not self.reading:
            text += " · open a document and press h to highlight"
        self.query_one("#notes-title", Static).update(Content(text))

    def on_highlight_list_chosen(self, event: NoteList.Chosen) -> None:
        highlight = self.shown[event.index]
        self.dismiss(None)
        self.app.post_message(OpenDocument(highlight.document_id, highlight.start))

    def action_close(self) -> None:
        self.dismiss(None)
