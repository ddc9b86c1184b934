"""The command palette's commands: they read the app's state, never class attributes.

One provider offers them all, so that with nothing typed they come in a fixed order: the
actions of the screen the palette was opened on, then what works everywhere, then the
documents (Textual's own theme and quit follow). Typed, they are ranked by the matcher.
"""

from __future__ import annotations

from collections.abc import Callable
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
    shown: bool
    """Whether the key bar shows the key (one of the screen's main keys)."""


LEFT_OUT_KEYS = frozenset({"escape"})
"""Keys that cancel or step back are no commands to run by name."""


def screen_commands(screen: Screen[object]) -> list[ScreenCommand]:
    """The commands of `screen`: the keys it answers now (enabled, with an id and a
    description), one per action, the key bar's first. Keys of the focused widget (moving a
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
            binding.description, detail, binding.action, active.node, binding.show
        )
    # The keys the key bar shows (the main ones) first.
    return sorted(commands.values(), key=lambda command: not command.shown)


APP_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Notes: every highlight and note", "notes", "Browse and search your notes"),
    ("Search all documents", "search_library", "Fuzzy search every document's text"),
    ("Export all notes to Markdown", "export_all", "One file per document"),
    (
        "Set the notes folder…",
        "set_notes_folder",
        "Where every highlight change is mirrored as Markdown (an Obsidian vault)",
    ),
    ("Help: show the keys", "help", "Every key of the current screen"),
    ("Quit newsreader", "quit", "Your place in each document is kept"),
)
"""``(title, app action, what it does)`` of what can be done from any screen."""

DOCUMENTS_DISCOVERED = 10
"""Documents offered with nothing typed (the most recently added)."""


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    """One command of the palette."""

    title: str
    """Its name, matched fuzzily."""
    detail: str
    """The line under it (what a key does in full, a document's source)."""
    run: Callable[[], object]
    """What choosing it does."""
    detail_words: bool = False
    """Whether the words of `detail` find it too (not fuzzily: a whole sentence would
    match almost any query)."""


class NewsreaderCommands(Provider):
    """Every command the palette offers here (see the module docstring)."""

    def commands(self, *, every_document: bool = True) -> list[PaletteCommand]:
        """The commands for the screen the palette was opened on, in their order."""
        app = newsreader_app(self)
        here = screen_commands(self.screen)
        on_screen = {command.action.removeprefix("app.") for command in here}
        # The screen's own key for an action, or the screen that action opens: not twice.
        on_screen.add(getattr(self.screen, "SHOWS", ""))
        found = [
            PaletteCommand(
                command.title,
                command.detail,
                partial(app.call_later, app.run_action, command.action, command.node),
                detail_words=True,
            )
            for command in here
        ]
        found.extend(
            PaletteCommand(title, help_text, partial(app.call_later, app.run_action, action))
            for title, action, help_text in APP_COMMANDS
            if action not in on_screen  # offered once, with the screen's key for it
        )
        entries = app.workspace.catalog.entries()
        found.extend(
            PaletteCommand(
                f"Open: {one_line(entry.title)}",
                one_line(entry.source or ""),
                partial(app.open_document, entry.id),
            )
            for entry in (entries if every_document else entries[:DOCUMENTS_DISCOVERED])
        )
        return found

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        wanted = query.strip().casefold()
        for command in self.commands():
            score = matcher.match(command.title)
            if not score and command.detail_words and wanted in command.detail.casefold():
                score = 0.5
            if score > 0:
                yield Hit(
                    score,
                    plain_prompt(command.title, query, command.detail),
                    command.run,
                    text=command.title,
                )

    async def discover(self) -> Hits:
        for command in self.commands(every_document=False):
            yield DiscoveryHit(
                plain_prompt(command.title, "", command.detail), command.run, text=command.title
            )
