"""The key bar at the foot of every screen, generated from the screen's real bindings.

One widget drawing one line, instead of a widget per key: the first frame of a screen
comes sooner, and a change of focus redraws a line rather than rebuilding a row of widgets.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import RenderResult
from textual.content import Content
from textual.keys import key_to_character
from textual.screen import Screen
from textual.widget import Widget

KEY_STYLE = "bold $footer-key-foreground"
DESCRIPTION_STYLE = "$footer-description-foreground"
DISABLED_STYLE = "dim"
GAP = "  "

_MISSING_CHARACTERS = {"slash": "/"}
"""Printable keys whose character Textual's `key_to_character` does not know."""


@dataclass(frozen=True, slots=True)
class KeyHint:
    """One key as the bar shows it."""

    key: str
    """The key to simulate when the hint is clicked (Textual's name for it)."""
    action: str
    """The action the key runs (the help key is kept on narrow screens)."""
    display: str
    """How the key is shown (`⏎`, `/`, `^p`)."""
    description: str
    """What the key does, in a word or two."""
    enabled: bool = True
    """False when the key does nothing here just now (shown dimmed)."""


def hints_for(screen: Screen[object]) -> tuple[list[KeyHint], KeyHint | None]:
    """The keys the bar shows for `screen`: its shown bindings, one per action, in binding
    order, leaving out keys that the focused widget takes for itself (a `/` typed into a
    field is a slash); and the command palette's key, kept for the right-hand end."""
    app = screen.app
    focused = screen.focused
    shown: list[KeyHint] = []
    seen: set[str] = set()
    palette: KeyHint | None = None
    for active in screen.active_bindings.values():
        binding = active.binding
        display = app.get_key_display(binding)
        hint = KeyHint(binding.key, binding.action, display, binding.description, active.enabled)
        if binding.action == "app.command_palette" or binding.key == app.COMMAND_PALETTE_BINDING:
            if app.ENABLE_COMMAND_PALETTE and palette is None:
                palette = hint
            continue
        if not binding.show or binding.action in seen:
            continue
        character = key_to_character(binding.key) or _MISSING_CHARACTERS.get(binding.key)
        if focused is not None and focused.check_consume_key(binding.key, character):
            continue
        seen.add(binding.action)
        shown.append(hint)
    return shown, palette


def _is_help(hint: KeyHint) -> bool:
    return hint.action.rpartition(".")[2] == "help"


class KeyBar(Widget):
    """One line: each key the screen offers and what it does; `ctrl+p` at the right.

    A click on a key presses it.
    """

    ALLOW_SELECT = False

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._hints: list[KeyHint] = []
        self._palette: KeyHint | None = None
        self._spans: list[tuple[int, int, str]] = []
        """Where each key was drawn, for clicks: (first cell, end cell, key)."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is not self.screen:
            return
        hints, palette = hints_for(screen)
        if hints != self._hints or palette != self._palette:
            self._hints, self._palette = hints, palette
            self.refresh()

    @property
    def hints(self) -> tuple[KeyHint, ...]:
        """The keys shown, left to right (the palette's key, if shown, last)."""
        return (*self._hints, *([self._palette] if self._palette else []))

    def render(self) -> RenderResult:
        width = self.size.width
        pieces = [(hint, self._hint_content(hint)) for hint in self._hints]
        # Keys that do not fit whole are left out, from the end, but the help key is kept:
        # it is the way to every other key.
        kept = [(hint, piece) for hint, piece in pieces if _is_help(hint)]
        reserved = sum(piece.cell_length + len(GAP) for _, piece in kept)
        chosen: list[tuple[KeyHint, Content]] = []
        used = 1
        for hint, piece in pieces:
            if _is_help(hint):
                continue
            if used + piece.cell_length + reserved > width:
                break
            chosen.append((hint, piece))
            used += piece.cell_length + len(GAP)
        parts: list[Content] = []
        spans: list[tuple[int, int, str]] = []
        at = 1
        for hint, piece in [*chosen, *kept]:
            if at + piece.cell_length > width:
                break
            spans.append((at, at + piece.cell_length, hint.key))
            parts.append(piece)
            at += piece.cell_length + len(GAP)
        line = Content.assemble(" ", Content(GAP).join(parts))
        if self._palette is not None:
            right = self._hint_content(self._palette)
            room = width - line.cell_length - right.cell_length - 1
            if room >= 2:
                start = line.cell_length + room
                spans.append((start, start + right.cell_length, self._palette.key))
                line = Content.assemble(line, " " * room, right)
        self._spans = spans
        return line

    @staticmethod
    def _hint_content(hint: KeyHint) -> Content:
        content = Content.assemble(
            (hint.display, KEY_STYLE), " ", (hint.description, DESCRIPTION_STYLE)
        )
        return content if hint.enabled else content.stylize(DISABLED_STYLE)

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
