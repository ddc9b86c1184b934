"""A feed's entry as a document: the whole article, and what the feed says of it.

An entry that carries its article (`content:encoded`, Atom `<content>`) is read from the
feed; one with only a summary is a teaser, and its article is fetched from its link and
reduced to its text as any page added by hand is (`library.web_page`). Either way the
feed knows some things better than the page: the entry's title, author and date are
kept, and the feed's name is the document's `feed` (and its source, when the page names
no site of its own).
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from html import escape
from urllib.parse import urlsplit

from library.add_batches import ReadDocument
from library.feeds import FeedItem
from library.fetch import Limits, fetch_page
from library.parse import Parsed
from library.structure import NO_STRUCTURE
from library.textfile import UnreadableFile
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


SUMMARY_MARK = "Summary from the feed: the article's page is gone"
"""How the text of an entry added from its summary begins (its page answered 404 or 410
refresh after refresh), so the reader knows it is not the whole article."""


def read_summary(item: FeedItem, feed_title: str, why: str) -> ReadDocument:
    """The document of an entry whose article is gone for good: its summary (or only its
    title, when the feed gives none), marked as such, `why` saying what the server said.

    """
    name = item.link or item.title or feed_title
    parsed = None
    if item.summary:
        with contextlib.suppress(UnreadableFile):  # a summary with no text in it
            parsed = parse_page(_as_page(item.summary, item.title), url=None, name=name)
    mark = f"{SUMMARY_MARK}. {why.rstrip('.')}."
    body = (
        parsed.text if parsed is not None and parsed.text.strip() else "The feed gives no summary."
    )
    base = parsed or Parsed(item.title or name, None, None, None, body)
    marked = replace(base, text=f"{mark}\n\n{body}", structure=NO_STRUCTURE)
    return ReadDocument(item.link, _as_told_by_feed(marked, item, feed_title, item.link), name)


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
