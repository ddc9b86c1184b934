"""The reader screen: one document in a `DocumentView`, with a progress line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from library.catalog import Catalog, ReadingState
from library.document import Document
from library.sanitize import one_line
from reader.widgets.document_view import DocumentView

SAVE_DELAY = 1.0
"""Seconds of stillness before the reading position is written (and always on leaving)."""


class ReaderScreen(Screen[None]):
    """Shows one document; remembers where the reader is."""

    HELP_TITLE = "Reader keys"
    BINDINGS = [
        Binding("q", "back", "Library", id="reader.back", tooltip="Back to the library"),
        Binding("escape", "back", "Library", show=False, id="reader.back2"),
    ]

    def __init__(self, document: Document, offset: int = 0) -> None:
        super().__init__()
        self.document = document
        self._offset = offset
        self._progress = 0.0
        self._save_timer: Timer | None = None
        self._dirty = False

    @property
    def catalog(self) -> Catalog:
        catalog: Catalog = getattr(self.app, "catalog")  # noqa: B009 - set by NewsreaderApp
        return catalog

    def compose(self) -> ComposeResult:
        yield DocumentView(self.document, cursor_offset=self._offset, id="document")
        yield Static(id="reader-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DocumentView).focus()
        view = self.query_one(DocumentView)
        self._offset = view.cursor_offset
        self._progress = view.progress
        self._update_status()

    def on_document_view_cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        self._offset = event.offset
        self._progress = event.progress
        self._dirty = True
        self._update_status()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_position)

    def _update_status(self) -> None:
        words_left = round(self.document.words * (1 - self._progress))
        minutes = max(0, round(words_left / 230))
        left = "finished" if self._progress >= 0.995 else f"{minutes} min left"
        title = one_line(self.document.title)
        if len(title) > 60:
            title = title[:59] + "…"
        text = Content.assemble(
            (f" {self._progress:4.0%}", "bold"), f" · {left} · ", (title, "dim")
        )
        self.query_one("#reader-status", Static).update(text)

    def save_position(self) -> None:
        """Write the reading position now, if it changed."""
        if not self._dirty:
            return
        self._dirty = False
        from datetime import UTC, datetime

        opened = datetime.now(UTC).isoformat(timespec="seconds")
        state = ReadingState(offset=self._offset, progress=self._progress, opened=opened)
        self.catalog.save_reading_state(self.document.id, state)

    def on_unmount(self) -> None:
        self.save_position()

    def action_back(self) -> None:
        self.save_position()
        self.dismiss(None)
