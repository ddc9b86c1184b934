"""What `add` takes for a web page rather than a file: an http or https address.

Kept apart from `library.fetch` so that telling an address from a path (every `add`, the
add dialog at each key) does not import the HTTP machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


def is_web_address(text: str) -> bool:
    """Whether `text` is an http or https address (what `add` fetches rather than opens)."""
    parts = urlsplit(text.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


@dataclass(frozen=True, slots=True)
class WebAddress:
    """A page to fetch, among the files an add reads."""

    url: str
