"""The library screen: every document in a table, with sort, fuzzy filter, add and remove."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from library.catalog import SORT_KEYS, SortKey
from library.entries import Entry
from library.safe_files import StoreError
from library.sanitize import one_line
from reader.cli_progress import add_meter
from reader.long_lived import made_long_lived
from reader.messages import OpenDocument
from reader.notices import report_not_saved, tell_store_warnings
from reader.screens.library_filter import FILTER_AT_ONCE, LibraryFilter
from reader.widgets.document_list import DocumentList
from reader.widgets.filter_field import FilterField, type_in_turn
from reader.widgets.key_bar import KeyBar
from reader.widgets.list_columns import widest_source
from service.listing_head import LARGE_LIBRARY, load_head, save_head
from service.workspace import AddOutcome, ListedDocument, Workspace

_KEY_OF = {"/": "slash"}
"""The key names of the characters the library's priority keys type into its filter."""

CHANGES_CHECK_SECONDS = 2.0
"""How often the library looks whether another process changed it."""

SORT_LABELS: dict[SortKey, str] = {
    "added": "recently added",
    "title": "title",
    "date": "date",
    "source": "source",
    "length": "length",
    "progress": "progress",
}


def add_summary(outcome: AddOutcome) -> str:
    """One or two plain sentences on what an add did, for the notice after `a`."""
    result = outcome.result
    parts = []
    if result.added:
        parts.append(f"added {len(result.added)}")
    if result.updated:
        parts.append(f"updated {len(result.updated)}")
    if result.unchanged:
        parts.append(f"{len(result.unchanged)} already in the library")
    text = ", ".join(parts).capitalize() + "." if parts else ""
    if result.failed:
        first = result.failed[0][1]
        more = f" (and {len(result.failed) - 1} more)" if len(result.failed) > 1 else ""
        text = f"{text} Skipped: {first}{more}".strip()
    return " ".join((text or "Nothing to add there.", *outcome.problems))


class LibraryScreen(LibraryFilter):
    """Lists the documents; `enter` opens one in the reader."""

    AUTO_FOCUS = "#documents"
    """The list has the keys from the moment the screen is composed: by default Textual
    would focus the filter field (the first that can take it) until `on_mount`'s focus
    lands a moment later, and a key typed meanwhile (the second `q` of `q` `q` from a
    document) would be typed into the hidden field."""

    BINDINGS = [
        # Not a priority key: a priority binding runs as soon as the app reads the key, so
        # `j` `enter` typed in one burst would open the row before `j` had moved to the next.
        Binding("enter", "open", "Open", id="library.open", tooltip="Read this document"),
        # A priority key, so a filter typed in one burst with the `/` goes into the field.
        Binding(
            "slash", "filter", "Filter", id="library.filter", tooltip="Fuzzy filter", priority=True
        ),
        # Priority keys too, for the keys typed right after them: a non-priority key runs
        # once it has bubbled up to the app, and the keys behind it, handed to the list
        # meanwhile, would be lost instead of reaching the screen it opens. (In the
        # filter they type their letter.)
        Binding(
            "f",
            "search_all",
            "Search all",
            id="library.search",
            tooltip="Fuzzy search the text of every document",
            priority=True,
        ),
        Binding(
            "n",
            "notes",
            "Notes",
            id="library.notes",
            tooltip="Every highlight and note, fuzzy-searchable",
            priority=True,
        ),
        Binding(
            "e",
            "app.export_all",
            "Export",
            show=False,
            id="library.export",
            tooltip="Export the notes of every document to Markdown",
        ),
        Binding("escape", "clear_filter", "Clear", show=False, id="library.clear"),
        Binding(
            "s", "cycle_sort", "Sort", show=False, id="library.sort", tooltip="Cycle the sort order"
        ),
        Binding("a", "add", "Add", id="library.add", tooltip="Add a file or folder", priority=True),
        Binding(
            "x", "remove", "Remove", show=False, id="library.remove", tooltip="Remove (asks first)"
        ),
        Binding(
            "m",
            "toggle_read",
            "Read/unread",
            show=False,
            id="library.toggle_read",
            tooltip="Mark the document read or unread (its place is kept)",
        ),
        # One of the two `r` keys is active (`check_action`): shown in the key bar once the
        # library follows a feed; before, it says how to follow one.
        Binding(
            "r",
            "refresh_feeds",
            "Refresh",
            id="library.refresh",
            tooltip="Fetch the feeds' new articles, in the background",
            priority=True,
        ),
        Binding(
            "r",
            "refresh_without_feeds",
            "Refresh",
            show=False,
            id="library.refresh_none",
            tooltip="Fetch the feeds' new articles (none is followed yet)",
            priority=True,
        ),
        Binding(
            "v",
            "pick_scope",
            "Feed",
            show=False,
            id="library.scope",
            tooltip="Show only one feed's or one source's documents (or all again)",
            priority=True,
        ),
        Binding("q", "app.quit", "Quit", id="library.quit", tooltip="Quit newsreader"),
    ]

    def __init__(self, workspace: Workspace, current: str | None = None) -> None:
        """A library whose cursor starts on the document `current` (an id), if given."""
        super().__init__(workspace)
        self._entries: tuple[Entry, ...] = ()
        self._shown: list[Entry] = []
        self._progress: dict[str, float] = {}
        self._counts: dict[str, int] = {}
        self._pool_source_width: tuple[tuple[Entry, ...], int] | None = None
        self._total_hint: int | None = None
        """How many documents a large library holds (from its kept head until it is
        listed): None until the library is known to be large."""
        self._listing_pending = False
        """Whether the rows shown are the kept head, the whole listing still to come."""
        self._keep_first = current
        self._seen: tuple[object, ...] = ()
        self._sort: SortKey = workspace.library_sort()

    def compose(self) -> ComposeResult:
        yield Static(id="library-title")
        yield FilterField(placeholder="Filter by title or source", id="filter")
        yield DocumentList(id="documents")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.query_one("#documents", DocumentList).focus()
        # Another copy of newsreader (or `newsreader add`) may change the library meanwhile.
        self.set_interval(CHANGES_CHECK_SECONDS, self.check_for_changes)
        self.set_interval(CHANGES_CHECK_SECONDS, self._check_feeds)
        # The list is filled by `on_screen_resume`, which also runs when the screen is
        # first shown (and not while a document opened from the command line covers it).

    def on_screen_resume(self) -> None:
        self._check_feeds()
        keep, self._keep_first = self._keep_first, None
        if keep is not None and self._only_read_since(keep):
            return
        self.reload(keep=keep)

    def _only_read_since(self, doc_id: str) -> bool:
        """Back from reading `doc_id`: when nothing but its reading place (and its
        highlights) can have changed, update its row alone and say so. Listing 50,000
        documents again would keep the reader waiting a quarter of a second for one row.
        """
        catalog_key = self.workspace.catalog.change_key()
        if not self._seen or catalog_key[0] != self._seen[0] or self._sort == "progress":
            return False
        try:
            listed = self.workspace.describe(doc_id)
        except StoreError:
            return False
        self._seen = catalog_key
        self._progress[doc_id] = listed.progress if listed.progress is not None else 0.0
        self._counts[doc_id] = listed.highlights
        documents = self.query_one("#documents", DocumentList)
        documents.redraw()
        documents.move_cursor_to(doc_id)
        return True

    def keep_cursor_on(self, doc_id: str) -> None:
        """Put the cursor on the document `doc_id` when the library is shown again."""
        self._keep_first = doc_id

    @property
    def sort(self) -> SortKey:
        """The current sort key (one of `SORT_KEYS`)."""
        return self._sort

    @property
    def shown(self) -> tuple[Entry, ...]:
        """The entries currently in the table, in table order."""
        return tuple(self._shown)

    def check_for_changes(self) -> None:
        """List the documents again if another process changed them (a timer calls this)."""
        if self._refreshing is not None:
            return  # the refresh's own changes: listed in a thread as each feed is read
        if self.is_current and self.workspace.catalog.change_key() != self._seen:
            self.reload()

    def reload(self, keep: str | None = None) -> None:
        """Read the catalog again and refill the table, keeping the cursor's document.

        A large library is listed in a worker, so that keys never wait for it; the first
        time, the rows kept from the last listing (`service.listing_head`) are shown
        meanwhile.
        """
        # Noted before reading: a change made meanwhile is seen by the next check.
        seen = self.workspace.catalog.change_key()
        if not self._seen:  # never listed yet: the kept head, if there is one
            head = load_head(self.workspace.catalog.home, self._sort)
            if head is not None and head.total >= LARGE_LIBRARY:
                self._apply_listing(head.rows, keep, self._seen, total=head.total)
        if self._total_hint is not None and self._total_hint >= LARGE_LIBRARY:
            first = not self._seen
            self._seen = seen
            self._listing_pending = True
            self._update_title(self.query_one("#filter", Input).value)
            if first:  # on the kept head: list once it is on screen, not while it is drawn
                self.call_after_refresh(self._list_large_in_background, self._sort, keep, seen)
            else:
                self._list_large_in_background(self._sort, keep, seen)
            return
        listing = self.workspace.listing(sort=self._sort)
        self._apply_listing(listing, keep, seen)
        if self._total_hint is not None:
            self._keep_head(self._sort, listing)

    def _keep_head(self, sort: SortKey, listing: tuple[ListedDocument, ...]) -> None:
        with suppress(OSError):  # a cache: without it, the next start is slower, that is all
            save_head(self.workspace.catalog.home, sort, listing, len(listing))

    # Each worker is given a description: by default Textual makes one from the repr of
    # its arguments, and the repr of 50,000 entries takes half a second.
    @work(thread=True, exclusive=True, group="library-listing", description="listing")
    def _list_large_in_background(
        self, sort: SortKey, keep: str | None, seen: tuple[object, ...]
    ) -> None:
        with made_long_lived():  # no collection walks the listing again and again
            listing = self.workspace.listing(sort=sort)
            if get_current_worker().is_cancelled:
                return
            entries = tuple(listed.entry for listed in listing)
            index = self._index_of(entries)  # made here, so the first key finds it ready
            if len(entries) > FILTER_AT_ONCE:
                # Before the rows are shown, not after: warmed while the user types, it
                # took turns for the interpreter lock with each key's filtering.
                index.warm()
            if get_current_worker().is_cancelled:
                return
            self.app.call_from_thread(self._listed, sort, listing, keep, seen, entries)
            self._keep_head(sort, listing)

    def _listed(
        self,
        sort: SortKey,
        listing: tuple[ListedDocument, ...],
        keep: str | None,
        seen: tuple[object, ...],
        entries: tuple[Entry, ...],
    ) -> None:
        if sort == self._sort:  # else a listing in the new order is on its way
            self._apply_listing(listing, keep, seen, entries=entries)

    def _read_listing(self) -> tuple[tuple[object, ...], tuple[ListedDocument, ...]]:
        """The catalog's change key, then every document listed (the slow part)."""
        # Noted before reading: a change made meanwhile is seen by the next check.
        return self.workspace.catalog.change_key(), self.workspace.listing(sort=self._sort)

    def _show_listing(
        self,
        read: tuple[tuple[object, ...], tuple[ListedDocument, ...]],
        shown: tuple[Entry, ...] | None = None,
    ) -> None:
        """Fill the table with a listing `_read_listing` made (see `LibraryFeeds`)."""
        seen, listing = read
        if shown is not None and shown is self._entries and not self._listing_pending:
            self._seen = seen  # nothing to draw again
            return
        self._apply_listing(listing, None, seen)

    def _apply_listing(
        self,
        listing: Sequence[ListedDocument],
        keep: str | None,
        seen: tuple[object, ...],
        *,
        total: int | None = None,
        entries: tuple[Entry, ...] | None = None,
    ) -> None:
        """Show `listing`: the whole library, or (with the `total` it has) its kept head.
        `entries`, when given, are the listing's entries already in a tuple (whose filter
        index may be made already)."""
        self._seen = seen
        self._listing_pending = total is not None
        count = total if total is not None else len(listing)
        self._total_hint = count if count >= LARGE_LIBRARY else None
        self._entries = entries if entries is not None else tuple(item.entry for item in listing)
        self._progress = {
            listed.entry.id: listed.progress for listed in listing if listed.progress is not None
        }
        self._counts = {listed.entry.id: listed.highlights for listed in listing}
        tell_store_warnings(self, self.workspace)
        self._refill(keep)

    def _show(self, shown: list[Entry], query: str, keep: str | None) -> None:
        self._shown = shown
        documents = self.query_one("#documents", DocumentList)
        documents.set_entries(
            self._shown,
            self._progress,
            self._counts,
            keep=keep,
            source_width=self._source_width_of(self._scoped_entries()),
        )
        self._update_title(query)

    def _source_width_of(self, pool: tuple[Entry, ...]) -> int:
        """The width of the source column for the documents `pool` (those listed, or a
        feed's), measured once per pool, not at each filter key."""
        known = self._pool_source_width
        if known is None or known[0] is not pool:
            known = self._pool_source_width = (pool, widest_source(pool))
        return known[1]

    def _update_title(self, query: str) -> None:
        pending = self._listing_pending and self._total_hint is not None
        count = self._total_hint if pending and self._total_hint else len(self._entries)
        noun = "document" if count == 1 else "documents"
        text = f" Library · {count:,} {noun} · sorted by {SORT_LABELS[self._sort]}"
        if pending:
            text += " · listing…"
        if query:
            shown = len(self._shown)
            text += f" · {shown:,} match{'' if shown == 1 else 'es'} for {one_line(query)!r}"
        if self._refreshing is not None:
            text += f" · refreshing: {self._refreshing}"
        if self._adding is not None:
            text += f" · {self._adding}"
        text += self._scope_title()
        # One line tall whatever it says: no layout of the screen for a new title (a
        # refresh retitles after every feed, and a layout costs the UI thread milliseconds).
        self.query_one("#library-title", Static).update(Content(text), layout=False)
        documents = self.query_one("#documents", DocumentList)
        if not self._entries:
            documents.placeholder = "The library is empty. Press a to add a file or folder."
        elif self._scope is not None and not query:
            documents.placeholder = self._scope_placeholder()
        else:
            documents.placeholder = "Nothing matches the filter. Press esc to clear it."

    def action_open(self) -> None:
        doc_id = self._current_id()
        if doc_id is not None:
            self.post_message(OpenDocument(doc_id))

    @on(DocumentList.Selected, "#documents")
    def _row_selected(self, event: DocumentList.Selected) -> None:
        event.stop()
        self.action_open()

    def _typed_in_filter(self, character: str) -> bool:
        """Type `character` into the filter if it has the keys (a priority key reaches the
        screen before the field); say whether it did."""
        field = self.query_one("#filter", Input)
        if field.has_focus:
            type_in_turn(field, _KEY_OF.get(character, character), character)
        return field.has_focus

    async def action_search_all(self) -> None:
        if not self._typed_in_filter("f"):
            await self.run_action("app.search_library")

    async def action_notes(self) -> None:
        if not self._typed_in_filter("n"):
            await self.run_action("app.notes")

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if self._typed_in_filter("/"):  # a slash typed in the filter is part of it
            return
        field.display = True
        # Focus at once (not on the next tick), so keys typed right after `/` land in the field.
        self.set_focus(field)
        pool = self._scoped_entries()
        if len(pool) > FILTER_AT_ONCE:
            self._warm_filter(pool)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._refill()
        if self._shown and event.value:  # the best match first; a cleared filter keeps the row
            self.query_one("#documents", DocumentList).move_cursor(0)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.set_focus(self.query_one("#documents", DocumentList))

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if not field.value and not field.display and self._scope is not None:
            self._show_scope(None)  # esc steps back out of a feed once the filter is gone
            return
        if field.value:
            field.value = ""
        field.display = False
        self.query_one("#documents", DocumentList).focus()

    def action_cycle_sort(self) -> None:
        self._sort = SORT_KEYS[(SORT_KEYS.index(self._sort) + 1) % len(SORT_KEYS)]
        try:
            self.workspace.catalog.set_setting("library_sort", self._sort)
        except StoreError as err:
            report_not_saved(self, err)
        self.reload()
        self.notify(f"Sorted by {SORT_LABELS[self._sort]}.", timeout=2)

    def action_add(self) -> None:
        if self._typed_in_filter("a"):
            return
        from reader.screens.dialogs import AskPathScreen

        self.app.push_screen(
            AskPathScreen(
                "Add a file, a folder or a web page",
                "Path to a file or folder (~ works), or an http(s) address",
            ),
            self._add_path,
        )

    def _add_path(self, path: str | None) -> None:
        if not path:
            return
        from library.web_address import is_web_address

        if is_web_address(path):
            self.notify("Fetching the page…", timeout=2)
            self._add_worker(path.strip())
            return
        try:
            target = Path(path).expanduser()
        except RuntimeError:  # `~name` for a user that does not exist
            self.notify(f"There is no home folder for {one_line(path)}.", markup=False)
            return
        self.notify("Adding…", timeout=2)
        self._add_worker(target)

    class Added(Message):
        """An add finished (handler: `on_library_screen_added`)."""

        def __init__(self, outcome: AddOutcome | None, message: str) -> None:
            super().__init__()
            self.outcome = outcome
            """What the add did; None when it could not start."""
            self.message = message
            """What to tell the user."""

    class AddProgressed(Message):
        """An add went further (handler: `on_library_screen_add_progressed`)."""

        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line
            """How far it is: ``adding files · 4,500 of 10,000 · 850 files/s · …``."""

    ADD_PROGRESS_FROM = 0.5
    """Seconds an add runs before the title line tells how far it is."""

    _adding: str | None = None
    """The add's progress line while one runs."""

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _add_worker(self, path: Path | str) -> None:
        if isinstance(path, Path) and not path.exists():
            self.post_message(self.Added(None, f"There is no file or folder at {path}."))
            return
        meter = add_meter("adding files", shown_from=self.ADD_PROGRESS_FROM)

        def tell(done: int, total: int) -> None:
            line = meter.line(done, total)
            if line is not None:
                self.post_message(self.AddProgressed(line))

        try:
            outcome = self.workspace.add([path], progress=tell)
        except StoreError as err:
            self.post_message(self.Added(None, str(err)))
            return
        self.post_message(self.Added(outcome, add_summary(outcome)))

    def on_library_screen_add_progressed(self, event: LibraryScreen.AddProgressed) -> None:
        self._adding = event.line
        self._update_title(self.query_one("#filter", Input).value)

    def on_library_screen_added(self, event: LibraryScreen.Added) -> None:
        self._adding = None
        outcome, message = event.outcome, event.message
        failed = outcome is None or bool(outcome.result.failed)
        new = (*outcome.result.added, *outcome.result.updated) if outcome else ()
        self.reload(keep=new[0].id if new else None)
        self.notify(
            one_line(message), severity="warning" if failed else "information", markup=False
        )

    def action_toggle_read(self) -> None:
        doc_id = self._current_id()
        if doc_id is None:
            return
        try:
            state = self.workspace.catalog.toggle_finished(doc_id)
        except StoreError as err:
            report_not_saved(self, err)
            return
        self.reload()
        self.notify("Marked as read." if state.finished else "Marked as unread.", timeout=1.5)

    def action_remove(self) -> None:
        doc_id = self._current_id()
        if doc_id is None:
            return
        entry = next(e for e in self._shown if e.id == doc_id)
        question = f"Remove “{one_line(entry.title)}” from the library?"
        marks = self._counts.get(doc_id, 0)
        kept = (
            f" Its {marks} highlight(s) are kept, and come back if you add it again."
            if marks
            else ""
        )
        detail = (
            "Its text is deleted (the original file is not touched); its reading place is "
            "kept for when you add it again." + kept
        )
        from reader.screens.dialogs import ConfirmScreen

        self.app.push_screen(
            ConfirmScreen(question, detail), lambda yes: self._remove(doc_id, bool(yes))
        )

    def _remove(self, doc_id: str, confirmed: bool) -> None:
        if not confirmed:
            return
        row = self.query_one("#documents", DocumentList).cursor_row
        try:
            removal = self.workspace.remove(doc_id)
        except StoreError as err:
            report_not_saved(self, err)
            self.reload()
            return
        self.reload()
        if self._shown:
            self.query_one("#documents", DocumentList).move_cursor(row)
        self.notify(f"Removed “{one_line(removal.entry.title)}”.", markup=False)
