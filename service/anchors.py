"""Re-finding a document's highlights after its text changed, and saying what happened."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from annotations.model import AnchorStatus
from annotations.store import AnnotationStore


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
    store.save_many(found)
    statuses = [h.status for h in found]
    return AnchorReport(
        checked=len(found),
        exact=statuses.count(AnchorStatus.EXACT),
        moved=statuses.count(AnchorStatus.MOVED),
        fuzzy=statuses.count(AnchorStatus.FUZZY),
        orphaned=statuses.count(AnchorStatus.ORPHANED),
    )


def content_hash_of(text: str) -> str:
    """The sha256 of `text` as the catalog records it (`Entry.content_hash`)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
