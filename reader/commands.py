"""Command palette providers: they read the app's state, never class attributes."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from library.sanitize import one_line


class DocumentCommands(Provider):
    """Open any document in the library by (fuzzy) title."""

    async def search(self, query: str) -> Hits:
        app = self.app
        catalog = getattr(app, "catalog", None)
        if catalog is None:
            return
        matcher = self.matcher(query)
        for entry in catalog.entries():
            title = one_line(entry.title)
            text = f"Open: {title}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(app.open_document, entry.id),  # type: ignore[attr-defined]
                    help=one_line(entry.source or "") or None,
                )

    async def discover(self) -> Hits:
        app = self.app
        catalog = getattr(app, "catalog", None)
        if catalog is None:
            return
        for entry in catalog.entries()[:10]:
            yield DiscoveryHit(
                f"Open: {one_line(entry.title)}",
                partial(app.open_document, entry.id),  # type: ignore[attr-defined]
                help=one_line(entry.source or "") or None,
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
        from reader.screens.library import LibraryScreen

        scope, name = action.split(".", 1)
        if scope == "app":
            self.app.call_later(self.app.run_action, name)
            return
        # Library actions act on the library screen: leave the reader (which saves) first.
        while len(self.app.screen_stack) > 2 and not isinstance(self.app.screen, LibraryScreen):
            self.app.pop_screen()
        self.app.call_later(self.app.screen.run_action, name)

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
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)
