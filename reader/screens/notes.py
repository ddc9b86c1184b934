"""Every highlight and note in the library, fuzzy-searchable; `enter` opens it in place.

It works as the library does: the list has the keys (`j`/`k`, `g`/`G`, `enter`), `/` puts
the caret in the filter, where every key types (`j` and `k` too) until `enter`, `↓` or
`tab` goes back to the list, keeping the filter; `esc` clears the filter, then leaves.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from annotations.model import Highlight
from library.filtering import FilterIndex
from library.sanitize import one_line
from reader.messages import OpenDocument
from reader.widgets.filter_field import FilterField, type_in_turn
from reader.widgets.key_bar import KeyBar
from reader.widgets.note_list import NoteList
from service.workspace import Workspace


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
        self._titles: dict[str, str] = {}
        self.shown: tuple[Highlight, ...] = ()
        self._index: tuple[tuple[Highlight, ...], FilterIndex] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="notes-title")
        yield FilterField(placeholder="/ filters by quote, note, tag or title", id="notes-query")
        yield NoteList(id="notes-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self._titles = self.workspace.titles()
        shown = self.workspace.as_read(self.workspace.highlights())
        highlights = [h for h in shown if h.document_id in self._titles]
        self._all = tuple(sorted(highlights, key=lambda h: h.updated, reverse=True))
        self._fill("")
        self.set_focus(self.query_one("#notes-list", NoteList))

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
        if not query.strip():
            self.shown = self._all
        else:
            if self._index is None or self._index[0] is not self._all:
                fields = [
                    f"{h.search_text} {self._titles.get(h.document_id, '')}" for h in self._all
                ]
                self._index = (self._all, FilterIndex(fields))  # once, not at every key
            self.shown = tuple(self._all[i] for i in self._index[1].ranked(query))
        self.query_one("#notes-list", NoteList).set_notes(self.shown, self._titles)
        total = len(self._all)
        text = f" Notes · {total} highlight{'s' if total != 1 else ''}"
        if query.strip():
            shown = len(self.shown)
            text += f" · {shown} match{'' if shown == 1 else 'es'} for {one_line(query)!r}"
        if not total:
            text += " · open a document and press h to highlight"
        self.query_one("#notes-title", Static).update(Content(text))

    def on_highlight_list_chosen(self, event: NoteList.Chosen) -> None:
        highlight = self.shown[event.index]
        self.dismiss(None)
        self.app.post_message(OpenDocument(highlight.document_id, highlight.start))

    def action_close(self) -> None:
        self.dismiss(None)
