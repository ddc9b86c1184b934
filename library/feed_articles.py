"""A feed's entry as a document: the whole article, and what the feed says of it.

An entry that carries its article (`content:encoded`, Atom `<content>`) is read from the
feed; one with only a summary is a teaser, and its article is fetched from its link and
reduced to its text as any page added by hand is (`library.web_page`). Either way the
feed knows some things better than the page: the entry's title, author and date are
kept, and the feed's name is the document's `feed` (and its source, when the page names
no site of its own).
"""

from __future__ import annotations

from dataclasses import replace
from html import escape
from urllib.parse import urlsplit

from library.add_batches import ReadDocument
from library.feeds import FeedItem
from library.fetch import Limits, fetch_page
from library.parse import Parsed
from library.web_page import parse_page


def read_item(item: FeedItem, feed_title: str, limits: Limits | None = None) -> ReadDocument:
    """The document of one feed entry, its article fetched when the feed has only a
    summary.

    Raises:
        UnreadableFile: The article could not be fetched, or holds no text (one sentence;
            `FetchFailed` for the fetch).
    """
    name = item.link or item.title or feed_title
    if item.content is not None or item.link is None:
        # The feed's own HTML: no page around it, so no site name or host to take.
        fragment = item.content if item.content is not None else (item.summary or "")
        parsed = parse_page(_as_page(fragment, item.title), url=None, name=name)
        where = item.link
    else:
        page = fetch_page(item.link, limits)
        parsed = parse_page(page.body, url=page.url, name=item.link)
        where = page.url
    return ReadDocument(where, _as_told_by_feed(parsed, item, feed_title, where), name)


def _as_page(fragment: str, title: str) -> str:
    """An entry's HTML made a page, so the extractor reads it as an article."""
    return (
        f"<html><head><title>{escape(title)}</title></head>"
        f"<body><article>{fragment}</article></body></html>"
    )


def _as_told_by_feed(parsed: Parsed, item: FeedItem, feed_title: str, where: str | None) -> Parsed:
    """`parsed` with the entry's title, author and date, and the feed's name."""
    host = urlsplit(where).hostname if where else None
    source = parsed.source if parsed.source and parsed.source != host else feed_title
    author = item.author or parsed.author
    text = parsed.text
    if author and not text.startswith("By "):
        text = f"By {author}\n\n{text}"
    return replace(
        parsed,
        title=item.title or parsed.title,
        source=source,
        date=item.date or parsed.date,
        text=text,
        author=author,
        url=parsed.url or where,
        feed=feed_title,
    )
