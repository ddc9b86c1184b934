"""How long a text takes to read: a module of its own, so that the catalog's entries can
say it without importing the sentence splitter."""

from __future__ import annotations

WORDS_PER_MINUTE = 230
"""An adult's silent reading pace of news prose."""


def reading_minutes(words: int) -> int:
    """Return the estimated minutes needed to read `words` words, at least 1."""
    return max(1, (words + WORDS_PER_MINUTE // 2) // WORDS_PER_MINUTE)
