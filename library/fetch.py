"""Fetching from the web, carefully: bounded in time, size and redirects, and said plainly
when it fails.

The standard library's `urllib` is enough for one page at a time (a refresh runs several
in threads) and adds nothing to install. What a reader's tool owes the web and the user:
an honest user agent; a connection given up after `CONNECT_SECONDS` and a whole download
after `TOTAL_SECONDS`; at most `MAX_PAGE_BYTES` read, after decompression (a huge or
endless body is cut off, not loaded); at most `MAX_REDIRECTS` redirects, and never to
anything but http or https; conditional requests for what was fetched before (a feed that
has not changed costs a 304 and no body). Each failure is one sentence naming the address
(DNS, refused, timeout, HTTP status, not the kind of document asked for).
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPMessage
from importlib.metadata import PackageNotFoundError, version
from typing import IO, Any
from urllib.parse import urljoin

from library.textfile import UnreadableFile
from library.web_address import is_web_address

CONNECT_SECONDS = 10.0
TOTAL_SECONDS = 30.0
MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")
_PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
_CHUNK = 64 * 1024


class FetchFailed(UnreadableFile):
    """A page that could not be fetched; `str(err)` is one sentence for the user."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        """The HTTP status the server answered with, when it answered with an error."""


GONE_STATUSES = frozenset({404, 410})
"""Statuses saying a page is not there (Not Found, Gone), as opposed to a server in
trouble (5xx) or a refusal (403, 429), which may pass."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How long and how much one fetch may take."""

    connect_seconds: float
    """Seconds to wait for the server to connect, or to send anything at all."""
    total_seconds: float
    """Seconds the whole download may take."""
    max_bytes: int
    """Bytes of body read at most (after decompression)."""

    @classmethod
    def default(cls) -> Limits:
        """The limits in force now (read at each fetch, so a test can lower them)."""
        return cls(CONNECT_SECONDS, TOTAL_SECONDS, MAX_PAGE_BYTES)

    @classmethod
    def within(cls, seconds: float) -> Limits:
        """The default limits, with no more than `seconds` for anything."""
        default = cls.default()
        return cls(
            min(default.connect_seconds, seconds),
            min(default.total_seconds, seconds),
            default.max_bytes,
        )


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server said identifies the version it sent (ETag, Last-Modified), to ask
    next time only for a newer one."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    """A document as the server gave it."""

    url: str
    """Where it was found, after redirects."""
    body: bytes
    """The document, undecoded (its charset is declared in the headers or in it); empty
    when `not_modified`."""
    kind: str
    """Its media type, as the server says (``text/html``)."""
    validators: Validators
    """What identifies this version, for a conditional request next time."""
    not_modified: bool = False
    """True when the server said it is the version asked about (304)."""


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
    return (
        f"newsreader/{release} (terminal reader; fetches the pages its user adds and the "
        "feeds they follow)"
    )


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
            raise _not_web(req.full_url, newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _not_web(url: str, target: str) -> FetchFailed:
    return FetchFailed(
        f"{url} redirects to {target}, which is not a web address; "
        "newsreader follows only http and https."
    )


def fetch_page(url: str, limits: Limits | None = None) -> FetchedPage:
    """Fetch the web page at `url` (http or https), within `limits` (default: the
    module's).

    Raises:
        FetchFailed: It could not be fetched, or is no web page (one sentence).
    """
    fetched = fetch(url, accepts=is_page_type, what="a web page", limits=limits)
    return FetchedPage(fetched.url, fetched.body)


def is_page_type(kind: str) -> bool:
    """Whether a document the server calls `kind` is a web page."""
    return kind in _PAGE_TYPES


def fetch(
    url: str,
    *,
    accepts: Callable[[str], bool],
    what: str,
    accept_header: str = _PAGE_ACCEPT,
    validators: Validators | None = None,
    limits: Limits | None = None,
) -> Fetched:
    """Fetch `url` (http or https), conditionally when `validators` are given.

    Args:
        url: The address.
        accepts: Whether a media type is one the caller can read.
        what: What the caller wants, for the sentence refusing another kind of document
            (``"a feed"``).
        accept_header: The HTTP Accept header sent.
        validators: What the server said of the version fetched before.
        limits: Time and size limits (default: `Limits.default()`).

    Raises:
        FetchFailed: It could not be fetched, or is not what was asked for (one sentence).
    """
    limits = limits or Limits.default()
    opener = urllib.request.build_opener(_Redirects())
    request = urllib.request.Request(url, headers=_request_headers(accept_header, validators))
    began = time.monotonic()
    wait = min(limits.connect_seconds, limits.total_seconds)
    try:
        with opener.open(request, timeout=wait) as response:
            kind = response.headers.get_content_type() if response.headers else "text/html"
            if not accepts(kind):
                raise FetchFailed(f"{url} is not {what} (the server says it is {kind}).")
            body = _read_bounded(url, response, began, limits)
            return Fetched(response.geturl(), body, kind, _validators_of(response.headers))
    except urllib.error.HTTPError as err:
        if err.code == 304 and validators is not None:
            return Fetched(err.geturl() or url, b"", "", validators, not_modified=True)
        raise _http_failure(url, err) from err
    except urllib.error.URLError as err:
        raise FetchFailed(f"{url} cannot be reached: {_reason(err.reason, wait)}.") from err
    except TimeoutError as err:
        raise FetchFailed(f"{url} did not answer within {wait:g} seconds.") from err
    except OSError as err:
        raise FetchFailed(f"{url} cannot be reached: {_reason(err, wait)}.") from err


def _request_headers(accept: str, validators: Validators | None) -> dict[str, str]:
    headers = {"User-Agent": user_agent(), "Accept": accept, "Accept-Encoding": "gzip"}
    if validators is not None and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators is not None and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _validators_of(headers: HTTPMessage | None) -> Validators:
    if headers is None:
        return Validators()
    return Validators(headers.get("ETag") or None, headers.get("Last-Modified") or None)


def _http_failure(url: str, err: urllib.error.HTTPError) -> FetchFailed:
    location = err.headers.get("Location") if err.headers else None
    if 300 <= err.code < 400 and location and not is_web_address(urljoin(url, location)):
        # urllib refuses a redirect to file: before `_Redirects` is asked.
        return _not_web(url, urljoin(url, location))
    if 300 <= err.code < 400:
        return FetchFailed(
            f"{url} redirects more than {MAX_REDIRECTS} times, or in a circle; "
            "newsreader stops there."
        )
    reason = f" ({err.reason})" if err.reason else ""
    return FetchFailed(f"The server answered {err.code}{reason} for {url}.", status=err.code)


def _read_bounded(url: str, response: Any, began: float, limits: Limits) -> bytes:
    """The body, decompressed if the server gzipped it, cut off past the limits."""
    encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
    unzip = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding in ("gzip", "x-gzip") else None
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        if unzip is not None:
            try:
                chunk = unzip.decompress(chunk, limits.max_bytes + 1 - size)
            except zlib.error as err:
                raise FetchFailed(f"{url} sent a damaged compressed body.") from err
        size += len(chunk)
        if size > limits.max_bytes:
            limit = limits.max_bytes // (1024 * 1024)
            raise FetchFailed(f"{url} is larger than {limit} MB; it was not read.")
        if time.monotonic() - began > limits.total_seconds:
            raise FetchFailed(
                f"{url} took longer than {limits.total_seconds:g} seconds to download."
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _reason(reason: object, wait: float) -> str:
    if isinstance(reason, socket.gaierror):
        return "its name is not known (DNS)"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, TimeoutError):
        return f"no answer within {wait:g} seconds"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.rstrip(".").lower()
    return str(reason).rstrip(".").lower() or "unknown error"
