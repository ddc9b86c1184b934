"""A lost highlight being placed again: the place offered for it, and how sure that is."""

from __future__ import annotations

from dataclasses import dataclass

from annotations.model import Highlight
from library.sanitize import one_line


@dataclass(frozen=True, slots=True)
class Review:
    """The best place found for a lost (orphaned) highlight, waiting for `enter` or `esc`."""

    highlight: Highlight
    """The lost highlight."""
    start: int
    """Where the place offered starts in the current text."""
    end: int
    """Where it ends."""
    score: float
    """How closely the place resembles what was highlighted, 0–1."""

    def quote_line(self) -> str:
        """The lost quote on one line (the status line cuts it to the room it has)."""
        return one_line(self.highlight.quote)
