"""The Textual app: built by `make_app` from its `Workspace`, so tests can build their own."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from library.safe_files import StoreError
from reader.messages import ExportNotes, OpenDocument
from reader.notices import report_not_saved, tell_store_warnings
from service.workspace import Workspace

if TYPE_CHECKING:
    from textual.command import Provider

    from reader.screens.reader import ReaderScreen

# Screens are imported when first shown: start-up pays only for the first one.

DEFAULT_THEME = "textual-dark"

UI_SWITCH_SECONDS = 0.001
"""How long a background thread may keep the interpreter lock while the UI thread waits."""

START_MODE = "start"
"""The mode the app starts in. It is not one of the app's `MODES`, so Textual makes its
base screen with `get_default_screen` and draws it with the app itself (a mode's own
factory would re-read every stylesheet first, a screen pushed from `on_mount` would be
drawn twice). It is registered only to be removed: when the reader the app started on
goes back to the library, the library gets a mode of its own and this one goes, reader
and all."""

SYSTEM_COMMANDS_KEPT = frozenset({"Theme"})
"""Textual's palette commands the app offers (see `NewsreaderApp.get_system_commands`)."""

LIBRARY_MODE = "library"
"""The library's mode when the app started on a document."""


def newsreader_commands() -> type[Provider]:
    """The palette's provider, imported when the palette is first opened (Textual takes a
    function returning the class): its code is not wanted before the first frame."""
    from reader.palette import NewsreaderCommands

    return NewsreaderCommands


class NewsreaderApp(App[None]):
    """Reads the documents of a `Workspace`.

    The first screen (the library, or the document the command line named) is the base
    of the start mode (see `START_MODE`).
    """

    CSS_PATH = "newsreader.tcss"
    TITLE = "newsreader"
    COMMANDS = App.COMMANDS | {newsreader_commands}
    DEFAULT_MODE: ClassVar[str] = START_MODE
    BINDINGS = [
        Binding(
            "question_mark",
            "help",
            "Help",
            id="app.help",
            tooltip="Show every key of this screen",
        ),
    ]

    def __init__(
        self,
        workspace: Workspace,
        *,
        open_id: str | None = None,
        open_offset: int | None = None,
        after_first_frame: Callable[[], object] | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        """The library this app shows."""
        self._open_id = open_id
        self._open_offset = open_offset
        self._after_first_frame = after_first_frame
        self._start_error: StoreError | None = None
        self._switch_interval = sys.getswitchinterval()
        """Python's switch interval before the app ran (given back when it stops)."""
        self.crash: tuple[Exception, Path | None] | None = None
        """The error that ended the app, if one did, and its crash log (None when it
        could be written nowhere)."""

    def _handle_exception(self, error: Exception) -> None:
        # Textual calls this (there is no public hook) with every error no handler caught,
        # then ends the app and prints the traceback, which a terminal closing with the
        # app takes along. The crash log is written first, so the error outlives it.
        if self.crash is None:
            from reader.crash_log import write_crash_log  # only when it is needed

            self.crash = (error, write_crash_log(self.workspace.catalog.home, error, self._state()))
        super()._handle_exception(error)

    def _state(self) -> str:
        """A line on what the app showed, for a crash log."""
        try:
            screens = " > ".join(type(screen).__name__ for screen in self.screen_stack)
        except Exception:  # noqa: BLE001 - a crash log is written whatever state the app is in
            screens = "unknown"
        return f"screens: {screens}; terminal: {self.size.width}x{self.size.height}"

    def get_default_screen(self) -> Screen[None]:
        if self._open_id is not None:
            try:
                return self._reader_screen(self._open_id, self._open_offset)
            except StoreError as err:  # removed meanwhile, or its text file is gone
                self._start_error = err
        from reader.screens.library import LibraryScreen

        return LibraryScreen(self.workspace)

    def on_ready(self) -> None:
        # `Ready` follows the first layout; the first frame with text is drawn right after.
        self.call_after_refresh(self._first_frame_drawn)

    def _first_frame_drawn(self) -> None:
        if self._after_first_frame is not None:
            self._after_first_frame()
        # The notes folder is written in a thread of its own, a moment after each change;
        # started only with a folder set: the mirror's code (the Markdown export,
        # markdown-it) takes a tenth of a second to import, and even finding out whether
        # a folder is set (a module, a settings read) is left until the screen is drawn.
        self._start_notes_folder()

    def on_unmount(self) -> None:
        sys.setswitchinterval(self._switch_interval)  # as it was (an app in a test run)

    def on_mount(self) -> None:
        # Threads doing Python work in the background (listing, filtering, searching) hand
        # the interpreter lock to this thread within a millisecond of its asking, not
        # Python's default five: a key or a frame never waits longer than that for them.
        sys.setswitchinterval(UI_SWITCH_SECONDS)
        # A closed terminal (SIGHUP) or a polite kill (SIGTERM) ends the app the normal way:
        # the reading position is saved and the terminal is restored.
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, self.exit)
        theme = self.workspace.catalog.setting("theme", DEFAULT_THEME)
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self._start_error is not None:
            report_not_saved(self, self._start_error)
        tell_store_warnings(self, self.workspace)

    def _start_notes_folder(self) -> None:
        from annotations.mirror_settings import export_folder

        if export_folder(self.workspace.catalog) is not None:
            self.workspace.mirror.run_in_background(self._tell_from_notes_folder)

    class NotesFolderSaid(Message):
        """The notes folder's mirror has something to tell (handler:
        `NewsreaderApp.on_newsreader_app_notes_folder_said`)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text
            """One sentence for the user."""

    def _tell_from_notes_folder(self, text: str) -> None:
        # Called from the mirror's thread: a message is the thread-safe way in.
        self.post_message(self.NotesFolderSaid(text))

    def on_newsreader_app_notes_folder_said(self, message: NotesFolderSaid) -> None:
        self.notify(message.text, title="Notes folder", markup=False, timeout=10)

    def action_set_notes_folder(self) -> None:
        """Ask for the notes folder every highlight change is mirrored to."""
        from annotations.mirror_settings import EXPORT_FOLDER, read_setting
        from reader.screens.dialogs import AskTextScreen

        current = read_setting(self.workspace.catalog, EXPORT_FOLDER) or ""
        self.push_screen(
            AskTextScreen(
                "The notes folder (every highlight change is mirrored there as Markdown)",
                current,
                "enter save · empty: no notes folder · esc cancel",
            ),
            self._set_notes_folder,
        )

    def _set_notes_folder(self, typed: str | None) -> None:
        from annotations.mirror_settings import (
            EXPORT_FOLDER,
            SettingProblem,
            change_setting,
            clear_setting,
        )

        if typed is None:
            return
        catalog = self.workspace.catalog
        try:
            if not typed.strip():
                clear_setting(catalog, EXPORT_FOLDER)
                self.notify("No notes folder: highlights are no longer mirrored.", markup=False)
                return
            folder = change_setting(catalog, EXPORT_FOLDER, typed)
        except SettingProblem as err:
            self.notify(str(err), severity="error", markup=False)
            return
        except StoreError as err:
            report_not_saved(self, err)
            return
        self._start_notes_folder()
        self.notify(
            f"Notes folder: {folder}. Every highlight change is mirrored there; "
            "export (e) writes the notes you have now.",
            markup=False,
            timeout=8,
        )

    def _remember_theme(self, theme: object) -> None:
        name = getattr(theme, "name", None)
        catalog = self.workspace.catalog
        if isinstance(name, str) and name != catalog.setting("theme", DEFAULT_THEME):
            try:
                catalog.set_setting("theme", name)
            except StoreError as err:
                report_not_saved(self, err)

    # -- navigation

    def on_open_document(self, message: OpenDocument) -> None:
        self.open_document(message.doc_id, message.offset, message.query)

    def show_library(self) -> None:
        """Show the library: make it if needed, and leave whatever covers it. The readers
        left save their place first, and the library's cursor goes to the document of the
        last one read."""
        from reader.screens.library import LibraryScreen
        from reader.screens.reader import ReaderScreen

        readers: list[ReaderScreen] = []
        for screen in reversed(self.screen_stack):
            if isinstance(screen, LibraryScreen):
                break
            if isinstance(screen, ReaderScreen):
                readers.append(screen)
        for reader in readers:
            reader.save_position()
        current = readers[0].document.id if readers else None
        if not any(isinstance(screen, LibraryScreen) for screen in self.screen_stack):
            # Started on a document: the library gets a mode of its own, and the start
            # mode goes, with the reader at its base.
            def make_library() -> LibraryScreen:
                return LibraryScreen(self.workspace, current=current)

            self.add_mode(LIBRARY_MODE, make_library)
            self.switch_mode(LIBRARY_MODE)
            self.add_mode(START_MODE, make_library)  # only a registered mode can be removed
            self.remove_mode(START_MODE)
            return
        while not isinstance(self.screen, LibraryScreen):
            self.pop_screen()
        library = self.screen
        if current is not None and isinstance(library, LibraryScreen):
            library.keep_cursor_on(current)

    def open_document(self, doc_id: str, offset: int | None = None, query: str = "") -> None:
        """Open the document `doc_id` in the reader, at `offset` or its remembered position,
        with `query` (whose match is at `offset`) searched there, if given."""
        # One reader at a time: whatever covers the library (a reader, a search) goes first,
        # so no older reader with stale highlights waits underneath, and a reader of this
        # same document has saved its place before that place is read.
        self.show_library()
        try:
            reader = self._reader_screen(doc_id, offset)
        except StoreError as err:  # removed meanwhile, or its text file is gone
            report_not_saved(self, err)
            return
        if query and offset is not None:
            reader.carry_search(query, offset)
        self.push_screen(reader)

    def _reader_screen(self, doc_id: str, offset: int | None = None) -> ReaderScreen:
        """A reader of `doc_id` at `offset` or its remembered position.

        Raises:
            StoreError: The document or its text cannot be read.
        """
        from reader.screens.reader import ReaderScreen

        catalog = self.workspace.catalog
        document = catalog.load(doc_id)
        if offset is None:
            offset = catalog.reading_state(doc_id).offset
        return ReaderScreen(self.workspace, document, offset)

    # -- actions offered everywhere

    def on_export_notes(self, message: ExportNotes) -> None:
        self.export_notes(message.doc_ids)

    def export_notes(self, doc_ids: tuple[str, ...] | None) -> None:
        """Export notes to Markdown in the library's export folder, then say where."""
        self.notify("Exporting…", timeout=1)
        self._export_worker(doc_ids)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", description="export")
    def _export_worker(self, doc_ids: tuple[str, ...] | None) -> None:
        try:
            result = self.workspace.export_markdown(doc_ids)
        except Exception as err:  # noqa: BLE001 - any failure is reported, never a crash
            self.call_from_thread(
                self.notify, f"Export failed: {err}", severity="error", markup=False
            )
            return
        for message in result.messages:
            self.call_from_thread(self.notify, message, markup=False, timeout=8)

    def action_export_all(self) -> None:
        """Export the notes of every document that has some."""
        self.export_notes(None)

    def action_notes(self) -> None:
        """Open the list of every highlight and note."""
        from reader.screens.notes import NotesScreen

        self.push_screen(NotesScreen(self.workspace))

    def action_search_library(self) -> None:
        """Open the search across every document."""
        from reader.screens.search import LibrarySearchScreen

        self.push_screen(LibrarySearchScreen(self.workspace))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Of Textual's own commands only the theme is of use here: our help screen ("Help"
        # in the palette) replaces its key panel, quitting is among our own commands (after
        # the screen's, not first), and maximizing a widget or saving a screenshot are a
        # developer's tools, not a reader's.
        for command in super().get_system_commands(screen):
            if command.title in SYSTEM_COMMANDS_KEPT:
                yield command

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))


def make_app(
    workspace: Workspace,
    *,
    open_id: str | None = None,
    open_offset: int | None = None,
    after_first_frame: Callable[[], object] | None = None,
) -> NewsreaderApp:
    """Build the app around `workspace`, optionally opening `open_id` at once (at
    `open_offset`, else at its remembered place); `after_first_frame` is called once the
    first screen has been drawn."""
    return NewsreaderApp(
        workspace,
        open_id=open_id,
        open_offset=open_offset,
        after_first_frame=after_first_frame,
    )
