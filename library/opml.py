"""OPML 2.0, the list of feeds every feed reader reads and writes: moving one's feeds in
from another reader (`feed import`) and out to one (`feed export`).

Only what moving feeds needs is read: each `<outline>` with an `xmlUrl` (at any depth:
readers group feeds in folders), its `text`/`title` and `htmlUrl`. A file with a DOCTYPE
declaring entities is refused before parsing: nobody's feed list needs them, and they are
how an XML file is made to expand without end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formatdate
from xml.etree import ElementTree

from library.textfile import UnreadableFile
from library.web_address import is_web_address

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold at all, not even escaped."""


@dataclass(frozen=True, slots=True)
class ListedFeed:
    """A feed as an OPML file lists it."""

    url: str
    """Its address (`xmlUrl`)."""
    title: str
    """Its name (`text`, else `title`; may be empty)."""
    site: str | None = None
    """Its site (`htmlUrl`), if given."""


def read_opml(data: bytes, name: str) -> tuple[ListedFeed, ...]:
    """The feeds an OPML file lists (http and https ones; each address once).

    Raises:
        UnreadableFile: It is not an OPML file (one sentence naming it).
    """
    if b"<!ENTITY" in data:
        raise UnreadableFile(f"{name} declares XML entities, which an OPML file has no use for.")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as err:
        raise UnreadableFile(f"{name} is not an OPML file: {err}.") from err
    if root.tag != "opml" or root.find("body") is None:
        raise UnreadableFile(f"{name} is not an OPML file (it has no <opml> with a <body>).")
    found: dict[str, ListedFeed] = {}
    for outline in root.iter("outline"):
        url = " ".join((outline.get("xmlUrl") or "").split())
        if not is_web_address(url) or url in found:
            continue
        title = " ".join((outline.get("text") or outline.get("title") or "").split())
        site = " ".join((outline.get("htmlUrl") or "").split())
        found[url] = ListedFeed(url, title, site if is_web_address(site) else None)
    return tuple(found.values())


def write_opml(feeds: Iterable[ListedFeed], title: str = "newsreader feeds") -> str:
    """An OPML 2.0 document listing `feeds` (escaped as XML requires)."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    ElementTree.SubElement(head, "dateCreated").text = formatdate(usegmt=True)
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        name = _NOT_IN_XML.sub("", feed.title)
        outline = ElementTree.SubElement(
            body, "outline", type="rss", text=name, title=name, xmlUrl=_NOT_IN_XML.sub("", feed.url)
        )
        if feed.site:
            outline.set("htmlUrl", _NOT_IN_XML.sub("", feed.site))
    ElementTree.indent(root)
    xml = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}\n'
