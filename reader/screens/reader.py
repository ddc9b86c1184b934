"""The reader screen: one document in a `DocumentView`, with a progress line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from annotations.model import Highlight
from annotations.session import DocumentAnnotations
from annotations.store import AnnotationStore
from annotations.upkeep import refresh_anchors
from library.catalog import Catalog, ReadingState
from library.document import Document
from library.sanitize import one_line, visible
from library.storage import StoreError
from reader.labels import length_label
from reader.layout.marks import MarginSign, MarkKind, MarkLayer
from reader.widgets.document_view import DocumentView
from reader.widgets.find_bar import FindBar
from reader.widgets.highlights_panel import HighlightsPanel
from reader.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from library.search import Match

SAVE_DELAY = 1.0
"""Seconds of stillness before the reading position is written (and always on leaving)."""

MATCH_LIMIT = 1000
"""At most this many matches are lit and counted."""

NOTE_SIGN = MarginSign.NOTE


class ReaderScreen(Screen[None]):
    """Shows one document; remembers where the reader is."""

    HELP_TITLE = "Reader keys"
    BINDINGS = [
        # A priority key: the app runs it before it passes on the next key, so a query typed
        # in one burst with the `/` (fast typing, a paste) goes into the find bar.
        Binding(
            "slash",
            "find",
            "Search",
            id="reader.find",
            tooltip="Fuzzy search this document",
            priority=True,
        ),
        Binding("n", "next_match", "Next match", show=False, id="reader.next_match"),
        Binding("N", "previous_match", "Previous match", show=False, id="reader.previous_match"),
        Binding(
            "h",
            "highlight",
            "Highlight",
            id="reader.highlight",
            tooltip="Highlight the selection, the current match, or this sentence",
        ),
        Binding(
            "v",
            "select",
            "Select",
            show=False,
            id="reader.select",
            tooltip="Start a selection here; j/k extend it by sentence, ←/→ by word",
        ),
        Binding(
            "right",
            "select_word(1)",
            "Select word",
            show=False,
            id="reader.select_right",
            priority=True,
        ),
        Binding(
            "left",
            "select_word(-1)",
            "Unselect word",
            show=False,
            id="reader.select_left",
            priority=True,
        ),
        Binding(
            "enter",
            "confirm",
            "Highlight selection / accept place",
            show=False,
            id="reader.confirm",
            tooltip="Highlight the selection, or accept the place offered for a lost highlight",
        ),
        Binding(
            "a",
            "note",
            "Note",
            id="reader.note",
            tooltip="Write or edit the note of the highlight here",
        ),
        Binding(
            "c",
            "color",
            "Color",
            show=False,
            id="reader.color",
            tooltip="Cycle the color of the highlight here",
        ),
        Binding(
            "t",
            "tags",
            "Tags",
            show=False,
            id="reader.tags",
            tooltip="Edit the tags of the highlight here",
        ),
        Binding(
            "x",
            "delete",
            "Delete",
            show=False,
            id="reader.delete",
            tooltip="Delete the highlight here",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            show=False,
            id="reader.undo",
            tooltip="Undo the last highlight change",
        ),
        Binding(
            "right_square_bracket",
            "next_highlight",
            "Next highlight",
            show=False,
            id="reader.next_highlight",
        ),
        Binding(
            "left_square_bracket",
            "previous_highlight",
            "Previous highlight",
            show=False,
            id="reader.previous_highlight",
        ),
        Binding(
            "tab",
            "panel",
            "Highlights",
            show=False,
            id="reader.panel",
            tooltip="List this document's highlights",
        ),
        Binding(
            "e",
            "export",
            "Export",
            show=False,
            id="reader.export",
            tooltip="Export this document's notes to Markdown",
        ),
        Binding("q", "back", "Library", id="reader.back", tooltip="Back to the library"),
        Binding(
            "escape",
            "escape",
            "Cancel / library",
            show=False,
            id="reader.escape",
            tooltip="Cancel the selection, clear the search, or go back to the library",
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
        self._selection: tuple[int, int] | None = None
        self._review: tuple[Highlight, int, int] | None = None
        self._review_score = 0.0
        """An orphaned highlight under review, and the place offered for it."""
        self._selection_anchor: tuple[int, int] = (0, 0)
        self._find_bar: FindBar | None = None
        self._panel: HighlightsPanel | None = None
        self._retired = False

    @property
    def annotations(self) -> DocumentAnnotations:
        """This document's highlights (loaded when the screen is made)."""
        return self._annotations

    @property
    def catalog(self) -> Catalog:
        catalog: Catalog = getattr(self.app, "catalog")  # noqa: B009 - set by NewsreaderApp
        return catalog

    def compose(self) -> ComposeResult:
        # The find bar and the highlights panel are mounted when first wanted: the first
        # frame is drawn sooner without them.
        yield DocumentView(self.document, cursor_offset=self._offset, id="document")
        yield Static(id="reader-status")
        yield KeyBar()

    def on_mount(self) -> None:
        store: AnnotationStore = getattr(self.app, "annotations")  # noqa: B009
        with self._saving():
            report = refresh_anchors(
                store, self.document.id, self.document.text, self.document.content_hash
            )
            if report.checked:
                self.notify(report.sentence(), title="Document changed", timeout=10)
        self._annotations = DocumentAnnotations(
            store, self.document.id, self.document.text, self.document.content_hash
        )
        getattr(self.app, "show_store_warnings")()  # noqa: B009
        self._draw_highlights()
        self.query_one(DocumentView).focus()
        view = self.query_one(DocumentView)
        self._offset = view.cursor_offset
        self._progress = view.progress
        self._dirty = True  # record when it was opened, and the progress of a short document
        self._update_status()

    def on_screen_resume(self) -> None:
        if hasattr(self, "_annotations"):  # back from a dialog, or another copy changed them
            self._annotations.reload()
            self._draw_highlights()

    def retire(self) -> None:
        """Save the place and let go of the text: the app started on this reader, and the
        library now covers it for good (Textual keeps the first screen of the stack).

        A retired reader stays mounted, so anything still on its way to it (a search's
        answer, a cursor move) is ignored, and it never saves a place again.
        """
        self.save_position()
        self._retired = True
        if self._save_timer is not None:
            self._save_timer.stop()
        self.workers.cancel_node(self)
        if hasattr(self, "_annotations"):
            del self._annotations
        view = self.query_one(DocumentView)
        view.release()
        view.remove()
        self.document = view.document  # the same document without its text

    def on_document_view_cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        if self._retired:
            return
        if self._selection is not None:
            self._extend_selection()
        self._offset = event.offset
        self._progress = event.progress
        self._dirty = True
        self._update_status()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_position)

    def _update_status(self) -> None:
        if self._review is not None:
            self._show_review_status()
            return
        here = self._highlight_here() if hasattr(self, "_annotations") else None
        if self._selection is not None:
            start, end = self._selection
            words = len(self.document.text[start:end].split())
            note = f"Selecting {words} word{'s' if words != 1 else ''}"
            hint = " · j/k sentence, ←/→ word, enter or h highlight, esc cancel"
            self.query_one("#reader-status", Static).update(
                Content.assemble((f" {note}", "bold"), (hint, "dim"))
            )
            return
        if here is not None:
            parts: list[str | tuple[str, str]] = [(f" ▌{here.color} highlight", "bold")]
            if here.note:
                parts.append(f" · {NOTE_SIGN} note")
            if here.tags:
                parts.append(" · #" + one_line(" #".join(here.tags)))
            parts.append((" · a note, c color, t tags, x delete", "dim"))
            self.query_one("#reader-status", Static).update(Content.assemble(*parts))
            return
        words_left = round(self.document.words * (1 - self._progress))
        minutes = max(1, round(words_left / 230))
        left = "finished" if self._progress >= 0.995 else f"{length_label(minutes)} left"
        title = one_line(self.document.title)
        if len(title) > 60:
            title = title[:59] + "…"
        text = Content.assemble(
            (f" {self._progress:4.0%}", "bold"), f" · {left} · ", (title, "dim")
        )
        self.query_one("#reader-status", Static).update(text)

    def save_position(self) -> None:
        """Write the reading position now, if it changed."""
        if not self._dirty or self._retired:
            return
        self._dirty = False
        from datetime import UTC, datetime

        opened = datetime.now(UTC).isoformat(timespec="seconds")
        state = ReadingState(offset=self._offset, progress=self._progress, opened=opened)
        with self._saving():
            self.catalog.save_reading_state(self.document.id, state)

    @contextmanager
    def _saving(self) -> Iterator[None]:
        """Report a store that refuses a write (say, a file from a newer release) instead of
        failing: the reader keeps reading, and is told in one sentence."""
        try:
            yield
        except StoreError as err:
            getattr(self.app, "report_store_error")(err)  # noqa: B009

    def on_unmount(self) -> None:
        self.save_position()

    def action_back(self) -> None:
        self.save_position()
        getattr(self.app, "show_library")()  # noqa: B009

    def action_escape(self) -> None:
        if self._review is not None:
            self._end_review("Left it lost; tab lists it with the others.")
        elif self._selection is not None:
            self._end_selection()
        elif self._query or (self._find_bar is not None and self._find_bar.is_open):
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

    async def action_find(self) -> None:
        if self._find_bar is None:
            self._find_bar = FindBar()
            await self.mount(self._find_bar, before="#reader-status")
        if self._find_bar.has_focus_within:
            self._find_bar.type_text("/")  # a slash typed in a query is part of it
            return
        self._find_bar.open()

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
        if self._find_bar is not None:
            self._find_bar.close()
        self.query_one(DocumentView).focus()

    @work(thread=True, exclusive=True, exit_on_error=False, group="find")
    def _search(self, query: str) -> None:
        from library.search import index_for

        matches = index_for(self.document.text).find(query, limit=MATCH_LIMIT)
        self.post_message(self.MatchesFound(query, matches))

    def on_reader_screen_matches_found(self, event: ReaderScreen.MatchesFound) -> None:
        if self._retired:
            return
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
        marks = [
            (m.start, m.end, MarkKind.CURRENT_MATCH if m is current else MarkKind.MATCH)
            for m in self._ordered
        ]
        view.set_marks(marks, layer=MarkLayer.MATCHES)
        bar = self._find_bar
        if bar is None:
            return
        count = len(self._ordered)
        if not self._query.strip():
            bar.show_count("")
        elif not count:
            bar.show_count("no matches")
        else:
            from library.search import MAX_APPROXIMATE  # loaded already: a search ran

            approximate = sum(not m.exact for m in self._ordered)
            capped = approximate >= MAX_APPROXIMATE or count >= MATCH_LIMIT
            total = f"{count}+" if capped else str(count)
            if self._current is not None:
                bar.show_count(f"{self._current + 1} of {total}")
            else:
                bar.show_count(f"{total} match" + ("" if count == 1 else "es"))

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
            if self._query.strip():
                self.notify(f"Nothing matches {one_line(self._query)!r}.", markup=False)
            else:
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

    # Highlights --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select_word":  # only while the text (not the find bar) has the keys
            return self._selection is not None and isinstance(self.focused, DocumentView)
        if action == "confirm":
            return self._selection is not None or self._review is not None
        return True

    def _draw_highlights(self) -> None:
        view = self.query_one(DocumentView)
        placed = self._annotations.placed
        view.set_marks([(h.start, h.end, h.color) for h in placed], layer=MarkLayer.HIGHLIGHTS)
        view.set_margin_marks((h.start, NOTE_SIGN) for h in placed if h.note)
        panel = self._panel
        if panel is not None and panel.is_open:
            panel.show(self._annotations.highlights, panel.current)
        self._update_status()

    def _highlight_here(self) -> Highlight | None:
        """The highlight under the reading cursor (overlapping its sentence)."""
        view = self.query_one(DocumentView)
        span = view.cursor_span
        if span is None:
            return None
        return self._annotations.find(*span)

    def _target_span(self) -> tuple[int, int] | None:
        """What `h` highlights: the selection, else the current match, else the sentence."""
        if self._selection is not None:
            return self._selection
        cursor = self.query_one(DocumentView).cursor_span
        match = self.current_match
        if match is not None and (
            cursor is None or (match.start < cursor[1] and match.end > cursor[0])
        ):
            return (match.start, match.end)  # the match the cursor is on, not one read past
        return cursor

    def _create_highlight(self) -> Highlight | None:
        span = self._target_span()
        self._end_selection()
        if span is None:
            return None
        existing = self._annotations.exact(*self._annotations.trimmed(*span))
        if existing is not None:
            self.notify("That is highlighted already.", timeout=2)
            return existing
        try:
            highlight = self._annotations.create(*span)
        except ValueError as err:
            self.notify(str(err), severity="warning", markup=False)
            return None
        except StoreError as err:
            getattr(self.app, "report_store_error")(err)  # noqa: B009
            return None
        self._draw_highlights()
        return highlight

    def action_highlight(self) -> None:
        if self._create_highlight() is not None:
            self.notify("Highlighted.", timeout=1.5)

    def action_confirm(self) -> None:
        if self._review is not None:
            self._accept_review()
        elif self._selection is not None:
            self.action_highlight()

    def action_select(self) -> None:
        view = self.query_one(DocumentView)
        span = view.cursor_span
        if span is None:
            return
        self._selection_anchor = span
        self._selection = span
        self._draw_selection()

    def _extend_selection(self) -> None:
        span = self.query_one(DocumentView).cursor_span
        if span is None:
            return
        anchor_start, anchor_end = self._selection_anchor
        if span[0] >= anchor_start:
            self._selection = (anchor_start, max(anchor_end, span[1]))
        else:
            self._selection = (span[0], anchor_end)
        self._draw_selection()

    def action_select_word(self, delta: int) -> None:
        if self._selection is None:
            return
        text = self.document.text
        start, end = self._selection
        if delta > 0:
            while end < len(text) and text[end].isspace():
                end += 1
            while end < len(text) and not text[end].isspace():
                end += 1
        else:
            probe = end
            while probe > start and text[probe - 1].isspace():
                probe -= 1
            while probe > start and not text[probe - 1].isspace():
                probe -= 1
            while probe > start and text[probe - 1].isspace():
                probe -= 1
            if probe > start:
                end = probe
        self._selection = (start, end)
        self._draw_selection()

    def _draw_selection(self) -> None:
        view = self.query_one(DocumentView)
        if self._selection is None:
            view.clear_marks(MarkLayer.SELECTION)
        else:
            view.set_marks([(*self._selection, MarkKind.SELECTION)], layer=MarkLayer.SELECTION)
        self._update_status()

    def _end_selection(self) -> None:
        if self._selection is not None:
            self._selection = None
            self._draw_selection()

    def _require_highlight(self) -> Highlight | None:
        panel = self._panel
        if panel is not None and panel.is_open and panel.current is not None:
            return panel.current  # the one chosen in the panel, not the one under the cursor
        here = self._highlight_here()
        if here is None:
            self.notify("No highlight here: press h to make one.", timeout=2)
        return here

    def action_note(self) -> None:
        panel = self._panel
        if panel is not None and panel.is_open and panel.current is not None:
            here: Highlight | None = panel.current
        else:
            here = self._highlight_here() if self._selection is None else None
        made_for_note = here is None
        if here is None:
            count = len(self._annotations.highlights)
            here = self._create_highlight()
            made_for_note = len(self._annotations.highlights) > count
        if here is None:
            return
        target = here

        def save(note: str | None) -> None:
            if note is None and made_for_note:
                # Cancelled before anything was written: take back the highlight too.
                with self._saving():
                    self._annotations.undo()
                self._draw_highlights()
                return
            if note is None or note == visible(target.note):
                return  # cancelled, or saved unchanged
            with self._saving():
                self._annotations.set_note(target, note)
                self.notify("Note saved." if note.strip() else "Note removed.", timeout=1.5)
            self._draw_highlights()

        from reader.screens.dialogs import NoteEditorScreen

        self.app.push_screen(NoteEditorScreen(here.quote, here.note), save)

    def action_color(self) -> None:
        here = self._require_highlight()
        if here is not None:
            with self._saving():
                self._annotations.cycle_color(here)
            self._draw_highlights()

    def action_tags(self) -> None:
        here = self._require_highlight()
        if here is None:
            return
        target = here

        def save(value: str | None) -> None:
            if value is None:
                return
            tags = tuple(t.strip().lstrip("#") for t in value.split(","))
            if tags == tuple(visible(t) for t in target.tags):
                return  # saved unchanged
            with self._saving():
                self._annotations.set_tags(target, tags)
            self._draw_highlights()

        from reader.screens.dialogs import AskTextScreen

        self.app.push_screen(
            AskTextScreen(
                "Tags", ", ".join(here.tags), "comma between tags · enter save · esc cancel"
            ),
            save,
        )

    def action_delete(self) -> None:
        here = self._require_highlight()
        if here is not None:
            with self._saving():
                self._annotations.delete(here)
                self.notify("Highlight deleted (u undoes).", timeout=2)
            self._draw_highlights()

    def action_undo(self) -> None:
        try:
            change = self._annotations.undo()
        except StoreError as err:
            getattr(self.app, "report_store_error")(err)  # noqa: B009
            return
        if change is None:
            self.notify("Nothing to undo.", timeout=1.5)
            return
        self._draw_highlights()
        self.notify(f"Undone: {change.what}.", timeout=1.5)

    def _jump_to_highlight(self, highlight: Highlight | None, missing: str) -> None:
        if highlight is None:
            self.notify(missing, timeout=1.5)
            return
        self.query_one(DocumentView).move_to_offset(highlight.start)

    def action_next_highlight(self) -> None:
        span = self.query_one(DocumentView).cursor_span or (0, 0)
        self._jump_to_highlight(self._annotations.next_after(span[1] - 1), "No highlight below.")

    def action_previous_highlight(self) -> None:
        span = self.query_one(DocumentView).cursor_span or (0, 0)
        self._jump_to_highlight(self._annotations.previous_before(span[0]), "No highlight above.")

    def action_export(self) -> None:
        getattr(self.app, "export_notes")([self.document.id])  # noqa: B009

    async def action_panel(self) -> None:
        if self._panel is None:
            self._panel = HighlightsPanel()
            await self.mount(self._panel, before="#reader-status")
        self._panel.show(self._annotations.highlights, self._highlight_here())

    def on_highlights_panel_chosen(self, event: HighlightsPanel.Chosen) -> None:
        if self._panel is not None:
            self._panel.close()
        view = self.query_one(DocumentView)
        view.focus()
        if not event.highlight.is_placed:
            self.notify("Looking for the best place for that lost highlight…", timeout=2)
            self._find_place(event.highlight)
            return
        view.move_to_offset(event.highlight.start)

    # Lost (orphaned) highlights ----------------------------------------------------------

    class PlaceFound(Message):
        """Candidate places for a lost highlight (handler: `on_reader_screen_place_found`)."""

        def __init__(self, highlight: Highlight, places: tuple[tuple[int, int, float], ...]):
            super().__init__()
            self.highlight = highlight
            self.places = places

    @work(thread=True, exclusive=True, exit_on_error=False, group="place")
    def _find_place(self, highlight: Highlight) -> None:
        from annotations.anchoring import candidates

        places = candidates(highlight, self.document.text, limit=1)
        self.post_message(self.PlaceFound(highlight, places))

    def on_reader_screen_place_found(self, event: ReaderScreen.PlaceFound) -> None:
        if self._retired:
            return
        if not event.places:
            self.notify(
                "No place in the text resembles that lost highlight; it stays listed, "
                "with its note.",
                timeout=6,
            )
            return
        start, end, score = event.places[0]
        self._review = (event.highlight, start, end)
        view = self.query_one(DocumentView)
        view.set_marks([(start, end, MarkKind.CURRENT_MATCH)], layer=MarkLayer.REVIEW)
        view.move_to_offset(start)
        view.focus()
        self._review_score = score
        self._show_review_status()

    def _show_review_status(self) -> None:
        if self._review is None:
            return
        quote = one_line(self._review[0].quote)
        quote = quote if len(quote) <= 40 else quote[:39] + "…"
        self.query_one("#reader-status", Static).update(
            Content.assemble(
                (f" Lost highlight “{quote}”: best place {self._review_score:.0%}", "bold"),
                (" · enter accepts it · esc leaves it lost", "dim"),
            )
        )

    def _accept_review(self) -> None:
        if self._review is None:
            return
        highlight, start, end = self._review
        from annotations.anchoring import accept

        placed = accept(highlight, self.document.text, start, end, self.document.content_hash)
        try:
            self._annotations.replace(highlight, placed)
        except StoreError as err:
            getattr(self.app, "report_store_error")(err)  # noqa: B009
            self._end_review("The highlight stays lost for now.")
            return
        self._end_review("Placed the highlight here.")

    def _end_review(self, message: str) -> None:
        self._review = None
        self.query_one(DocumentView).clear_marks(MarkLayer.REVIEW)
        self._draw_highlights()
        self.notify(message, timeout=2)

    def on_highlights_panel_closed(self) -> None:
        if self._panel is not None:
            self._panel.close()
        self.query_one(DocumentView).focus()
