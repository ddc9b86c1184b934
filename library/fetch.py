"""Fetching a web page, carefully: bounded in time, size and redirects, and said plainly
when it fails.

The standard library's `urllib` is enough for one page at a time and adds nothing to
install. What a reader's tool owes the web and the user: an honest user agent; a
connection given up after `CONNECT_SECONDS` and a whole download after `TOTAL_SECONDS`;
at most `MAX_PAGE_BYTES` read (a huge or endless body is cut off, not loaded); at most
`MAX_REDIRECTS` redirects, and never to anything but http or https. Each failure is one
sentence naming the address (DNS, refused, timeout, HTTP status, not a web page).
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPMessage
from importlib.metadata import PackageNotFoundError, version
from typing import IO, Any

from library.textfile import UnreadableFile
from library.web_address import is_web_address

CONNECT_SECONDS = 10.0
TOTAL_SECONDS = 30.0
MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")
_CHUNK = 64 * 1024


class FetchFailed(UnreadableFile):
    """A page that could not be fetched; `str(err)` is one sentence for the user."""


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A page as the server gave it."""

    url: str
    """Where it was found, after redirects."""
    body: bytes
    """The page, undecoded (its charset is declared in the headers or in the page)."""


def user_agent() -> str:
    try:
        release = version("newsreader")
    except PackageNotFoundError:
        release = "dev"
    return f"newsreader/{release} (terminal reader; fetches one page when a person adds it)"


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not is_web_address(newurl):
            raise FetchFailed(
                f"{req.full_url} redirects to {newurl}, which is not a web address; "
                "newsreader follows only http and https."
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_page(url: str) -> FetchedPage:
    """Fetch the page at `url` (http or https).

    Raises:
        FetchFailed: It could not be fetched, or is no web page (one sentence).
    """
    opener = urllib.request.build_opener(_Redirects())
    request = urllib.request.Request(url, headers={"User-Agent": user_agent()})
    began = time.monotonic()
    try:
        with opener.open(request, timeout=CONNECT_SECONDS) as response:
            _check_type(url, response)
            body = _read_bounded(url, response, began)
            return FetchedPage(response.geturl(), body)
    except urllib.error.HTTPError as err:
        if 300 <= err.code < 400:
            raise FetchFailed(
                f"{url} redirects more than {MAX_REDIRECTS} times, or in a circle; "
                "newsreader stops there."
            ) from err
        reason = f" ({err.reason})" if err.reason else ""
        raise FetchFailed(f"The server answered {err.code}{reason} for {url}.") from err
    except urllib.error.URLError as err:
        raise FetchFailed(f"{url} cannot be reached: {_reason(err.reason)}.") from err
    except TimeoutError as err:
        raise FetchFailed(f"{url} did not answer within {CONNECT_SECONDS:g} seconds.") from err
    except OSError as err:
        raise FetchFailed(f"{url} cannot be reached: {_reason(err)}.") from err


def _check_type(url: str, response: Any) -> None:
    kind = response.headers.get_content_type() if response.headers else "text/html"
    if kind not in _PAGE_TYPES:
        raise FetchFailed(f"{url} is not a web page (the server says it is {kind}).")


def _read_bounded(url: str, response: Any, began: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > MAX_PAGE_BYTES:
            limit = MAX_PAGE_BYTES // (1024 * 1024)
            raise FetchFailed(f"{url} is larger than {limit} MB; it was not read.")
        if time.monotonic() - began > TOTAL_SECONDS:
            raise FetchFailed(f"{url} took longer than {TOTAL_SECONDS:g} seconds to download.")
        chunks.append(chunk)
    return b"".join(chunks)


def _reason(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "its name is not known (DNS)"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, TimeoutError):
        return f"no answer within {CONNECT_SECONDS:g} seconds"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.rstrip(".").lower()
    return str(reason).rstrip(".").lower() or "unknown error"
