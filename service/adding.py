"""What adding files to the library did, as the command line and the app report it."""

from __future__ import annotations

from dataclasses import dataclass

from library.entries import AddResult
from service.anchors import AnchorReport


@dataclass(frozen=True, slots=True)
class AddOutcome:
    """One add: the catalog's result, and what followed for the highlights."""

    result: AddResult
    """Which files were added, updated, already there, or could not be read."""
    restored: tuple[tuple[str, int], ...] = ()
    """``(document id, count)`` for each added document whose earlier highlights (kept
    when it was removed) came back."""
    anchors: tuple[tuple[str, AnchorReport], ...] = ()
    """``(document id, report)`` for each updated document whose highlights had to be
    found again in its new text."""
    problems: tuple[str, ...] = ()
    """One sentence per highlight store that refused a write while restoring or
    re-anchoring; the documents themselves were added."""

    @property
    def touched(self) -> tuple[str, ...]:
        """The ids of every document the add named: added, updated or already there."""
        result = self.result
        return tuple(e.id for e in (*result.added, *result.updated, *result.unchanged))

    def summary(self) -> str:
        """One or two plain sentences on what the add did (the app's notice)."""
        result = self.result
        parts = []
        if result.added:
            parts.append(f"added {len(result.added)}")
        if result.updated:
            parts.append(f"updated {len(result.updated)}")
        if result.unchanged:
            parts.append(f"{len(result.unchanged)} already in the library")
        text = ", ".join(parts).capitalize() + "." if parts else ""
        if result.failed:
            first = result.failed[0][1]
            more = f" (and {len(result.failed) - 1} more)" if len(result.failed) > 1 else ""
            text = f"{text} Skipped: {first}{more}".strip()
        text = text or "Nothing to add there."
        for problem in self.problems:
            text = f"{text} {problem}"
        return text
