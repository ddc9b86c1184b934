"""Links back from a note to its passage: ``newsreader://open?doc=ID&highlight=HID``.

Every highlight in a Markdown note carries one, so a click in Obsidian (or any app that
hands unknown schemes to the system) starts ``newsreader open URI`` on that passage, once
the scheme is registered (see the README).

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

SCHEME = "newsreader"
"""The link scheme the system hands to ``newsreader open``."""

_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
"""What a document or highlight id (or a prefix of one) may hold in a link."""


@dataclass(frozen=True, slots=True)
class PassageLink:
    """A place a link names: a document, and a highlight in it when given."""

    document: str
    """The document's id (or a unique prefix of one)."""
    highlight: str | None = None
    """The highlight's id, if the link names one."""


def passage_uri(document_id: str, highlight_id: str | None = None) -> str:
    """The link that opens `document_id` (at `highlight_id`) in newsreader."""
    query = {"doc": document_id}
    if highlight_id is not None:
        query["highlight"] = highlight_id
    return f"{SCHEME}://open?{urlencode(query)}"


def is_passage_uri(text: str) -> bool:
    """Whether `text` is written as a newsreader link (``newsreader:`` first)."""
    return text[: len(SCHEME) + 1].casefold() == f"{SCHEME}:"


def parse_passage_link(uri: str) -> PassageLink:
    """The place `uri` names.

    Raises:
        ValueError: It is not a ``newsreader://open?doc=ID[&highlight=HID]`` link (the
            message is one sentence).
    """
    parts = urlsplit(uri.strip())
    where = parts.netloc or parts.path.strip("/")
    if parts.scheme.casefold() != SCHEME or where.casefold() != "open":
        raise ValueError(f"{uri!r} is not a link of the form {SCHEME}://open?doc=ID")
    query = parse_qs(parts.query)
    documents = query.get("doc", [])
    highlights = query.get("highlight", [])
    if len(documents) != 1 or not _ID.fullmatch(documents[0]):
        raise ValueError(f"{uri!r} names no document (doc=ID)")
    if len(highlights) > 1 or (highlights and not _ID.fullmatch(highlights[0])):
        raise ValueError(f"{uri!r} names no single highlight (highlight=ID)")
    return PassageLink(documents[0], highlights[0] if highlights else None)
