"""The library's list of documents, drawn with the line API.

A table widget would build and measure a cell object for every field of every document
before the first frame; with a thousand documents that is most of the library's start-up.
This list keeps the entries as they come from the catalog and formats only the rows in
view, each into one cached strip, so the library costs the same to show whatever its size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from library.entries import Entry
from library.sanitize import one_line
from reader.layout.scroll_thumb import thumb_lines, top_for
from reader.widgets.list_columns import (
    PADDING,
    ROW_FIELDS,
    SOURCE_MAX_WIDTH,
    Column,
    columns_for,
    fit,
    row_values,
    widest_source,
)


@dataclass(frozen=True, slots=True)
class _Place:
    """What a frame's lines are drawn for (`DocumentList._place`)."""

    width: int
    """Cells of a row (the widget's, less the scroll bar's)."""
    full: int
    """Cells of a line: the widget's width."""
    top: int
    """The first row in view."""
    focused: bool
    """Whether the list has the focus (its cursor is drawn brighter)."""
    thumb: tuple[int, int]
    """The rows of the view the scroll bar's thumb covers (see `thumb_lines`)."""


BAR_WIDTH = 1
"""Cells of the scroll bar the list draws in its rightmost column (`_line`)."""


class DocumentList(ScrollView, can_focus=True):
    """Documents in rows under a fixed header row, with a row cursor.

    Everything shown comes from the entries as plain strings, never parsed as markup.
    """

    ALLOW_SELECT = False

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "document-list--header",
        "document-list--cursor",
        "document-list--stripe",
        "document-list--dim",
        "document-list--bar",
        "document-list--thumb",
    }

    DEFAULT_CSS = """
    DocumentList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: hidden;  /* the list draws its own scroll bar (see `_line`) */
        background: $surface;
        color: $foreground;
        & > .document-list--header { text-style: bold; background: $panel; }
        & > .document-list--stripe { background: $surface-lighten-1; }
        & > .document-list--dim { color: $text-muted; }
        & > .document-list--bar { background: $scrollbar-background; }
        & > .document-list--thumb { background: $scrollbar; }
        & > .document-list--cursor { background: $primary 40%; text-style: bold; }
        &:focus > .document-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j,down",
            "cursor_down",
            "Down",
            key_display="j",
            show=False,
            id="library.down",
            tooltip="The next document",
        ),
        Binding(
            "k,up",
            "cursor_up",
            "Up",
            key_display="k",
            show=False,
            id="library.up",
            tooltip="The previous document",
        ),
        Binding(
            "pagedown",
            "page_down",
            "Page down",
            show=False,
            id="library.page_down",
            tooltip="A page of documents down",
        ),
        Binding(
            "pageup",
            "page_up",
            "Page up",
            show=False,
            id="library.page_up",
            tooltip="A page of documents up",
        ),
        Binding(
            "g,home",
            "first",
            "First",
            key_display="g",
            show=False,
            id="library.first",
            tooltip="The first document of the list",
        ),
        Binding(
            "G,end",
            "last",
            "Last",
            key_display="G",
            show=False,
            id="library.last",
            tooltip="The last document of the list",
        ),
    ]

    class Selected(Message):
        """A row was chosen with `enter` or a click on the cursor's row.

        Handle it in ``on_document_list_selected``.
        """

        def __init__(self, document_list: DocumentList, entry: Entry) -> None:
            super().__init__()
            self.document_list = document_list
            """The list the row belongs to."""
            self.entry = entry
            """The chosen document."""

        @property
        def control(self) -> DocumentList:
            """The list (for ``@on(..., selector)``)."""
            return self.document_list

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name for it
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._entries: tuple[Entry, ...] = ()
        self._progress: Mapping[str, float] = {}
        self._highlights: Mapping[str, int] = {}
        self._source_width = 0
        """Cells of the widest source shown (up to `SOURCE_MAX_WIDTH`)."""
        self._cursor = 0
        self._placeholder = ""
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._dragging = False
        """Whether the scroll bar is being dragged (the mouse is captured)."""
        self._styles: dict[tuple[bool, bool, bool], tuple[Style, Style]] = {}

    # -- model ---------------------------------------------------------------------------------

    @property
    def placeholder(self) -> str:
        """What the list says, under its header, when it has no rows."""
        return self._placeholder

    @placeholder.setter
    def placeholder(self, text: str) -> None:
        if text != self._placeholder:
            self._placeholder = text
            self.refresh()

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The rows, in order."""
        return self._entries

    @property
    def cursor_row(self) -> int:
        """The row under the cursor (0 when the list is empty)."""
        return self._cursor

    @property
    def scroll_thumb(self) -> tuple[int, int]:
        """The rows of the view (0: the first under the header) the scroll bar's thumb
        covers; ``(0, 0)`` when every row is shown and the bar is blank."""
        return self._place().thumb

    @property
    def current(self) -> Entry | None:
        """The entry under the cursor, if any."""
        return self._entries[self._cursor] if self._entries else None

    def set_entries(
        self,
        entries: Sequence[Entry],
        progress: Mapping[str, float],
        highlights: Mapping[str, int],
        *,
        keep: str | None = None,
        source_width: int | None = None,
    ) -> None:
        """Show `entries`, with each one's reading progress and highlight count by id
        (a document missing from `progress` was never opened).

        The cursor goes to the entry whose id is `keep` if it is shown, else stays on the
        same row (or the last one). The source column is as wide as `source_width` (see
        `widest_source`), or as the widest source of `entries` when it is not given.
        """
        self._entries = tuple(entries)
        self._progress = progress
        self._highlights = highlights
        self._source_width = (
            source_width if source_width is not None else widest_source(self._entries)
        )
        row = self._cursor
        if keep is not None:
            row = next((i for i, e in enumerate(self._entries) if e.id == keep), row)
        self._cursor = max(0, min(row, len(self._entries) - 1))
        self._set_height(len(self._entries) + 1)
        self._scroll_cursor_into_view()
        self.refresh()

    def _set_height(self, lines: int) -> None:
        """Make the list `lines` tall. Its scroll bar is drawn in its lines (`_line`), so
        a list that outgrows the screen (a refresh's rows arriving) is drawn in one frame
        and never lays the screen out."""
        size = Size(self.size.width, lines)
        if size == self.virtual_size:
            return
        if not self.is_mounted:
            self.virtual_size = size
            return
        self.set_reactive(DocumentList.virtual_size, size)
        self.refresh()  # the thumb's size and place

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        if round(old_value) != round(new_value):
            self.refresh()  # the rows and the thumb move

    @property
    def allow_vertical_scroll(self) -> bool:
        # Its bar is its own: Textual's answer asks for Textual's bar being shown.
        return not self.disabled and self.max_scroll_y > 0

    def redraw(self) -> None:
        """Draw the rows again, after the progress or highlight counts given to
        `set_entries` changed in place (only the rows in view are drawn)."""
        self.refresh()

    def move_cursor_to(self, doc_id: str) -> None:
        """Put the cursor on the document `doc_id`, if it is shown."""
        current = self.current
        if current is not None and current.id == doc_id:
            return
        row = next((i for i, entry in enumerate(self._entries) if entry.id == doc_id), None)
        if row is not None:
            self.move_cursor(row)

    def move_cursor(self, row: int) -> None:
        """Put the cursor on `row` (clamped to the rows there are) and scroll to it."""
        row = max(0, min(row, len(self._entries) - 1))
        if row == self._cursor:
            return
        old, self._cursor = self._cursor, row
        self._refresh_row(old)
        self._refresh_row(row)
        self._scroll_cursor_into_view()

    @property
    def _rows_in_view(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_offset.y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + self._rows_in_view:
            self.scroll_to(y=self._cursor - self._rows_in_view + 1, animate=False, immediate=True)

    def _refresh_row(self, row: int) -> None:
        y = row - round(self.scroll_offset.y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    # -- keys and mouse ------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + self._rows_in_view)

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - self._rows_in_view)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._entries) - 1)

    def action_select(self) -> None:
        """Post `Selected` for the cursor's row."""
        entry = self.current
        if entry is not None:
            self.post_message(self.Selected(self, entry))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1 or self._on_bar(event.x):
            return  # the header, or the scroll bar (pressed: `on_mouse_down`)
        row = round(self.scroll_offset.y) + event.y - 1
        if not 0 <= row < len(self._entries):
            return
        event.stop()
        if row == self._cursor:
            self.action_select()
        else:
            self.move_cursor(row)

    # -- the scroll bar, pressed and dragged ---------------------------------------------------

    def _on_bar(self, x: int) -> bool:
        return x >= self.size.width - BAR_WIDTH and self.max_scroll_y > 0

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.y < 1 or not self._on_bar(event.x):
            return
        event.stop()
        self._dragging = True
        self.capture_mouse()
        self._scroll_to_bar(event.y)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            event.stop()
            self._scroll_to_bar(event.y)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            event.stop()
            self._dragging = False
            self.release_mouse()

    def _scroll_to_bar(self, y: int) -> None:
        """Show the rows the bar's line `y` (of the widget) stands for, as a scroll bar
        does; the cursor stays on its document."""
        shown = self._rows_in_view
        top = top_for(y - 1, len(self._entries), shown, shown)
        self.scroll_to(y=min(top, self.max_scroll_y), animate=False, immediate=True)

    # -- drawing -------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._entries) + 1)
        self._strips.clear()
        self._scroll_cursor_into_view()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._styles.clear()

    def on_focus(self) -> None:
        self._refresh_row(self._cursor)  # the cursor is drawn brighter while focused

    def on_blur(self) -> None:
        self._refresh_row(self._cursor)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in `crop`, each a row drawn once and kept (`render_line`). Textual's
        own path styles every line of every frame for borders, padding, tint and opacity
        (this list has none of them) and makes a new strip of each: some 0.1 ms a line,
        so documents a refresh puts in above, which move every row, kept the UI thread
        3-5 ms a frame. The terminal's line filters are applied as Textual applies them;
        a kept row keeps its filtered copy too."""
        filters = self.get_line_filters()
        background = self.background_colors[1]
        place = self._place()
        strips: list[Strip] = []
        for y in crop.line_range:
            strip = self._line(y, place)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        x1, x2 = crop.column_span
        if (x1, x2) != (0, self.size.width):  # partly covered (Textual asks for what shows)
            strips = [
                strip.crop_extend(x1, x2, self._row_styles(False, False)[0]) for strip in strips
            ]
        return strips

    def render_line(self, y: int) -> Strip:
        return self._line(y, self._place())

    def _place(self) -> _Place:
        """What every line of a frame is drawn for (worked out once a frame: Textual
        works the widget's regions out at each ask)."""
        full = self.size.width
        top = round(self.scroll_offset.y)
        shown = self._rows_in_view
        thumb = thumb_lines(len(self._entries), shown, top, shown)
        return _Place(max(1, full - BAR_WIDTH), full, top, self.has_focus, thumb)

    def _line(self, y: int, place: _Place) -> Strip:
        """Line `y` of the widget (0: the header): the row there, then the scroll bar's
        cell (the thumb, its track, or blank when every row is shown). Each combination
        is kept, so a row that only moved, or whose bar cell is as before, is not drawn
        again."""
        if y == 0 or place.thumb == (0, 0):
            bar = ""
        elif place.thumb[0] <= y - 1 < place.thumb[1]:
            bar = "document-list--thumb"
        else:
            bar = "document-list--bar"
        row_key, row = self._row(y, place)
        if row_key is None:
            return row
        key = (row_key, place.full, bar)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._with_bar(row, place.full, bar)
            self._strips.set(key, strip)
        return strip

    def _row(self, y: int, place: _Place) -> tuple[tuple[object, ...] | None, Strip]:
        """The row drawn at line `y` without the bar's cell, and the key it is kept by
        (None for the placeholder, drawn whole each time)."""
        width = place.width
        if y == 0:
            key: tuple[object, ...] = ("header", width, self._source_width)
            strip = self._strips.get(key)
            if strip is None:
                columns = columns_for(width, min(self._source_width, SOURCE_MAX_WIDTH))
                style = self.rich_style + self.get_component_rich_style("document-list--header")
                labels = {column.value: column.label for column in columns}
                values = tuple(labels.get(index, "") for index in range(len(ROW_FIELDS)))
                strip = self._row_strip(columns, values, style, style, width)
                self._strips.set(key, strip)
            return key, strip
        row = place.top + y - 1
        if not self._entries and y == 2 and self._placeholder:
            style, dim = self._row_styles(False, False)
            text = fit(one_line(self._placeholder), max(1, width - 4))
            line = Strip([Segment("  " + text, dim)]).adjust_cell_length(place.full, style)
            return None, line
        if not 0 <= row < len(self._entries):
            key = ("blank", width)
            strip = self._strips.get(key)
            if strip is None:
                strip = Strip.blank(width, self._row_styles(False, False)[0])
                self._strips.set(key, strip)
            return key, strip
        focused = place.focused
        kind = ("focused-cursor" if focused else "cursor") if row == self._cursor else row % 2
        entry = self._entries[row]
        progress = self._progress.get(entry.id)
        highlights = self._highlights.get(entry.id, 0)
        # Keyed by what the row shows, not where: rows that only moved (new documents
        # listed above them) are not drawn again.
        key = (entry, progress, highlights, width, self._source_width, kind)
        strip = self._strips.get(key)
        if strip is None:
            columns = columns_for(width, min(self._source_width, SOURCE_MAX_WIDTH))
            values = row_values(entry, progress, highlights)
            style, dim = self._row_styles(row == self._cursor, row % 2 == 1)
            strip = self._row_strip(columns, values, style, dim, width)
            self._strips.set(key, strip)
        return key, strip

    def _with_bar(self, row: Strip, full: int, bar: str) -> Strip:
        """`row` followed by the scroll bar's cell, styled by the component class `bar`
        (the thumb's or the track's; '' for the list's own: no bar)."""
        style = self._row_styles(False, False)[0]
        if bar:
            style += self.get_component_rich_style(bar)
        cells = full - row.cell_length
        if cells <= 0:
            return row
        return Strip([*row, Segment(" " * cells, style)], full)

    def _row_styles(self, cursor: bool, stripe: bool) -> tuple[Style, Style]:
        """The style of a row's cells, and of its dimmed cells."""
        key = (cursor, cursor and self.has_focus, stripe)
        styles = self._styles.get(key)
        if styles is None:
            style = self.rich_style
            if cursor:
                style += self.get_component_rich_style("document-list--cursor")
            elif stripe:
                style += self.get_component_rich_style("document-list--stripe")
            dim = style
            if not cursor:  # the dimmed column takes only the colour, not the background
                dim += Style(color=self.get_component_rich_style("document-list--dim").color)
            styles = self._styles[key] = (style, dim)
        return styles

    @staticmethod
    def _row_strip(
        columns: Sequence[Column], values: Sequence[str], style: Style, dim: Style, width: int
    ) -> Strip:
        pad = " " * PADDING
        segments: list[Segment] = []
        cells = 0
        for column in columns:
            cell = pad + fit(values[column.value], column.width, right=column.right) + pad
            segments.append(Segment(cell, dim if column.dim else style))
            cells += column.width + 2 * PADDING  # what `fit` made it, told to the strip
        if cells > width:
            return Strip(segments).adjust_cell_length(width, style)
        if cells < width:
            segments.append(Segment(" " * (width - cells), style))
        return Strip(segments, width)
