"""The links in view, to choose one to open: `o` shows it when the sentence under the
cursor holds several links, or none.

Each line shows a link's words and where it leads, as plain text (a document's words and
addresses are never read as markup); the answer is the chosen link.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from library.links import Link
from library.sanitize import one_line
from reader.labels import clip_cells
from reader.screens.picker import PickerScreen

_FRAME = 8
"""Cells of the dialog's width that are not a link's: border, padding, scroll bar."""


class LinksScreen(PickerScreen[Link]):
    """Lists links; answers the one chosen, or None."""

    DEFAULT_CSS = """
    LinksScreen > .dialog {
        width: 90;
    }
    LinksScreen .dialog-keys {
        margin: 0 0 1 0;
    }
    LinksScreen OptionList, LinksScreen OptionList:focus {
        height: auto;
        max-height: 45vh;
        border: none;
        background: $surface;
    }
    """

    BINDINGS = [
        Binding("escape,q,o", "close", "Close", id="links.close"),
        Binding("j", "move('cursor_down')", "Next link", show=False, id="links.down"),
        Binding("k", "move('cursor_up')", "Previous link", show=False, id="links.up"),
    ]

    HELP_TITLE = "Links"

    def __init__(self, links: tuple[Link, ...], first: int = 0) -> None:
        """Args:
        links: The links to choose from, in reading order (at least one).
        first: The one to start on.
        """
        super().__init__()
        self._links = links
        self._first = first

    def compose(self) -> ComposeResult:
        room = min(90, self.app.size.width * 9 // 10) - _FRAME
        options = [Option(self._prompt(link, room)) for link in self._links]
        count = len(self._links)
        with Vertical(classes="dialog"):
            yield Static(
                Content.assemble(
                    ("Links", "bold"), f" in view · {count} link{'s' if count != 1 else ''}"
                ),
                classes="dialog-title",
            )
            yield Static(
                Content("j/k ↓/↑  move    enter  open    esc  close"), classes="dialog-keys"
            )
            yield OptionList(*options, id="links")

    @staticmethod
    def _prompt(link: Link, room: int) -> Content:
        """A link's words, then where it leads (dimmed), cut to `room` cells."""
        words = clip_cells(one_line(link.words), max(8, room // 2))
        target = clip_cells(one_line(link.target), max(8, room - len(words) - 3))
        return Content.assemble(words, ("  →  ", "dim"), (target, "dim"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = min(self._first, len(self._links) - 1)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._links[event.option_index])
