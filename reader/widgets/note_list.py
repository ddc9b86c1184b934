"""The notes screen's list: every highlight of the library, its document's title above it.

A library holds tens of thousands of highlights. An `OptionList` wraps and measures every
option's text before it shows the first (some four seconds for 10,000), so this list is a
`HighlightList`, which works out each row's height by arithmetic and lays out only the
rows in view. The keys are those of the library's lists (`j`/`k`, `g`/`G`, `enter`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual.binding import BindingType

from annotations.model import Highlight
from library.sanitize import one_line
from reader.labels import clip_cells
from reader.widgets.highlight_list import HighlightList, Piece, _row
from reader.widgets.keyed_list import list_bindings


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

    BINDINGS: ClassVar[list[BindingType]] = list_bindings(
        "move(1)", "move(-1)", "page(1)", "page(-1)", "first", "last", "choose"
    )

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
