"""Following feeds and refreshing them: the workflows behind `feed add` and `refresh`,
and the library's `r` key.

A refresh fetches the feeds concurrently (at most `FEED_WORKERS` at once), each with a
conditional request when the server gave validators last time (a 304 costs nothing and
adds nothing), and the articles of summary-only entries likewise (`ARTICLE_WORKERS`).
The new entries of each feed are added through `Workspace.add`, as files are, as soon as
that feed is read, so a screen showing the library sees them arrive. An entry is new when
neither its id nor its link was taken before (`FeedStore.seen`: a document removed by
hand is not brought back) and no document has its link or canonical address.

A feed that fails (DNS, timeout, HTTP status, not a feed) is one sentence and the others
go on. An article that cannot be fetched leaves its feed's validators as they were, so
the next refresh reads the feed whole and tries it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from library.clock import utc_now
from library.feed_store import Feed, FeedStore, seen_key
from library.feeds import FEED_ACCEPT, FeedContent, FeedItem, NotAFeed, may_be_feed
from library.fetch import GONE_STATUSES, FetchFailed, Limits, Validators, fetch
from library.textfile import UnreadableFile

if TYPE_CHECKING:
    from library.add_batches import ReadDocument
    from library.entries import Entry
    from library.list_scope import Scope
    from service.workspace import Workspace

FEED_WORKERS = 4
"""Feeds fetched at once: polite to servers, and enough to hide most waiting."""
ARTICLE_WORKERS = 6
"""Article pages fetched at once, across all feeds."""
_LINKS_TRIED = 3
"""How many of the feeds a page names `follow` tries before giving up."""


@dataclass(frozen=True, slots=True)
class Subscription:
    """What following a feed did."""

    feed: Feed
    """The feed followed."""
    new: bool
    """False when the library followed it already."""
    found_on: str | None = None
    """The page whose `<link rel="alternate">` named it, when a page was given."""


def find_feed(url: str, limits: Limits | None = None) -> tuple[str, FeedContent, str | None]:
    """The feed at `url`, or the first feed the page at `url` names.

    Returns:
        The feed's address, what it holds, and the page that named it (None when `url`
        is the feed).

    Raises:
        FetchFailed: `url` could not be fetched.
        NotAFeed: It is no feed and names none that can be read (one sentence).
    """
    from library.feeds import feed_links, read_feed

    fetched = fetch(
        url, accepts=may_be_feed, what="a feed", accept_header=FEED_ACCEPT, limits=limits
    )
    try:
        return url, read_feed(fetched.body, fetched.url, kind=fetched.kind), None
    except NotAFeed:
        links = feed_links(fetched.body, fetched.url)
    problems: list[str] = []
    for link in links[:_LINKS_TRIED]:
        try:
            named = fetch(
                link, accepts=may_be_feed, what="a feed", accept_header=FEED_ACCEPT, limits=limits
            )
            return link, read_feed(named.body, named.url, kind=named.kind), url
        except (FetchFailed, NotAFeed) as err:
            problems.append(str(err))
    if problems:
        raise NotAFeed(f"{url} names a feed, but it cannot be read: {problems[0]}")
    raise NotAFeed(f'{url} is not a feed, and names none (no <link rel="alternate"> to one).')


def follow(feeds: FeedStore, url: str, limits: Limits | None = None) -> Subscription:
    """Follow the feed at `url` (or the one the page at `url` names), once read.

    Raises:
        FetchFailed, NotAFeed: as `find_feed`.
        StoreError: The feeds file could not be written.
    """
    address, content, page = find_feed(url, limits)
    feed, new = feeds.add(address, content.title, content.site, utc_now())
    return Subscription(feed, new, page)


# --- refreshing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What a refresh did with one feed."""

    feed: Feed
    """The feed."""
    added: tuple[Entry, ...] = ()
    """The documents its new entries became."""
    not_modified: bool = False
    """True when the server said nothing changed since the last refresh (304)."""
    failure: str | None = None
    """Why the feed could not be read (one sentence), if so."""
    skipped: tuple[str, ...] = ()
    """One sentence for each new entry whose article could not be had (tried again next
    time)."""

    @property
    def failed(self) -> bool:
        """Whether something of this feed could not be had."""
        return self.failure is not None or bool(self.skipped)

    def sentence(self) -> str:
        """What went wrong, in one sentence ('' when nothing did)."""
        if self.failure is not None:
            return self.failure
        if not self.skipped:
            return ""
        count = len(self.skipped)
        noun = "article" if count == 1 else "articles"
        return (
            f"{count} new {noun} could not be fetched (tried again at the next refresh): "
            f"{self.skipped[0]}"
        )


@dataclass(frozen=True, slots=True)
class RefreshProgress:
    """How far a refresh has got, told after each feed."""

    done: int
    """Feeds read so far."""
    total: int
    """Feeds in all."""
    new: int
    """Documents added so far."""
    latest: FeedOutcome
    """The feed just read."""

    def line(self) -> str:
        """``3 of 12 feeds, 17 new``."""
        return f"{self.done} of {self.total} feeds, {self.new} new"


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """What a refresh did."""

    feeds: tuple[FeedOutcome, ...] = ()
    """Each feed, in the order they were read."""
    problems: tuple[str, ...] = ()
    """One sentence per store that refused a write (the documents were added)."""

    @property
    def added(self) -> tuple[Entry, ...]:
        """Every document added."""
        return tuple(entry for outcome in self.feeds for entry in outcome.added)

    @property
    def failed(self) -> tuple[FeedOutcome, ...]:
        """The feeds something of which could not be had."""
        return tuple(outcome for outcome in self.feeds if outcome.failed)


@dataclass(slots=True)
class _Gathered:
    """One feed read, its new entries' documents ready to add (made in a worker)."""

    feed: Feed
    items: list[FeedItem] = field(default_factory=list)
    documents: list[ReadDocument] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    validators: Validators = field(default_factory=Validators)
    not_modified: bool = False
    failure: str | None = None
    gone: list[str] = field(default_factory=list)
    """Article links that answered 404 or 410 for the first time."""
    present: list[str] = field(default_factory=list)
    """Every entry id and link the feed lists now."""


class _Known:
    """What the library has taken already: entry ids and links seen (as `seen_key`s), and
    the addresses of its documents."""

    def __init__(
        self, seen: frozenset[str], entries: Iterable[Entry], gone: frozenset[str] = frozenset()
    ) -> None:
        self.seen = set(seen)
        self.gone = gone
        """The `seen_key`s of article links that answered 404 or 410 at a refresh before."""
        self.addresses = {a for e in entries for a in (e.path, e.url) if a is not None}

    def has_item(self, item: FeedItem) -> bool:
        if seen_key(item.key) in self.seen or item.link in self.addresses:
            return True
        return item.link is not None and seen_key(item.link) in self.seen

    def has_document(self, document: ReadDocument) -> bool:
        told = (document.where, document.parsed.url)
        return any(address is not None and address in self.addresses for address in told)

    def take(self, entries: Iterable[Entry]) -> None:
        self.addresses.update(a for e in entries for a in (e.path, e.url) if a is not None)


def refresh(
    workspace: Workspace,
    feeds: Sequence[Feed],
    *,
    limits: Limits | None = None,
    progress: Callable[[RefreshProgress], None] | None = None,
) -> RefreshReport:
    """Read `feeds` and add their new entries (see the module docstring)."""
    store = workspace.feeds
    known = _Known(store.seen(), workspace.catalog.entries(), store.gone())
    outcomes: list[FeedOutcome] = []
    problems: list[str] = []
    new = 0
    feed_pool = ThreadPoolExecutor(FEED_WORKERS, thread_name_prefix="feed")
    article_pool = ThreadPoolExecutor(ARTICLE_WORKERS, thread_name_prefix="article")
    try:
        pending = [feed_pool.submit(_gather, feed, known, article_pool, limits) for feed in feeds]
        for future in as_completed(pending):
            outcome = _record(workspace, store, future.result(), known, problems)
            outcomes.append(outcome)
            new += len(outcome.added)
            if progress is not None:
                progress(RefreshProgress(len(outcomes), len(feeds), new, outcome))
    finally:
        # Stopped early (ctrl+c, a store that refused): what has not started never will,
        # and what runs ends within its time limit, unwaited for.
        for pool in (feed_pool, article_pool):
            pool.shutdown(wait=False, cancel_futures=True)
    return RefreshReport(tuple(outcomes), tuple(dict.fromkeys(problems)))


def _gather(feed: Feed, known: _Known, articles: Executor, limits: Limits | None) -> _Gathered:
    """Read one feed and the articles of its new entries (in a worker thread: it reads
    `known` only)."""
    from library.feed_articles import read_item
    from library.feeds import read_feed

    gathered = _Gathered(feed)
    try:
        fetched = fetch(
            feed.url,
            accepts=may_be_feed,
            what="a feed",
            accept_header=FEED_ACCEPT,
            validators=Validators(feed.etag, feed.last_modified),
            limits=limits,
        )
        gathered.validators = fetched.validators
        if fetched.not_modified:
            gathered.not_modified = True
            return gathered
        content = read_feed(fetched.body, fetched.url, kind=fetched.kind)
    except UnreadableFile as err:  # FetchFailed, NotAFeed
        gathered.failure = str(err)
        return gathered
    except Exception as err:  # noqa: BLE001 - one odd feed must not stop the others
        gathered.failure = f"{feed.url} could not be read ({type(err).__name__}: {err})."
        return gathered
    gathered.present = [value for item in content.items for value in (item.key, item.link) if value]
    fresh = {item.key: item for item in content.items if not known.has_item(item)}
    reading = [
        (item, articles.submit(read_item, item, feed.title, limits)) for item in fresh.values()
    ]
    for item, future in reading:
        _take_article(gathered, item, future, known)
    return gathered


def _take_article(
    gathered: _Gathered, item: FeedItem, future: Future[ReadDocument], known: _Known
) -> None:
    """Keep the document of `item` read by `future`, or say why there is none. An article
    whose page answered 404 or 410 at the refresh before too is gone for good: the entry's
    summary stands in for it, marked, rather than the feed failing at every refresh."""
    from library.feed_articles import read_summary

    try:
        document = future.result()
    except FetchFailed as err:
        if err.status not in GONE_STATUSES or item.link is None:
            gathered.skipped.append(str(err))
            return
        if seen_key(item.link) not in known.gone:
            gathered.gone.append(item.link)
            gathered.skipped.append(str(err))
            return
        document = read_summary(item, gathered.feed.title, str(err))
    except UnreadableFile as err:
        gathered.skipped.append(str(err))
        return
    except Exception as err:  # noqa: BLE001 - one odd page must not stop the refresh
        gathered.skipped.append(f"{item.link or item.title} could not be read ({err}).")
        return
    gathered.documents.append(document)
    gathered.items.append(item)


def _record(
    workspace: Workspace,
    store: FeedStore,
    gathered: _Gathered,
    known: _Known,
    problems: list[str],
) -> FeedOutcome:
    """Add one feed's new documents, and remember its entries and validators (in the
    refreshing thread: adds happen one at a time)."""
    feed = gathered.feed
    store.mark_gone(feed, gathered.gone, utc_now())
    if gathered.failure is not None or gathered.not_modified:
        return FeedOutcome(feed, not_modified=gathered.not_modified, failure=gathered.failure)
    documents = [d for d in gathered.documents if not known.has_document(d)]
    added: tuple[Entry, ...] = ()
    if documents:
        outcome = workspace.add(documents)
        problems.extend(outcome.problems)
        added = outcome.result.added
        result = outcome.result
        known.take((*result.added, *result.updated, *result.unchanged))
        gathered.skipped.extend(message for _, message in result.failed)
    taken = [value for item in gathered.items for value in (item.key, item.link) if value]
    store.mark_seen(feed, taken, present=gathered.present, now=utc_now())
    known.seen.update(seen_key(value) for value in taken)
    if not gathered.skipped:
        validators = gathered.validators
        store.record_refresh(
            feed, etag=validators.etag, last_modified=validators.last_modified, now=utc_now()
        )
    return FeedOutcome(feed, added, skipped=tuple(gathered.skipped))


# --- narrowing lists to a feed ----------------------------------------------------------------


def feed_scope(feeds: FeedStore, entries: Iterable[Entry], wanted: str) -> Scope:
    """The feed `wanted` names: a followed feed's id, id prefix or address, else the name
    of a feed some document came through (a feed no longer followed too), case aside.

    Raises:
        UnknownFeed: Nothing is called so (one sentence).
    """
    from library.feed_store import UnknownFeed
    from library.list_scope import Scope
    from library.sanitize import one_line

    name = " ".join(wanted.split())
    followed = feeds.feeds()
    named = [feed for feed in followed if feed.title.casefold() == name.casefold()]
    if named:
        return Scope("feed", named[0].title)
    scope = Scope("feed", name)
    if name and any(scope.holds(entry) for entry in entries):
        return scope
    try:
        return Scope("feed", feeds.resolve(wanted).title)
    except UnknownFeed:
        pass
    raise UnknownFeed(
        f'No feed is called or has the id "{one_line(wanted)}"; `feed list` shows them.'
    )
