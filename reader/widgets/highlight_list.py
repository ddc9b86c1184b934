"""The list inside the highlights panel: one row per highlight, drawn only where in view.

A document may hold a hundred thousand highlights. A widget per row (an `OptionList`
option) costs time and memory for every one of them before the first is shown, so this
list keeps the highlights as they are and works out, per highlight, only how many lines
its row takes (its quote on one line; its note, when it has one, on up to `NOTE_LINES`;
its tags on one): one pass of arithmetic. Drawing a frame then lays out the few rows in
view (`render_line`), and keeps them in a small cache.

Every piece of text from the highlight is made `visible` and drawn as plain segments:
nothing is parsed as markup.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.model import Highlight
from library.sanitize import one_line
from reader.labels import clip_cells
from reader.layout.marks import MarginSign

NOTE_LINES = 3
"""The most lines a row gives its note (the rest is cut, an ellipsis marking the cut)."""

PADDING = 1
"""Cells left blank either side of a row's text."""

Piece = tuple[str, str]
"""``(text, component)``: a run of one row line and the component class it is drawn in."""


def wrap_cells(text: str, width: int, limit: int) -> list[str]:
    """`text` (one line) cut into at most `limit` lines of at most `width` cells, at spaces
    where it can be; a word wider than a line is cut inside, and the last line kept ends in
    an ellipsis when text was left over."""
    lines: list[str] = []
    rest = text
    while rest and len(lines) < limit:
        if cell_len(rest) <= width:
            lines.append(rest)
            rest = ""
            break
        head = clip_cells(rest, width + 1)[:-1]  # what fits, without the ellipsis
        cut = head.rfind(" ")
        if cut > 0:
            head = head[:cut]
        if not head:
            head = rest[:1]
        lines.append(head)
        rest = rest[len(head) :].lstrip(" ")
    if rest and lines:
        lines[-1] = clip_cells(lines[-1] + " " + rest, width)
    return lines


class HighlightList(ScrollView, can_focus=True):
    """The highlights of a document, one row each, with a cursor (`cursor`) on one."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "highlight-list--cursor",
        "highlight-list--color",
        "highlight-list--lost",
        "highlight-list--note",
        "highlight-list--tags",
    }

    DEFAULT_CSS = """
    HighlightList {
        height: 1fr;
        background: $panel;
        overflow-x: hidden;
        overflow-y: auto;
    }
    HighlightList > .highlight-list--cursor { background: $block-cursor-blurred-background; }
    HighlightList:focus > .highlight-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    HighlightList > .highlight-list--color { color: $text-muted; }
    HighlightList > .highlight-list--lost { color: $text-error; text-style: bold; }
    HighlightList > .highlight-list--note { text-style: italic; }
    HighlightList > .highlight-list--tags { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", "Next", show=False, id="panel.down"),
        Binding("up,k", "move(-1)", "Previous", show=False, id="panel.up"),
        Binding("pagedown,space", "page(1)", "Page down", show=False, id="panel.pagedown"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="panel.pageup"),
        Binding("home,g", "first", "First", show=False, id="panel.first"),
        Binding("end,G", "last", "Last", show=False, id="panel.last"),
        Binding("enter", "choose", "Go to it", id="panel.choose", tooltip="Go to the highlight"),
    ]

    cursor: var[int | None] = var[int | None](None, init=False)
    """The index of the row the cursor is on; None when the list is empty."""

    class Chosen(Message):
        """`enter` on a row (handler: `on_highlight_list_chosen`)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index
            """The row chosen."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._highlights: Sequence[Highlight] = ()
        self._tops: list[int] = [0]
        self._width = 0
        self._rows: LRUCache[int, list[list[Piece]]] = LRUCache(256)

    # -- the model --------------------------------------------------------------------------

    def set_highlights(self, highlights: Sequence[Highlight], cursor: int | None) -> None:
        """Show `highlights`, the cursor on row `cursor` (the first when None)."""
        self._highlights = highlights
        self._width = 0  # row heights are worked out again at the next size
        self._layout_rows()
        self.set_reactive(HighlightList.cursor, None)
        self.cursor = min(cursor or 0, len(highlights) - 1) if highlights else None

    @property
    def row_count(self) -> int:
        """How many highlights are listed."""
        return len(self._highlights)

    def _text_width(self) -> int:
        return max(8, self.scrollable_content_region.width - 2 * PADDING)

    def _layout_rows(self) -> None:
        """Work out where each row starts (a line count per highlight: no text is laid out
        but the notes', which are few)."""
        width = self._text_width()
        if width == self._width:
            return
        self._width = width
        self._rows.clear()
        height = self._row_height
        self._tops = [0, *accumulate(height(h, width) for h in self._highlights)]
        self.virtual_size = Size(self.scrollable_content_region.width, self._tops[-1])
        self.refresh()

    def _row_height(self, highlight: Highlight, width: int) -> int:
        """How many lines the row of `highlight` takes (what `_row` gives, counted without
        laying out its quote)."""
        note = len(_note_lines(highlight.note, width)) if highlight.note else 0
        return 1 + note + (1 if highlight.tags else 0)

    def _row(self, highlight: Highlight, width: int) -> list[list[Piece]]:
        """The lines of the row of `highlight`."""
        return _row(highlight, width)

    def _row_lines(self, index: int) -> list[list[Piece]]:
        """The lines of row `index`, each a list of pieces."""
        lines = self._rows.get(index)
        if lines is None:
            lines = self._row(self._highlights[index], self._width)
            self._rows.set(index, lines)
        return lines

    # -- moving -----------------------------------------------------------------------------

    def watch_cursor(self, old: int | None, new: int | None) -> None:
        self.refresh()
        if new is not None:
            self._show_row(new)

    def _show_row(self, index: int) -> None:
        """Scroll so that row `index` is in view."""
        top, bottom = self._tops[index], self._tops[index + 1]
        self.scroll_to_region(
            Region(0, top, 1, bottom - top), animate=False, force=True, immediate=True
        )

    def action_move(self, delta: int) -> None:
        if self.cursor is not None:
            self.cursor = max(0, min(self.row_count - 1, self.cursor + delta))

    def action_page(self, delta: int) -> None:
        if self.cursor is None:
            return
        line = self._tops[self.cursor] + delta * max(1, self.scrollable_content_region.height)
        line = max(0, min(self._tops[-1] - 1, line))
        self.cursor = bisect_right(self._tops, line) - 1

    def action_first(self) -> None:
        if self.row_count:
            self.cursor = 0

    def action_last(self) -> None:
        if self.row_count:
            self.cursor = self.row_count - 1

    def action_choose(self) -> None:
        if self.cursor is not None:
            self.post_message(self.Chosen(self.cursor))

    def on_resize(self) -> None:
        self._layout_rows()
        if self.cursor is not None:
            self._show_row(self.cursor)

    def on_click(self, event: events.Click) -> None:
        """A click goes to the highlight clicked, as `enter` on it does."""
        line = self.scroll_offset.y + event.y
        if self.row_count and 0 <= line < self._tops[-1]:
            self.cursor = bisect_right(self._tops, line) - 1
            self.action_choose()

    # -- drawing ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        self._layout_rows()
        width = self.scrollable_content_region.width
        base = self.rich_style
        line = self.scroll_offset.y + y
        if not 0 <= line < self._tops[-1]:
            return Strip.blank(width, base)
        index = bisect_right(self._tops, line) - 1
        pieces = self._row_lines(index)[line - self._tops[index]]
        if index == self.cursor:
            base += self.get_component_rich_style("highlight-list--cursor", partial=True)
        return line_strip(pieces, base, self._component, width)

    def _component(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)


def line_strip(
    pieces: Sequence[Piece], style: Style, component: Callable[[str], Style], width: int
) -> Strip:
    """One line of a list drawn from plain `pieces`, padded to `width` cells: each piece
    in `style`, with its component's style (`component`) over it when it names one."""
    segments = [Segment(" " * PADDING, style)]
    used = PADDING
    for text, name in pieces:
        segments.append(Segment(text, style + component(name) if name else style))
        used += cell_len(text)
    segments.append(Segment(" " * max(0, width - used), style))
    return Strip(segments, width).crop(0, width)


def _row(highlight: Highlight, width: int) -> list[list[Piece]]:
    """The lines of one highlight's row: color and quote, then its note and tags."""
    color = f"▌{highlight.color} "
    lost = "" if highlight.is_placed else "orphaned · "
    room = max(1, width - cell_len(color) - cell_len(lost))
    first: list[Piece] = []
    if lost:
        first.append((lost, "highlight-list--lost"))
    first += [(color, "highlight-list--color"), (clip_cells(one_line(highlight.quote), room), "")]
    lines = [first]
    if highlight.note:
        lines.extend(
            [(part, "highlight-list--note")] for part in _note_lines(highlight.note, width)
        )
    if highlight.tags:
        tags = clip_cells("# " + one_line(", ".join(highlight.tags)), width)
        lines.append([(tags, "highlight-list--tags")])
    return lines


def _note_lines(note: str, width: int) -> list[str]:
    """A note as its row shows it: after the note sign, on up to `NOTE_LINES` lines."""
    return wrap_cells(f"{MarginSign.NOTE} " + one_line(note), width, NOTE_LINES)
