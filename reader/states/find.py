"""What a search in the open document found, and which match `n`/`N`/`enter` went to."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # the search code is loaded by the first search, not by opening
    from library.search_index import Match

Span = tuple[int, int]
"""``(start, end)`` offsets into the document's text: here, the reading cursor's sentence."""

Wrap = Literal["top", "bottom"]
"""Where a step past the last (or first) match went round to."""

GOOD_MATCH_MARGIN = 5.0
"""How far below the best match's score (0-100) a match may score and still be one `enter`
goes to: a fuzzy search also lights weaker look-alikes (`harbour was` for `harbour mastr`),
and `enter` should not stop on one of those just because it comes first."""

Submission = Literal["clear", "go", "wait", "search"]
"""What `enter` in the find bar asks for: clear a blank search, go to a match of an answer
at hand, wait for the answer of the search running, or search first; after the last two,
go when the answer lands."""


@dataclass(frozen=True, slots=True)
class Step:
    """Where a step through the matches lands."""

    index: int
    """The match's index in reading order."""
    wrapped: Wrap | None
    """Set when the step went round the end of the document."""


class FindState:
    """The query, its matches (best first and in reading order), and the current match.

    Moving through matches works as in less and vim: `enter` goes to the first good match
    (scoring near the best) at or after the reading cursor, `n`/`N` go on through every
    match from the one gone to (or from the cursor, once the reader has moved away from
    it), and going round either end says so.

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
        self._starts: list[int] = []
        self.current: int | None = None
        """Index into `in_order` of the match last gone to, if any."""
        self.jump_when_found = False
        """Set when `enter` came before the answer: go to a match on arrival."""
        self.answered = False
        """Whether `best_first` answers `query` (False while its search runs)."""

    @property
    def current_match(self) -> Match | None:
        """The match `n`/`N`/`enter` last went to, if any."""
        return None if self.current is None else self.in_order[self.current]

    def type(self, query: str) -> bool:
        """The bar now says `query`; return whether a search must run (it is not blank).
        A blank query clears the matches."""
        changed = query != self.query
        self.query = query
        self.jump_when_found = False
        if query.strip():
            if changed:
                self.answered = False
            return True
        self.show(())
        return False

    def submit(self, query: str) -> Submission:
        """`enter` in the bar: clear a blank search, go to a match of one already answered,
        wait for the search of the query typed, or search a query not searched yet (the
        bar opened again on a cleared search); then go when the answer comes
        (`jump_when_found`)."""
        if not query.strip():
            return "clear"
        if query == self.query and self.answered:
            return "go"
        self.jump_when_found = True
        if query == self.query:
            return "wait"
        self.query = query
        self.answered = False
        return "search"

    def receive(self, query: str, matches: tuple[Match, ...]) -> bool:
        """An answer arrived; keep it if it answers the current query and is the first to
        (return whether): a second answer must not forget the match gone to."""
        if query != self.query or self.answered:
            return False
        self.show(matches)
        self.answered = True
        return True

    def show(self, matches: tuple[Match, ...]) -> None:
        """Hold `matches` (best first); no match is current yet."""
        self.best_first = matches
        self.in_order = tuple(sorted(matches, key=lambda m: m.start))
        self._starts = [m.start for m in self.in_order]
        self.current = None

    def clear(self) -> None:
        """Forget the search."""
        self.query = ""
        self.jump_when_found = False
        self.answered = False
        self.show(())

    def go(self, index: int) -> Match:
        """Make the match at `index` (reading order) current and return it."""
        self.current = index
        return self.in_order[index]

    def enter_step(self, cursor: Span) -> Step | None:
        """Where `enter` goes: the first good match (see `GOOD_MATCH_MARGIN`) at or after
        the start of the cursor's sentence `cursor`, round to the first one when there is
        none after it. When the cursor is on the match gone to already (`enter` again), the
        next match, as `n`."""
        if not self.in_order:
            return None
        if self._on_current(cursor):
            return self.step(1, cursor)
        good = self.best_first[0].score - GOOD_MATCH_MARGIN if self.best_first else 0.0
        count = len(self.in_order)
        after = bisect_left(self._starts, cursor[0])
        for turn in range(count):
            index = (after + turn) % count
            if self.in_order[index].score >= good:
                return Step(index, "top" if index < after else None)
        return self._from_cursor(1, cursor)  # not reached: the best match is good

    def step(self, delta: int, cursor: Span) -> Step | None:
        """The match one step forward (`delta` 1) or back (-1): from the current match
        while the cursor's sentence `cursor` still holds it, else from the cursor (as `n`
        in vim searches from where the cursor is). None when there are no matches.
        Stepping past either end goes round, and says so."""
        count = len(self.in_order)
        if not count:
            return None
        if self.current is None or not self._on_current(cursor):
            return self._from_cursor(delta, cursor)
        return _wrapped(self.current + delta, count)

    def _on_current(self, cursor: Span) -> bool:
        match = self.current_match
        return match is not None and match.start < cursor[1] and match.end > cursor[0]

    def _from_cursor(self, delta: int, cursor: Span) -> Step:
        """Forward: the first match starting at or after the cursor's sentence; back: the
        last one starting before it."""
        after = bisect_left(self._starts, cursor[0])
        return _wrapped(after if delta > 0 else after - 1, len(self.in_order))

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


def _wrapped(index: int, count: int) -> Step:
    """`index` brought round into ``0..count-1``, saying which end it went round."""
    if index >= count:
        return Step(0, "top")
    if index < 0:
        return Step(count - 1, "bottom")
    return Step(index, None)
