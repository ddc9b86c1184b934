"""Every highlight and note in the library, fuzzy-searchable; `enter` opens it in place."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from annotations.model import Highlight
from library.filtering import filter_ranked
from library.sanitize import one_line
from reader.labels import clip
from reader.layout.marks import MarginSign
from reader.messages import OpenDocument
from reader.widgets.key_bar import KeyBar
from service.workspace import Workspace

SNIPPET = 160


class NotesScreen(Screen[None]):
    """Lists highlights (newest first); typing filters them by quote, note, tag and title."""

    HELP_TITLE = "Notes keys"
    BINDINGS = [
        Binding("escape", "close", "Library", id="notes.close", tooltip="Back to the library"),
        Binding("down", "to_list", "List", show=False, id="notes.list"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        """The library whose notes are listed."""
        self._all: tuple[Highlight, ...] = ()
        self._titles: dict[str, str] = {}
        self.shown: tuple[Highlight, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(id="notes-title")
        yield Input(placeholder="Filter notes by quote, note, tag or title", id="notes-query")
        yield OptionList(id="notes-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self._titles = self.workspace.titles()
        highlights = [h for h in self.workspace.highlights() if h.document_id in self._titles]
        self._all = tuple(sorted(highlights, key=lambda h: h.updated, reverse=True))
        self._fill("")
        self.set_focus(self.query_one("#notes-query", Input))

    @on(Input.Changed, "#notes-query")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#notes-query")
    def _submitted(self) -> None:
        self.action_to_list()

    def action_to_list(self) -> None:
        options = self.query_one("#notes-list", OptionList)
        if options.option_count:
            options.highlighted = options.highlighted or 0
            self.set_focus(options)

    def _fill(self, query: str) -> None:
        fields = [f"{h.search_text} {self._titles.get(h.document_id, '')}" for h in self._all]
        self.shown = tuple(self._all[i] for i in filter_ranked(query, fields))
        options = self.query_one("#notes-list", OptionList)
        options.clear_options()
        for index, highlight in enumerate(self.shown):
            quote = clip(one_line(highlight.quote), SNIPPET)
            title = one_line(self._titles.get(highlight.document_id, ""))
            parts: list[str | tuple[str, str]] = [(title, "bold"), "\n  “", quote, "”"]
            if highlight.note:
                parts.extend(
                    ["\n  ", (f"{MarginSign.NOTE} " + one_line(highlight.note)[:SNIPPET], "italic")]
                )
            if highlight.tags:
                parts.extend(["\n  ", ("#" + one_line(" #".join(highlight.tags)), "dim")])
            if not highlight.is_placed:
                parts.extend(["\n  ", ("lost its place in the text", "bold $text-error")])
            options.add_option(Option(Content.assemble(*parts), id=str(index)))
        total = len(self._all)
        text = f" Notes · {total} highlight{'s' if total != 1 else ''}"
        if query.strip():
            shown = len(self.shown)
            text += f" · {shown} match{'' if shown == 1 else 'es'} for {one_line(query)!r}"
        if not total:
            text += " · open a document and press h to highlight"
        self.query_one("#notes-title", Static).update(Content(text))

    @on(OptionList.OptionSelected, "#notes-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        highlight = self.shown[int(event.option.id or 0)]
        self.dismiss(None)
        self.app.post_message(OpenDocument(highlight.document_id, highlight.start))

    def action_close(self) -> None:
        self.dismiss(None)
