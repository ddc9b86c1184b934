"""The feeds a library follows, what their servers said of the version last fetched, and
which of their entries were taken already: ``feeds.json`` in the library home.

One `library.storage.Store` file, so it is written atomically, under the cross-process
lock, with a schema version, and a damaged file is kept aside, as every store is. It
holds two tables:

- ``feeds``: a record per feed, keyed by its id (the start of the sha256 of its address):
  address, name, site, when it was added and last refreshed, and the HTTP validators
  (ETag, Last-Modified) that make the next refresh a conditional request.
- ``seen``: a record per entry taken (added, or found in the library already), keyed by
  the sha256 of the entry's id, and of its link: an entry whose document was removed is
  not added again by the next refresh. Each record names its feed and when the entry was
  last in it; a feed keeps at most `SEEN_PER_FEED` (those still in the feed always, then
  the latest), and a feed removed takes its records along.
- ``gone``: a record per article link that answered 404 or 410, keyed like ``seen``:
  the second time, the entry is added with the feed's summary instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, cast

from library.safe_files import StoreError
from library.sanitize import one_line
from library.storage import Record, RecordFault, Store, StoreTable

FEEDS_FILE = "feeds.json"
_FEEDS = "feeds"
_SEEN = "seen"
_GONE = "gone"
SEEN_PER_FEED = 2000
"""Entry ids and links remembered per feed: a feed lists tens of entries, rarely hundreds,
so an entry that has left it this long ago will not be listed again."""
FEED_ID_LENGTH = 8
"""Hex digits in a feed id: few enough to type, and enough for any reader's feeds."""


class UnknownFeed(StoreError, LookupError):
    """No feed has the given id, id prefix or address; several do, for a prefix."""


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed the library follows."""

    id: str
    """Its id: the start of the sha256 of its address (longer if another feed has it)."""
    url: str
    """Its address (http or https)."""
    title: str
    """Its name, as the feed gives it (becomes the `feed` of its documents)."""
    site: str | None
    """The site it belongs to, if it says."""
    added: str
    """When it was added, ISO 8601 UTC."""
    etag: str | None = None
    """The ETag of the version last read, for `If-None-Match`."""
    last_modified: str | None = None
    """The Last-Modified of the version last read, for `If-Modified-Since`."""
    refreshed: str | None = None
    """When it was last read whole, ISO 8601 UTC; None if never."""

    def to_record(self) -> Record:
        """The feed as stored: every field but the id (its key)."""
        return {name: getattr(self, name) for name in FEED_FIELDS[1:]}

    def to_json(self) -> dict[str, Any]:
        """The feed as `feed list --json` prints it."""
        return {name: getattr(self, name) for name in FEED_FIELDS}


FEED_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(Feed))
_REQUIRED = ("url", "title", "added")


def check_feed_record(feed_id: str, record: Record) -> RecordFault | None:
    """A feed record whose values are not text (or null where allowed) is skipped."""
    wrong = [
        name
        for name in FEED_FIELDS[1:]
        if name in record
        and not isinstance(record[name], str)
        and (name in _REQUIRED or record[name] is not None)
    ]
    missing = [name for name in _REQUIRED if name not in record]
    if wrong or missing:
        return RecordFault(tuple(wrong + missing), skipped=True)
    return None


def _feed_from_record(feed_id: str, record: Record) -> Feed | None:
    if check_feed_record(feed_id, record) is not None:
        return None
    values: dict[str, Any] = {name: record.get(name) for name in FEED_FIELDS[1:]}
    return Feed(feed_id, **values)


def seen_key(value: str) -> str:
    """The key under which an entry's id or link is remembered (fixed length, whatever
    the feed put there)."""
    return hashlib.sha256(value.encode("utf-8", errors="replace")).hexdigest()[:32]


class FeedStore:
    """The feeds of one library home (see the module docstring)."""

    def __init__(self, home: Path) -> None:
        self._store = Store(
            Path(home) / FEEDS_FILE,
            kind="feeds",
            label="feeds file",
            checks={_FEEDS: check_feed_record},
        )

    @property
    def path(self) -> Path:
        """The file."""
        return self._store.path

    def change_key(self) -> object:
        """Something that changes whenever any process changes the file."""
        return self._store.change_key()

    @property
    def warnings(self) -> tuple[str, ...]:
        """One sentence per problem met in the file (damaged and kept aside…)."""
        return self._store.warnings

    def feeds(self) -> tuple[Feed, ...]:
        """Every feed, by name."""
        found = (
            _feed_from_record(feed_id, record)
            for feed_id, record in self._store.read_table(_FEEDS).items()
        )
        return tuple(sorted((f for f in found if f is not None), key=_by_title))

    def resolve(self, wanted: str) -> Feed:
        """The feed whose id, address, or only id starting with `wanted`, is `wanted`.

        Raises:
            UnknownFeed: None is, or several ids start with it.
        """
        wanted = wanted.strip()
        feeds = self.feeds()
        for feed in feeds:
            if wanted in (feed.id, feed.url):
                return feed
        matches = [feed for feed in feeds if wanted and feed.id.startswith(wanted.lower())]
        if len(matches) == 1:
            return matches[0]
        shown = one_line(wanted)
        if matches:
            ids = ", ".join(feed.id for feed in matches)
            raise UnknownFeed(f'The feed id "{shown}" matches {len(matches)} feeds: {ids}.')
        raise UnknownFeed(f'No feed has the id or address "{shown}"; `feed list` shows them.')

    def add(self, url: str, title: str, site: str | None, now: str) -> tuple[Feed, bool]:
        """Follow the feed at `url` (nothing changes when it is followed already).

        Returns:
            The feed, and whether it is new.
        """
        (feed, new), *_ = self.add_many([(url, title, site)], now)
        return feed, new

    def add_many(
        self, listed: Iterable[tuple[str, str, str | None]], now: str
    ) -> list[tuple[Feed, bool]]:
        """Follow feeds given as (address, name, site), in one write; one followed already
        (by its address) is left as it is.

        Returns:
            Each feed, and whether it is new.
        """
        done: list[tuple[Feed, bool]] = []
        with self._store.transaction() as db:
            table = db.table(_FEEDS)
            records = table.records()
            by_url = {
                feed.url: feed
                for feed_id, record in records.items()
                if (feed := _feed_from_record(feed_id, record)) is not None
            }
            taken = set(records)
            for url, title, site in listed:
                if url in by_url:
                    done.append((by_url[url], False))
                    continue
                feed = Feed(_new_id(url, taken), url, title, site, now)
                taken.add(feed.id)
                by_url[url] = feed
                table.put(feed.id, feed.to_record())
                done.append((feed, True))
        return done

    def remove(self, feed_id: str) -> Feed:
        """Stop following a feed; its documents stay in the library.

        Raises:
            UnknownFeed: No feed has that id.
        """
        with self._store.transaction() as db:
            record = db.table(_FEEDS).record(feed_id)
            feed = _feed_from_record(feed_id, record) if record is not None else None
            if feed is None:
                raise UnknownFeed(f'No feed has the id "{one_line(feed_id)}".')
            db.table(_FEEDS).delete(feed_id)
            for name in (_SEEN, _GONE):
                table = db.table(name)
                _delete_many(
                    table, [k for k, r in table.records().items() if r.get("feed") == feed_id]
                )
        return feed

    def record_refresh(
        self, feed: Feed, *, etag: str | None, last_modified: str | None, now: str
    ) -> None:
        """Remember the validators of the version just read whole (a feed removed
        meanwhile stays removed)."""
        with self._store.transaction() as db:
            table = db.table(_FEEDS)
            if table.record(feed.id) is None:
                return
            fresh = replace(feed, etag=etag, last_modified=last_modified, refreshed=now)
            table.put(feed.id, fresh.to_record())

    def seen(self) -> frozenset[str]:
        """The keys (`seen_key`) of every entry id and link taken already."""
        return frozenset(self._store.read_table(_SEEN))

    def mark_seen(
        self, feed: Feed, values: Iterable[str], *, present: Iterable[str] = (), now: str = ""
    ) -> None:
        """Remember entry ids and links as taken (`values`), and that those taken before
        are still in the feed (`present`: every id and link it lists now); keep at most
        `SEEN_PER_FEED` of the feed's, the ones still in it first, then the latest."""
        keys = {seen_key(value) for value in values}
        listed = {seen_key(value) for value in present}
        with self._store.transaction() as db:
            table = db.table(_SEEN)
            stored = table.records()
            fresh = keys | (listed & stored.keys())
            if not fresh:
                return
            table.put_many({key: {"feed": feed.id, "at": now} for key in fresh})
            gone = db.table(_GONE)
            _delete_many(gone, sorted(keys & gone.records().keys()))  # taken after all
            older = sorted(
                (str(record.get("at") or ""), key)
                for key, record in stored.items()
                if record.get("feed") == feed.id and key not in fresh
            )
            over = len(older) + len(fresh) - SEEN_PER_FEED
            if over > 0:
                _delete_many(table, [key for _, key in older[:over]])

    def gone(self) -> frozenset[str]:
        """The keys (`seen_key`) of the article links that answered 404 or 410 before."""
        return frozenset(self._store.read_table(_GONE))

    def mark_gone(self, feed: Feed, links: Iterable[str], now: str) -> None:
        """Remember article links that answered 404 or 410."""
        keys = {seen_key(link) for link in links}
        if not keys:
            return
        with self._store.transaction() as db:
            db.table(_GONE).put_many({key: {"feed": feed.id, "at": now} for key in keys})


def _delete_many(table: StoreTable, keys: list[str]) -> None:
    """Remove the records under `keys` in one pass over the table."""
    if keys:
        table.remove(doc_ids=cast(list[int], keys))  # TinyDB's annotations say ids are ints


def _by_title(feed: Feed) -> tuple[str, str]:
    return (feed.title.casefold(), feed.id)


def _new_id(url: str, taken: set[str]) -> str:
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
    length = FEED_ID_LENGTH
    while digest[:length] in taken:
        length += 1
    return digest[:length]
