"""The reader's moves through a `DocumentView`: by sentence, paragraph and page, to either
end, to an offset, and back where a jump left (`''`).

Each move puts the cursor on a sentence, scrolls so the view follows it (laying out the
lines around where it goes first, when a long text is still being wrapped) and tells the
view the reader moved. They
are written against `MovingView`, the few parts of the view they use, so the widget
module keeps the drawing, the layout and the scrolling.
"""

from __future__ import annotations

from typing import Protocol

from textual.geometry import Offset

from reader.layout.frame import Frame
from reader.layout.jumps import JumpMemory
from reader.layout.navigation import SentenceNavigator


class MovingView(Protocol):
    """What the moves need of the view (`DocumentView` has it all)."""

    _navigator: SentenceNavigator
    _cursor: int
    _place: int
    _frame: Frame | None
    _jumps: JumpMemory

    @property
    def scroll_offset(self) -> Offset: ...

    @property
    def view_height(self) -> int: ...

    @property
    def max_scroll_y(self) -> int: ...

    def _lay_out_around(self, offset: int, pages: int = 2) -> None: ...

    def offset_of_line(self, line: int) -> int | None: ...

    def _set_cursor(self, index: int) -> bool: ...

    def _follow_cursor(self, *, jump: bool = False, offset: int | None = None) -> None: ...

    def _reader_moved(self) -> None: ...

    def _leave_for(self, sentence: int) -> None: ...

    def _scroll_to_line(self, line: int) -> None: ...


class DocumentMoves:
    """The moves of a `DocumentView` (a base class of it: see the module docstring)."""

    def move_sentence(self: MovingView, delta: int) -> None:
        """Move the cursor `delta` sentences (negative: back) and follow it."""
        navigator = self._navigator
        self._lay_out_around(navigator.start(navigator.clamp(self._cursor + delta)))
        self._set_cursor(self._cursor + delta)
        self._follow_cursor()
        self._reader_moved()

    def move_paragraph(self: MovingView, delta: int) -> None:
        """Move to the start of a paragraph `delta` paragraphs away and follow it.

        Moving back first goes to the start of the current paragraph, as `{` does in vi;
        moving past the last paragraph goes to the last sentence.
        """
        target = self._navigator.paragraph_step(self._cursor, delta)
        if target is None:
            return
        self._lay_out_around(self._navigator.start(target))
        self._set_cursor(target)
        self._follow_cursor()
        self._reader_moved()

    def page(self: MovingView, delta: int) -> None:
        """Scroll `delta` pages and put the cursor on the first sentence starting in view.

        At either end of the document, where the view cannot move, the cursor goes to the
        first or the last sentence instead.
        """
        frame = self._frame
        if frame is None or not self._navigator.count or delta == 0:
            return
        top_offset = self.offset_of_line(self.scroll_offset.y)
        here = self._navigator.start(self._cursor) if top_offset is None else top_offset
        self._lay_out_around(here, pages=abs(delta) + 1)
        frame = self._frame or frame
        top = self.scroll_offset.y
        paging = self._navigator.page(frame, top, self.view_height, self.max_scroll_y, delta)
        if paging.top != top:
            self._scroll_to_line(paging.top)
        self._set_cursor(paging.sentence)
        self._reader_moved()

    def go_start(self: MovingView) -> None:
        """Cursor on the first sentence, view at the top (the title shows): a jump."""
        self._lay_out_around(0)
        self._leave_for(0)
        self._set_cursor(0)
        self._scroll_to_line(0)
        self._reader_moved()

    def go_end(self: MovingView) -> None:
        """Cursor on the last sentence, view at the bottom: a jump."""
        self._lay_out_around(self._navigator.start(self._navigator.last))
        self._leave_for(self._navigator.last)
        self._set_cursor(self._navigator.last)
        self._scroll_to_line(self.max_scroll_y)
        self._reader_moved()

    def move_to_offset(self: MovingView, offset: int) -> None:
        """Cursor on the sentence containing `offset`, scrolled into view: a jump, so `''`
        comes back (when it leaves the cursor's sentence)."""
        self._lay_out_around(offset)
        target = self._navigator.sentence_at(offset)
        self._leave_for(target)
        self._set_cursor(target)
        self._follow_cursor(jump=True, offset=offset)
        self._reader_moved()

    def jump_back(self: MovingView) -> bool:
        """Go back to the place before the last jump (`''`), which becomes the place to
        come back to; False when no jump was made yet."""
        target = self._jumps.back(self._place)
        if target is None:
            return False
        self._lay_out_around(target)
        self._set_cursor(self._navigator.sentence_at(target))
        self._follow_cursor(jump=True, offset=target)
        self._reader_moved()
        return True
