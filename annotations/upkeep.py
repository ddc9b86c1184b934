"""Keeping highlights attached to their text when a document changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotations.model import AnchorStatus

if TYPE_CHECKING:
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


def refresh_anchors(
    store: AnnotationStore,
    document_id: str,
    text: str,
    content_hash: str,
    old_text: str | None = None,
) -> AnchorReport:
    """Re-find the highlights of `document_id` that were made on another version of its
    text, save them, and say what happened. Nothing is dropped: the unfound are orphaned."""
    highlights = store.for_document(document_id)
    stale = [h for h in highlights if h.content_hash != content_hash]
    if not stale:
        return AnchorReport(0, 0, 0, 0, 0)
    from annotations.anchoring import reanchor  # only when something must be re-found

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
