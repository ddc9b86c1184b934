"""The feeds' side of the library screen: `r` refreshing them in the background, with the
documents each feed adds put into the list as they arrive, and `v` showing one feed's or
one source's documents.

`LibraryScreen` is built on this class; what it needs of the screen (the entries listed,
the filter, the title line) is declared here and made there.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input

from library.entries import Entry
from library.safe_files import StoreError
from library.sanitize import one_line
from reader.widgets.document_list import DocumentList
from reader.widgets.list_columns import widest_source
from service.workspace import ListedDocument, Workspace

if TYPE_CHECKING:
    from textual.timer import Timer

    from library.catalog import SortKey
    from library.list_scope import Scope
    from reader.screens.scope_picker import ScopePicked
    from service.feeds import RefreshProgress, RefreshReport

LIST_EVERY_SECONDS = 1.0
"""How often, at most, a refresh's new documents are put into the list as they arrive
(each time, the rows in view are drawn again)."""


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


class LibraryFeeds(Screen[None]):
    """The library screen's feed keys and views (see the module docstring)."""

    _entries: tuple[Entry, ...]
    _progress: dict[str, float]
    _counts: dict[str, int]
    _shown: list[Entry]
    _sort: SortKey
    _listing_pending: bool
    _total_hint: int | None
    _pool_source_width: tuple[tuple[Entry, ...], int] | None

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        """The library shown."""
        self._refreshing: str | None = None
        """The refresh's progress line while one runs (``3 of 12 feeds, 17 new``)."""
        self._list_timer: Timer | None = None
        """Lists the documents again when due, while a refresh adds them."""
        self._listed_at = 0.0
        """When a refresh's additions were last listed (monotonic seconds)."""
        self._arrived: list[Entry] = []
        """Documents the refresh added that are not in the list yet."""
        self._has_feeds = False
        """Whether the library follows a feed (read when shown, and now and then)."""
        self._feeds_seen: object = None
        self._scope: Scope | None = None
        """The feed or source the list is narrowed to (`v`); None for every document."""

    # -- what the library screen makes ----------------------------------------------------------

    def _refill(self, keep: str | None = None) -> None:
        """Fill the table from the entries listed (the filter and the scope applied)."""
        raise NotImplementedError

    def _update_title(self, query: str) -> None:
        """Say on the title line what is shown."""
        raise NotImplementedError

    def _typed_in_filter(self, character: str) -> bool:
        """Type `character` into the filter if it has the keys; say whether it did."""
        raise NotImplementedError

    def _read_listing(self) -> tuple[tuple[object, ...], tuple[ListedDocument, ...]]:
        """The catalog's change key, then every document listed."""
        raise NotImplementedError

    def _show_listing(
        self,
        read: tuple[tuple[object, ...], tuple[ListedDocument, ...]],
        shown: tuple[Entry, ...] | None = None,
    ) -> None:
        """Fill the table with a listing `_read_listing` made; when `shown` (what
        `_shown_as` said) is still the entries listed, only note the listing as seen."""
        raise NotImplementedError

    # -- refreshing (`r`) -----------------------------------------------------------------------

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
        if self._refreshing is not None:
            return  # feeds there are; the refresh rewrites their file after every feed
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
        """A feed of the refresh was read (handler: `on_library_feeds_refresh_progressed`)."""

        def __init__(self, progress: RefreshProgress) -> None:
            super().__init__()
            self.progress = progress
            """How far the refresh has got, and what the feed just read added."""

    class Refreshed(Message):
        """The refresh finished (handler: `on_library_feeds_refreshed`)."""

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

    def on_library_feeds_refresh_progressed(self, event: LibraryFeeds.RefreshProgressed) -> None:
        self._refreshing = event.progress.line()
        if event.progress.latest.added:
            self._arrived.extend(event.progress.latest.added)
            self._list_soon()  # the new rows, as they arrive
        self._update_title(self.query_one("#filter", Input).value)

    def on_library_feeds_refreshed(self, event: LibraryFeeds.Refreshed) -> None:
        self._refreshing = None
        if self._list_timer is not None:
            self._list_timer.stop()
            self._list_timer = None
        self._take_arrived()
        self._update_title(self.query_one("#filter", Input).value)  # no longer refreshing
        self._list_in_background()  # what else changed meanwhile (drawn only if anything did)
        self.notify(
            one_line(event.message),
            severity="warning" if event.failed else "information",
            markup=False,
        )

    # -- one feed or source at a time (`v`) -----------------------------------------------------

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

    # -- the refresh's new documents, as they arrive -------------------------------------------

    class Listed(Message):
        """The documents were listed in a thread (handler: `on_library_feeds_listed`)."""

        def __init__(
            self,
            read: tuple[tuple[object, ...], tuple[ListedDocument, ...]],
            sort: str,
            shown: tuple[Entry, ...] | None,
        ) -> None:
            super().__init__()
            self.read = read
            """The catalog's change key and the listing."""
            self.sort = sort
            """The sort it was listed in."""
            self.shown = shown
            """The entries the table listed when it showed this listing already, else
            None."""

    def _list_soon(self) -> None:
        """Put the documents that arrived into the list, at most once every
        `LIST_EVERY_SECONDS`: a refresh adds feed after feed, and each time the rows in
        view are drawn again."""
        if self._list_timer is not None:
            return
        wait = self._listed_at + LIST_EVERY_SECONDS - time.monotonic()
        if wait <= 0:
            # Due now. (A Textual timer of no delay never fires: it divides by its delay.)
            self._list_when_due()
        else:
            self._list_timer = self.set_timer(wait, self._list_when_due)

    def _list_when_due(self) -> None:
        self._list_timer = None
        self._listed_at = time.monotonic()
        self._take_arrived()

    def _take_arrived(self) -> None:
        """Put the documents that arrived into the list, here: a few binary searches.
        (Listing the catalog again for each feed read every shard in a thread, which
        took turns with this one for the interpreter lock while the list was drawn.)"""
        arrived, self._arrived = self._arrived, []
        if arrived:
            self._show_arrived(tuple(arrived))

    def _shown_as(self, listing: tuple[ListedDocument, ...]) -> tuple[Entry, ...] | None:
        """The entries listed, if they show `listing` already (asked in a thread); else
        None."""
        entries, progress, counts = self._entries, self._progress, self._counts
        if len(entries) != len(listing):
            return None
        for entry, listed in zip(entries, listing, strict=True):
            if (
                entry != listed.entry
                or progress.get(entry.id) != listed.progress
                or counts.get(entry.id, 0) != listed.highlights
            ):
                return None
        return entries

    def _show_arrived(self, new: tuple[Entry, ...]) -> None:
        """Put documents a refresh added into the list shown, each in its place; the new
        ones were never opened and have no highlights."""
        if self._listing_pending:  # the head of a large library: the whole listing is due
            self._list_in_background()
            return
        from library.entry_order import with_new

        progress = self._progress
        before = self._entries
        self._entries = with_new(before, new, self._sort, lambda e: progress.get(e.id, 0.0))
        for entry in new:
            self._counts.setdefault(entry.id, 0)
        if self._total_hint is not None:
            self._total_hint = len(self._entries)
        known = self._pool_source_width
        if known is not None and known[0] is before:  # measured once per listing, not again
            self._pool_source_width = (self._entries, max(known[1], widest_source(new)))
        self._refill()

    @work(thread=True, exclusive=True, exit_on_error=False, group="listing")
    def _list_in_background(self) -> None:
        """List the documents in this thread: at 400 documents the listing takes ~10 ms,
        at 50,000 more than a second, and the UI thread must not wait for it."""
        read = self._read_listing()
        self.post_message(self.Listed(read, self._sort, self._shown_as(read[1])))

    def on_library_feeds_listed(self, event: LibraryFeeds.Listed) -> None:
        if event.sort != self._sort:
            self._list_in_background()  # sorted otherwise meanwhile
            return
        self._show_listing(event.read, event.shown)
