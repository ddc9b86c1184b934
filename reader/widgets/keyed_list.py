"""The keys of the lists of the notes and search screens, those of a reader of `less` and
vim (`j`/`k`, `g`/`G`), each binding with an id and a tooltip, so that the help screen and
the key bar list them."""

from __future__ import annotations

from textual.binding import Binding, BindingType


def list_bindings(
    down: str, up: str, page_down: str, page_up: str, first: str, last: str, choose: str
) -> list[BindingType]:
    """The keys of a list of notes or results, bound to the list's own actions: the same
    keys, labels and ids wherever such a list is, so the help screen says them alike."""
    return [
        Binding("j,down", down, "Down", key_display="j", show=False, id="list.down",
                tooltip="The next one"),
        Binding("k,up", up, "Up", key_display="k", show=False, id="list.up",
                tooltip="The previous one"),
        Binding("pagedown", page_down, "Page down", show=False, id="list.page_down",
                tooltip="A page further down"),
        Binding("pageup", page_up, "Page up", show=False, id="list.page_up",
                tooltip="A page up"),
        Binding("g,home", first, "First", key_display="g", show=False, id="list.first",
                tooltip="The first one"),
        Binding("G,end", last, "Last", key_display="G", show=False, id="list.last",
                tooltip="The last one"),
        Binding("enter", choose, "Open", id="list.open", tooltip="Open the document there"),
    ]  # fmt: skip
