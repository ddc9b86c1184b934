"""An `AnnotationStore` that says which documents' highlights it changed.

Every change to a highlight, from the app or the command line (made, noted, tagged,
coloured, deleted, undone, imported, re-found in a changed text, restored with its
document) is a call to one of the store's writing methods. Telling a listener after each
one is what lets the notes folder follow every change without each workflow having to
remember it (see `annotations.mirror`).

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from annotations.model import Highlight
from annotations.store import AnnotationStore

ChangeListener = Callable[[tuple[str, ...]], None]
"""Told the ids of the documents whose highlights a write changed (or may have)."""


class WatchedAnnotationStore(AnnotationStore):
    """An `AnnotationStore` that tells `listener` after each write, with the documents it
    touched. A listener that fails never undoes or hides the write: it is only told."""

    def __init__(self, home: Path, listener: ChangeListener | None = None, **options: Any) -> None:
        """The store of the library at `home`; `listener` is told of its changes."""
        super().__init__(home, **options)
        self.listener = listener
        """Told the documents each write touched (None: nobody is told)."""

    def _tell(self, document_ids: Iterable[str]) -> None:
        if self.listener is None:
            return
        touched = tuple(dict.fromkeys(document_ids))
        if touched:
            self.listener(touched)

    def save_many(self, highlights: Iterable[Highlight]) -> tuple[Highlight | None, ...]:
        given = tuple(highlights)
        previous = super().save_many(given)
        self._tell(h.document_id for h in given)
        return previous

    def save_if_unchanged(self, changes: Iterable[tuple[Highlight, Highlight]]) -> int:
        given = tuple(changes)
        saved = super().save_if_unchanged(given)
        if saved:
            self._tell(now.document_id for _, now in given)
        return saved

    def save_newer(
        self, highlights: Sequence[Highlight], newer: Callable[[Highlight, Highlight], bool]
    ) -> tuple[list[Highlight], list[Highlight], list[Highlight]]:
        added, updated, unchanged = super().save_newer(highlights, newer)
        if added or updated:
            self._tell(h.document_id for h in (*added, *updated))
        return added, updated, unchanged

    def delete(self, document_id: str, highlight_id: str) -> Highlight | None:
        removed = super().delete(document_id, highlight_id)
        if removed is not None:
            self._tell((document_id,))
        return removed

    def save_unless_covered(self, highlight: Highlight) -> Highlight | None:
        covering = super().save_unless_covered(highlight)
        if covering is None:
            self._tell((highlight.document_id,))
        return covering

    def restore_document(self, document_id: str) -> int:
        count = super().restore_document(document_id)
        if count:
            self._tell((document_id,))
        return count
