"""Feeds without a server: reading RSS and Atom, finding a page's feed, the feeds store,
and OPML in and out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from library.feed_store import FeedStore, UnknownFeed
from library.feeds import NotAFeed, feed_links, read_feed
from library.opml import ListedFeed, read_opml, write_opml
from library.textfile import UnreadableFile
from tests.feed_site import ATOM, RSS1, SITE_PAGE, rss2

BASE = "http://127.0.0.1:8000/feeds/news.xml"


def test_rss2_summaries_with_relative_links() -> None:
    feed = read_feed(rss2(), BASE)
    assert feed.title == "Harbour News"
    first, second = feed.items
    assert first.link == "http://127.0.0.1:8000/articles/storm"  # resolved against the feed
    assert first.title == "Storm today" and first.author == "Ada Marsh"
    assert first.date == "2024-05-02"
    assert first.content is None and first.summary == "A short teaser about the storm."
    assert first.key != second.key


def test_rss1_and_atom() -> None:
    (market,) = read_feed(RSS1, BASE).items
    assert market.link == "http://127.0.0.1:8000/articles/regatta" and market.date == "2024-04-01"
    weekly = read_feed(ATOM, BASE)
    (entry,) = weekly.items
    assert weekly.title == "Full Text Weekly" and entry.key == "urn:weekly:lighthouse"
    assert entry.author == "Bea Quill" and entry.date == "2024-05-03"
    assert entry.content is not None and "forty years" in entry.content


@pytest.mark.parametrize(
    "body", [b"<<<not {xml} at all", b"<html><body>Hello</body></html>", b"\x89PNG\r\n"]
)
def test_what_is_no_feed_is_one_sentence(body: bytes) -> None:
    with pytest.raises(NotAFeed, match=r"^http://127\.0\.0\.1:8000/feeds/news\.xml is not a feed"):
        read_feed(body, BASE)


def test_a_feed_cut_short_is_read_as_far_as_it_goes() -> None:
    cut = rss2()[: rss2().index(b"</item>") + len(b"</item>")]
    (item,) = read_feed(cut, BASE).items
    assert item.title == "Storm today"


def test_a_page_names_its_feed() -> None:
    page = "http://127.0.0.1:8000/index.html"
    assert feed_links(SITE_PAGE, page) == ("http://127.0.0.1:8000/rss2.xml",)
    assert feed_links(b'<link rel="alternate" type="text/html" href="/fr">', page) == ()
    assert (
        feed_links(b'<link rel="alternate" type="application/atom+xml" href="file:/x">', page) == ()
    )


def test_feeds_store(tmp_path: Path) -> None:
    store = FeedStore(tmp_path)
    feed, new = store.add("http://a.test/feed.xml", "A", None, "2024-01-01T00:00:00.000Z")
    again, new_again = store.add("http://a.test/feed.xml", "A again", None, "2024-01-02T00:00:00Z")
    assert new and not new_again and again == feed and len(feed.id) == 8
    assert store.resolve(feed.id[:3]) == feed == store.resolve("http://a.test/feed.xml")
    store.record_refresh(feed, etag='"x"', last_modified="Thu", now="2024-01-03T00:00:00Z")
    (stored,) = FeedStore(tmp_path).feeds()
    assert (stored.etag, stored.last_modified, stored.refreshed) == (
        '"x"',
        "Thu",
        "2024-01-03T00:00:00Z",
    )
    store.mark_seen(feed, ["guid-1", "http://a.test/1"])
    assert len(FeedStore(tmp_path).seen()) == 2
    assert store.remove(feed.id).url == feed.url and store.feeds() == ()
    with pytest.raises(UnknownFeed, match="No feed has the id or address"):
        store.resolve(feed.id)


def test_a_damaged_feeds_file_is_kept_aside(tmp_path: Path) -> None:
    (tmp_path / "feeds.json").write_text("{not json", encoding="utf-8")
    store = FeedStore(tmp_path)
    assert store.feeds() == ()
    (warning,) = store.warnings
    assert "feeds file" in warning and "a new one was started" in warning
    store.add("http://a.test/feed.xml", "A", None, "2024-01-01T00:00:00.000Z")
    assert [f.title for f in FeedStore(tmp_path).feeds()] == ["A"]
    assert any(p.name.startswith("feeds.json.") for p in tmp_path.iterdir())


def test_opml_round_trip() -> None:
    feeds = [
        ListedFeed("http://a.test/feed.xml", 'Tom & Jerry\'s "news" <daily>', "http://a.test/"),
        ListedFeed("https://b.test/atom", "B\x01 feed"),
    ]
    read = read_opml(write_opml(feeds).encode(), "feeds.opml")
    assert read == (feeds[0], ListedFeed("https://b.test/atom", "B feed"))


def test_opml_from_other_readers() -> None:
    nested = b"""<?xml version="1.0"?><opml version="1.0"><head/><body>
    <outline text="Tech"><outline text="One" type="rss" xmlUrl="http://one.test/rss"/>
    <outline title="Two" xmlUrl="https://two.test/atom" htmlUrl="javascript:x"/></outline>
    <outline text="Mail" xmlUrl="mailto:a@b"/><outline text="One again" xmlUrl="http://one.test/rss"/>
    </body></opml>"""
    assert read_opml(nested, "x.opml") == (
        ListedFeed("http://one.test/rss", "One"),
        ListedFeed("https://two.test/atom", "Two"),
    )


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"<html><body/></html>", "is not an OPML file (it has no <opml>"),
        (b"<opml><body>", "is not an OPML file:"),
        (
            b'<!DOCTYPE x [<!ENTITY a "aaaa">]><opml><body/></opml>',
            "declares XML entities",
        ),
    ],
)
def test_what_is_no_opml_is_one_sentence(data: bytes, said: str) -> None:
    with pytest.raises(UnreadableFile, match=re.escape(said)):
        read_opml(data, "x.opml")
