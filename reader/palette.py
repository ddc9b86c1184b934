"""Command palette providers: they read the app's state, never class attributes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen

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


@dataclass(frozen=True, slots=True)
class ScreenCommand:
    """A key of the screen the palette was opened on, offered by name."""

    title: str
    """What the key does, in a word or two (its binding's description)."""
    detail: str
    """The key and what it does in full (its tooltip)."""
    action: str
    """The action the key runs."""
    node: DOMNode
    """Where the action runs (the screen, or the app)."""


LEFT_OUT_KEYS = frozenset({"escape"})
"""Keys that cancel or step back are no commands to run by name."""


def screen_commands(screen: Screen[object]) -> list[ScreenCommand]:
    """The commands of `screen`: the keys it answers now (enabled, with an id and a
    description), one per action, in binding order. Keys of the focused widget (moving a
    cursor) and keys that cancel are left out: they are no actions to look up by name."""
    app = screen.app
    commands: dict[str, ScreenCommand] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if (
            binding.id is None
            or not binding.description
            or not active.enabled
            or binding.key in LEFT_OUT_KEYS
            or (active.node is not screen and active.node is not app)
            or binding.action in commands
        ):
            continue
        key = app.get_key_display(binding)
        detail = f"{key} · {binding.tooltip}" if binding.tooltip else key
        commands[binding.action] = ScreenCommand(
            binding.description, detail, binding.action, active.node
        )
    return list(commands.values())


class ScreenCommands(Provider):
    """The actions of the screen the palette was opened on (in the reader: highlight,
    note, export…; in the library: add, sort, filter…), from its bindings."""

    def _run(self, command: ScreenCommand) -> None:
        app = newsreader_app(self)
        app.call_later(app.run_action, command.action, command.node)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        wanted = query.strip().casefold()
        for command in screen_commands(self.screen):
            # Fuzzily on the word or two, or as words of what the key does in full (fuzzy
            # matching a whole sentence would find almost any query in it).
            score = matcher.match(command.title)
            if not score and wanted and wanted in command.detail.casefold():
                score = 0.5
            if score > 0:
                yield Hit(
                    score,
                    plain_prompt(command.title, query, command.detail),
                    partial(self._run, command),
                    text=command.title,
                )

    async def discover(self) -> Hits:
        for command in screen_commands(self.screen):
            yield DiscoveryHit(
                plain_prompt(command.title, "", command.detail),
                partial(self._run, command),
                text=command.title,
            )


class AppCommands(Provider):
    """What can be done from any screen (notes, search all, export all, help), unless the
    screen offers it already under its own key."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Notes: every highlight and note", "notes", "Browse and search your notes"),
            ("Search all documents", "search_library", "Fuzzy search every document's text"),
            ("Export all notes to Markdown", "export_all", "One file per document"),
            ("Help: show the keys", "help", "Every key of the current screen"),
        ]

    def _offered(self) -> list[tuple[str, str, str]]:
        on_screen = {command.action for command in screen_commands(self.screen)}
        return [
            (title, action, help_text)
            for title, action, help_text in self._commands()
            if action not in on_screen and f"app.{action}" not in on_screen
        ]

    def _run(self, action: str) -> None:
        app = newsreader_app(self)
        app.call_later(app.run_action, action)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in self._offered():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    plain_prompt(title, query, help_text),
                    partial(self._run, action),
                    text=title,
                )

    async def discover(self) -> Hits:
        for title, action, help_text in self._offered():
            yield DiscoveryHit(
                plain_prompt(title, "", help_text), partial(self._run, action), text=title
            )
