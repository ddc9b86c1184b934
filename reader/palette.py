"""Command palette providers: they read the app's state, never class attributes."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from library.sanitize import one_line

if TYPE_CHECKING:
    from reader.app import NewsreaderApp


def plain_prompt(text: str, query: str = "", detail: str = "") -> Content:
    """A palette prompt built from plain text: nothing in it is read as markup.

    Textual's `Matcher.highlight` and string prompts and help texts are parsed as markup,
    so untrusted titles must never reach them. Letters of `query` found in order in
    `text` are emphasised, like the palette's own highlighting.
    """
    content = Content(text)
    position = 0
    folded = text.casefold()
    for char in query.casefold():
        if char.isspace():
            continue
        found = folded.find(char, position)
        if found < 0:
            break
        content = content.stylize("bold underline", found, found + 1)
        position = found + 1
    if detail:
        content = Content.assemble(content, "\n", (detail, "dim"))
    return content


def newsreader_app(provider: Provider) -> NewsreaderApp:
    """The app a provider serves, typed: providers are made by Textual, so they cannot be
    given the workspace in their constructor."""
    return cast("NewsreaderApp", provider.app)


class DocumentCommands(Provider):
    """Open any document in the library by (fuzzy) title."""

    async def search(self, query: str) -> Hits:
        app = newsreader_app(self)
        matcher = self.matcher(query)
        for entry in app.workspace.catalog.entries():
            title = one_line(entry.title)
            text = f"Open: {title}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    plain_prompt(text, query, one_line(entry.source or "")),
                    partial(app.open_document, entry.id),
                    text=text,
                )

    async def discover(self) -> Hits:
        app = newsreader_app(self)
        for entry in app.workspace.catalog.entries()[:10]:
            text = f"Open: {one_line(entry.title)}"
            yield DiscoveryHit(
                plain_prompt(text, "", one_line(entry.source or "")),
                partial(app.open_document, entry.id),
                text=text,
            )


class LibraryCommands(Provider):
    """Library actions (add, sort, filter) offered from any screen."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Add a file or folder", "library.add", "Import documents into the library"),
            ("Cycle the sort order", "library.cycle_sort", "Sort the library differently"),
            ("Filter the library", "library.filter", "Fuzzy filter by title or source"),
            ("Notes: every highlight and note", "app.notes", "Browse and search your notes"),
            ("Export all notes to Markdown", "app.export_all", "One file per document"),
            ("Search all documents", "app.search_library", "Fuzzy search every document's text"),
            ("Help: show the keys", "app.help", "Every key of the current screen"),
        ]

    def _run(self, action: str) -> None:
        scope, name = action.split(".", 1)
        app = newsreader_app(self)
        if scope == "app":
            app.call_later(app.run_action, name)
            return
        # Library actions act on the library screen: leave the reader (which saves) first.
        app.show_library()
        library = app.screen  # perhaps not mounted yet: the action waits until it is drawn
        library.call_after_refresh(library.run_action, name)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(self._run, action), help=help_text
                )

    async def discover(self) -> Hits:
        for title, action, help_text in self._commands():
            yield DiscoveryHit(
                plain_prompt(title, "", help_text), partial(self._run, action), text=title
            )
