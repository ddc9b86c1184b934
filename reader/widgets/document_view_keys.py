"""The document view's keys, each with an id and a tooltip: the help screen and the key bar
are made from them, and a later configuration can remap them by id."""

from __future__ import annotations

from textual.binding import Binding, BindingType

DOCUMENT_VIEW_BINDINGS: list[BindingType] = [
    Binding(
        "j,down",
        "move_sentence(1)",
        "Next sentence",
        key_display="j",
        id="document_view.next_sentence",
        tooltip="Move the reading cursor to the next sentence",
    ),
    Binding(
        "k,up",
        "move_sentence(-1)",
        "Previous sentence",
        key_display="k",
        show=False,
        id="document_view.previous_sentence",
        tooltip="Move the reading cursor to the previous sentence",
    ),
    Binding(
        "}",
        "move_paragraph(1)",
        "Next paragraph",
        show=False,
        id="document_view.next_paragraph",
        tooltip="Move the reading cursor to the start of the next paragraph",
    ),
    Binding(
        "{",
        "move_paragraph(-1)",
        "Previous paragraph",
        show=False,
        id="document_view.previous_paragraph",
        tooltip="Move the reading cursor to the start of this or the previous paragraph",
    ),
    Binding(
        "space,pagedown",
        "page(1)",
        "Page down",
        key_display="space",
        show=False,
        id="document_view.page_down",
        tooltip="Show the next page; the cursor goes to its first sentence",
    ),
    Binding(
        "b,pageup",
        "page(-1)",
        "Page up",
        key_display="b",
        show=False,
        id="document_view.page_up",
        tooltip="Show the previous page; the cursor goes to its first sentence",
    ),
    Binding(
        "g,home",
        "go_start",
        "Start",
        show=False,
        id="document_view.start",
        tooltip="Go to the start of the document",
    ),
    Binding(
        "G,end",
        "go_end",
        "End",
        show=False,
        id="document_view.end",
        tooltip="Go to the last sentence of the document",
    ),
    Binding(
        "apostrophe",
        "jump_key",
        "Back to where you were",
        show=False,
        id="document_view.jump_back",
        tooltip="Press twice ('' or ``, as in vim): back to the place before the last "
        "jump (a search, g, G, a highlight); again to return",
    ),
    Binding(
        "grave_accent",
        "jump_key",
        "Back to where you were",
        show=False,
        id="document_view.jump_back_backtick",
        tooltip="Press twice ('' or ``, as in vim): back to the place before the last "
        "jump (a search, g, G, a highlight); again to return",
    ),
]
"""Moving the reading cursor: by sentence, paragraph, page, to either end, and back."""
