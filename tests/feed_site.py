"""A news site with feeds, served on 127.0.0.1 for the tests (nothing reaches any other
address): article pages full of boilerplate, RSS 2.0, RSS 1.0 and Atom feeds, and the
ways a feed goes wrong. The server notes each request, so tests can tell what was asked.
"""

from __future__ import annotations

import contextlib
import gzip
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.local_server import LocalHandler, serving

ARTICLE_WORDS = {
    "storm": "The storm reached Port Ellery on Thursday night and the harbour wall held",
    "ferry": "The ferry to the islands will run twice a day from June, the operator said",
    "market": "The fish market reopens on Saturday after a winter of repairs to its roof",
}
"""Each article's first sentence (its own words: the test checks they arrive)."""


def article_page(slug: str, *, canonical: str | None = None) -> bytes:
    """An article page as news sites make them: navigation, a cookie banner, the
    article, 'most read' links and comments."""
    lead = ARTICLE_WORDS.get(slug, f"The {slug} story begins with a plain sentence")
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{slug.title()} | The Coastal Gazette</title>{link}
<meta property="og:site_name" content="The Coastal Gazette">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">We use cookies. Accept all?</div>
<article><h1>{slug.title()}</h1>
<p>{lead}. Officials said the work would be finished before the summer season began.</p>
<p>People who live by the water said they had waited a long time for the news, and that
the town would be busier for it in the months to come.</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Something else happened elsewhere</a></li>
</ul></aside>
<section class="comments"><h3>Comments</h3><p>First! A comment that is not the article.</p>
</section>
<footer>© 2024 The Coastal Gazette. All rights reserved.</footer>
</body></html>""".encode()


def rss2(slugs: tuple[str, ...] = ("storm", "ferry"), *, title: str = "Harbour News") -> bytes:
    """An RSS 2.0 feed of summaries only, its links relative to the feed."""
    items = "".join(
        f"""<item><title>{slug.title()} today</title><link>/articles/{slug}</link>
<guid isPermaLink="false">harbour-{slug}</guid>
<description>A short teaser about the {slug}.</description>
<pubDate>Thu, 02 May 2024 08:00:00 GMT</pubDate><dc:creator>Ada Marsh</dc:creator></item>"""
        for slug in slugs
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>{title}</title><link>http://127.0.0.1/</link><description>News</description>
{items}</channel></rss>""".encode()


RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="/"><title>Old Style News</title><link>/</link>
<description>d</description></channel>
<item rdf:about="/articles/regatta"><title>Regatta day</title><link>/articles/regatta</link>
<description>The regatta.</description><dc:date>2024-04-01T09:00:00Z</dc:date></item>
</rdf:RDF>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Full Text Weekly</title>
<link href="/"/><id>urn:weekly</id><updated>2024-05-03T00:00:00Z</updated>
<entry><id>urn:weekly:lighthouse</id><title>The lighthouse keeper</title>
<link href="/articles/lighthouse-nowhere"/><updated>2024-05-03T10:00:00Z</updated>
<author><name>Bea Quill</name></author><summary>A keeper retires.</summary>
<content type="html">&lt;p&gt;After forty years the lighthouse keeper of Gull Point climbed the
hundred and twelve steps for the last time on Friday evening.&lt;/p&gt;
&lt;p&gt;She said she would miss the sound of the sea more than the light itself.&lt;/p&gt;
</content></entry>
</feed>"""

DUPLICATES = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Echo</title>
<item><title>Storm again</title><link>/articles/storm</link><guid>echo-1</guid>
<description>Teaser.</description></item>
<item><title>Storm again</title><link>/articles/storm</link><guid>echo-1</guid>
<description>Teaser.</description></item>
<item><title>Storm via tracking link</title><link>/articles/storm-tracked</link>
<guid>echo-2</guid><description>Teaser.</description></item>
</channel></rss>"""

LOST = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Lost and Found</title>
<item><title>The wreck</title><link>/articles/wreck-nowhere</link><guid>lost-1</guid>
<description>&lt;p&gt;Divers found the wreck of the Mary Ann off the point.&lt;/p&gt;</description>
</item>
<item><title>The old pier</title><link>/articles/pier-gone</link><guid>lost-2</guid></item>
<item><title>The cellar</title><link>/articles/cellar-broken</link><guid>lost-3</guid>
<description>The cellar flooded.</description></item>
</channel></rss>"""
"""Summary-only entries whose pages are not there: 404, 410 (and no summary), 500."""

SITE_PAGE = b"""<!doctype html><html><head><title>The Coastal Gazette</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Harbour News" href="/rss2.xml">
</head><body><p>Welcome.</p></body></html>"""

ETAG = '"v1"'


@dataclass
class SiteLog:
    """What the server was asked."""

    paths: list[str] = field(default_factory=list)
    """Each path requested, in order."""
    conditional: list[str] = field(default_factory=list)
    """The paths asked for with If-None-Match or If-Modified-Since."""
    slow_seconds: float = 3.0
    """How long /slow.xml waits before it answers."""
    rss2_slugs: tuple[str, ...] = ("storm", "ferry")
    """The entries /rss2.xml lists (a test may add some)."""
    pages: dict[str, bytes] = field(default_factory=dict)
    """Article pages by slug, served instead of `article_page` (a test changes a page)."""


class _Site(LocalHandler):
    """The site's pages and feeds (`log` is set per server)."""

    log: SiteLog

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self.log.paths.append(self.path)
        if self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"):
            self.log.conditional.append(self.path)
        fixed = _FIXED.get(self.path)
        if fixed is not None:
            self._send(200, *fixed)
            return
        route = _ROUTES.get(self.path)
        if route is not None:
            route(self)
        elif self.path.startswith("/articles/"):
            self.article(self.path.removeprefix("/articles/"))
        else:
            self._send(404, "text/html", b"<p>nothing here</p>")

    def article(self, slug: str) -> None:
        if slug in self.log.pages:
            self._send(200, "text/html; charset=utf-8", self.log.pages[slug])
            return
        if slug.endswith("-nowhere"):
            self._send(404, "text/html", b"<p>gone</p>")
            return
        if slug.endswith("-gone"):
            self._send(410, "text/html", b"<p>gone for good</p>")
            return
        if slug.endswith("-broken"):
            self._send(500, "text/html", b"<p>oops</p>")
            return
        # A tracking address whose page names the article's own address.
        tracked = slug == "storm-tracked"
        canonical = f"http://{self.headers['Host']}/articles/storm" if tracked else None
        self._send(200, "text/html; charset=utf-8", article_page(slug, canonical=canonical))

    def rss2(self) -> None:
        if self.headers.get("If-None-Match") == ETAG:
            self.send_response(304)
            self.send_header("ETag", ETAG)
            self.end_headers()
            return
        self._send(200, "application/rss+xml", rss2(self.log.rss2_slugs), etag=ETAG)

    def gzipped(self) -> None:
        self._send_gzipped(rss2(("market",), title="Packed News"))

    def bomb(self) -> None:
        self._send_gzipped(b"<rss>" + b" " * 300_000)  # small packed, large unpacked

    def _send_gzipped(self, document: bytes) -> None:
        body = gzip.compress(document)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def slow(self) -> None:
        time.sleep(self.log.slow_seconds)
        with contextlib.suppress(BrokenPipeError):  # the client gave up, as it should
            self._send(200, "application/rss+xml", rss2(("market",)))

    def error(self) -> None:
        self._send(500, "text/html", b"<p>oops</p>")

    def moved(self) -> None:
        self._redirect("/rss2.xml")

    def to_file(self) -> None:
        self._redirect("file:///etc/passwd")


_FIXED: dict[str, tuple[str, bytes]] = {
    "/rss1.xml": ("application/rdf+xml", RSS1),
    "/atom.xml": ("application/atom+xml", ATOM),
    "/dupes.xml": ("text/xml", DUPLICATES),
    "/lost.xml": ("application/rss+xml", LOST),
    "/site.html": ("text/html; charset=utf-8", SITE_PAGE),
    "/huge.xml": ("application/rss+xml", b"<rss>" + b" " * 300_000),
    "/image.xml": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "/broken.xml": ("application/rss+xml", b"<<<not {xml} at all"),
}
"""Routes answered 200 with always the same (media type, body)."""

_ROUTES: dict[str, Callable[[_Site], None]] = {
    "/rss2.xml": _Site.rss2,
    "/gzip.xml": _Site.gzipped,
    "/bomb.xml": _Site.bomb,
    "/moved.xml": _Site.moved,
    "/to-file.xml": _Site.to_file,
    "/error.xml": _Site.error,
    "/slow.xml": _Site.slow,
}


@contextmanager
def serve_feeds() -> Iterator[tuple[str, SiteLog]]:
    """The address of a local server of the site, and its log; stopped at the end."""
    log = SiteLog()
    with serving(type("Site", (_Site,), {"log": log})) as address:
        yield address, log
