"""Short labels shared by the command line and the app (no Textual import here)."""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"
"""Ends a text cut short."""


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def char_cells(char: str) -> int:
    """How many terminal cells `char` takes: 2 for East Asian wide and fullwidth
    characters, 0 for combining marks and invisible format characters, else 1."""
    if char.isascii():
        return 1
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 1


def cell_width(text: str) -> int:
    """How many terminal cells `text` (one line) takes."""
    if text.isascii():
        return len(text)
    return sum(char_cells(char) for char in text)


def clip_cells(text: str, cells: int) -> str:
    """`text` cut to fit in `cells` terminal cells, an ellipsis marking the cut (the
    command line's `clip`: a wide character counts twice, and is never cut in half; a
    space just before the ellipsis is dropped)."""
    if cell_width(text) <= cells:
        return text
    if cells <= 0:
        return ""
    room = cells - 1  # for the ellipsis
    used = 0
    for index, char in enumerate(text):
        used += char_cells(char)
        if used > room:
            return text[:index].rstrip() + ELLIPSIS
    return text + ELLIPSIS


def progress_label(progress: float | None) -> str:
    """Say how far a document has been read, in four characters or fewer: `new` when it
    was never opened (`progress` is None)."""
    if progress is None:
        return "new"
    if progress <= 0:
        return "0%"
    if progress >= 0.995:
        return "done"
    return f"{progress:.0%}"


def length_label(minutes: int) -> str:
    """Reading time in at most seven characters: `4 min`, `2 h`, `41 h`."""
    if minutes < 60:
        return f"{minutes} min"
    return f"{round(minutes / 60)} h"
