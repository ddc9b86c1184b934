"""Getting articles in from the web, timed on a local server (127.0.0.1, no internet):
reducing one article page to its text, and a refresh of 20 feeds of 20 summary-only
entries each (every article fetched and extracted, then added).

The server is this process's own (a thread per request), so the figures are newsreader's
work and the loopback's, not a network's: they say what a refresh costs beyond waiting.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path

from bench.feeds_stall import STALL_TARGET_MS, Stalls, watched_refresh
from bench.figures import Figure, at_most, median
from bench.workspace import Workspace as BenchWorkspace

FEEDS = 20
ENTRIES = 20
EXTRACT_TARGET_MS = 150.0
REFRESH_TARGET_S = 30.0

_PARAGRAPH = (
    "The council met on Tuesday evening to hear the harbour master's report on the winter "
    "storms, which had damaged the pier in two places and carried away a lamp post. "
)


def article_page(feed: int, entry: int) -> bytes:
    """An article page of about 5 KB of text, wrapped in what news sites put around it."""
    body = "".join(f"<p>{_PARAGRAPH * 3} ({feed}-{entry}-{n})</p>" for n in range(10))
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Report {feed}-{entry} | The Gazette</title>
<meta property="og:site_name" content="The Gazette"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div class="cookie-banner">We use cookies. Accept all?</div>
<article><h1>Report {feed}-{entry}</h1>{body}</article>
<aside><h3>Most read</h3><ul><li><a href="/x">Elsewhere</a></li></ul></aside>
<footer>© The Gazette</footer></body></html>""".encode()


def feed_document(feed: int) -> bytes:
    """An RSS 2.0 feed of `ENTRIES` summaries."""
    items = "".join(
        f"<item><title>Report {feed}-{entry}</title><link>/a/{feed}/{entry}</link>"
        f"<guid>g-{feed}-{entry}</guid><description>Teaser.</description></item>"
        for entry in range(ENTRIES)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
        f"{items}</channel></rss>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        parts = self.path.strip("/").split("/")
        if parts[0] == "feed" and len(parts) == 2:
            self._send("application/rss+xml", feed_document(int(parts[1])))
        elif parts[0] == "a" and len(parts) == 3:
            self._send("text/html; charset=utf-8", article_page(int(parts[1]), int(parts[2])))
        else:
            self.send_error(404)

    def _send(self, kind: str, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - its name
        pass


def _serve(ports: Connection) -> None:
    """Serve the feeds and pages until killed (in a process of its own, at the lowest
    priority: it stands for the web's servers, whose work is not done on the reader's
    machine; at an equal priority it took the app's turns on a small machine)."""
    os.nice(19)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    ports.send(server.server_address[1])
    server.serve_forever()


@contextmanager
def served() -> Iterator[str]:
    """The address of the feeds' server, run in another process: a server in this one
    would take turns with the refresh for the interpreter lock, and be counted as its cost."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_serve, args=(sending,), daemon=True)
    process.start()
    try:
        if not receiving.poll(60):
            from bench.workspace import SetupError

            raise SetupError("The feeds' server did not start.")
        yield f"http://127.0.0.1:{receiving.recv()}"
    finally:
        process.terminate()
        process.join(10)


def measure(bench: BenchWorkspace, runs: int) -> list[Figure]:
    """Extraction per page, and refreshes of 20 × 20 into a new library each."""
    from library.web_page import parse_page

    page = article_page(0, 0)
    parse_page(page, url="http://127.0.0.1/a/0/0", name="warm-up")  # imports, once
    extracted: list[float] = []
    for run in range(max(5, runs * 5)):
        began = time.perf_counter()
        parse_page(article_page(1, run), url=f"http://127.0.0.1/a/1/{run}", name="page")
        extracted.append((time.perf_counter() - began) * 1000)
    refreshed = [_one_refresh(bench.folder) for _ in range(runs)]
    stalls = _stalls(bench.folder, runs)
    return [
        at_most(
            "feeds.extract",
            "reducing a 5 KB article page to its text (trafilatura), per page",
            "ms",
            extracted,
            EXTRACT_TARGET_MS,
        ),
        at_most(
            "feeds.refresh",
            f"refresh of {FEEDS} local feeds × {ENTRIES} summary-only entries (every "
            "article fetched, extracted, added), into an empty library, wall",
            "s",
            refreshed,
            REFRESH_TARGET_S,
        ),
        at_most(
            "feeds.stall",
            f"longest UI-thread stall while `r` refreshes {FEEDS} × {ENTRIES} in the app",
            "ms",
            [stall.refresh_ms for stall in stalls],
            STALL_TARGET_MS,
            note=(
                f"waits past {STALL_TARGET_MS:g} ms: {median([s.late for s in stalls]):g} "
                f"in {median([s.seconds for s in stalls]):.1f} s; the idle app, as long: "
                f"longest {max(s.idle_ms for s in stalls):.1f} ms, "
                f"{median([s.idle_late for s in stalls]):g} past {STALL_TARGET_MS:g} ms "
                "(the machine's noise)"
            ),
        ),
    ]


def _stalls(folder: Path, runs: int) -> list[Stalls]:
    """`r` in the app, watched (see `bench.feeds_stall`)."""
    found = []
    with served() as address:
        for _ in range(runs):
            stalls = watched_refresh(folder, address, FEEDS)
            if stalls.added != FEEDS * ENTRIES:
                from bench.workspace import SetupError

                raise SetupError(f"The refresh in the app added {stalls.added} entries.")
            found.append(stalls)
    return found


def _one_refresh(folder: Path) -> float:
    from library.catalog import Catalog
    from service.workspace import Workspace

    home = Path(tempfile.mkdtemp(prefix="feeds-", dir=folder))
    workspace = Workspace(Catalog.open(home))
    with served() as address:
        workspace.feeds.add_many(
            ((f"{address}/feed/{n}", f"Feed {n}", None) for n in range(FEEDS)),
            "2024-01-01T00:00:00.000Z",
        )
        began = time.perf_counter()
        report = workspace.refresh_feeds()
        seconds = time.perf_counter() - began
    if report.failed or len(report.added) != FEEDS * ENTRIES:
        from bench.workspace import SetupError

        first = report.failed[0].sentence() if report.failed else "too few added"
        raise SetupError(f"The refresh did not add every entry ({first}).")
    return seconds
