"""The links of a document a reader may follow: which to open at once, which to offer.

`o` in the reader follows links. When the sentence under the cursor holds exactly one, it
is the one meant; otherwise (several, or none) the reader is offered the links in view to
choose from, the sentence's own first. Only web and mail addresses are opened without
asking: a link in a document may name anything (``file:``, ``javascript:``, a program's
own scheme), and what opens it is the reader's choice, not the document's.
"""

from __future__ import annotations

import webbrowser
from dataclasses import dataclass
from urllib.parse import urlsplit

from library.structure import Structure

OPEN_WITHOUT_ASKING = frozenset({"http", "https", "mailto"})
"""Schemes opened at once; any other link is opened only once the reader says so."""


@dataclass(frozen=True, slots=True)
class Link:
    """One link of a document's text."""

    start: int
    """Where its words start in the text."""
    end: int
    """Where they end (exclusive)."""
    words: str
    """Its words as the text has them."""
    target: str
    """Where it leads, as the document gives it."""


@dataclass(frozen=True, slots=True)
class LinkChoice:
    """What `o` does: open one link, or offer some to choose from (or say there are none)."""

    open: Link | None = None
    """The one link to open at once."""
    offered: tuple[Link, ...] = ()
    """The links to choose from, in reading order (when there is no one link to open)."""
    first: int = 0
    """The offered link to start on: the first in the cursor's sentence, if any."""


def links_in(text: str, structure: Structure, start: int, end: int) -> tuple[Link, ...]:
    """The links that overlap ``[start, end)`` of `text`, in reading order."""
    return tuple(
        Link(span.start, span.end, text[span.start : span.end], span.value)
        for span in structure.links_in(start, end)
        if span.value
    )


def choose_links(
    text: str, structure: Structure, sentence: tuple[int, int] | None, view: tuple[int, int]
) -> LinkChoice:
    """What `o` does with the cursor on `sentence` and `view` showing.

    Args:
        text: The document's text.
        structure: Its structure.
        sentence: The span of the sentence under the cursor, if any.
        view: The span of the text on screen.
    """
    own = links_in(text, structure, *sentence) if sentence is not None else ()
    if len(own) == 1:
        return LinkChoice(open=own[0])
    start, end = view
    if sentence is not None and sentence[0] < end and sentence[1] > start:
        # A sentence partly scrolled away still offers all its links.
        start, end = min(start, sentence[0]), max(end, sentence[1])
    offered = links_in(text, structure, start, end)
    first = offered.index(own[0]) if own else 0
    return LinkChoice(offered=offered, first=first)


def opens_without_asking(target: str) -> bool:
    """Whether `target` is a web or mail address, opened without asking."""
    try:
        parts = urlsplit(target.strip())
    except ValueError:
        return False
    if parts.scheme.lower() == "mailto":
        return bool(parts.path)
    return parts.scheme.lower() in OPEN_WITHOUT_ASKING and bool(parts.netloc)


def open_in_browser(target: str) -> bool:
    """Open `target` in the web browser: Python's `webbrowser`, so ``$BROWSER`` names it
    when set. It may wait for the browser's command to end: call it off the UI thread.

    Returns:
        Whether a browser took it.
    """
    try:
        return webbrowser.open(target.strip())
    except webbrowser.Error:
        return False
