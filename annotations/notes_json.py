"""newsreader's own JSON export of highlights and notes: everything, for a lossless restore.

The format (`export_json`)::

    {"format": "newsreader-notes", "version": 1, "exported": "<ISO time>",
     "documents": [{"id", "title", "source", "date", "content_hash", "path"}, ...],
     "highlights": [<annotations.model.to_record(h)>, ...]}

The documents are there so that an import into another library can find a highlight's
document by the hash of its text when the id is unknown (see `annotations.notes_import`).

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from annotations.model import Highlight, timestamp, to_record
from annotations.store import AnnotationStore
from library.catalog import Catalog
from library.entries import Entry
from library.sanitize import printable_json

FORMAT = "newsreader-notes"
"""The ``format`` of newsreader's own JSON export."""

VERSION = 1
"""The version of that format written and read here."""


def export_json(
    catalog: Catalog,
    store: AnnotationStore,
    doc_ids: Iterable[str] | None = None,
    *,
    now: datetime | None = None,
) -> str:
    """Return every highlight (of `doc_ids`, or of the whole library) as newsreader JSON.

    Args:
        doc_ids: Full document ids; None means the whole library (including highlights
            of documents the catalog no longer knows, so nothing is lost).
        now: The export time (default: now).

    Raises:
        UnknownDocument: One of `doc_ids` is not in the library.
    """
    entries, highlights = selection(catalog, store, doc_ids)
    data = {
        "format": FORMAT,
        "version": VERSION,
        "exported": timestamp(now),
        "documents": [
            {
                "id": entry.id,
                "title": entry.title,
                "source": entry.source,
                "date": entry.date,
                "content_hash": entry.content_hash,
                "path": entry.path,
            }
            for entry in entries
        ],
        "highlights": [to_record(h) for h in highlights],
    }
    return printable_json(data)


def selection(
    catalog: Catalog, store: AnnotationStore, doc_ids: Iterable[str] | None
) -> tuple[list[Entry], list[Highlight]]:
    """The documents to export and their highlights: those of `doc_ids`, or everything.

    Raises:
        UnknownDocument: One of `doc_ids` is not in the library.
    """
    if doc_ids is None:
        entries = sorted(catalog.entries(), key=lambda e: e.id)
        return entries, list(store.all())
    wanted = list(dict.fromkeys(doc_ids))
    chosen = [catalog.entry(doc_id) for doc_id in wanted]
    return chosen, [h for doc_id in wanted for h in store.for_document(doc_id)]
