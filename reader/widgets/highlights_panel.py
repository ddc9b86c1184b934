"""The highlights panel beside the reader: every highlight of the document, in order.

The rows are a `HighlightList`, which draws only the rows in view: opening the panel on a
document of a hundred thousand highlights costs what it costs on one of ten.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from annotations.model import Highlight
from reader.widgets.highlight_list import HighlightList


class HighlightsPanel(Vertical):
    """Lists highlights; `enter` asks the reader to jump to one, `tab`/`esc` closes;
    `j`/`k` and the arrows move."""

    DEFAULT_CSS = """
    HighlightsPanel {
        dock: right;
        width: 44;
        height: 1fr;
        background: $panel;
        border-left: solid $accent;
        display: none;
    }
    HighlightsPanel.-open {
        display: block;
    }
    HighlightsPanel > .highlights-panel--title {
        height: 1;
        text-style: bold;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("tab", "close", "Close panel", id="panel.close", tooltip="Back to the text"),
        Binding("escape", "close", "Close panel", show=False, id="panel.close2"),
    ]

    class Chosen(Message):
        """The reader picked a highlight (handler: `on_highlights_panel_chosen`)."""

        def __init__(self, highlight: Highlight) -> None:
            super().__init__()
            self.highlight = highlight

    class Closed(Message):
        """The panel was closed (handler: `on_highlights_panel_closed`)."""

    def __init__(self) -> None:
        super().__init__()
        self._highlights: Sequence[Highlight] = ()

    def compose(self) -> ComposeResult:
        yield Static(Content("Highlights"), classes="highlights-panel--title")
        yield HighlightList(id="highlights")

    @property
    def is_open(self) -> bool:
        """True while the panel is shown."""
        return self.has_class("-open")

    def show(self, highlights: Sequence[Highlight], current: Highlight | None) -> None:
        """Fill the panel with `highlights`, open it and put the cursor on `current`."""
        self._highlights = highlights
        rows = self.query_one(HighlightList)
        at = _index_of(highlights, current)
        rows.set_highlights(highlights, at)
        title = f"Highlights · {len(highlights)}" if highlights else "No highlights yet (h)"
        self.query_one(".highlights-panel--title", Static).update(Content(title))
        self.add_class("-open")
        self.screen.set_focus(rows)

    @property
    def current(self) -> Highlight | None:
        """The highlight the panel's cursor is on, if any."""
        index = self.query_one(HighlightList).cursor
        if index is None or not 0 <= index < len(self._highlights):
            return None
        return self._highlights[index]

    def close(self) -> None:
        """Hide the panel."""
        self.remove_class("-open")

    def on_highlight_list_chosen(self, event: HighlightList.Chosen) -> None:
        event.stop()
        self.post_message(self.Chosen(self._highlights[event.index]))

    def action_close(self) -> None:
        self.post_message(self.Closed())


def _index_of(highlights: Sequence[Highlight], current: Highlight | None) -> int:
    """Where `current` is listed (by id: it may have changed since), else 0."""
    if current is None:
        return 0
    return next((at for at, h in enumerate(highlights) if h.id == current.id), 0)
