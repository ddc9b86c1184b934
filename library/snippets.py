"""One line of context around a match, for lists of search results.

The search screen and `newsreader search` show each match inside a little of the text
around it. Documents are untrusted text and the line goes to a terminal, so control
characters are drawn visibly (`library.sanitize.visible`) and whitespace is folded onto
one line; cuts fall on word boundaries where one is near, so the line reads well.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from library.sanitize import visible

_WHITESPACE = re.compile(r"\s+")
_ELLIPSIS = "\u2026"


def _one_line(text: str) -> str:
    return _WHITESPACE.sub(" ", visible(text))


@dataclass(frozen=True, slots=True)
class ContextLine:
    """One line of context around a match, and where the match is in it."""

    text: str
    """The line (see `context_snippet`)."""
    match_start: int
    """Where the match starts in `text`."""
    match_end: int
    """Where the shown part of the match ends in `text` (a long match is cut)."""


def context_snippet(text: str, start: int, end: int, width: int = 80) -> str:
    """Return one line of at most `width` characters showing `text[start:end]` in context.

    Whitespace is collapsed, control characters are made visible (the line is meant for
    a terminal), and an ellipsis marks each end where the text goes on. Cuts fall on a
    word boundary when one is near. A match too long for the line is shown from its
    start.
    """
    return context_line(text, start, end, width).text


def context_line(text: str, start: int, end: int, width: int = 80) -> ContextLine:
    """`context_snippet`'s line, with where the match is in it (to mark it there)."""
    width = max(width, 12)
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    matched = _one_line(text[start:end])
    reach = 2 * width + 16
    before = _one_line(text[max(0, start - reach) : start])
    after = _one_line(text[end : end + reach])
    more_before = start - reach > 0
    more_after = end + reach < len(text)
    line = before + matched + after
    match_start, match_end = len(before), len(before) + len(matched)
    if len(matched) >= width - 2:
        first, last = match_start, match_start + width - 2
    else:
        room = width - 2 - len(matched)
        first = max(0, match_start - room // 2)
        last = min(len(line), match_end + room - (match_start - first))
        first = max(0, min(first, last - len(matched) - room))
        if first > 0:
            space = line.find(" ", first, match_start)
            if space != -1 and space - first <= 15:
                first = space + 1
        if last < len(line):
            space = line.rfind(" ", match_end, last)
            if space != -1 and last - space <= 15:
                last = space
    piece = line[first:last]
    shown = piece.strip(" ")
    prefix = _ELLIPSIS if first > 0 or more_before else ""
    suffix = _ELLIPSIS if last < len(line) or more_after else ""
    # Where the match landed: `first`, the stripped spaces and the ellipsis moved it.
    shift = len(prefix) - first - (len(piece) - len(piece.lstrip(" ")))
    low = max(len(prefix), min(match_start + shift, len(prefix) + len(shown)))
    high = max(low, min(match_end + shift, len(prefix) + len(shown)))
    return ContextLine(prefix + shown + suffix, low, high)
