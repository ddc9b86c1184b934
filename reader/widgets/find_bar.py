"""The find bar under the reader: a query field, a count of matches, and search notices.

Keys typed in one burst (a fast typist, a paste through the terminal) must act as if typed
slowly: in ``/query⏎h`` the `h` highlights the match `enter` went to, it is not typed into
the query, nor run before the search has answered. So the field itself takes `enter`, in
the order its keys arrive, and from then on hands every key it is given to the screen,
in order, as `FindBar.KeyAfterEnter`; the screen holds them until the search answers.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static


class QueryField(Input):
    """The query; after `enter` it types nothing more and passes its keys on, in order."""

    class Entered(Message):
        """`enter` was pressed in the field (handler: the `FindBar`'s)."""

    class KeyPassed(Message):
        """A key came after `enter` (handler: the `FindBar`'s)."""

        def __init__(self, key: str, character: str | None) -> None:
            super().__init__()
            self.key = key
            self.character = character

    passing = False
    """True from `enter` until the bar is opened again: keys are passed on, not typed."""

    async def _on_key(self, event: events.Key) -> None:
        if self.passing:
            event.stop()
            event.prevent_default()
            self.post_message(self.KeyPassed(event.key, event.character))
        elif event.key == "enter":
            # Taken here, not by the Input's binding: bindings run when the key has gone
            # up to the app, after keys typed behind it may already have been typed in.
            event.stop()
            event.prevent_default()
            self.passing = True
            self.post_message(self.Entered())
        else:
            await super()._on_key(event)

    def on_mouse_down(self) -> None:
        """A click puts the caret back in the query: keys are typed there again."""
        self.passing = False


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

    NOTICE_STYLE = "bold $text-warning"
    """How a notice (say, that a search went round the end) stands out beside the count."""

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

    class KeyAfterEnter(Message):
        """A key typed after `enter`, in the order typed (handler:
        `on_find_bar_key_after_enter`): the screen runs it once the search has answered."""

        def __init__(self, key: str, character: str | None) -> None:
            super().__init__()
            self.key = key
            """The key's name, as in `events.Key.key`."""
            self.character = character
            """The character it types, if any."""

    class Closed(Message):
        """The reader pressed esc in the bar (handler: `on_find_bar_closed`)."""

    def compose(self) -> ComposeResult:
        yield Static(Content("/"), classes="find-bar--label")
        yield QueryField(placeholder="Search this document (fuzzy)", id="find-query")
        yield Static(Content(""), classes="find-bar--count")

    @property
    def field(self) -> QueryField:
        """The query field."""
        return self.query_one(QueryField)

    @property
    def query_text(self) -> str:
        """What is typed in the bar."""
        return self.field.value

    @property
    def is_passing(self) -> bool:
        """True while the field has the keys but passes them on (after `enter`)."""
        field = self.field
        return field.passing and self.screen.focused is field

    def open(self) -> None:
        """Show the bar and put the caret in it, at once, so no typed key is lost."""
        self.add_class("-open")
        field = self.field
        field.passing = False
        self.screen.set_focus(field)
        field.select_all()

    def show_query(self, query: str) -> None:
        """Show the bar holding `query` (searched as if typed), the keys left where they
        are: a search carried in from elsewhere, for `n` and `N`."""
        self.add_class("-open")
        field = self.field
        field.passing = False
        field.value = query

    def pass_key(self, key: str, character: str | None) -> None:
        """Queue a key the screen took first (a priority key) behind the keys the field
        has been given, so that it keeps its place among them."""
        self.field.post_message(events.Key(key, character))

    def take_key(self, key: str, character: str | None) -> None:
        """Act on a key held while a search answered, as the field would have: type it,
        delete back, take `enter`, or close on `esc`; other keys are dropped."""
        field = self.field
        if key == "enter":
            field.passing = True
            self.post_message(self.Submitted(field.value))
        elif key == "escape":
            self.action_close()
        elif key == "backspace":
            field.action_delete_left()
        elif character is not None and character.isprintable():
            field.insert_text_at_cursor(character)

    def close(self) -> None:
        """Hide the bar (its text is kept for next time)."""
        self.remove_class("-open")

    @property
    def is_open(self) -> bool:
        """True while the bar is shown."""
        return self.has_class("-open")

    def show_count(self, text: str, notice: str = "") -> None:
        """Show `text` (say, "3 of 12") at the right of the bar, after a `notice` (say,
        "wrapped to the top") that stands out: a toast there would cover the count."""
        parts: list[str | tuple[str, str]] = []
        if notice:
            parts.append((notice, self.NOTICE_STYLE))
            if text:
                parts.append(" · ")
        parts.append(text)
        self.query_one(".find-bar--count", Static).update(Content.assemble(*parts))

    @on(Input.Changed, "#find-query")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.QueryChanged(event.value))

    @on(QueryField.Entered)
    def _entered(self, event: QueryField.Entered) -> None:
        event.stop()
        self.post_message(self.Submitted(self.field.value))

    @on(QueryField.KeyPassed)
    def _passed(self, event: QueryField.KeyPassed) -> None:
        event.stop()
        self.post_message(self.KeyAfterEnter(event.key, event.character))

    def action_close(self) -> None:
        self.post_message(self.Closed())
