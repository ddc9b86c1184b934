"""The notes screen's list: every highlight of the library, its document's title above it.

A library holds tens of thousands of highlights. An `OptionList` wraps and measures every
option's text before it shows the first (some four seconds for 10,000), so this list is a
`HighlightList`, which works out each row's height by arithmetic and lays out only the
rows in view. The keys are those of the library's lists (`j`/`k`, `g`/`G`, `enter`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType

from annotations.model import Highlight
from library.sanitize import one_line
from reader.labels import clip_cells
from reader.widgets.highlight_list import HighlightList, Piece, _row


class NoteList(HighlightList, inherit_bindings=False):
    """Highlights of many documents, each row led by its document's title."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *HighlightList.COMPONENT_CLASSES,
        "note-list--title",
    }

    DEFAULT_CSS = """
    NoteList { background: $surface; }
    NoteList > .note-list--title { text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j,down", "move(1)", "Down", key_display="j", show=False, id="list.down",
            tooltip="The next one",
        ),
        Binding(
            "k,up", "move(-1)", "Up", key_display="k", show=False, id="list.up",
            tooltip="The previous one",
        ),
        Binding(
            "pagedown", "page(1)", "Page down", show=False, id="list.page_down",
            tooltip="A page further down",
        ),
        Binding(
            "pageup", "page(-1)", "Page up", show=False, id="list.page_up", tooltip="A page up",
        ),
        Binding(
            "g,home", "first", "First", key_display="g", show=False, id="list.first",
            tooltip="The first one",
        ),
        Binding(
            "G,end", "last", "Last", key_display="G", show=False, id="list.last",
            tooltip="The last one",
        ),
        Binding("enter", "choose", "Open", id="list.open", tooltip="Open the document there"),
    ]  # fmt: skip

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._titles: Mapping[str, str] = {}

    def set_notes(self, highlights: Sequence[Highlight], titles: Mapping[str, str]) -> None:
        """Show `highlights` (the cursor on the first), each under the title its document
        has in `titles`."""
        self._titles = titles
        self.set_highlights(highlights, 0)

    def _row_height(self, highlight: Highlight, width: int) -> int:
        return 1 + super()._row_height(highlight, width)

    def _row(self, highlight: Highlight, width: int) -> list[list[Piece]]:
        title = clip_cells(one_line(self._titles.get(highlight.document_id, "")), width)
        lines = _row(highlight, width)
        if highlight.tags:  # spelled as they are typed in notes apps: #one #two
            tags = clip_cells("#" + one_line(" #".join(highlight.tags)), width)
            lines[-1] = [(tags, "highlight-list--tags")]
        return [[(title, "note-list--title")], *lines]
