"""The library screen: every document in a table, with sort, fuzzy filter, add and remove."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from library.catalog import SORT_KEYS, SortKey
from library.entries import Entry
from library.safe_files import StoreError
from library.sanitize import one_line
from reader.messages import OpenDocument
from reader.notices import report_not_saved, tell_store_warnings
from reader.widgets.document_list import DocumentList
from reader.widgets.filter_field import FilterField, type_in_turn
from reader.widgets.key_bar import KeyBar
from service.workspace import AddOutcome, ListedDocument, Workspace

if TYPE_CHECKING:
    from textual.timer import Timer

    from library.list_scope import Scope
    from reader.screens.scope_picker import ScopePicked
    from service.feeds import RefreshProgress, RefreshReport

_KEY_OF = {"/": "slash"}
"""The key names of the characters the library's priority keys type into its filter."""

CHANGES_CHECK_SECONDS = 2.0
"""How often the library looks whether another process changed it."""

LIST_EVERY_SECONDS = 1.0
"""How often, at most, a refresh's new documents are listed as they arrive."""

SORT_LABELS: dict[SortKey, str] = {
    "added": "recently added",
    "title": "title",
    "date": "date",
    "source": "source",
    "length": "length",
    "progress": "progress",
}


def refresh_summary(report: RefreshReport) -> str:
    """One or two plain sentences on what a refresh did, for the notice after `r`."""
    count = len(report.feeds)
    new = len(report.added)
    text = f"Refreshed {count} feed{'' if count == 1 else 's'}: {new} new."
    failed = report.failed
    if failed:
        first = failed[0]
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        text += f" {one_line(first.feed.title)}: {first.sentence()}{more}"
    return " ".join((text, *report.problems))


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


class LibraryScreen(Screen[None]):
    """Lists the documents; `enter` opens one in the reader."""

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
        super().__init__()
        self.workspace = workspace
        """The library shown."""
        self._entries: tuple[Entry, ...] = ()
        self._shown: list[Entry] = []
        self._progress: dict[str, float] = {}
        self._counts: dict[str, int] = {}
        self._keep_first = current
        self._seen: tuple[object, ...] = ()
        self._refreshing: str | None = None
        """The refresh's progress line while one runs (``3 of 12 feeds, 17 new``)."""
        self._list_timer: Timer | None = None
        """Lists the documents again when due, while a refresh adds them."""
        self._listed_at = 0.0
        """When a refresh's additions were last listed (monotonic seconds)."""
        self._has_feeds = False
        """Whether the library follows a feed (read when shown, and now and then)."""
        self._feeds_seen: object = None
        self._scope: Scope | None = None
        """The feed or source the list is narrowed to (`v`); None for every document."""
        sort = workspace.catalog.setting("library_sort", "added")
        self._sort: SortKey = sort if sort in SORT_KEYS else "added"

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
        self.reload(keep=self._keep_first)
        self._keep_first = None

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
        """Read the catalog again and refill the table, keeping the cursor's document."""
        self._show_listing(self._read_listing(), keep)

    def _read_listing(self) -> tuple[tuple[object, ...], tuple[ListedDocument, ...]]:
        """The catalog's change key, then every document listed (the slow part)."""
        # Noted before reading: a change made meanwhile is seen by the next check.
        return self.workspace.catalog.change_key(), self.workspace.listing(sort=self._sort)

    def _show_listing(
        self, read: tuple[tuple[object, ...], tuple[ListedDocument, ...]], keep: str | None = None
    ) -> None:
        """Fill the table with a listing `_read_listing` made."""
        self._seen, listing = read
        self._entries = tuple(listed.entry for listed in listing)
        self._progress = {
            listed.entry.id: listed.progress for listed in listing if listed.progress is not None
        }
        self._counts = {listed.entry.id: listed.highlights for listed in listing}
        tell_store_warnings(self, self.workspace)
        self._refill(keep)

    def _current_id(self) -> str | None:
        current = self.query_one("#documents", DocumentList).current
        return current.id if current is not None else None

    def _refill(self, keep: str | None = None) -> None:
        documents = self.query_one("#documents", DocumentList)
        keep = keep or self._current_id()
        query = self.query_one("#filter", Input).value
        pool = self._scoped_entries()
        if query:
            from library.filtering import filter_ranked  # rapidfuzz: not needed to start

            fields = [f"{e.title} {e.source or ''}" for e in pool]
            self._shown = [pool[i] for i in filter_ranked(query, fields)]
        else:
            self._shown = list(pool)
        documents.set_entries(self._shown, self._progress, self._counts, keep=keep)
        self._update_title(query)

    def _update_title(self, query: str) -> None:
        count = len(self._entries)
        noun = "document" if count == 1 else "documents"
        text = f" Library · {count} {noun} · sorted by {SORT_LABELS[self._sort]}"
        if query:
            shown = len(self._shown)
            text += f" · {shown} match{'' if shown == 1 else 'es'} for {one_line(query)!r}"
        if self._refreshing is not None:
            text += f" · refreshing: {self._refreshing}"
        text += self._scope_title()
        self.query_one("#library-title", Static).update(Content(text))
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

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _add_worker(self, path: Path | str) -> None:
        if isinstance(path, Path) and not path.exists():
            self.post_message(self.Added(None, f"There is no file or folder at {path}."))
            return
        try:
            outcome = self.workspace.add([path])
        except StoreError as err:
            self.post_message(self.Added(None, str(err)))
            return
        self.post_message(self.Added(outcome, add_summary(outcome)))

    def on_library_screen_added(self, event: LibraryScreen.Added) -> None:
        outcome, message = event.outcome, event.message
        failed = outcome is None or bool(outcome.result.failed)
        new = (*outcome.result.added, *outcome.result.updated) if outcome else ()
        self.reload(keep=new[0].id if new else None)
        self.notify(
            one_line(message), severity="warning" if failed else "information", markup=False
        )

    @property
    def refreshing(self) -> str | None:
        """The progress line of the refresh under way, or None."""
        return self._refreshing

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "refresh_feeds":
            return self._has_feeds
        if action == "refresh_without_feeds":
            return not self._has_feeds
        return True

    def _check_feeds(self) -> None:
        """Note whether the library follows a feed, when its feeds file changed (`feed add`
        in another process too): the key bar shows `r` only then."""
        feeds = self.workspace.feeds
        seen = feeds.change_key()
        if seen == self._feeds_seen:
            return
        self._feeds_seen = seen
        has_feeds = bool(feeds.feeds())
        if has_feeds != self._has_feeds:
            self._has_feeds = has_feeds
            self.refresh_bindings()

    def action_refresh_without_feeds(self) -> None:
        self.action_refresh_feeds()  # says how to follow one (or types `r` in the filter)

    def action_refresh_feeds(self) -> None:
        if self._typed_in_filter("r"):
            return
        if self._refreshing is not None:
            self.notify("The feeds are being refreshed already.", timeout=2)
            return
        if not self.workspace.feeds.feeds():
            self.notify(
                "No feeds are followed yet: follow one with `newsreader feed add URL`.",
                markup=False,
            )
            return
        self._refreshing = "starting"
        self._update_title(self.query_one("#filter", Input).value)
        self._refresh_worker()

    class RefreshProgressed(Message):
        """A feed of the refresh was read (handler: `on_library_screen_refresh_progressed`)."""

        def __init__(self, progress: RefreshProgress) -> None:
            super().__init__()
            self.progress = progress
            """How far the refresh has got, and what the feed just read added."""

    class Refreshed(Message):
        """The refresh finished (handler: `on_library_screen_refreshed`)."""

        def __init__(self, message: str, failed: bool) -> None:
            super().__init__()
            self.message = message
            """What to tell the user."""
            self.failed = failed
            """Whether something could not be had."""

    @work(thread=True, exclusive=True, exit_on_error=False, group="refresh")
    def _refresh_worker(self) -> None:
        """Fetch in this thread; the screen hears of each feed through messages, so typing
        and reading never wait for the network."""

        from textual.worker import get_current_worker

        from service.refresh_process import RefreshStopped, refresh_in_process

        def tell(progress: RefreshProgress) -> None:
            self.post_message(self.RefreshProgressed(progress))

        worker = get_current_worker()
        try:
            # In a process of its own: parsing and extracting would hold up this one.
            report = refresh_in_process(
                self.workspace.catalog.home, progress=tell, stop=lambda: worker.is_cancelled
            )
        except StoreError as err:  # the feeds file or the catalog refused
            self.post_message(self.Refreshed(str(err), failed=True))
            return
        except RefreshStopped:  # the app is quitting
            return
        self.post_message(self.Refreshed(refresh_summary(report), failed=bool(report.failed)))

    def on_library_screen_refresh_progressed(self, event: LibraryScreen.RefreshProgressed) -> None:
        self._refreshing = event.progress.line()
        if event.progress.latest.added:
            self._list_soon()  # the new rows, as they arrive
        self._update_title(self.query_one("#filter", Input).value)

    def on_library_screen_refreshed(self, event: LibraryScreen.Refreshed) -> None:
        self._refreshing = None
        if self._list_timer is not None:
            self._list_timer.stop()
            self._list_timer = None
        self._list_in_background()
        self.notify(
            one_line(event.message),
            severity="warning" if event.failed else "information",
            markup=False,
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

    # -- one feed or source at a time (`v`) ---------------------------------------------------

    @property
    def scope(self) -> Scope | None:
        """The feed or source the list shows alone, or None for every document."""
        return self._scope

    def _scoped_entries(self) -> tuple[Entry, ...]:
        """The documents of the scope chosen with `v` (all when none is)."""
        scope = self._scope
        if scope is None:
            return self._entries
        return tuple(entry for entry in self._entries if scope.holds(entry))

    def _scope_title(self) -> str:
        """`` · feed: Harbour News`` for the title line ('' when every document is shown)."""
        if self._scope is None:
            return ""
        shown = "" if self.query_one("#filter", Input).value else f" ({len(self._shown)})"
        return f" · {one_line(self._scope.label())}{shown}"

    def _scope_placeholder(self) -> str:
        kind = self._scope.kind if self._scope is not None else "feed"
        return f"No documents from this {kind} now. Press esc to show every document."

    def action_pick_scope(self) -> None:
        if self._typed_in_filter("v"):
            return
        from library.list_scope import scope_choices
        from reader.screens.scope_picker import ScopePickerScreen

        choices = scope_choices(self._entries, self._progress)
        if not choices:
            self.notify(
                "No document names a feed or a source yet: every document is shown.",
                timeout=3,
            )
            return
        picker = ScopePickerScreen(choices, self._scope, len(self._entries))
        self.app.push_screen(picker, self._scope_picked)

    def _scope_picked(self, picked: ScopePicked | None) -> None:
        if picked is not None:
            self._show_scope(picked.scope)

    def _show_scope(self, scope: Scope | None) -> None:
        """Narrow the list to `scope` (None: every document), the cursor on the first row."""
        self._scope = scope
        self._refill()
        self.query_one("#documents", DocumentList).move_cursor(0)

    # -- listing off the UI thread (while a refresh adds documents) ------------------------------

    class Listed(Message):
        """The documents were listed in a thread (handler: `on_library_screen_listed`)."""

        def __init__(
            self, read: tuple[tuple[object, ...], tuple[ListedDocument, ...]], sort: str
        ) -> None:
            super().__init__()
            self.read = read
            """The catalog's change key and the listing."""
            self.sort = sort
            """The sort it was listed in."""

    def _list_soon(self) -> None:
        """List the documents in a thread, at most once every `LIST_EVERY_SECONDS`: a
        refresh adds feed after feed, and each listing reads the whole catalog."""
        if self._list_timer is not None:
            return
        wait = max(0.0, self._listed_at + LIST_EVERY_SECONDS - time.monotonic())
        self._list_timer = self.set_timer(wait, self._list_when_due)

    def _list_when_due(self) -> None:
        self._list_timer = None
        self._listed_at = time.monotonic()
        self._list_in_background()

    @work(thread=True, exclusive=True, exit_on_error=False, group="listing")
    def _list_in_background(self) -> None:
        """List the documents in this thread: at 400 documents the listing takes ~10 ms,
        at 50,000 more than a second, and the UI thread must not wait for it."""
        self.post_message(self.Listed(self._read_listing(), self._sort))

    def on_library_screen_listed(self, event: LibraryScreen.Listed) -> None:
        if event.sort != self._sort:
            self._list_in_background()  # sorted otherwise meanwhile
            return
        self._show_listing(event.read)
