"""The reader's document view: one document drawn line by line, with a sentence cursor.

The text is never turned into widgets or rich renderables as a whole. It stays one string,
and a `LineLayout` (two arrays of offsets, rebuilt once per column width) says where each
wrapped line starts and ends. Drawing a frame then only slices the lines in view, so a
3 MB book costs the same to show and to move through as a short article.

Wrapping a whole book still takes tens of milliseconds (hundreds for 30 MB), so a long
text is first shown from a layout of just the paragraphs around the reader's place; the
whole layout is made in a thread and swapped in without moving the text on screen.

What needs no terminal (wrapping, the marks' index, where the cursor and the view go) is in
`reader.layout`; this module holds the widget: scrolling, keys, drawing and the thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import ClassVar

from rich.cells import get_character_cell_size
from textual import events, on, work
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from library.document import NO_SPANS, Document, Span
from library.pacing import Pacer
from library.structure import Structure
from reader.layout.cells import CharCells
from reader.layout.frame import DocumentLayouts, Frame
from reader.layout.jumps import JumpMemory
from reader.layout.lines import LineLayout, column_geometry
from reader.layout.marks import (
    MarginSign,
    Mark,
    MarkLayer,
    MarkLayers,
)
from reader.layout.navigation import EMPTY_NAVIGATOR, SentenceNavigator
from reader.layout.structure_marks import NO_STRUCTURE_MARKS, StructureMarks
from reader.widgets.document_moves import DocumentMoves
from reader.widgets.document_strips import (
    COMPONENT_CLASSES,
    COMPONENT_CSS,
    DrawnLines,
    LinePainter,
)
from reader.widgets.document_view_keys import DOCUMENT_VIEW_BINDINGS

CELLS: CharCells = get_character_cell_size
"""How many cells a character takes: Rich's measure, the one every line is drawn with."""

_LAYOUT_GROUP = "document-view-layout"
"""Worker group of the thread that wraps the whole text."""

WHOLE_LAYOUT_DELAY = 0.15
"""Seconds between the first window and starting the thread that wraps the whole text. The
thread holds the GIL for milliseconds at a time, and started at once it slowed the first
frame's way to the terminal (the 3 MB book: ~30 ms later on screen). A key that goes
beyond the window shown before then lays out a window around where it goes."""


class _LayoutCancelled(Exception):
    """The thread wrapping the whole text was cancelled: it stops between two pieces."""


class DocumentView(DocumentMoves, ScrollView, can_focus=True, inherit_bindings=False):
    """One document, drawn with the line API, with a reading cursor on a sentence.

    Every piece of document text is made `visible` and drawn as plain segments: nothing
    from the document is ever parsed as markup.

    Each mark style has its component class, named from `Color` and `MarkKind`, and its
    rule in `COMPONENT_CSS` (see `reader.widgets.document_strips`).
    """

    ALLOW_SELECT = False

    # Only the view's own keys (`DOCUMENT_VIEW_BINDINGS`): the scrolling keys it would
    # inherit (←/→ scroll sideways in a view that never does) would hide the screen's use
    # of them, and a screen key made a priority to get past them runs ahead of the keys
    # typed before it.

    COMPONENT_CLASSES: ClassVar[set[str]] = set(COMPONENT_CLASSES)

    DEFAULT_CSS = (
        """
    DocumentView {
        width: 1fr;
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        background: $background;
        color: $foreground;
    }
    """
        + COMPONENT_CSS
    )

    BINDINGS: ClassVar[list[BindingType]] = DOCUMENT_VIEW_BINDINGS

    cursor_offset: var[int] = var(0, init=False)
    """Start offset of the sentence under the reading cursor (read it; move with methods)."""

    progress: var[float] = var(0.0, init=False)
    """How much of the text is read: the share before the reading place (`reading_offset`),
    and 1.0 once a move has reached the end (the last sentence, its end in view)."""

    measure: var[int] = var(80, init=False)
    """Maximum width of the text column, in cells."""

    class CursorMoved(Message):
        """The reader moved: the cursor went to another sentence, or the reading place or
        the progress changed (paging through one long sentence, reaching the end).

        Only the reader's moves post it (keys, jumps), never opening or resizing, so a
        handler may save the place it gives. Handle it in ``on_document_view_cursor_moved``.
        """

        def __init__(self, document_view: DocumentView, offset: int, progress: float) -> None:
            super().__init__()
            self.document_view = document_view
            """The view whose cursor moved."""
            self.offset = offset
            """The reading place (see `DocumentView.reading_offset`)."""
            self.progress = progress
            """The view's progress, 0.0 to 1.0."""

        @property
        def control(self) -> DocumentView:
            """The view whose cursor moved (for ``@on(..., selector)``)."""
            return self.document_view

    class LayoutReady(Message, bubble=False):
        """The whole text was wrapped off the UI thread (internal: not for other widgets)."""

        def __init__(self, layout: LineLayout) -> None:
            super().__init__()
            self.layout = layout
            """The whole layout, for the column width in ``layout.width``."""

    def __init__(
        self,
        document: Document,
        *,
        cursor_offset: int = 0,
        measure: int = 80,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name for it
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Show `document` with the reading cursor on the sentence containing `cursor_offset`.

        Args:
            document: The document to show.
            cursor_offset: An offset into ``document.text``; the cursor starts on the
                sentence containing it, and that sentence is scrolled into view.
            measure: Maximum width of the text column, in cells.
            name: The name of the widget.
            id: The ID of the widget in the DOM.
            classes: The CSS classes of the widget.
            disabled: Whether the widget is disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._document = document
        self._navigator = SentenceNavigator.of(document)
        self._cursor = self._navigator.sentence_at(cursor_offset)
        self._place = max(0, min(cursor_offset, len(document.text)))
        self._jumps = JumpMemory()
        self._frame: Frame | None = None
        self._placed = False
        self._seen_height = 0
        self._layouts = DocumentLayouts(document, self._navigator.paragraphs, CELLS)
        self._marks = MarkLayers()
        self._painter = LinePainter(lambda: self.rich_style, self.get_component_rich_style)
        self._lines = DrawnLines(self._painter)
        self._structure = (
            StructureMarks.build(document.structure) if document.structure else NO_STRUCTURE_MARKS
        )
        self.set_reactive(DocumentView.measure, max(1, measure))
        self.set_reactive(DocumentView.cursor_offset, self._navigator.start(self._cursor))
        self.set_reactive(
            DocumentView.progress, self._navigator.progress(self._place, end_reached=False)
        )
        self._told = (self._cursor, self._place, self.progress)
        """The sentence, place and progress `CursorMoved` last told of."""

    def release(self) -> None:
        """Let go of the document's text and everything made from it; the view shows nothing
        from now on (for a view about to be removed while others may still refer to it)."""
        self.workers.cancel_node(self)
        empty = replace(self._document, text="", paragraphs=NO_SPANS, sentences=NO_SPANS)
        self._document = empty
        self._navigator = EMPTY_NAVIGATOR
        self._cursor = 0
        self._place = 0
        self._frame = None
        self._layouts = DocumentLayouts(empty, NO_SPANS, CELLS)
        self._marks.clear()
        self._structure = NO_STRUCTURE_MARKS
        self._lines.clear()

    # -- model ---------------------------------------------------------------------------------

    @property
    def document(self) -> Document:
        """The document shown."""
        return self._document

    @property
    def reading_offset(self) -> int:
        """Where the reader is: the start of the cursor's sentence or, once paged inside a
        sentence that started above the view, the text at the top of the view (so a text of
        one long sentence still has a place). Opened at an offset, that offset."""
        return self._place

    @property
    def previous_place(self) -> int | None:
        """The reading place before the last jump (where `''` goes), if any."""
        return self._jumps.previous

    def remember_place(self, offset: int) -> None:
        """Make `offset` the place `''` goes back to (say, where the reader was before the
        document was opened somewhere else)."""
        self._jumps.before_jump(offset)

    @property
    def cursor_span(self) -> Span | None:
        """The span of the sentence under the cursor; None for an empty document."""
        return self._navigator.span(self._cursor)

    @property
    def line_count(self) -> int:
        """Lines at the current width (front block included); 0 before the first layout.

        While a long text's whole layout is still being made, the lines laid out so far.
        """
        return 0 if self._frame is None else self._frame.line_count

    @property
    def layout_complete(self) -> bool:
        """Whether the whole text is laid out (False only briefly, for a long text)."""
        return self._frame is not None and self._frame.complete

    @property
    def view_height(self) -> int:
        """Lines visible at once."""
        return max(1, self.scrollable_content_region.height)

    @property
    def visible_span(self) -> Span:
        """Offsets of the text between the top and the bottom of the view."""
        if self._frame is None:
            return (0, 0)
        return self._frame.text_span(self.scroll_offset.y, self.view_height)

    def line_of_offset(self, offset: int) -> int:
        """The view line (front block included) showing `offset`; 0 before the first layout."""
        return 0 if self._frame is None else self._frame.line_of(offset)

    def offset_of_line(self, line: int) -> int | None:
        """The text offset where view line `line` starts; None for front-block lines."""
        return None if self._frame is None else self._frame.offset_at(line)

    # -- marks ---------------------------------------------------------------------------------

    def set_marks(self, marks: Iterable[Mark], *, layer: MarkLayer) -> None:
        """Draw `marks` over the text, replacing the marks previously set on `layer`.

        Args:
            marks: ``(start, end, style)`` spans; the style is a highlight's `Color` or a
                `MarkKind`. Where marks overlap, the style later in `MARK_STYLES` wins (a
                selection over a match over a highlight).
            layer: The set of marks to replace; the other layers keep theirs, and all
                are drawn.
        """
        self._marks.set(layer, marks)
        self.refresh()

    def show_structure(self, structure: Structure) -> None:
        """Draw `structure` over the text from now on (one made in a thread after the
        document was shown: it was added before its structure was kept beside it)."""
        self._document = replace(self._document, structure=structure)
        self._structure = StructureMarks.build(structure) if structure else NO_STRUCTURE_MARKS
        self._lines.clear()
        self.refresh()

    def clear_marks(self, layer: MarkLayer | None = None) -> None:
        """Remove the marks of `layer`, or of every layer when None."""
        self._marks.clear(layer)
        self.refresh()

    def set_margin_marks(self, marks: Iterable[tuple[int, MarginSign]]) -> None:
        """Show a one-cell sign (say, a note marker) in the left margin of the line holding
        each offset; replaces the previous margin marks. Needs a margin of two cells."""
        self._marks.set_margin(marks)
        self.refresh()

    # -- layout --------------------------------------------------------------------------------

    def _update_frame(self) -> bool:
        """Rebuild the frame if the width or the measure changed; True when it did.

        A long text whose whole layout is not at hand gets a window of paragraphs around
        the reader's place and a thread to wrap the rest; a short one is wrapped whole, now.
        """
        width = self.scrollable_content_region.width
        if width <= 0:
            return False
        frame = self._frame
        column, left = column_geometry(width, self.measure)
        if frame is not None and frame.widget_width == width and frame.column == column:
            return False
        layouts = self._layouts
        if layouts.has_whole(column) or not layouts.is_long:
            new_frame = layouts.frame(width, column, left)
        elif frame is not None and frame.column == column:
            new_frame = replace(frame, widget_width=width, left=left)
        else:
            focus = self._navigator.start(self._cursor)
            if self._placed and frame is not None:
                top = self.offset_of_line(self.scroll_offset.y)
                focus = focus if top is None else top
            new_frame = layouts.window_frame(width, column, left, focus)
            self.set_timer(
                WHOLE_LAYOUT_DELAY, lambda: self._start_whole_layout(column), name="layout"
            )
        self._frame = new_frame
        self._lines.clear()
        self.virtual_size = Size(width, new_frame.line_count)
        return True

    def _start_whole_layout(self, column: int) -> None:
        """Start wrapping the whole text for `column` (once the first frame is out)."""
        frame = self._frame
        if frame is not None and not frame.complete and frame.column == column:
            self._wrap_whole(column)

    @work(thread=True, exclusive=True, exit_on_error=False, group=_LAYOUT_GROUP)
    def _wrap_whole(self, column: int) -> None:
        """Wrap the whole text for `column` in a thread, a piece at a time, letting the UI
        thread in between pieces; only computes, then posts it."""
        worker = get_current_worker()
        pacer = Pacer()

        def pause() -> None:
            if worker.is_cancelled:
                raise _LayoutCancelled
            pacer()

        try:
            layout = self._layouts.wrap_paced(column, pause)
        except _LayoutCancelled:
            return
        if not worker.is_cancelled:
            self.post_message(self.LayoutReady(layout))

    @on(LayoutReady)
    def _whole_layout_ready(self, message: LayoutReady) -> None:
        """Swap in the whole layout if it is for the column now shown (not a stale width)."""
        message.stop()
        layout = message.layout
        self._layouts.remember(layout)
        frame = self._frame
        if frame is not None and not frame.complete and frame.column == layout.width:
            self._install_whole(layout)

    def _lay_out_around(self, offset: int, pages: int = 2) -> None:
        """Make sure the lines around `offset` are laid out, before a move goes there.

        With the whole layout at hand there is nothing to do. While a long text is still
        being wrapped in the thread, the window of paragraphs shown stays if it holds
        `offset` with `pages` screens of lines around it (or up to the text's edge), else
        a window around `offset` replaces it (about a millisecond): `G` right after opening
        a 100 MB text shows its end at once, where wrapping all of it first took seconds.
        The whole layout comes in when the thread is done, without moving the text.
        """
        frame = self._frame
        if frame is None or frame.complete:
            return
        if self._layouts.has_whole(frame.column):
            self._install_whole(self._layouts.whole(frame.column))
            return
        if self._layouts.window_holds(frame, offset, pages * max(1, self.view_height)):
            return
        window = self._layouts.window_frame(frame.widget_width, frame.column, frame.left, offset)
        self._install_frame(window)

    def _install_whole(self, layout: LineLayout) -> None:
        """Replace a window layout with the whole one; the text line at the top of the view
        stays at the top (so nothing on screen moves)."""
        frame = self._frame
        if frame is None:
            return
        front = self._layouts.front(frame.column)
        self._install_frame(Frame(frame.widget_width, frame.column, frame.left, front, layout))

    def _install_frame(self, new_frame: Frame) -> None:
        """Show `new_frame` instead of the frame shown (same width): the text line at the
        top of the view stays at the top when the new frame lays it out."""
        frame = self._frame
        if frame is None:
            return
        top = self.scroll_offset.y
        anchor = self.offset_of_line(top)
        self._frame = new_frame
        self._lines.clear()
        self.virtual_size = Size(new_frame.widget_width, new_frame.line_count)
        body = new_frame.body
        if anchor is not None and body.line_count:
            inside = body.starts[0] <= anchor <= body.ends[-1]
            top = new_frame.line_of(anchor) if inside else 0
        self._scroll_to_line(top)
        self.refresh()

    def _relayout(self) -> None:
        """Re-wrap for the current size, keeping the reader's place.

        The text at the top of the view stays at the top, and a cursor that was in view
        before stays in view.
        """
        height_before, self._seen_height = self._seen_height, self.view_height
        previous = self._frame if self._placed else None
        cursor_was_visible = previous is not None and self._cursor_in_view(previous, height_before)
        anchor = self.offset_of_line(self.scroll_offset.y) if previous is not None else None
        changed = self._update_frame()
        if previous is None:
            if self._frame is not None:
                # the first layout (drawing may have wrapped already, but not scrolled)
                self._placed = True
                self._follow_cursor(jump=True, offset=self._place)
            return
        if changed and anchor is not None and self.scroll_offset.y >= len(previous.front):
            self._scroll_to_line(self.line_of_offset(anchor))
        if cursor_was_visible:
            self._follow_cursor()

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap when the width changes (layouts are cached by column width)."""
        self._relayout()

    def watch_measure(self) -> None:
        """A new measure means a new column width."""
        if self._frame is not None:
            self._relayout()

    def notify_style_update(self) -> None:
        """Styles changed (say, a new theme): drawn lines are stale."""
        super().notify_style_update()
        self._painter.forget_styles()
        self._lines.clear()

    # -- scrolling -----------------------------------------------------------------------------

    def _scroll_to_line(self, line: int) -> None:
        target = max(0, min(line, self.max_scroll_y))
        if target != self.scroll_offset.y:
            self.scroll_to(y=target, animate=False, force=True, immediate=True)

    def _cursor_in_view(self, frame: Frame, height: int | None = None) -> bool:
        first, last = self._navigator.lines(frame, self._cursor)
        top = self.scroll_offset.y
        return last >= top and first < top + (height or self.view_height)

    def _follow_cursor(self, *, jump: bool = False, offset: int | None = None) -> None:
        """Scroll so the cursor sentence (and `offset` within it) is in view."""
        if self._frame is None:
            return
        view = (self.scroll_offset.y, self.view_height)
        top = self._navigator.follow(self._frame, self._cursor, view, jump=jump, offset=offset)
        if top is not None:
            self._scroll_to_line(top)

    # -- moving the cursor ---------------------------------------------------------------------

    def _set_cursor(self, index: int) -> bool:
        """Put the cursor on sentence `index`; True if it moved there."""
        navigator = self._navigator
        if not navigator.count:
            return False
        index = navigator.clamp(index)
        if index == self._cursor:
            return False
        self._cursor = index
        self.cursor_offset = navigator.start(index)
        self.refresh()
        return True

    def _reader_moved(self) -> None:
        """After a move of the reader's (the view already follows it): work out the reading
        place and the progress, and post `CursorMoved` if either or the sentence changed."""
        navigator = self._navigator
        if not navigator.count:
            return
        if self._frame is None:  # a key before the first layout: no view to read yet
            self._place, end_reached = navigator.start(self._cursor), False
        else:
            view = (self.scroll_offset.y, self.view_height)
            self._place, end_reached = navigator.reading_place(self._frame, self._cursor, view)
        self.progress = navigator.progress(self._place, end_reached=end_reached)
        told = (self._cursor, self._place, self.progress)
        if told != self._told:
            self._told = told
            self.post_message(self.CursorMoved(self, self._place, self.progress))

    def _leave_for(self, sentence: int) -> None:
        """A jump to `sentence` is about to be made: remember the place it leaves, unless it
        stays in the cursor's sentence (that is no jump to come back from)."""
        if self._navigator.count and self._navigator.clamp(sentence) != self._cursor:
            self._jumps.before_jump(self._place)

    # The keys' actions are the moves (`move_sentence(1)`, `page(-1)`, `go_end`…).
    action_move_sentence = DocumentMoves.move_sentence
    action_move_paragraph = DocumentMoves.move_paragraph
    action_page = DocumentMoves.page
    action_go_start = DocumentMoves.go_start
    action_go_end = DocumentMoves.go_end

    def action_jump_key(self) -> None:
        """One key of `''`: the second goes back to where the reader was."""
        if self._jumps.press() and not self.jump_back():
            self.notify("No jump to go back from yet: '' returns after a search, g or G.")

    def on_key(self, event: events.Key) -> None:
        self.note_key(event.key)

    def note_key(self, key: str) -> None:
        """A key reached the view (or was run for it): any key other than the two of `''`
        cancels a lone first half of it."""
        if key not in ("apostrophe", "grave_accent"):
            self._jumps.other_key()

    # -- drawing -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw view line `y` (only that line: slice, make visible, style, pad)."""
        if self._frame is None:
            self._update_frame()
        frame = self._frame
        if frame is None:
            return self._lines.blank(self.size.width)
        line = self.scroll_offset.y + y
        return self._lines.line(
            frame, line, self._document.text, self.cursor_span, self._marks, self._structure
        )
