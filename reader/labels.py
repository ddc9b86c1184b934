"""Short labels shared by the command line and the app (no Textual import here)."""

from __future__ import annotations

ELLIPSIS = "…"
"""Ends a text cut short."""


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


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
