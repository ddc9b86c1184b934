"""Reading a feed: its title and entries, from the bytes a server sent; and finding a
site's feed from one of its pages.

feedparser reads RSS 0.9x, 1.0 and 2.0 and Atom, however loosely written (a feed with
broken XML is still read as far as it goes), resolves relative links against the feed's
own address and `xml:base`, and cleans the HTML it hands back. It is given the bytes
only: given a string, it would fetch addresses or open files itself.

An entry is "full" when it carries content of its own (`content:encoded`, Atom
`<content>`); one with only a summary (`<description>`, Atom `<summary>`) is a teaser
whose article is fetched from its link.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from library.textfile import UnreadableFile
from library.web_address import is_web_address

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.5, */*;q=0.1"
)
"""The Accept header of a feed request (a page is welcome too: its feed is looked for)."""

_FEED_LINK_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml"}
)
"""The `type` of a page's `<link rel="alternate">` that names a feed."""

_TEXT_TYPES = frozenset({"text/html", "text/plain", "application/octet-stream"})
"""Media types a feed is often served as, wrongly: the bytes decide."""


class NotAFeed(UnreadableFile):
    """Bytes that hold no feed; `str(err)` is one sentence for the user."""


def may_be_feed(kind: str) -> bool:
    """Whether a document the server calls `kind` may be a feed (or a page naming one)."""
    return kind in _TEXT_TYPES or any(word in kind for word in ("xml", "rss", "atom", "rdf"))


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed."""

    key: str
    """What identifies the entry for good: its id (`<guid>`, Atom `<id>`), else its link,
    else a hash of its title and date."""
    link: str | None
    """Its article's address (http or https), resolved against the feed's."""
    title: str
    """Its title (one line; may be empty)."""
    author: str | None
    """Who wrote it, if the feed says."""
    date: str | None
    """When it was published (or else updated), ISO ``YYYY-MM-DD``."""
    content: str | None
    """The article itself as HTML, when the feed carries it; None for a summary only."""
    summary: str | None
    """The feed's summary (HTML), if any."""


@dataclass(frozen=True, slots=True)
class FeedContent:
    """What a feed holds."""

    title: str
    """The feed's name (its title, else the host it is on)."""
    site: str | None
    """The site it belongs to (its `<link>`), if http or https."""
    items: tuple[FeedItem, ...]
    """Its entries, in the feed's order."""


def read_feed(body: bytes, url: str, *, kind: str = "") -> FeedContent:
    """The feed in `body`, fetched from `url` (relative links are resolved against it).

    Raises:
        NotAFeed: `body` is no feed (one sentence).
    """
    import feedparser  # only when a feed is read

    headers = {"content-location": url, "content-type": kind or "application/xml"}
    parsed: Any = feedparser.parse(io.BytesIO(body), response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        raise NotAFeed(f"{url} is not a feed{_why_not(parsed.get('bozo_exception'))}.")
    channel = parsed.feed
    title = _one_line(channel.get("title")) or urlsplit(url).hostname or url
    site = _web_link(channel.get("link"))
    return FeedContent(title, site, tuple(_item(entry) for entry in parsed.entries))


def _why_not(problem: object) -> str:
    """What feedparser's parser said, as a parenthesis (or nothing)."""
    from xml.sax import SAXParseException

    if isinstance(problem, SAXParseException):
        # (No line number: feedparser re-encodes the bytes first, and its lines are not
        # the server's.)
        return f" (its XML is broken: {problem.getMessage()})"
    return f" ({_one_line(str(problem)).rstrip('.')})" if problem else ""


def _item(entry: Any) -> FeedItem:
    link = _web_link(entry.get("link"))
    title = _one_line(entry.get("title"))
    date = _date(entry.get("published_parsed") or entry.get("updated_parsed"))
    key = _one_line(entry.get("id")) or link or _hashed(title, date, entry.get("summary"))
    contents = [c.get("value") for c in entry.get("content") or () if c.get("value")]
    return FeedItem(
        key=key,
        link=link,
        title=title,
        author=_one_line(entry.get("author")) or None,
        date=date,
        content="\n".join(contents) if any(str(c).strip() for c in contents) else None,
        summary=entry.get("summary") or None,
    )


def _hashed(*parts: object) -> str:
    joined = "\n".join(str(part or "") for part in parts)
    return "sha256:" + hashlib.sha256(joined.encode("utf-8")).hexdigest()


def _date(value: object) -> str | None:
    """ISO date of a feedparser time (a UTC `struct_time`)."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return time.strftime("%Y-%m-%d", time.gmtime(calendar.timegm(value)))
    except (OverflowError, ValueError):
        return None


def _web_link(value: object) -> str | None:
    link = _one_line(value)
    return link if link and is_web_address(link) else None


def _one_line(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


# --- discovery -----------------------------------------------------------------------------


class _AlternateLinks(HTMLParser):
    """Collects the `<link rel="alternate" type="…feed…" href>` of a page, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {name: (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").split(";")[0].strip().lower()
        if "alternate" in rels and kind in _FEED_LINK_TYPES and values.get("href"):
            self.found.append(values["href"].strip())


def feed_links(page: bytes, url: str) -> tuple[str, ...]:
    """The feeds a web page names (`<link rel="alternate">`), as absolute http(s)
    addresses, in the page's order."""
    collector = _AlternateLinks()
    # The tags sought are ASCII in any charset a page is served in.
    collector.feed(page.decode("utf-8", errors="replace"))
    collector.close()
    found = (urljoin(url, href) for href in collector.found)
    return tuple(dict.fromkeys(link for link in found if is_web_address(link)))
