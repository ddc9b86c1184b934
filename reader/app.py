"""The Textual app: built by `make_app` from its collaborators, so tests can build their own."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from annotations.store import AnnotationStore
from library.catalog import Catalog
from library.storage import StoreError
from reader.commands import DocumentCommands, LibraryCommands

# Screens are imported when first shown: start-up pays only for the first one.

DEFAULT_THEME = "textual-dark"


class NewsreaderApp(App[None]):
    """Reads documents from a `Catalog`.

    The first screen (the library, or a document opened from the command line) is the
    app's default screen, so it is composed and drawn with the app itself; the library is
    the base of the stack from the time it is first shown.
    """

    CSS_PATH = "newsreader.tcss"
    TITLE = "newsreader"
    COMMANDS = App.COMMANDS | {DocumentCommands, LibraryCommands}
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
        catalog: Catalog,
        annotations: AnnotationStore,
        *,
        open_id: str | None = None,
        after_first_frame: Callable[[], object] | None = None,
    ) -> None:
        super().__init__()
        self.catalog = catalog
        self.annotations = annotations
        self._warned: set[str] = set()
        self._open_id = open_id
        self._after_first_frame = after_first_frame
        self._start_error: StoreError | None = None

    def get_default_screen(self) -> Screen[None]:
        if self._open_id is not None:
            try:
                return self._reader_screen(self._open_id)
            except StoreError as err:  # removed meanwhile, or its text file is gone
                self._start_error = err
        from reader.screens.library import LibraryScreen

        return LibraryScreen()

    def on_ready(self) -> None:
        # `Ready` follows the first layout; the first frame with text is drawn right after.
        if self._after_first_frame is not None:
            self.call_after_refresh(self._after_first_frame)

    def on_mount(self) -> None:
        # A closed terminal (SIGHUP) or a polite kill (SIGTERM) ends the app the normal way:
        # the reading position is saved and the terminal is restored.
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, self.exit)
        theme = self.catalog.setting("theme", DEFAULT_THEME)
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self._start_error is not None:
            self.report_store_error(self._start_error)
        self.show_store_warnings()

    def show_store_warnings(self) -> None:
        """Tell the user, once each, what the stores found wrong (say, a damaged file kept
        aside). Stores find some of this only when a file is first read, so screens call
        this after reading."""
        for warning in (*self.catalog.warnings, *self.annotations.warnings):
            if warning not in self._warned:
                self._warned.add(warning)
                self.notify(warning, title="Store", severity="warning", markup=False, timeout=15)

    def report_store_error(self, err: Exception) -> None:
        """Say, in one sentence, why something could not be saved; the app goes on."""
        self.notify(str(err), title="Not saved", severity="error", markup=False, timeout=12)

    def _remember_theme(self, theme: object) -> None:
        name = getattr(theme, "name", None)
        if isinstance(name, str) and name != self.catalog.setting("theme", DEFAULT_THEME):
            try:
                self.catalog.set_setting("theme", name)
            except StoreError as err:
                self.report_store_error(err)

    def has_library(self) -> bool:
        """True when the library screen is on the stack (not so for a document opened
        straight from the command line, until the reader goes back)."""
        from reader.screens.library import LibraryScreen

        return any(isinstance(screen, LibraryScreen) for screen in self.screen_stack)

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
        if not self.has_library():
            # Started on a document, which is the base of the stack (Textual cannot replace
            # that one): the library goes over it, and it gives up its text.
            while len(self.screen_stack) > 1:
                self.pop_screen()
            self.push_screen(LibraryScreen(current=current))
            base = self.screen_stack[0]
            if isinstance(base, ReaderScreen):
                base.retire()
            return
        while not isinstance(self.screen, LibraryScreen):
            self.pop_screen()
        if current is not None:
            self.screen.keep_cursor_on(current)

    def open_document(self, doc_id: str, offset: int | None = None) -> None:
        """Open the document `doc_id` in the reader, at `offset` or its remembered position."""
        # One reader at a time: whatever covers the library (a reader, a search) goes first,
        # so no older reader with stale highlights waits underneath, and a reader of this
        # same document has saved its place before that place is read.
        self.show_library()
        try:
            reader = self._reader_screen(doc_id, offset)
        except StoreError as err:  # removed meanwhile, or its text file is gone
            self.report_store_error(err)
            return
        self.push_screen(reader)

    def _reader_screen(self, doc_id: str, offset: int | None = None) -> Screen[None]:
        """A reader of `doc_id` at `offset` or its remembered position.

        Raises:
            StoreError: The document or its text cannot be read.
        """
        from reader.screens.reader import ReaderScreen

        document = self.catalog.load(doc_id)
        if offset is None:
            offset = self.catalog.reading_state(doc_id).offset
        return ReaderScreen(document, offset)

    def export_notes(self, doc_ids: list[str] | None) -> None:
        """Export notes to Markdown in the library's export folder, then say where."""
        self.notify("Exporting…", timeout=1)
        self._export_worker(doc_ids)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def _export_worker(self, doc_ids: list[str] | None) -> None:
        from annotations.export import export_markdown

        try:
            result = export_markdown(
                self.catalog, self.annotations, doc_ids, self.catalog.exports_folder
            )
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

        self.push_screen(NotesScreen())

    def action_search_library(self) -> None:
        """Open the search across every document."""
        from reader.screens.search import LibrarySearchScreen

        self.push_screen(LibrarySearchScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Our help screen (from every binding, in the palette as "Help") replaces Textual's
        # key panel, so the palette offers one way to see the keys, not two.
        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))


def make_app(
    catalog: Catalog,
    annotations: AnnotationStore | None = None,
    *,
    open_id: str | None = None,
    after_first_frame: Callable[[], object] | None = None,
) -> NewsreaderApp:
    """Build the app around `catalog` (and the annotation store of the same library, unless
    one is given), optionally opening `open_id` at once; `after_first_frame` is called
    once the first screen has been drawn."""
    store = annotations if annotations is not None else AnnotationStore(catalog.home)
    return NewsreaderApp(catalog, store, open_id=open_id, after_first_frame=after_first_frame)
