"""The library's list of documents, drawn with the line API.

A table widget would build and measure a cell object for every field of every document
before the first frame; with a thousand documents that is most of the library's start-up.
This list keeps the entries as they come from the catalog and formats only the rows in
view, each into one cached strip, so the library costs the same to show whatever its size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
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
from reader.labels import length_label, progress_label


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the list."""

    label: str
    """The header's text."""
    value: int
    """Which of `row_values` the column shows."""
    width: int
    """Width in cells, padding excluded."""
    right: bool = False
    """Whether the values are aligned to the right."""
    dim: bool = False
    """Whether the values are drawn dimmed."""


TITLE_MIN_WIDTH = 20
"""The title never gets fewer cells than this (the other columns give way first)."""
SOURCE_MAX_WIDTH = 20
"""The source column is as wide as the widest source shown, up to this."""
SOURCE_MIN_WIDTH = 6
"""A source column that would be narrower than this is left out."""
PADDING = 1
"""Cells of padding on each side of every column."""
SCROLL_BAR_LATER = 0.02
"""Seconds after the rows that the scroll bar is drawn (a frame later; see
`DocumentList._tell_scroll_bar_soon`)."""

_SOURCE = Column("Source", 1, SOURCE_MAX_WIDTH, dim=True)
_DATE = Column("Date", 2, 10)
_LENGTH = Column("Length", 3, 6, right=True)
_SHORT_LENGTH = Column("Len", 6, 4, right=True)
_READ = Column("Read", 4, 4, right=True)
_MARKS = Column("Marks", 5, 5, right=True)


_GIVING_WAY: tuple[tuple[Column, Column | None], ...] = (
    (_LENGTH, _SHORT_LENGTH),
    (_DATE, None),
    (_MARKS, None),
    (_SHORT_LENGTH, None),
)
"""What gives way to the title, in order: each column, and its narrower form (or None)."""


@lru_cache(maxsize=32)
def widest_source(entries: Sequence[Entry]) -> int:
    """Cells of the widest source among `entries` (0 when none has one). A list filtered
    from a library is given the library's: its columns stay put while the user types,
    and the thousands of rows a key can match are not measured again at every key."""
    sources = {entry.source for entry in entries if entry.source}  # a few, among thousands
    return max((cell_len(one_line(source)) for source in sources), default=0)


@lru_cache(maxsize=64)
def columns_for(width: int, source_width: int = SOURCE_MAX_WIDTH) -> tuple[Column, ...]:
    """The columns for a list `width` cells wide whose widest source takes `source_width`
    cells: the title takes what the others leave.

    Columns are laid out by what they are worth: while the title would get less than
    two fifths of the width, the length takes its narrow form (`4m`), then the date, the
    marks and the length are left out, in that order; only then is the source shortened
    (left out below `SOURCE_MIN_WIDTH`). The progress (Read) is always shown.

    Kept for each width: every line of the list drawn asks for them.
    """
    source = min(source_width, SOURCE_MAX_WIDTH)
    columns = [replace(_SOURCE, width=source)] if source > 0 else []
    columns += [_DATE, _LENGTH, _READ, _MARKS]

    def title_width() -> int:
        return width - sum(column.width + 2 * PADDING for column in columns) - 2 * PADDING

    comfortable = max(TITLE_MIN_WIDTH, width * 2 // 5)
    for given_way, narrower in _GIVING_WAY:
        if title_width() >= comfortable:
            break
        columns = _give_way(columns, given_way, narrower)
    missing = TITLE_MIN_WIDTH - title_width()
    if missing > 0 and source > 0:
        source = max(0, source - missing)
        columns = [c for c in columns if c.label != "Source"]
        if source >= SOURCE_MIN_WIDTH:
            columns.insert(0, replace(_SOURCE, width=source))
    return (Column("Title", 0, max(TITLE_MIN_WIDTH, title_width())), *columns)


def _give_way(columns: list[Column], column: Column, narrower: Column | None) -> list[Column]:
    """`columns` with `column` in its `narrower` form, or left out when there is none."""
    if narrower is None:
        return [kept for kept in columns if kept is not column]
    return [narrower if kept is column else kept for kept in columns]


def fit(text: str, width: int, *, right: bool = False) -> str:
    """`text` in exactly `width` cells: cut with an ellipsis when too long, else padded.

    `text` is printable (see `row_values`): in ASCII, a character is a cell, and counting
    cells the general way (a look-up per character) was most of the cost of a new row.
    """
    if text.isascii():
        if len(text) > width:
            return text[: width - 1] + "…" if width > 1 else text[:width]
        padding = " " * (width - len(text))
        return padding + text if right else text + padding
    cells = cell_len(text)
    if cells > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    if right:
        return " " * (width - cells) + text
    return text + " " * (width - cells)


ROW_FIELDS = ("title", "source", "date", "length", "read", "marks", "short length")
"""What `row_values` gives, in order (`Column.value` indexes it)."""


def row_values(entry: Entry, progress: float | None, highlights: int) -> tuple[str, ...]:
    """What each column can show for `entry` (made visible and put on one line), in the
    order of `ROW_FIELDS`."""
    return (
        one_line(entry.title),
        one_line(entry.source or ""),
        one_line(entry.date or ""),
        length_label(entry.reading_minutes),
        progress_label(progress),
        str(highlights) if highlights else "",
        short_length_label(entry.reading_minutes),
    )


def short_length_label(minutes: int) -> str:
    """Reading time in at most four characters, for a narrow list: `4m`, `2h`, `41h`."""
    if minutes < 60:
        return f"{minutes}m"
    return f"{round(minutes / 60)}h"


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
    }

    DEFAULT_CSS = """
    DocumentList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        background: $surface;
        color: $foreground;
        & > .document-list--header { text-style: bold; background: $panel; }
        & > .document-list--stripe { background: $surface-lighten-1; }
        & > .document-list--dim { color: $text-muted; }
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
        self._bar_due = False
        """Whether the scroll bar is to be told the list's height and place next frame."""
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
        """Make the list `lines` tall. The rows are drawn at once; the scroll bar, whether
        it comes, goes or moves, on the next frame (`_tell_scroll_bar_soon`). Its column
        is kept whether it shows or not, so the rows are as wide either way: a list that
        first outgrows the screen (a refresh's rows arriving) lays the screen out once,
        with its rows already drawn, not in the frame that draws them."""
        size = Size(self.size.width, lines)
        if size == self.virtual_size:
            return
        if not self.is_mounted:
            self.virtual_size = size
            return
        self.set_reactive(DocumentList.virtual_size, size)
        self._tell_scroll_bar_soon()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # As a scroll view does, but the scroll bar is told on the next frame (below).
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)
        self._tell_scroll_bar_soon()

    def _tell_scroll_bar_soon(self) -> None:
        """Show, hide or move the scroll bar on the frame after the rows are drawn. Drawing
        the bar costs as much as drawing the rows (some 1.5 ms each), and showing or
        hiding it lays the screen out: rows that change with the bar (documents a refresh
        puts in above, a page down) reach the screen a frame sooner, and no single frame
        keeps the UI thread for both."""
        if not self._bar_due:
            self._bar_due = True
            self.set_timer(SCROLL_BAR_LATER, self._tell_scroll_bar)

    def _tell_scroll_bar(self) -> None:
        self._bar_due = False
        if not self.is_mounted:
            return
        needed = self.virtual_size.height > self.container_size.height
        if needed != self.show_vertical_scrollbar:
            self.show_vertical_scrollbar = needed  # lays the screen out
        if needed:
            bar = self.vertical_scrollbar
            bar.window_virtual_size = self.virtual_size.height
            bar.position = self.scroll_y

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
        if event.y < 1:
            return  # the header
        row = round(self.scroll_offset.y) + event.y - 1
        if not 0 <= row < len(self._entries):
            return
        event.stop()
        if row == self._cursor:
            self.action_select()
        else:
            self.move_cursor(row)

    # -- drawing -------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.call_after_refresh(self._prepare_scroll_bar)

    def _prepare_scroll_bar(self) -> None:
        """Make the scroll bar (hidden) once the first frame is drawn, not when the list
        first outgrows the screen: then it was made, its module imported and styled in the
        frame that lays the screen out for it (~10 ms, the rows of a refresh arriving)."""
        if self.is_mounted:
            _ = self.vertical_scrollbar

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
        place = self._place()  # once: the widget's regions are worked out at each ask
        strips: list[Strip] = []
        for y in crop.line_range:
            strip = self._line(y, *place)
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
        return self._line(y, *self._place())

    def _place(self) -> tuple[int, int, int, bool]:
        """What every line of a frame is drawn for: the rows' width, the widget's (the
        column kept for the scroll bar is the list's background; the bar, when shown, is
        drawn over it), the first row in view, and whether the list has the focus."""
        width = self.scrollable_content_region.width
        return width, max(width, self.size.width), round(self.scroll_offset.y), self.has_focus

    def _line(self, y: int, width: int, full: int, top: int, focused: bool) -> Strip:
        """Line `y` of the widget (0: the header), drawn for `_place`."""
        if y == 0:
            key: tuple[object, ...] = ("header", width, full, self._source_width)
            strip = self._strips.get(key)
            if strip is None:
                columns = columns_for(width, min(self._source_width, SOURCE_MAX_WIDTH))
                style = self.rich_style + self.get_component_rich_style("document-list--header")
                labels = {column.value: column.label for column in columns}
                values = tuple(labels.get(index, "") for index in range(len(ROW_FIELDS)))
                strip = self._row_strip(columns, values, style, style, width)
                strip = self._as_wide(strip, full)
                self._strips.set(key, strip)
            return strip
        row = top + y - 1
        if not self._entries and y == 2 and self._placeholder:
            style, dim = self._row_styles(False, False)
            text = fit(one_line(self._placeholder), max(1, width - 4))
            return Strip([Segment("  " + text, dim)]).adjust_cell_length(full, style)
        if not 0 <= row < len(self._entries):
            key = ("blank", full)
            strip = self._strips.get(key)
            if strip is None:
                strip = Strip.blank(full, self._row_styles(False, False)[0])
                self._strips.set(key, strip)
            return strip
        kind = ("focused-cursor" if focused else "cursor") if row == self._cursor else row % 2
        entry = self._entries[row]
        progress = self._progress.get(entry.id)
        highlights = self._highlights.get(entry.id, 0)
        # Keyed by what the row shows, not where: rows that only moved (new documents
        # listed above them) are not drawn again.
        key = (entry, progress, highlights, width, full, self._source_width, kind)
        strip = self._strips.get(key)
        if strip is None:
            columns = columns_for(width, min(self._source_width, SOURCE_MAX_WIDTH))
            values = row_values(entry, progress, highlights)
            style, dim = self._row_styles(row == self._cursor, row % 2 == 1)
            strip = self._as_wide(self._row_strip(columns, values, style, dim, width), full)
            self._strips.set(key, strip)
        return strip

    def _as_wide(self, strip: Strip, full: int) -> Strip:
        """`strip` with the scroll bar's column after it, in the list's background."""
        if strip.cell_length >= full:
            return strip
        plain = self._row_styles(False, False)[0]  # the list's own style, kept
        return Strip([*strip, Segment(" " * (full - strip.cell_length), plain)], full)

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
