"""What the small choosing dialogs share (the table of contents, the links in view, the
feed or source to show): one `OptionList`, moved with `j`/`k`/`g`/`G` as the library's
lists are, closed with no answer by `esc`. Each dialog keeps its own bindings, whose ids
and labels the help screen shows, and calls these actions."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen
from textual.widgets import OptionList

AnswerT = TypeVar("AnswerT")

_MOVES = {
    "cursor_down": OptionList.action_cursor_down,
    "cursor_up": OptionList.action_cursor_up,
    "first": OptionList.action_first,
    "last": OptionList.action_last,
}


class PickerScreen(ModalScreen[AnswerT | None]):
    """A dialog answering the option chosen, or None when closed."""

    def action_move(self, how: str) -> None:
        """Move in the list: ``cursor_down``, ``cursor_up``, ``first`` or ``last``."""
        _MOVES[how](self.query_one(OptionList))

    def action_close(self) -> None:
        self.dismiss(None)
