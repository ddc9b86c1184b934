"""Re-finding a document's highlights after its text changed, and saying what happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotations.model import AnchorStatus, Highlight
from annotations.store import AnnotationStore
from library.catalog import Catalog
from library.safe_files import StatKey, StoreError
from library.text_hash import text_hash

if TYPE_CHECKING:
    from library.document import Document  # (and the structure model): an opened one


@dataclass(frozen=True, slots=True)
class AnchorReport:
    """What re-finding a document's highlights did."""

    checked: int
    """Highlights that had been anchored against another version of the text."""
    exact: int
    """Of those, found where they were."""
    moved: int
    """Found, same text, elsewhere."""
    fuzzy: int
    """Found on similar text."""
    orphaned: int
    """Not found: kept, with their quote, for the reader to place or delete."""

    def sentence(self) -> str:
        """One plain sentence for the reader, or "" when nothing had to be re-found."""
        if not self.checked:
            return ""
        found = self.exact + self.moved + self.fuzzy
        text = (
            f"This document changed since it was annotated: {found} of {self.checked} "
            f"highlight{'s' if self.checked != 1 else ''} found again"
        )
        if self.fuzzy:
            text += f" ({self.fuzzy} on similar text)"
        if self.orphaned:
            text += f"; {self.orphaned} lost {'their' if self.orphaned != 1 else 'its'} place"
            text += " and {} kept for review".format("are" if self.orphaned != 1 else "is")
        return text + "."


NOTHING_TO_REFIND = AnchorReport(0, 0, 0, 0, 0)
"""The report when every highlight was made on the current text."""


def refresh_anchors(
    store: AnnotationStore,
    document_id: str,
    text: str,
    content_hash: str,
    old_text: str | None = None,
) -> AnchorReport:
    """Re-find the highlights of `document_id` that were made on another version of its
    text, save them, and say what happened. Nothing is dropped: the unfound are orphaned.

    Cheap when nothing changed: only highlights whose content hash differs from
    `content_hash` are looked at, and the re-anchoring code is imported only then.
    """
    stale = [h for h in store.for_document(document_id) if h.content_hash != content_hash]
    if not stale:
        return NOTHING_TO_REFIND
    from annotations.anchoring import reanchor

    found = reanchor(stale, old_text, text, content_hash)
    # Saved only where nothing changed meanwhile: another copy may have written a note.
    store.save_if_unchanged(zip(stale, found, strict=True))
    statuses = [h.status for h in found]
    return AnchorReport(
        checked=len(found),
        exact=statuses.count(AnchorStatus.EXACT),
        moved=statuses.count(AnchorStatus.MOVED),
        fuzzy=statuses.count(AnchorStatus.FUZZY),
        orphaned=statuses.count(AnchorStatus.ORPHANED),
    )


@dataclass(frozen=True, slots=True)
class _LibraryText:
    """The text the library holds for a document, read and checked against its hash."""

    text: str
    content_hash: str


class OpenedTextStore:
    """The `HighlightStore` through which an opened document's highlights are shown and
    saved: shown on the text the reader opened, saved on the text the library holds now.

    Another copy of newsreader (the command line's `add` of a changed file) may replace a
    document's text while the reader shows it. The stored highlights are then re-found in
    the new text, but the reader still shows, and selects on, the text it opened. So a
    highlight made or changed on the opened text is re-found in the library's text before
    it is saved: none is stored with offsets into a text other than the one its hash
    names, or with the old hash once the catalog names a new one (exports and the command
    line would take it as placed on the new text until the reader reopened it). Stored
    highlights are shown re-found on the opened text, so the reader still draws them
    where their words are.

    It lives in the service because only the service has both sides: the store keeps
    records and knows no text, and `DocumentAnnotations` is a pure model of one open text
    over any `HighlightStore`. Until the text changes it passes calls through, at the cost
    of `Catalog.change_key` (two `stat` calls) each time.
    """

    def __init__(self, store: AnnotationStore, catalog: Catalog, document: Document) -> None:
        """Show and save the highlights of `document`, as opened, through `store`."""
        self._store = store
        self._catalog = catalog
        self._document_id = document.id
        self._text = document.text
        self._hash = document.content_hash
        self._catalog_key: StatKey | None = catalog.change_key()[0]
        self._library_hash: str | None = document.content_hash
        self._library_text: _LibraryText | None = None
        self._shown: dict[Highlight, Highlight] = {}

    def for_document(self, document_id: str) -> tuple[Highlight, ...]:
        """The stored highlights, those on a newer text re-found on the opened one."""
        stored = self._store.for_document(document_id)
        library = self._newer_library_text() if document_id == self._document_id else None
        if library is None:
            return stored
        unseen = [h for h in stored if h.content_hash == library.content_hash]
        unseen = [h for h in unseen if h not in self._shown]
        if unseen:
            from annotations.anchoring import reanchor

            found = reanchor(unseen, library.text, self._text, self._hash)
            self._shown.update(zip(unseen, found, strict=True))
        return tuple(self._shown.get(h, h) for h in stored)

    def save(self, highlight: Highlight) -> Highlight | None:
        """Save `highlight`, re-found first in the library's text if it was made on the
        opened text and the library holds a newer one."""
        library = None
        if highlight.content_hash == self._hash and highlight.document_id == self._document_id:
            library = self._newer_library_text()
        if library is not None:
            from annotations.anchoring import reanchor

            (highlight,) = reanchor((highlight,), self._text, library.text, library.content_hash)
        return self._store.save(highlight)

    def delete(self, document_id: str, highlight_id: str) -> Highlight | None:
        """Delete a highlight (ids do not depend on the text)."""
        return self._store.delete(document_id, highlight_id)

    def _newer_library_text(self) -> _LibraryText | None:
        """The library's text of the document when it is not the opened one, else None.

        None too when the document is no longer listed, or its new text cannot be read
        whole yet: a highlight is then saved as made, on the text its hash names, and
        found again when the document is next opened.
        """
        key = self._catalog.change_key()[0]
        if key != self._catalog_key:
            self._catalog_key = key
            try:
                self._library_hash = self._catalog.entry(self._document_id).content_hash
            except StoreError:  # removed by another copy, or the catalog is unreadable
                self._library_hash = None
        wanted = self._library_hash
        if wanted is None or wanted == self._hash:
            return None
        if self._library_text is None or self._library_text.content_hash != wanted:
            try:
                text = self._catalog.text(self._document_id)
            except StoreError:
                return None
            if text_hash(text) != wanted:
                return None  # the catalog names the new text a moment before it is in place
            self._library_text = _LibraryText(text, wanted)
            self._shown.clear()
        return self._library_text
