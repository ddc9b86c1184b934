"""How many terminal cells the characters of a document take once made `visible`.

Almost every document is made of characters that take exactly one cell (ASCII, Latin,
Greek, Cyrillic, common punctuation), and such text is wrapped by counting characters
with one regex pass. Only the rest (CJK, emoji, combining marks, zero-width characters)
is measured character by character, with the measure the widget draws with (`CharCells`,
Rich's in the app), passed in so that this module needs no terminal library.
"""

from __future__ import annotations

import re
from collections.abc import Callable

CharCells = Callable[[str], int]
"""The cells one character takes on the terminal (0, 1 or 2), as the drawing side measures
it; it must say 1 for every character of `SINGLE_CELL_RANGES` (a test checks Rich's)."""

SINGLE_CELL_RANGES: tuple[tuple[int, int], ...] = (
    (0x00, 0x09),  # C0 controls and tab: drawn as one-cell stand-ins or a space
    (0x0B, 0x7E),  # ASCII (newline excluded: it ends a line)
    (0x7F, 0x9F),  # DEL and C1 controls: drawn as one-cell stand-ins
    (0xA0, 0xAC),  # Latin-1 (the soft hyphen U+00AD is left to the careful path)
    (0xAE, 0x2FF),  # Latin-1, Latin Extended A/B, IPA, spacing modifiers
    (0x370, 0x482),  # Greek and Cyrillic
    (0x48A, 0x52F),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2010, 0x2027),  # dashes, quotes, bullets, ellipsis
    (0x2030, 0x205E),  # per mille, primes, guillemets
    (0x20A0, 0x20C0),  # currency signs
    (0x2100, 0x214F),  # letterlike symbols
    (0x2190, 0x22FF),  # arrows and mathematical operators
    (0x2500, 0x25FC),  # box drawing, blocks, geometric shapes
)
"""Code points that always take exactly one terminal cell once made `visible`.

Text made only of these is wrapped by counting characters (one regex pass); anything else
(CJK, emoji, combining marks, zero-width characters) is measured cell by cell.
"""

MAY_NOT_BE_ONE_CELL = re.compile(
    "[^\n" + "".join(f"\\U{start:08x}-\\U{end:08x}" for start, end in SINGLE_CELL_RANGES) + "]"
)
"""Finds a character outside `SINGLE_CELL_RANGES` (newline excepted: it ends a line)."""

_NOT_ONE_CELL_RUN = re.compile(MAY_NOT_BE_ONE_CELL.pattern + "+")

VARIATION_SELECTOR_16 = "\ufe0f"
"""Counted as one cell: it may widen the character before it, and a width must never be
under-estimated (a line would overflow the column)."""


def cell_widths(shown: str, cells: CharCells) -> list[int]:
    """The cells of each character of `shown` (text already made `visible`).

    Characters of `SINGLE_CELL_RANGES` count 1 without asking `cells`; a variation selector
    counts 1 too (see `VARIATION_SELECTOR_16`).
    """
    widths = [1] * len(shown)
    for run in _NOT_ONE_CELL_RUN.finditer(shown):
        widths[run.start() : run.end()] = [
            1 if char == VARIATION_SELECTOR_16 else cells(char) for char in run.group()
        ]
    return widths
