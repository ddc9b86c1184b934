"""Choosing which documents the library shows: all of them, one feed's, or one source's.

What newsboat's feed list is to its reader: a feed chosen here fills the library with its
articles alone, and the first line, "All documents", brings every document back. Each line
says how many documents the feed or source holds and how many are not read yet, so the
feeds with something new stand out.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from library.list_scope import Scope, ScopeChoice
from library.sanitize import one_line
from reader.labels import clip_cells
from reader.screens.picker import PickerScreen

_FRAME = 10
"""Cells of the dialog's width that are not a line's: border, padding, scroll bar."""
_WIDTH = 72


@dataclass(frozen=True, slots=True)
class ScopePicked:
    """The answer of the picker."""

    scope: Scope | None
    """The feed or source chosen; None for every document."""


class ScopePickerScreen(PickerScreen[ScopePicked]):
    """Lists "All documents", then every feed, then every source; answers the one chosen,
    or None when closed."""

    DEFAULT_CSS = """
    ScopePickerScreen .dialog-keys {
        margin: 0 0 1 0;
    }
    ScopePickerScreen OptionList, ScopePickerScreen OptionList:focus {
        height: auto;
        max-height: 60vh;
        border: none;
        background: $surface;
    }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="scope.close", tooltip="Keep the list as it is"),
        Binding("j", "move('cursor_down')", "Next", show=False, id="scope.down"),
        Binding("k", "move('cursor_up')", "Previous", show=False, id="scope.up"),
        Binding("g", "move('first')", "First", show=False, id="scope.first"),
        Binding("G", "move('last')", "Last", show=False, id="scope.last"),
    ]

    HELP_TITLE = "Show feed or source"

    def __init__(self, choices: tuple[ScopeChoice, ...], current: Scope | None, total: int) -> None:
        """Args:
        choices: The feeds and sources, in the order shown.
        current: The scope the library shows now (the cursor starts on it).
        total: How many documents the library holds.
        """
        super().__init__()
        self._choices = choices
        self._current = current
        self._total = total

    def compose(self) -> ComposeResult:
        room = min(_WIDTH, self.app.size.width * 9 // 10) - _FRAME
        everything = f"All documents ({self._total})"
        options = [Option(Content(clip_cells(everything, room)), id="all")]
        options.extend(
            Option(self._prompt(choice, room), id=str(index))
            for index, choice in enumerate(self._choices)
        )
        feeds = sum(choice.scope.kind == "feed" for choice in self._choices)
        sources = len(self._choices) - feeds
        with Vertical(classes="dialog"):
            yield Static(
                Content.assemble(
                    ("Show", "bold"),
                    f" · {feeds} feed{'' if feeds == 1 else 's'}, "
                    f"{sources} other source{'' if sources == 1 else 's'}",
                ),
                classes="dialog-title",
            )
            yield Static(
                Content("j/k ↓/↑  move    enter  show only these    esc  close"),
                classes="dialog-keys",
            )
            yield OptionList(*options, id="scopes")

    @staticmethod
    def _prompt(choice: ScopeChoice, room: int) -> Content:
        """``Feed  Harbour News  12, 3 unread``: the name cut to fit, never the counts."""
        kind = "Feed  " if choice.scope.kind == "feed" else "Source"
        counts = f"  {choice.documents}" + (f", {choice.unread} unread" if choice.unread else "")
        name = clip_cells(one_line(choice.scope.name), max(8, room - len(kind) - 2 - len(counts)))
        return Content.assemble((kind, "dim"), "  ", name, (counts, "dim"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        scopes = [choice.scope for choice in self._choices]
        start = scopes.index(self._current) + 1 if self._current in scopes else 0
        options.highlighted = start
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        self.dismiss(ScopePicked(self._choices[index - 1].scope if index else None))
