"""The reader's search in the open document: the find bar, the lit matches, `enter`, `n`
and `N`, and the keys typed after `enter` while the search is still answering.

Search moves as in less and vim: `enter` goes to the first match at or after the reading
cursor, `n`/`N` go on from there, and going round the end says so in the find bar (a toast
would cover its count). Every match gone to is a jump, so `''` comes back.

A search runs in a thread, and its answer can come after keys typed behind `enter` (a
paste, a fast typist): those keys wait, in order, and run once the cursor is on the match,
so ``/query⏎h`` highlights the match whatever the speed it was typed at.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.message import Message
from textual.screen import Screen

from library.sanitize import one_line
from reader.layout.marks import MarkKind, MarkLayer
from reader.states.find import FindState, Step
from reader.widgets.document_view import DocumentView
from reader.widgets.find_bar import FindBar
from reader.widgets.reader_status import ReaderStatus

if TYPE_CHECKING:
    from collections.abc import Sequence

    from library.document import Document
    from library.search_index import Match, SearchIndex

MATCH_LIMIT = 1000
"""At most this many matches are lit and counted."""


def document_matches(index: SearchIndex, query: str) -> tuple[Match, ...]:
    """The matches the find bar lights and counts: up to `MATCH_LIMIT`, look-alikes of a
    typo'd query included (not only the hundred best of the whole text: a reader far into
    a book wants those near them too)."""
    return index.find(query, limit=MATCH_LIMIT, approximate_limit=MATCH_LIMIT)


def capped(matches: Sequence[Match]) -> bool:
    """Whether the search stopped at its limit, so there may be more matches."""
    return len(matches) >= MATCH_LIMIT


HeldKey = tuple[str, str | None]
"""A key held while a search answers: its name and the character it types, if any."""


class ReaderSearch(Screen[None]):
    """The search half of the reader screen (`ReaderScreen` is the rest): a base class, so
    each half stays small; it needs the screen's `document`, `_view` and `_status`."""

    document: Document
    _view: DocumentView
    _status: ReaderStatus

    class MatchesFound(Message):
        """A search finished, or (`so_far`) found these first matches near the reader's
        place in a long text (handler: `on_reader_search_matches_found`)."""

        def __init__(self, query: str, matches: tuple[Match, ...], *, so_far: bool = False) -> None:
            super().__init__()
            self.query = query
            self.matches = matches
            self.so_far = so_far

    def __init__(self) -> None:
        super().__init__()
        self._find = FindState()
        # Mounted when first wanted: the first frame is drawn sooner without it.
        self._find_bar: FindBar | None = None
        self._held: deque[HeldKey] = deque()
        self._holding = False
        self._carried: tuple[str, int] | None = None
        """A search carried in (query, offset of its match), run when the screen shows."""

    @property
    def matches(self) -> tuple[Match, ...]:
        """The current search's matches in reading order."""
        return self._find.in_order

    @property
    def current_match(self) -> Match | None:
        """The match `n`/`N`/`enter` last went to, if any."""
        return self._find.current_match

    @property
    def holding_keys(self) -> bool:
        """True while keys typed after `enter` wait for the search's answer."""
        return self._holding

    def carry_search(self, query: str, offset: int) -> None:
        """Open with `query` searched, its match at `offset` the current one (the search
        screen opened the document there), so that `n`/`N` go on from it. Call before
        the screen is shown."""
        self._carried = (query, offset) if query.strip() else None

    @on(events.Mount)
    async def _show_carried_search(self) -> None:
        if self._carried is None:
            return
        if self._find_bar is None:
            self._find_bar = FindBar()
            await self.mount(self._find_bar, before=self._status)
        self._find_bar.show_query(self._carried[0])
        self.add_class("-finding")

    async def action_find(self) -> None:
        if self._find_bar is None:
            self._find_bar = FindBar()
            await self.mount(self._find_bar, before=self._status)
        bar = self._find_bar
        if bar.is_passing or bar.has_focus_within:
            # Typed after enter, or in the query (a slash is part of it): it waits its
            # turn behind the keys typed before it.
            bar.pass_key("slash", "/")
        else:
            bar.open()
            self.add_class("-finding")  # toasts move up, off the match count

    def on_find_bar_query_changed(self, event: FindBar.QueryChanged) -> None:
        if self._find.type(event.query):
            self._start_search(event.query)
        else:
            self._draw_matches()

    async def on_find_bar_submitted(self, event: FindBar.Submitted) -> None:
        decision = self._find.submit(event.query)
        if decision in ("wait", "search"):
            self._holding = True  # the keys after enter wait for the answer
            if decision == "search":
                self._start_search(event.query)
            return
        if decision == "clear":
            self.clear_search()
        else:
            self._enter()
        await self._release()

    async def on_find_bar_key_after_enter(self, event: FindBar.KeyAfterEnter) -> None:
        self._held.append((event.key, event.character))
        if not self._holding:
            await self._run_held()

    def on_find_bar_closed(self) -> None:
        self.clear_search()

    def clear_search(self) -> None:
        """Forget the search: no lit matches, the bar hidden, the cursor in the text
        (where the search put it)."""
        self._find.clear()
        self._draw_matches()
        if self._find_bar is not None:
            self._find_bar.close()
        self.remove_class("-finding")
        self.set_focus(self._view)

    def _start_search(self, query: str) -> None:
        """Search `query` in a thread, near the reading cursor first in a long text (which
        says it is searching meanwhile: its whole search takes seconds, and the count of
        the query before would stand for this one's)."""
        from library.search_index import SEARCHED_WHOLE

        if len(self.document.text) > SEARCHED_WHOLE and self._find_bar is not None:
            self._find_bar.show_count("", "searching…")
        self._search(query, (self._view.cursor_span or (0, 0))[0])

    @work(thread=True, exclusive=True, exit_on_error=False, group="find")
    def _search(self, query: str, around: int) -> None:
        from textual.worker import get_current_worker

        from library.search_index import index_for, near_matches

        matches: tuple[Match, ...] = ()
        worker = get_current_worker()
        text = self.document.text
        try:
            for so_far in near_matches(text, query, around, limit=MATCH_LIMIT):
                if worker.is_cancelled:
                    break  # a newer query took its place: its own search says more
                self.post_message(self.MatchesFound(query, so_far, so_far=True))
            matches = document_matches(index_for(text), query)
        finally:  # an answer, even to a search that failed: keys may be waiting for it
            self.post_message(self.MatchesFound(query, matches))

    async def on_reader_search_matches_found(self, event: ReaderSearch.MatchesFound) -> None:
        if event.so_far:
            if event.query == self._find.query and not self._find.answered:
                self._find.show(event.matches)  # lit and counted until the answer comes
                self._draw_matches(so_far=True)
            return
        if not self._find.receive(event.query, event.matches):
            return  # a stale answer to an older query
        self._take_carried_match()
        self._draw_matches()
        if self._find.jump_when_found:
            self._find.jump_when_found = False
            self._enter()
            await self._release()

    def _take_carried_match(self) -> None:
        """The first answer to a carried search: its match where the document was opened
        (or the first after it) is current, and the cursor stays where it is."""
        carried, self._carried = self._carried, None
        if carried is None or carried[0] != self._find.query:
            return  # none carried, or a query typed since has taken its place
        offset = carried[1]
        starts = [match.start for match in self._find.in_order]
        if starts:
            self._find.go(min(bisect_left(starts, offset), len(starts) - 1))

    # Keys typed after enter ------------------------------------------------------------

    async def _release(self) -> None:
        """The search has answered: the text takes the keys again, and the keys held
        meanwhile run, in the order they were typed."""
        self._holding = False
        bar = self._find_bar
        if bar is not None and self.focused is bar.field:
            self.set_focus(self._view)
        await self._run_held()

    async def _run_held(self) -> None:
        """Run the held keys in order, as if typed now. A held `/` opens the bar again and
        the keys after it are typed there; a held `enter` there waits for its own answer."""
        while self._held and not self._holding:
            bar = self._find_bar
            if bar is not None and self.focused is bar.field:
                if bar.field.passing:
                    self._holding = True  # its Submitted is on the way
                    return
                bar.take_key(*self._held.popleft())
                continue
            key, _ = self._held.popleft()
            self._view.note_key(key)
            active = self.active_bindings.get(key)
            if active is not None and active.enabled:
                await self.app.run_action(active.binding.action, active.node)

    # Moving through the matches --------------------------------------------------------

    def _draw_matches(self, notice: str = "", *, so_far: bool = False) -> None:
        """Light the matches and show their count; `so_far` while a long text is still
        being searched (the first matches near the reader's place are in)."""
        current = self._find.current_match
        marks = [
            (m.start, m.end, MarkKind.CURRENT_MATCH if m is current else MarkKind.MATCH)
            for m in self._find.in_order
        ]
        self._view.set_marks(marks, layer=MarkLayer.MATCHES)
        if self._find_bar is None:
            return
        if so_far:
            count = len(self._find.in_order)
            label = f"{count} match{'' if count == 1 else 'es'} so far" if count else ""
            self._find_bar.show_count(label, "searching…")
        else:
            self._find_bar.show_count(self._find.count_label(capped=self._capped()), notice)

    def _capped(self) -> bool:
        """Whether the search stopped at a limit, so there may be more matches."""
        return capped(self._find.in_order)

    def _go(self, step: Step) -> None:
        """Go to the match of `step` (a jump: `''` comes back), saying if it went round."""
        match = self._find.go(step.index)
        self._view.move_to_offset(match.start)
        notice = "" if step.wrapped is None else f"wrapped to the {step.wrapped}"
        self._draw_matches(notice)

    def _enter(self) -> None:
        """`enter`: the first match at or after the reading cursor."""
        step = self._find.enter_step(self._view.cursor_span or (0, 0))
        if step is not None:
            self._go(step)

    def _step(self, delta: int) -> None:
        step = self._find.step(delta, self._view.cursor_span or (0, 0))
        if step is not None:
            self._go(step)
        elif self._find.query.strip():
            query = one_line(self._find.query)
            self.notify(f"Nothing matches {query!r}.", markup=False, timeout=3)
        else:
            self.notify("No search to repeat: press / to search.", timeout=3)

    def action_next_match(self) -> None:
        self._step(1)

    def action_previous_match(self) -> None:
        self._step(-1)
