"""The highlights panel beside the reader: every highlight of the document, in order."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotations.model import Highlight
from library.sanitize import one_line
from reader.labels import clip
from reader.layout.marks import MarginSign

SNIPPET = 120


class HighlightsPanel(Vertical):
    """Lists highlights; `enter` asks the reader to jump to one, `tab`/`esc` closes."""

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
    HighlightsPanel > OptionList, HighlightsPanel > OptionList:focus {
        height: 1fr;
        border: none;
        background: $panel;
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
        self._highlights: tuple[Highlight, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(Content("Highlights"), classes="highlights-panel--title")
        yield OptionList(id="highlights")

    @property
    def is_open(self) -> bool:
        """True while the panel is shown."""
        return self.has_class("-open")

    def show(self, highlights: tuple[Highlight, ...], current: Highlight | None) -> None:
        """Fill the panel with `highlights`, open it and focus the list on `current`."""
        self._highlights = highlights
        options = self.query_one(OptionList)
        options.clear_options()
        for index, highlight in enumerate(highlights):
            quote = clip(one_line(highlight.quote), SNIPPET)
            parts: list[str | tuple[str, str]] = [(f"▌{highlight.color} ", "dim"), quote]
            if not highlight.is_placed:
                parts.insert(0, ("orphaned · ", "bold $text-error"))
            if highlight.note:
                parts.extend(
                    ["\n", (f"{MarginSign.NOTE} " + one_line(highlight.note)[:SNIPPET], "italic")]
                )
            if highlight.tags:
                parts.extend(["\n", ("# " + one_line(", ".join(highlight.tags)), "dim")])
            options.add_option(Option(Content.assemble(*parts), id=str(index)))
        title = f"Highlights · {len(highlights)}" if highlights else "No highlights yet (h)"
        self.query_one(".highlights-panel--title", Static).update(Content(title))
        self.add_class("-open")
        if highlights:
            ids = [h.id for h in highlights]
            options.highlighted = ids.index(current.id) if current and current.id in ids else 0
        self.screen.set_focus(options)

    @property
    def current(self) -> Highlight | None:
        """The highlight the panel's cursor is on, if any."""
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self._highlights):
            return None
        return self._highlights[index]

    def close(self) -> None:
        """Hide the panel."""
        self.remove_class("-open")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(self._highlights[int(event.option.id or 0)]))

    def action_close(self) -> None:
        self.post_message(self.Closed())
