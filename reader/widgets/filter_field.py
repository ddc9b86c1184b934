"""The field above a list (the library's filter, the notes' filter, the search's query):
keys typed into it in one burst arrive in the order typed.

Why a burst could come out of order in a bare `Input`: a printable key is typed by the
field the moment it gets the key, but a key the field *binds* (`backspace`, `←`, `ctrl+w`,
`enter`…) is not run there: Textual runs non-priority bindings only once the key has
bubbled up through the screen to the app. While the screen is busy (refilling its list
after each change), ten backspaces wait in its queue and the word typed behind them goes in
first (`geobsid`). Likewise, keys queued behind an `enter` that moves to the list were
already handed to the field, and would be typed into it.

So this field runs its own bindings as soon as it gets a key, and once a key has moved the
focus away, it hands the keys still queued for it back to the app, in order, which gives
them to the widget that has the focus now. A burst then acts exactly as slow typing does.
"""

from __future__ import annotations

from typing import Self

from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.widgets import Input


class FilterField(Input):
    """A field over a list: `enter`, `↓` and `tab` go to the list (the text is kept), `?`
    opens the help (a filter has no use for a `?`, and help must be one key away on
    every screen); every other printable key, `j` and `k` included, is typed."""

    BINDINGS = [
        Binding(
            "enter,down,tab",
            "to_list",
            "To the list",
            key_display="⏎",
            id="filter.to_list",
            tooltip="To the list below, keeping what is typed",
        ),
        Binding(
            "question_mark",
            "app.help",
            "Help",
            id="filter.help",
            tooltip="Show every key of this screen",
        ),
    ]

    _typing = False
    """Set while a new value is taken in (see `refresh`)."""

    def validate_value(self, value: str) -> str:
        self._typing = True  # until `watch_value`: the value's own updates follow
        return value

    def watch_value(self, value: str) -> None:
        self._typing = False

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        """As `Input.refresh`, but a key typed does not lay out the screen: the field is
        as tall and as wide as its place whatever it holds, yet `Input` asks for a layout
        whenever the width of its text changes (its virtual size) — a layout and a repaint
        of the whole screen at every key, tens of milliseconds over a large list."""
        if self._typing and not self.styles.auto_dimensions:
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def action_to_list(self) -> None:
        """Give the keys to the list below, at once (the keys typed next go there), and
        say so with `Submitted`."""
        self.screen.focus_next()
        self.post_message(self.Submitted(self, self.value))

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """`?` is not typed, so the key bar offers it."""
        return key != "question_mark" and super().check_consume_key(key, character)

    def _own_binding(self, key: str) -> Binding | None:
        """The binding of this field (its own or the `Input`'s) that `key` runs, if any."""
        active = self.screen.active_bindings.get(key)
        if active is None or active.node is not self or not active.enabled:
            return None
        return active.binding

    async def on_key(self, event: events.Key) -> None:
        """Run the field's bindings here and now, and pass on the keys that came after a
        key that moved the focus away (see the module's docstring)."""
        if self.app.screen is not self.screen or self.screen.focused is not self:
            # Queued for this field before a key ahead of it moved the focus: the app
            # hands it to whatever has the keys now, as it would have if typed slowly.
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
            return
        binding = self._own_binding(event.key)
        if binding is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(binding.action)


def type_in_turn(field: Input, key: str, character: str) -> None:
    """Type `character` into `field` after the keys already queued for it.

    For a priority key that is also a character of a query (`/` in a filter, `f` in the
    library's): the app runs a priority binding as soon as the key arrives, while the
    keys typed just before it may still wait in the field's queue; inserting the
    character at once would put it ahead of them (``a/b`` typed fast became ``/ab``).
    """
    field.post_message(events.Key(key, character))
