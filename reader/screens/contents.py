"""The table of contents of the open document: `enter` jumps to a heading.

It opens on the heading the reader is under, so `enter` right away is a no-op and `j`/`k`
step to the neighbouring chapters; the answer is the chosen heading's offset, and the
reader makes the jump (so `''` comes back).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from library.contents import Heading, heading_path
from library.sanitize import one_line
from reader.labels import clip_cells
from reader.screens.picker import PickerScreen

_INDENT = "  "
_FRAME = 10
"""Cells of the dialog's width that are not a heading's: border, padding, scroll bar."""


class ContentsScreen(PickerScreen[int]):
    """Lists the document's headings; answers the offset of the one chosen, or None."""

    DEFAULT_CSS = """
    ContentsScreen > .dialog {
        width: 80;
    }
    ContentsScreen .dialog-keys {
        margin: 0 0 1 0;
    }
    ContentsScreen OptionList, ContentsScreen OptionList:focus {
        height: auto;
        max-height: 45vh;
        border: none;
        background: $surface;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="contents.close"),
        Binding("q,T", "close", "Close", show=False, id="contents.close2"),
        Binding("j", "move('cursor_down')", "Next heading", show=False, id="contents.down"),
        Binding("k", "move('cursor_up')", "Previous heading", show=False, id="contents.up"),
        Binding("g", "move('first')", "First heading", show=False, id="contents.first"),
        Binding("G", "move('last')", "Last heading", show=False, id="contents.last"),
    ]

    HELP_TITLE = "Contents"

    def __init__(self, title: str, headings: tuple[Heading, ...], current: int | None) -> None:
        """Args:
        title: The document's title, shown above the list.
        headings: The document's headings, in reading order (at least one).
        current: The index of the heading the reader is under, if any.
        """
        super().__init__()
        self._title = title
        self._headings = headings
        self._current = current

    def compose(self) -> ComposeResult:
        top = min(heading.level for heading in self._headings)
        # The dialog is 80 cells, or 90 % of a narrower terminal, less its border,
        # padding, the list's scroll bar and the mark: one line per heading, always.
        room = min(80, self.app.size.width * 9 // 10) - _FRAME
        options = [
            Option(self._prompt(heading, top, index == self._current, room), id=str(index))
            for index, heading in enumerate(self._headings)
        ]
        count = len(self._headings)
        here = ""
        if self._current is not None:
            path = heading_path(self._headings, self._current)
            here = "\nYou are in " + " › ".join(one_line(h.title) for h in path)
        with Vertical(classes="dialog"):
            yield Static(
                Content.assemble(
                    ("Contents", "bold"),
                    f" of {one_line(self._title)} · {count} heading{'s' if count != 1 else ''}",
                    (here, "dim"),
                ),
                classes="dialog-title",
            )
            yield Static(
                Content("j/k ↓/↑  move    enter  go there    esc  close"), classes="dialog-keys"
            )
            yield OptionList(*options, id="contents")

    @staticmethod
    def _prompt(heading: Heading, top: int, current: bool, room: int) -> Content:
        """One heading, indented by its level, cut to `room` cells; the reader's own
        marked with ▸."""
        indent = _INDENT * (heading.level - top)
        marker = ("▸ ", "bold $accent") if current else "  "
        title = clip_cells(one_line(heading.title), max(8, room - len(indent) - 2))
        return Content.assemble(marker, indent, title)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self._current if self._current is not None else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._headings[event.option_index].start)
