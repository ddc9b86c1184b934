"""The lines of the search across the library: a document's title, then its matches, each
in its line of context; drawn only where in view.

A query can list two hundred matches under their documents' titles. As options of an
`OptionList` each line was laid out and measured before any was shown: some 300 ms of the
UI thread at each query, so that typing at five keys a second left the keys waiting.
Here a line is only a number (which match it shows, or none for a title); what it says is
asked of the screen (`LineDrawer`) for the lines in view alone, and kept while they stay.

The cursor is only ever on a match: titles are stepped over.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.widgets.highlight_list import PADDING, Piece, line_strip
from reader.widgets.keyed_list import list_bindings

LineDrawer = Callable[[int, int], Sequence[Piece]]
"""What line ``n`` says, at most ``width`` cells: ``drawer(n, width)``."""


class ResultList(ScrollView, can_focus=True):
    """Lines of titles and matches, with a cursor (`cursor`) on a match."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "result-list--cursor",
        "result-list--title",
        "result-list--count",
        "result-list--context",
        "result-list--match",
    }

    DEFAULT_CSS = """
    ResultList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
    }
    ResultList > .result-list--cursor { background: $block-cursor-blurred-background; }
    ResultList:focus > .result-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    ResultList > .result-list--title { text-style: bold; }
    ResultList > .result-list--count { color: $text-muted; }
    ResultList > .result-list--context { color: $text-muted; }
    ResultList > .result-list--match { text-style: bold reverse; }
    """

    BINDINGS: ClassVar[list[BindingType]] = list_bindings(
        "move(1)", "move(-1)", "page(1)", "page(-1)", "first", "last", "choose"
    )

    cursor: var[int | None] = var[int | None](None, init=False)
    """The line the cursor is on (always a match's); None when there is none."""

    class Chosen(Message):
        """`enter` on a match, or a click (handler: `on_result_list_chosen`)."""

        def __init__(self, result_list: ResultList, match: int) -> None:
            super().__init__()
            self.result_list = result_list
            """The list it was chosen in."""
            self.match = match
            """Which match: the number its line was given in `set_lines`."""

        @property
        def control(self) -> ResultList:
            """The list (for ``@on(..., selector)``)."""
            return self.result_list

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._matches: Sequence[int | None] = ()
        self._drawer: LineDrawer = lambda _line, _width: ()
        self._drawn: LRUCache[tuple[int, int], Sequence[Piece]] = LRUCache(256)

    # -- the model --------------------------------------------------------------------------

    def set_lines(self, matches: Sequence[int | None], drawer: LineDrawer) -> None:
        """Show a line for each of `matches` (the number of the match it shows, None for a
        title), drawn by `drawer`; the cursor on the first match."""
        self._matches = matches
        self._drawer = drawer
        self._drawn.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(matches))
        self.set_reactive(ResultList.cursor, None)
        self.cursor = self._match_line(0, 1)
        self.refresh()

    @property
    def line_count(self) -> int:
        """How many lines are listed, titles and matches."""
        return len(self._matches)

    def match_of(self, line: int) -> int | None:
        """The number of the match on `line`, or None for a title."""
        return self._matches[line]

    @property
    def current_match(self) -> int | None:
        """The number of the match under the cursor, or None."""
        return None if self.cursor is None else self._matches[self.cursor]

    def line_text(self, line: int) -> str:
        """What `line` says, as plain text (as wide as the list is)."""
        return "".join(text for text, _ in self._pieces(line))

    def _match_line(self, line: int, step: int) -> int | None:
        """The first line from `line` on, going by `step`, that shows a match."""
        matches = self._matches
        while 0 <= line < len(matches):
            if matches[line] is not None:
                return line
            line += step
        return None

    # -- moving -----------------------------------------------------------------------------

    def watch_cursor(self, old: int | None, new: int | None) -> None:
        for line in (old, new):
            if line is not None:
                self._refresh_line(line)
        if new is not None:
            self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True, immediate=True)

    def _refresh_line(self, line: int) -> None:
        y = line - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _go(self, line: int, step: int) -> None:
        """Put the cursor on the match at `line`, or the nearest one the way of `step`
        (or, when there is none that way, the other way)."""
        line = max(0, min(len(self._matches) - 1, line))
        found = self._match_line(line, step)
        if found is None:
            found = self._match_line(line, -step)
        if found is not None:
            self.cursor = found

    def action_move(self, step: int) -> None:
        if self.cursor is not None:
            found = self._match_line(self.cursor + step, step)
            if found is not None:
                self.cursor = found

    def action_page(self, step: int) -> None:
        if self.cursor is not None:
            self._go(self.cursor + step * max(1, self.scrollable_content_region.height), step)

    def action_first(self) -> None:
        self._go(0, 1)

    def action_last(self) -> None:
        self._go(len(self._matches) - 1, -1)

    def action_choose(self) -> None:
        match = self.current_match
        if match is not None:
            self.post_message(self.Chosen(self, match))

    def on_click(self, event: events.Click) -> None:
        """A click on a match opens it, as `enter` on it does."""
        line = self.scroll_offset.y + event.y
        if 0 <= line < len(self._matches) and self._matches[line] is not None:
            event.stop()
            self.cursor = line
            self.action_choose()

    def on_resize(self) -> None:
        self._drawn.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._matches))

    # -- drawing ----------------------------------------------------------------------------

    def _pieces(self, line: int) -> Sequence[Piece]:
        width = max(8, self.scrollable_content_region.width - 2 * PADDING)
        pieces = self._drawn.get((line, width))
        if pieces is None:
            pieces = self._drawer(line, width)
            self._drawn.set((line, width), pieces)
        return pieces

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        line = self.scroll_offset.y + y
        if not 0 <= line < len(self._matches):
            return Strip.blank(width, base)
        if line == self.cursor:
            base += self.get_component_rich_style("result-list--cursor", partial=True)
        return line_strip(self._pieces(line), base, self._component, width)

    def _component(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)
