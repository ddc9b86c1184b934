"""Web pages into documents: the article of a page, without what surrounds it.

A saved page (`.html`, `.htm`, `.xhtml`) or a fetched one is mostly not the article:
navigation, cookie banners, "most read" lists, comments, footers. trafilatura finds the
main text and the page's metadata (title, author, site name, date, canonical address)
from `<meta>`, Open Graph or JSON-LD, whichever the page has; it scores best among
open-source extractors on published article benchmarks. Its plain-text output (one line
per block) is used, not its Markdown: with formatting on, a trial put a page's comments
into the text.

What is left is tidied the way a reader wants it: the title is not repeated as the first
paragraph, the author is a `By …` line at the start (as on the page), and promotion lines
inside the article ("Read more: …", "Sign up for our newsletter") are dropped.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from library.page_language import page_language
from library.parse import Parsed
from library.structure_page import page_text
from library.textfile import UnreadableFile

PAGE_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
"""File name suffixes read as saved web pages."""

_PROMOTION = re.compile(
    r"(?i)^(?:read more|read also|related|see also|more on this story|recommended|"
    r"sign up|subscribe|newsletter|follow us|advertisement|sponsored)\b[^.!?]{0,120}$"
)
"""A line that promotes something else rather than telling the story: short, with no end
of sentence after its opening words ("Read more: Ten best beaches")."""


def parse_page(page: bytes | str, *, url: str | None, name: str) -> Parsed:
    """The article of a web page as a document.

    Args:
        page: The page as served or saved (bytes are decoded by their declared charset).
        url: Where it came from, if fetched (resolves the canonical address and links).
        name: How messages name the page.

    Raises:
        UnreadableFile: The page holds no article text (one sentence).
    """
    found, body = _extract(page, url)
    if found is None or body is None:
        raise UnreadableFile(f"{name} has no article text that newsreader could find.")
    title = _one_line(found.get("title"))
    author = _one_line(found.get("author"))
    read = page_text(
        body,
        title=title,
        byline=f"By {author}" if author else None,
        dropped=lambda text: _PROMOTION.match(" ".join(text.split())) is not None,
    )
    if not read.text.strip() or (author and read.text == f"By {author}"):
        raise UnreadableFile(f"{name} has no article text that newsreader could find.")
    raw = page.encode("utf-8") if isinstance(page, str) else page
    return Parsed(
        title or read.text.split("\n", 1)[0][:90],
        _one_line(found.get("sitename")) or _one_line(found.get("hostname")) or None,
        _iso_date(found.get("date")),
        None,
        read.text,
        author=author or None,
        url=_web_address(found.get("url")) or url,
        language=page_language(page),
        structure=read.structure,
        raw_page=raw,
    )


def _extract(page: bytes | str, url: str | None) -> tuple[dict[str, Any] | None, Any]:
    """trafilatura's metadata of `page`, and the tree of its article (None if none)."""
    import trafilatura  # heavy: only when a page is read

    found = trafilatura.bare_extraction(
        page,
        url=url,
        include_comments=False,
        include_tables=True,
        include_formatting=True,
        include_links=True,
        with_metadata=True,
    )
    if found is None:
        return None, None
    body = getattr(found, "body", None)
    as_dict = found.as_dict() if hasattr(found, "as_dict") else found
    return (dict(as_dict) if isinstance(as_dict, dict) else None), body


def _web_address(value: object) -> str | None:
    """The page's own (canonical) address, if it names an http or https one."""
    address = _one_line(value)
    return address if address.lower().startswith(("http://", "https://")) else None


def _one_line(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _iso_date(value: object) -> str | None:
    """A real date as ISO ``YYYY-MM-DD``, else None."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None
