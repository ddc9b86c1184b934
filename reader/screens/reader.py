"""The reader screen: one document in a `DocumentView`, with a status line.

The screen drives; its states are plain objects beside it (`reader.states`: find,
selection, lost-highlight review), the document's highlights are a `DocumentAnnotations`
built once, and the status line redraws itself from reactives. The search (find bar,
matches, keys typed while it answers) is the base class, `ReaderSearch`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from threading import Thread
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.message import Message
from textual.timer import Timer

from annotations.document_annotations import DocumentAnnotations
from annotations.model import Highlight
from library.document import NO_SPANS, Document
from library.entries import FINISHED_PROGRESS, ReadingState
from library.safe_files import StoreError
from library.sanitize import visible
from reader.layout.marks import MarginSign, MarkKind, MarkLayer
from reader.messages import ExportNotes
from reader.notices import report_not_saved, tell_store_warnings
from reader.screens.reader_keys import READER_BINDINGS
from reader.screens.reader_search import MATCH_LIMIT
from reader.screens.reader_structure import ReaderStructure
from reader.states.review import Review
from reader.states.selection import Selection
from reader.states.words import whole_words
from reader.widgets.document_view import DocumentView
from reader.widgets.key_bar import KeyBar
from reader.widgets.reader_status import ReaderStatus
from service.anchors import NOTHING_TO_REFIND
from service.workspace import OpenedAnnotations, Workspace

if TYPE_CHECKING:
    from reader.app import NewsreaderApp
    from reader.widgets.highlights_panel import HighlightsPanel

__all__ = ["MATCH_LIMIT", "SAVE_DELAY", "ReaderScreen"]

SAVE_DELAY = 1.0
"""Seconds of stillness before the reading position is written (and always on leaving)."""

READ_IN_THREAD = 256 * 1024
"""Bytes of annotations file past which a document's highlights are read in a thread,
after its text is on screen (a few hundred highlights; a hundred thousand take seconds)."""

READ_DELAY = 0.15
"""Seconds between drawing the text and starting to read the highlights: the thread holds
the GIL for milliseconds at a time, and started at once it would slow the first frame's
way to the terminal (as the document view's whole layout would: `WHOLE_LAYOUT_DELAY`)."""


class ReaderScreen(ReaderStructure):
    """Shows one document; remembers where the reader is; makes and edits highlights."""

    HELP_TITLE = "Reader keys"
    BINDINGS = READER_BINDINGS

    class HighlightsRead(Message):
        """The highlights read in a thread (handler: `on_reader_screen_highlights_read`)."""

        def __init__(self, opened: OpenedAnnotations | None, problem: str | None) -> None:
            super().__init__()
            self.opened = opened
            self.problem = problem

    def __init__(self, workspace: Workspace, document: Document, offset: int = 0) -> None:
        """Read `document` of `workspace` from `offset`; its highlights are read (and
        re-found, if its text changed since they were made) here, once."""
        super().__init__()
        self.workspace = workspace
        """The library the document is in."""
        kept = document.structure or workspace.kept_structure(document)
        # None: to be made again from its source, in a thread once the text is shown.
        self._structure_to_make = kept is None
        if kept:
            document = replace(document, structure=kept)
        self.document = document
        """The document shown."""
        # A document with many highlights shows its text at once; they follow, read in a
        # thread (`_read_highlights`), while the keys that act on them say so.
        self._reading = workspace.annotations.journal_bytes(document.id) > READ_IN_THREAD
        opened = None if self._reading else workspace.open_annotations(document)
        self._annotations = opened.annotations if opened else DocumentAnnotations.empty(document.id)
        self._anchor_report = opened.report if opened else NOTHING_TO_REFIND
        self._anchor_problem = opened.problem if opened else None
        self._drawn_version = -1
        self._view = DocumentView(document, cursor_offset=offset, id="document")
        self._status = ReaderStatus(document.title, document.words, id="reader-status")
        self._opened_at = offset
        self._offset = offset
        self._progress = 0.0
        self._save_timer: Timer | None = None
        self._dirty = True  # at least the time of opening is written
        self._moved = False  # only a move of the reader's changes the place written
        self._remembered: ReadingState | None = None
        self._finished: bool | None = None  # None: as remembered (read after the first frame)
        self._selection: Selection | None = None
        self._review: Review | None = None
        self._chosen_highlight: str | None = None
        # Mounted when first wanted: the first frame is drawn sooner without it.
        self._panel: HighlightsPanel | None = None

    @property
    def annotations(self) -> DocumentAnnotations:
        """This document's highlights."""
        return self._annotations

    def compose(self) -> ComposeResult:
        yield self._view
        yield self._status
        yield KeyBar()

    def on_mount(self) -> None:
        if self._structure_to_make:
            self.call_after_refresh(self._make_structure)
        if self._reading:  # once the first frame is drawn, and a moment more
            self.call_after_refresh(
                self.set_timer, READ_DELAY, self._read_highlights, name="read highlights"
            )
        else:
            self._tell_how_highlights_were_found()
        self._draw_highlights()
        self._view.focus()
        self._offset = self._view.reading_offset
        self._progress = self._view.progress
        self._update_status()
        self.call_after_refresh(self._compare_with_remembered_place)

    def on_screen_resume(self) -> None:
        # Back from a dialog, or another copy of newsreader changed the highlights (cheap
        # when nothing changed: the store hands back the same highlights, nothing redrawn).
        if not self._reading:
            self._annotations.reload()
            self._draw_highlights()

    def _tell_how_highlights_were_found(self) -> None:
        if self._anchor_report.checked:
            self.notify(self._anchor_report.sentence(), title="Document changed", timeout=10)
        if self._anchor_problem is not None:
            report_not_saved(self, StoreError(self._anchor_problem))
        tell_store_warnings(self, self.workspace)

    def _read_highlights(self) -> None:
        """Read the highlights in a thread of their own, a daemon: not a worker, because a
        worker's thread keeps the process alive until it is done, and a reader who quits or
        is sent SIGTERM meanwhile must see the app end at once (the read only reads, or
        saves as a crash-safe store saves: an unfinished one is never acknowledged)."""
        Thread(target=self._read_in_thread, name="read-highlights", daemon=True).start()

    def _read_in_thread(self) -> None:
        """Read (and re-find, if the text changed) the highlights; only posts the result."""
        try:
            opened = self.workspace.open_annotations(self.document)
        except StoreError as err:
            self.post_message(self.HighlightsRead(None, str(err)))
            return
        self.post_message(self.HighlightsRead(opened, None))

    def on_reader_screen_highlights_read(self, event: ReaderScreen.HighlightsRead) -> None:
        self._reading = False
        if event.opened is None:
            report_not_saved(self, StoreError(event.problem or "The highlights cannot be read."))
            return
        self._annotations = event.opened.annotations
        self._anchor_report = event.opened.report
        self._anchor_problem = event.opened.problem
        self._tell_how_highlights_were_found()
        self._draw_highlights()

    def _still_reading(self) -> bool:
        """Whether the highlights are still being read (the reader is told so)."""
        if self._reading:
            self.notify("The highlights are still being read; a moment…", timeout=2)
        return self._reading

    def on_unmount(self) -> None:
        self.save_position()
        # Textual keeps the app's first screen object after that screen is removed (it is
        # `App.default_screen`), so a reader that leaves lets go of its text: a book read
        # first must not stay in memory for the rest of the session.
        self.workers.cancel_node(self)
        self._view.release()
        self.document = replace(self.document, text="", paragraphs=NO_SPANS, sentences=NO_SPANS)
        self._annotations = DocumentAnnotations.empty(self.document.id)

    # Reading position --------------------------------------------------------------------

    def _remembered_place(self) -> ReadingState:
        """Where the library remembers the reader left this document (read once)."""
        if self._remembered is None:
            self._remembered = ReadingState()
            with self._saving():
                self._remembered = self.workspace.catalog.reading_state(self.document.id)
        return self._remembered

    def _compare_with_remembered_place(self) -> None:
        """Opening is no move: at the remembered place, its progress stays as it was (a
        finished document is still finished). Opened somewhere else (a search result, a
        note), that is a jump: `''` goes back to the remembered place."""
        remembered = self._remembered_place()
        if self._finished is None:
            self._finished = remembered.finished
            self._update_status()
        if self._moved:
            return
        if remembered.offset == self._opened_at:
            self._progress = remembered.progress
            self._update_status()
        else:
            self._view.remember_place(remembered.offset)
            self._moved = True

    def on_document_view_cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        span = self._view.cursor_span
        if self._selection is not None and span is not None:
            self._selection.extend_to(span)
            self._draw_selection()
        self._offset = event.offset
        self._progress = event.progress
        if event.progress >= FINISHED_PROGRESS:
            self._finished = True  # and it stays finished, until `m` marks it unread
        self._moved = True
        self._dirty = True
        self._update_status()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_position)

    def save_position(self) -> None:
        """Write the reading position now, if it changed: the place a move of the reader's
        left, or, when there was none, the remembered place with the time of opening."""
        if not self._dirty:
            return
        self._dirty = False
        opened = datetime.now(UTC).isoformat(timespec="seconds")
        finished = self._is_finished()
        if self._moved:
            state = ReadingState(self._offset, self._progress, opened, finished)
        else:
            remembered = self._remembered_place()
            if remembered.opened is None and remembered.offset == 0:
                remembered = ReadingState(offset=self._offset, progress=self._progress)
            state = replace(remembered, opened=opened, finished=finished)
        with self._saving():
            self.workspace.catalog.save_reading_state(self.document.id, state)

    def _is_finished(self) -> bool:
        if self._finished is None:
            return self._remembered_place().finished
        return self._finished

    def action_toggle_read(self) -> None:
        self._finished = not self._is_finished()
        self._dirty = True
        self._update_status()
        self.save_position()
        self.notify("Marked as read." if self._finished else "Marked as unread.", timeout=1.5)

    @contextmanager
    def _saving(self) -> Iterator[None]:
        """Report a store that refuses a write (say, a file from a newer release) instead of
        failing: the reader keeps reading, and is told in one sentence."""
        try:
            yield
        except StoreError as err:
            report_not_saved(self, err)

    def _update_status(self) -> None:
        status = self._status
        status.progress = self._progress
        status.finished = bool(self._finished)
        status.review = self._review
        selection = self._selection
        status.selected_words = (
            selection.words(self.document.text) if selection is not None else None
        )
        status.selecting_start = selection is not None and selection.moving == "start"
        status.highlight_here = self._highlight_here()

    def action_back(self) -> None:
        self.save_position()
        # At once, not by a message: a key typed right behind `q` (`q` `q` to quit) is
        # handled after this one, and must find the library, not this reader again.
        cast("NewsreaderApp", self.app).show_library()

    def action_escape(self) -> None:
        if self._review is not None:
            self._end_review("Left it lost; tab lists it with the others.")
        elif self._selection is not None:
            self._end_selection()
        elif self._find.query or (self._find_bar is not None and self._find_bar.is_open):
            self.clear_search()
        else:
            self.action_back()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select_word":  # only while the text (not the find bar) has the keys
            return self._selection is not None and isinstance(self.focused, DocumentView)
        if action == "select_other_end":  # listed in help, working while selecting
            return True if self._selection is not None else None
        if action == "open_link":  # offered where there are links, when not selecting
            return self._selection is None and self.has_links()
        if action == "confirm":
            return self._selection is not None or self._review is not None
        return True

    # Selection ---------------------------------------------------------------------------

    def action_select(self) -> None:
        span = self._view.cursor_span
        if span is None:
            return
        self._selection = Selection(span)
        self._draw_selection()

    def action_select_word(self, delta: int) -> None:
        if self._selection is None:
            return
        self._selection.step_word(self.document.text, delta)
        self._draw_selection()

    def action_select_other_end(self) -> None:
        if self._selection is not None:
            self._selection.other_end()
            self._update_status()

    def _draw_selection(self) -> None:
        if self._selection is None:
            self._view.clear_marks(MarkLayer.SELECTION)
        else:
            start, end = self._selection.span
            self._view.set_marks([(start, end, MarkKind.SELECTION)], layer=MarkLayer.SELECTION)
        self._update_status()

    def _end_selection(self) -> None:
        if self._selection is not None:
            self._selection = None
            self._draw_selection()

    # Highlights --------------------------------------------------------------------------

    def _draw_highlights(self) -> None:
        annotations = self._annotations
        if annotations.version != self._drawn_version:  # the marks only when they changed
            self._drawn_version = annotations.version
            placed = annotations.placed
            self._view.set_marks(
                [(h.start, h.end, h.color) for h in placed], layer=MarkLayer.HIGHLIGHTS
            )
            self._view.set_margin_marks((h.start, MarginSign.NOTE) for h in placed if h.note)
        panel = self._panel
        if panel is not None and panel.is_open:
            panel.show(self._annotations.highlights, panel.current)
        self._update_status()

    def _highlight_here(self) -> Highlight | None:
        """The highlight the keys act on: the one `]`, `[`, the panel or `h` last chose, while
        it is under the reading cursor; else the innermost (shortest) one overlapping the
        cursor's sentence, so a name highlighted inside a highlighted sentence is reachable."""
        span = self._view.cursor_span
        if span is None:
            return None
        chosen = self._chosen_highlight
        if chosen is not None:
            highlight = self._annotations.by_id(chosen)
            if (
                highlight is not None
                and highlight.is_placed
                and highlight.start < span[1]
                and highlight.end > span[0]
            ):
                return highlight
            self._chosen_highlight = None
        return self._annotations.innermost(*span)

    def _target_span(self) -> tuple[int, int] | None:
        """What `h` highlights: the selection, else the current match (grown to whole words:
        a fuzzy match may end inside one), else the sentence."""
        if self._selection is not None:
            return self._selection.span
        cursor = self._view.cursor_span
        match = self._find.current_match
        if match is not None and (
            cursor is None or (match.start < cursor[1] and match.end > cursor[0])
        ):
            # the match the cursor is on, not one read past
            return whole_words(self.document.text, match.start, match.end)
        return cursor

    def _create_highlight(self) -> Highlight | None:
        if self._still_reading():
            return None
        span = self._target_span()
        self._end_selection()
        if span is None:
            return None
        existing = self._annotations.exact(*self._annotations.trimmed(*span))
        if existing is not None:
            self.notify("That is highlighted already.", timeout=2)
            self._chosen_highlight = existing.id
            self._update_status()
            return existing
        try:
            highlight = self._annotations.create(*span)
        except ValueError as err:
            self.notify(str(err), severity="warning", markup=False)
            return None
        except StoreError as err:
            report_not_saved(self, err)
            return None
        self._chosen_highlight = highlight.id
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

    def _chosen_in_panel(self) -> Highlight | None:
        """The highlight chosen in the open highlights panel, if any: panel keys act on it,
        not on the one under the cursor."""
        panel = self._panel
        if panel is not None and panel.is_open:
            return panel.current
        return None

    def _require_highlight(self) -> Highlight | None:
        if self._still_reading():
            return None
        here = self._chosen_in_panel() or self._highlight_here()
        if here is None:
            self.notify("No highlight here: press h to make one.", timeout=2)
        return here

    def action_note(self) -> None:
        if self._still_reading():
            return
        here = self._chosen_in_panel()
        if here is None and self._selection is None:
            here = self._highlight_here()
        made_for_note = False
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
        if self._still_reading():
            return
        try:
            change = self._annotations.undo()
        except StoreError as err:
            report_not_saved(self, err)
            return
        if change is None:
            self.notify("Nothing to undo.", timeout=1.5)
            return
        self._draw_highlights()
        self.notify(f"Undone: {change.what}.", timeout=1.5)

    def _visit(self, highlight: Highlight | None, missing: str) -> None:
        """Go to `highlight` (a jump) and make it the one the keys act on."""
        if highlight is None:
            self.notify(missing, timeout=1.5)
            return
        self._chosen_highlight = highlight.id
        self._view.move_to_offset(highlight.start)
        self._update_status()

    def action_next_highlight(self) -> None:
        if self._still_reading():
            return
        span = self._view.cursor_span or (0, 0)
        after = self._annotations.visit_after(self._highlight_here(), span[0])
        self._visit(after, "No highlight below.")

    def action_previous_highlight(self) -> None:
        if self._still_reading():
            return
        span = self._view.cursor_span or (0, 0)
        before = self._annotations.visit_before(self._highlight_here(), span[0])
        self._visit(before, "No highlight above.")

    def action_export(self) -> None:
        self.post_message(ExportNotes((self.document.id,)))

    # The highlights panel ----------------------------------------------------------------

    async def action_panel(self) -> None:
        if self._still_reading():
            return
        if self._panel is None:
            # Imported here: its list's code is not wanted before the first frame.
            from reader.widgets.highlights_panel import HighlightsPanel

            self._panel = HighlightsPanel()
            await self.mount(self._panel, before=self._status)
        self._panel.show(self._annotations.highlights, self._highlight_here())

    def on_highlights_panel_chosen(self, event: HighlightsPanel.Chosen) -> None:
        if self._panel is not None:
            self._panel.close()
        self._view.focus()
        if not event.highlight.is_placed:
            self.notify("Looking for the best place for that lost highlight…", timeout=2)
            self._find_place(event.highlight)
            return
        self._visit(event.highlight, "")

    def on_highlights_panel_closed(self) -> None:
        if self._panel is not None:
            self._panel.close()
        self._view.focus()
