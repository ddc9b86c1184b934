"""What a search in the open document found, and which match `n`/`N`/`enter` went to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # the search code is loaded by the first search, not by opening
    from library.search_index import Match

Wrap = Literal["top", "bottom"]
"""Where a step past the last (or first) match went round to."""


@dataclass(frozen=True, slots=True)
class Step:
    """Where a step through the matches lands."""

    index: int
    """The match's index in reading order."""
    wrapped: Wrap | None
    """Set when the step went round the end of the document."""


class FindState:
    """The query, its matches (best first and in reading order), and the current match.

    Searches run in a worker, so answers arrive late and out of order: `receive` keeps only
    the answer to the latest query.
    """

    def __init__(self) -> None:
        self.query = ""
        """What the search bar says now."""
        self.best_first: tuple[Match, ...] = ()
        """The matches of `query`, best first."""
        self.in_order: tuple[Match, ...] = ()
        """The same matches in reading order (what `n`/`N` walk)."""
        self.current: int | None = None
        """Index into `in_order` of the match last gone to, if any."""
        self.jump_when_found = False
        """Set when `enter` came before the answer: go to the best match on arrival."""

    @property
    def current_match(self) -> Match | None:
        """The match `n`/`N`/`enter` last went to, if any."""
        return None if self.current is None else self.in_order[self.current]

    @property
    def best_index(self) -> int | None:
        """Index into `in_order` of the best match, if there is any."""
        return self.in_order.index(self.best_first[0]) if self.best_first else None

    def type(self, query: str) -> bool:
        """The bar now says `query`; return whether a search must run (it is not blank).
        A blank query clears the matches."""
        self.query = query
        self.jump_when_found = False
        if query.strip():
            return True
        self.show(())
        return False

    def submit(self, query: str) -> Literal["clear", "jump", "search"]:
        """`enter` in the bar: clear a blank search, jump to the best match of one already
        answered, or search (and jump when the answer comes)."""
        if not query.strip():
            return "clear"
        if query == self.query and self.best_first:
            return "jump"
        self.query = query
        self.jump_when_found = True
        return "search"

    def receive(self, query: str, matches: tuple[Match, ...]) -> bool:
        """An answer arrived; keep it if it answers the current query (return whether)."""
        if query != self.query:
            return False
        self.show(matches)
        return True

    def show(self, matches: tuple[Match, ...]) -> None:
        """Hold `matches` (best first); no match is current yet."""
        self.best_first = matches
        self.in_order = tuple(sorted(matches, key=lambda m: m.start))
        self.current = None

    def clear(self) -> None:
        """Forget the search."""
        self.query = ""
        self.jump_when_found = False
        self.show(())

    def go(self, index: int) -> Match:
        """Make the match at `index` (reading order) current and return it."""
        self.current = index
        return self.in_order[index]

    def step(self, delta: int, cursor: int) -> Step | None:
        """The match one step forward (`delta` 1) or back (-1) from the current one, or
        from the reading cursor's offset `cursor` when none is current; None when there
        are no matches. Stepping past either end goes round, and says so."""
        count = len(self.in_order)
        if not count:
            return None
        if self.current is None:
            after = next((i for i, m in enumerate(self.in_order) if m.start >= cursor), count)
            index = after if delta > 0 else after - 1
        else:
            index = self.current + delta
        if index >= count:
            return Step(0, "top")
        if index < 0:
            return Step(count - 1, "bottom")
        return Step(index, None)

    def count_label(self, *, capped: bool) -> str:
        """What the search bar says of the matches: ``3 of 12``, ``12 matches``, ``no
        matches``; `capped` adds a ``+`` when the search stopped at a limit."""
        if not self.query.strip():
            return ""
        count = len(self.in_order)
        if not count:
            return "no matches"
        total = f"{count}+" if capped else str(count)
        if self.current is not None:
            return f"{self.current + 1} of {total}"
        return f"{total} match" + ("" if count == 1 else "es")
