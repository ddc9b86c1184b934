"""The find bar under the reader: a query field and a count of matches."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static


class FindBar(Horizontal):
    """Asks for a query; the screen that owns it runs the search and reports the count."""

    DEFAULT_CSS = """
    FindBar {
        height: 1;
        background: $panel;
        display: none;
    }
    FindBar.-open {
        display: block;
    }
    FindBar > .find-bar--label {
        width: auto;
        color: $text-accent;
        text-style: bold;
        padding: 0 1;
    }
    FindBar > Input, FindBar > Input:focus {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0;
        background: $panel;
    }
    FindBar > .find-bar--count {
        width: auto;
        min-width: 14;
        padding: 0 1;
        color: $text-muted;
        text-align: right;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Clear search", id="find.close", tooltip="Clear the search"),
    ]

    class QueryChanged(Message):
        """The query changed (handler: `on_find_bar_query_changed`)."""

        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Submitted(Message):
        """The reader pressed enter (handler: `on_find_bar_submitted`)."""

        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Closed(Message):
        """The reader pressed esc in the bar (handler: `on_find_bar_closed`)."""

    def compose(self) -> ComposeResult:
        yield Static(Content("/"), classes="find-bar--label")
        yield Input(placeholder="Search this document (fuzzy)", id="find-query")
        yield Static(Content(""), classes="find-bar--count")

    @property
    def query_text(self) -> str:
        """What is typed in the bar."""
        return self.query_one(Input).value

    def open(self) -> None:
        """Show the bar and put the caret in it, at once, so no typed key is lost."""
        self.add_class("-open")
        field = self.query_one(Input)
        self.screen.set_focus(field)
        field.select_all()

    def type_text(self, text: str) -> None:
        """Type `text` into the query at the caret (for keys the screen takes first)."""
        self.query_one(Input).insert_text_at_cursor(text)

    def close(self) -> None:
        """Hide the bar (its text is kept for next time)."""
        self.remove_class("-open")

    @property
    def is_open(self) -> bool:
        """True while the bar is shown."""
        return self.has_class("-open")

    def show_count(self, text: str) -> None:
        """Show `text` (say, "3 of 12") at the right of the bar."""
        self.query_one(".find-bar--count", Static).update(Content(text))

    @on(Input.Changed, "#find-query")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.QueryChanged(event.value))

    @on(Input.Submitted, "#find-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(event.value))

    def action_close(self) -> None:
        self.post_message(self.Closed())
