"""Messages a screen posts to move the app somewhere; the app handles each.

Screens never reach into the app for its methods: they say where to go, and the app (the
one place that knows the screen stack and its modes) goes there.
"""

from __future__ import annotations

from textual.message import Message


class OpenDocument(Message):
    """Open a document in the reader (handler: `NewsreaderApp.on_open_document`)."""

    def __init__(self, doc_id: str, offset: int | None = None, query: str = "") -> None:
        super().__init__()
        self.doc_id = doc_id
        """The document to open."""
        self.offset = offset
        """Where to put the reading cursor; None for the remembered place."""
        self.query = query
        """A search to carry into the reader (a match of it at `offset`), so that `n`
        and `N` go on from there; empty for none."""


class ExportNotes(Message):
    """Export notes to Markdown in the background (handler: `NewsreaderApp.on_export_notes`)."""

    def __init__(self, doc_ids: tuple[str, ...] | None) -> None:
        super().__init__()
        self.doc_ids = doc_ids
        """The documents whose notes to export; None for every annotated one."""
