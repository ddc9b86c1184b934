"""A compact map from positions in a derived string back to the string it came from.

Normalising text for search can change its length (`'ß'` folds to `ss`, accents vanish,
runs of whitespace collapse), yet every match must point into the original text. A table
with one entry per character would cost tens of megabytes for a 3 MB book; `OffsetMap`
stores only the places where the shift between the two strings changes.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right


class OffsetMap:
    """Leads positions of a derived string back to the string it was derived from.

    Most characters map one to one, shifted by a constant; only the places where that
    shift changes are stored, as *segments*: `out[a:b]` came from `in[c:d]` with
    `b - a != d - c` (or a character that swallowed the marks after it). Each output
    character in a segment stands for the whole input span of the segment. A lookup is
    one bisection, so a 3 MB text needs no per-character table.
    """

    __slots__ = ("_out_starts", "_out_ends", "_in_starts", "_in_ends")

    def __init__(self) -> None:
        self._out_starts = array("q")
        self._out_ends = array("q")
        self._in_starts = array("q")
        self._in_ends = array("q")

    def add(self, out_start: int, out_end: int, in_start: int, in_end: int) -> None:
        """Append a segment; segments must come in order."""
        self._out_starts.append(out_start)
        self._out_ends.append(out_end)
        self._in_starts.append(in_start)
        self._in_ends.append(in_end)

    def swallow(self, out_pos: int, in_pos: int) -> None:
        """Let the output character before `out_pos` also stand for input `in_pos`.

        Used for characters that vanish (combining accents, zero-width characters): they
        belong to the character they decorate, so a match ending there covers them.
        """
        if self._out_ends and self._out_ends[-1] == out_pos and self._in_ends[-1] == in_pos:
            self._in_ends[-1] = in_pos + 1
        elif out_pos == 0:  # nothing before it: a segment that produces nothing
            self.add(0, 0, in_pos, in_pos + 1)
        else:
            self.add(out_pos - 1, out_pos, in_pos - 1, in_pos + 1)

    def locate(self, pos: int) -> tuple[int, int, bool, bool]:
        """Return `(in_start, in_end, first, last)` for output position `pos`.

        `first`/`last` tell whether `pos` is the first/last output character of what its
        input span produced; a match boundary elsewhere would split a character.
        """
        index = bisect_right(self._out_starts, pos) - 1
        shift = 0
        if index >= 0:
            out_start, out_end = self._out_starts[index], self._out_ends[index]
            if pos < out_end:
                return (
                    self._in_starts[index],
                    self._in_ends[index],
                    pos == out_start,
                    pos == out_end - 1,
                )
            shift = self._in_ends[index] - out_end
        return pos + shift, pos + shift + 1, True, True

    def __len__(self) -> int:
        return len(self._out_starts)
