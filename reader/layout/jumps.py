"""The place before the last jump, so that `''` (or backtick twice) goes back to it, as in
vim.

A jump is a move that leaves the reader's surroundings: a search match, `g`, `G`, a
highlight, a place chosen in a list. Going back is itself a jump, so pressing `''` again
returns: the reader can look something up and come back, and look again.
"""

from __future__ import annotations


class JumpMemory:
    """Where the reader was before the last jump, and whether half of `''` was typed."""

    __slots__ = ("previous", "pending")

    def __init__(self) -> None:
        self.previous: int | None = None
        """The reading place (a text offset) before the last jump; None before any."""
        self.pending = False
        """True after the first of the two keys of `''`."""

    def before_jump(self, here: int) -> None:
        """A jump leaves `here`: remember it."""
        self.previous = here

    def back(self, here: int) -> int | None:
        """Where `''` goes from `here` (None when no jump was made yet); `here` becomes
        the place to come back to."""
        target = self.previous
        if target is not None:
            self.previous = here
        return target

    def press(self) -> bool:
        """One of the keys of `''` was pressed; True when it completes the pair."""
        if self.pending:
            self.pending = False
            return True
        self.pending = True
        return False

    def other_key(self) -> None:
        """Any other key: a lone first half of `''` is forgotten."""
        self.pending = False
