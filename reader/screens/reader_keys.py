"""The reader's keys, each with an id and a tooltip: the help screen and the key bar are
made from them, and a later configuration can remap them by id."""

from __future__ import annotations

from textual.binding import Binding, BindingType

READER_BINDINGS: list[BindingType] = [
    # A priority key: the app runs it before it passes on the next key, so a query typed
    # in one burst with the `/` (fast typing, a paste) goes into the find bar.
    Binding(
        "slash",
        "find",
        "Search",
        id="reader.find",
        tooltip="Fuzzy search this document; enter goes to the first match at or after "
        "the cursor (round to the top if none is below)",
        priority=True,
    ),
    Binding(
        "n",
        "next_match",
        "Next match",
        show=False,
        id="reader.next_match",
        tooltip="The next match in reading order, from the one gone to (or from the cursor "
        "once you moved away); going round the end is said in the find bar",
    ),
    Binding(
        "N",
        "previous_match",
        "Previous match",
        show=False,
        id="reader.previous_match",
        tooltip="The previous match in reading order (round to the bottom at the top)",
    ),
    Binding(
        "h",
        "highlight",
        "Highlight",
        id="reader.highlight",
        tooltip="Highlight the selection, the current match (in whole words), or this sentence",
    ),
    Binding(
        "v",
        "select",
        "Select",
        show=False,
        id="reader.select",
        tooltip="Start a selection here; j/k extend it by sentence, ←/→ move its end by a "
        "word, o makes ←/→ move its start instead (as o in vim's visual mode)",
    ),
    # `o` opens links when not selecting, in a document that has any; while selecting,
    # the next binding of `o` has it (listed first, so the key bar shows this one).
    Binding(
        "o",
        "open_link",
        "Open link",
        id="reader.open_link",
        tooltip="Open the link in the sentence under the cursor in the web browser "
        "($BROWSER if set); with several there or none, choose among the links in view. "
        "Only web and mail addresses open without asking",
    ),
    Binding(
        "o",
        "select_other_end",
        "Other end of the selection",
        show=False,
        id="reader.select_other_end",
        tooltip="While selecting: ←/→ move the other end (the start, then the end again), "
        "so a phrase inside a sentence can be selected",
    ),
    Binding(
        "right",
        "select_word(1)",
        "Select word",
        show=False,
        id="reader.select_right",
    ),
    Binding(
        "left",
        "select_word(-1)",
        "Unselect word",
        show=False,
        id="reader.select_left",
    ),
    Binding(
        "enter",
        "confirm",
        "Highlight selection / accept place",
        show=False,
        id="reader.confirm",
        tooltip="Highlight the selection, or accept the place offered for a lost highlight",
    ),
    Binding(
        "a",
        "note",
        "Note",
        id="reader.note",
        tooltip="Write or edit the note of the highlight here",
    ),
    Binding(
        "c",
        "color",
        "Color",
        show=False,
        id="reader.color",
        tooltip="Cycle the color of the highlight here",
    ),
    Binding(
        "t",
        "tags",
        "Tags",
        show=False,
        id="reader.tags",
        tooltip="Edit the tags of the highlight here",
    ),
    Binding(
        "x",
        "delete",
        "Delete",
        show=False,
        id="reader.delete",
        tooltip="Delete the highlight here",
    ),
    Binding(
        "u",
        "undo",
        "Undo",
        show=False,
        id="reader.undo",
        tooltip="Undo the last highlight change",
    ),
    Binding(
        "right_square_bracket",
        "next_highlight",
        "Next highlight",
        show=False,
        id="reader.next_highlight",
        tooltip="Go to the next highlight, one inside another included (the outer one "
        "first); c, t, x and a then act on it",
    ),
    Binding(
        "left_square_bracket",
        "previous_highlight",
        "Previous highlight",
        show=False,
        id="reader.previous_highlight",
        tooltip="Go to the previous highlight, one inside another included",
    ),
    Binding(
        "tab",
        "panel",
        "Highlights",
        show=False,
        id="reader.panel",
        tooltip="List this document's highlights",
    ),
    Binding(
        "m",
        "toggle_read",
        "Read/unread",
        show=False,
        id="reader.toggle_read",
        tooltip="Mark the document read or unread (reaching its end marks it read, and it "
        "stays read when you go back up)",
    ),
    Binding(
        "e",
        "export",
        "Export",
        show=False,
        id="reader.export",
        tooltip="Export this document's notes to Markdown",
    ),
    Binding(
        "T",
        "contents",
        "Contents",
        show=False,
        id="reader.contents",
        tooltip="The chapters and headings of this document; enter goes there ('' comes back)",
    ),
    Binding("q", "back", "Library", id="reader.back", tooltip="Back to the library"),
    Binding(
        "escape",
        "escape",
        "Cancel / library",
        show=False,
        id="reader.escape",
        tooltip="Cancel the selection, clear the search, or go back to the library",
    ),
]
