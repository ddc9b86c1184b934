"""The reader screen: one document in a `DocumentView`, with a progress line."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from library.catalog import Catalog, ReadingState
from library.document import Document
from library.sanitize import one_line
from library.search import Match, index_for
from reader.widgets.document_view import DocumentView
from reader.widgets.find_bar import FindBar

SAVE_DELAY = 1.0
"""Seconds of stillness before the reading position is written (and always on leaving)."""

MATCH_LIMIT = 1000
"""At most this many matches are lit and counted."""

MATCH = "document-view--match"
CURRENT_MATCH = "document-view--match-current"


class ReaderScreen(Screen[None]):
    """Shows one document; remembers where the reader is."""

    HELP_TITLE = "Reader keys"
    BINDINGS = [
        Binding("slash", "find", "Search", id="reader.find", tooltip="Fuzzy search this document"),
        Binding("n", "next_match", "Next match", show=False, id="reader.next_match"),
        Binding("N", "previous_match", "Previous match", show=False, id="reader.previous_match"),
        Binding("q", "back", "Library", id="reader.back", tooltip="Back to the library"),
        Binding(
            "escape",
            "escape",
            "Clear search / library",
            show=False,
            id="reader.escape",
            tooltip="Clear the search, or go back to the library",
        ),
    ]

    class MatchesFound(Message):
        """A search finished (handler: `on_reader_screen_matches_found`)."""

        def __init__(self, query: str, matches: tuple[Match, ...]) -> None:
            super().__init__()
            self.query = query
            self.matches = matches

    def __init__(self, document: Document, offset: int = 0) -> None:
        super().__init__()
        self.document = document
        self._offset = offset
        self._progress = 0.0
        self._save_timer: Timer | None = None
        self._dirty = False
        self._query = ""
        self._matches: tuple[Match, ...] = ()
        """The matches of `_query`, best first."""
        self._ordered: tuple[Match, ...] = ()
        """The same matches in reading order (what `n`/`N` walk)."""
        self._current: int | None = None
        """Index into `_ordered` of the current match."""
        self._jump_when_found = False

    @property
    def catalog(self) -> Catalog:
        catalog: Catalog = getattr(self.app, "catalog")  # noqa: B009 - set by NewsreaderApp
        return catalog

    def compose(self) -> ComposeResult:
        yield DocumentView(self.document, cursor_offset=self._offset, id="document")
        yield FindBar()
        yield Static(id="reader-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DocumentView).focus()
        view = self.query_one(DocumentView)
        self._offset = view.cursor_offset
        self._progress = view.progress
        self._update_status()

    def on_document_view_cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        self._offset = event.offset
        self._progress = event.progress
        self._dirty = True
        self._update_status()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_position)

    def _update_status(self) -> None:
        words_left = round(self.document.words * (1 - self._progress))
        minutes = max(0, round(words_left / 230))
        left = "finished" if self._progress >= 0.995 else f"{minutes} min left"
        title = one_line(self.document.title)
        if len(title) > 60:
            title = title[:59] + "…"
        text = Content.assemble(
            (f" {self._progress:4.0%}", "bold"), f" · {left} · ", (title, "dim")
        )
        self.query_one("#reader-status", Static).update(text)

    def save_position(self) -> None:
        """Write the reading position now, if it changed."""
        if not self._dirty:
            return
        self._dirty = False
        from datetime import UTC, datetime

        opened = datetime.now(UTC).isoformat(timespec="seconds")
        state = ReadingState(offset=self._offset, progress=self._progress, opened=opened)
        self.catalog.save_reading_state(self.document.id, state)

    def on_unmount(self) -> None:
        self.save_position()

    def action_back(self) -> None:
        self.save_position()
        self.dismiss(None)

    def action_escape(self) -> None:
        if self._query or self.query_one(FindBar).is_open:
            self.clear_search()
        else:
            self.action_back()

    # Search ------------------------------------------------------------------------------

    @property
    def matches(self) -> tuple[Match, ...]:
        """The current search's matches in reading order."""
        return self._ordered

    @property
    def current_match(self) -> Match | None:
        """The match `n`/`N`/`enter` last went to, if any."""
        return None if self._current is None else self._ordered[self._current]

    def action_find(self) -> None:
        self.query_one(FindBar).open()

    def on_find_bar_query_changed(self, event: FindBar.QueryChanged) -> None:
        self._query = event.query
        self._jump_when_found = False
        if not event.query.strip():
            self._show_matches(())
            return
        self._search(event.query)

    def on_find_bar_submitted(self, event: FindBar.Submitted) -> None:
        self.query_one(DocumentView).focus()
        if not event.query.strip():
            self.clear_search()
            return
        if event.query == self._query and self._matches:
            self._jump_to_best()
        else:
            self._query = event.query
            self._jump_when_found = True
            self._search(event.query)

    def on_find_bar_closed(self) -> None:
        self.clear_search()

    def clear_search(self) -> None:
        """Forget the search: no lit matches, the bar hidden, the cursor in the text."""
        self._query = ""
        self._jump_when_found = False
        self._show_matches(())
        bar = self.query_one(FindBar)
        bar.close()
        self.query_one(DocumentView).focus()

    @work(thread=True, exclusive=True, exit_on_error=False, group="find")
    def _search(self, query: str) -> None:
        matches = index_for(self.document.text).find(query, limit=MATCH_LIMIT)
        self.post_message(self.MatchesFound(query, matches))

    def on_reader_screen_matches_found(self, event: ReaderScreen.MatchesFound) -> None:
        if event.query != self._query:
            return  # a stale answer to an older query
        self._show_matches(event.matches)
        if self._jump_when_found:
            self._jump_when_found = False
            self._jump_to_best()

    def _show_matches(self, matches: tuple[Match, ...]) -> None:
        self._matches = matches
        self._ordered = tuple(sorted(matches, key=lambda m: m.start))
        self._current = None
        self._draw_matches()

    def _draw_matches(self) -> None:
        view = self.query_one(DocumentView)
        current = self.current_match
        marks = [(m.start, m.end, CURRENT_MATCH if m is current else MATCH) for m in self._ordered]
        view.set_marks(marks, layer="matches")
        bar = self.query_one(FindBar)
        count = len(self._ordered)
        if not self._query.strip():
            bar.show_count("")
        elif not count:
            bar.show_count("no matches")
        elif self._current is not None:
            bar.show_count(f"{self._current + 1} of {count}")
        else:
            bar.show_count(f"{count} match" + ("" if count == 1 else "es"))

    def _go_to(self, index: int) -> None:
        self._current = index
        match = self._ordered[index]
        self.query_one(DocumentView).move_to_offset(match.start)
        self._draw_matches()

    def _jump_to_best(self) -> None:
        if not self._matches:
            self.notify(f"Nothing matches {one_line(self._query)!r}.", markup=False, timeout=3)
            return
        self._go_to(self._ordered.index(self._matches[0]))

    def _step(self, delta: int) -> None:
        if not self._ordered:
            self.notify("No search to repeat: press / to search.", timeout=3)
            return
        if self._current is None:
            cursor = self.query_one(DocumentView).cursor_offset
            after = [i for i, m in enumerate(self._ordered) if m.start >= cursor]
            if delta > 0:
                index = after[0] if after else 0
            else:
                index = (after[0] if after else len(self._ordered)) - 1
        else:
            index = self._current + delta
        if index >= len(self._ordered):
            index = 0
            self.notify("Search wrapped to the top.", timeout=2)
        elif index < 0:
            index = len(self._ordered) - 1
            self.notify("Search wrapped to the bottom.", timeout=2)
        self._go_to(index)

    def action_next_match(self) -> None:
        self._step(1)

    def action_previous_match(self) -> None:
        self._step(-1)
