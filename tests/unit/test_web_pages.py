"""Web pages: saved pages read offline, and pages fetched from a local server that these
tests start on 127.0.0.1 (nothing here reaches any other address): the article without
what surrounds it, metadata from the page, and one sentence for each way a fetch fails."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

import library.fetch as fetch
from library.catalog import Catalog
from tests.local_server import LocalHandler, serving
from tests.safety.support import run_cli

ARTICLE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Storm hits the harbour | The Coastal Gazette</title>
<meta property="og:title" content="Storm hits the harbour">
<meta property="og:site_name" content="The Coastal Gazette">
<meta name="author" content="Ada Marsh">
<meta property="article:published_time" content="2024-05-02T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">We use cookies. Accept all?</div>
<article><h1>Storm hits the harbour</h1>
<p>The storm reached Port Ellery on Thursday night, and the harbour wall held. Officials
said there was no structural damage to the wall, though two boats broke their moorings.</p>
<h2>What comes next</h2>
<p>The council will meet on Monday to decide how to pay for repairs to the pier, which
lost several planks and a lamp post during the night.</p>
<p>Read more: <a href="/other">Ten best beaches</a></p>
<blockquote><p>"We were lucky," said the harbour master, who has worked there for thirty
years and seen worse.</p></blockquote>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Something else happened elsewhere</a></li>
</ul></aside>
<section class="comments"><h3>Comments</h3><p>First! A comment that is not the article.</p>
</section>
<footer>© 2024 The Coastal Gazette. All rights reserved.</footer>
</body></html>"""

CAFE = """<html><head><meta charset="windows-1252"><title>Caf\xe9 opens</title></head>
<body><article><h1>Caf\xe9 opens</h1><p>The caf\xe9 on the quay opened on Saturday, with
cr\xe8me br\xfbl\xe9e on the menu and a queue along the harbour wall by nine o'clock.</p>
<p>Its owner said she had waited ten years for the old ticket office to come free.</p>
</article></body></html>"""


class Site(LocalHandler):
    """The pages of the tests' own site."""

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        route = self.path
        if route == "/article":
            self._send(200, "text/html; charset=utf-8", ARTICLE.encode())
        elif route == "/cafe":  # the charset is declared only in the page
            self._send(200, "text/html", CAFE.encode("cp1252"))
        elif route == "/moved":
            self._redirect("/article")
        elif route.startswith("/loop"):
            self._redirect(f"/loop{len(route)}")
        elif route == "/to-ftp":
            self._redirect("ftp://127.0.0.1/file")
        elif route == "/paper.pdf":
            self._send(200, "application/pdf", b"%PDF-1.4 not a page")
        elif route == "/huge":
            self._send(200, "text/html", b"<p>" + b"x" * 300_000 + b"</p>")
        elif route == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(20):
                self.wfile.write(b"<p>slowly</p>" * 1000)
                self.wfile.flush()
                time.sleep(0.1)
        else:
            self._send(404, "text/html", b"<p>nothing here</p>")


def serve_site() -> AbstractContextManager[str]:
    """The address of a local server that serves `Site`, stopped at the end."""
    return serving(Site)


@pytest.fixture
def site() -> Iterator[str]:
    """`serve_site` for one test."""
    with serve_site() as address:
        yield address


def test_a_saved_page_is_its_article(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "storm.html").write_text(ARTICLE, encoding="utf-8")
    catalog = Catalog.open(tmp_path / "lib")
    (entry,) = catalog.add([folder]).added  # found inside a folder, read offline
    assert entry.title == "Storm hits the harbour"
    assert entry.source == "The Coastal Gazette" and entry.date == "2024-05-02"
    assert entry.author == "Ada Marsh" and entry.url is None  # saved: no address of its own
    assert entry.language == "en"
    text = catalog.text(entry.id)
    assert text.startswith("By Ada Marsh\n\nThe storm reached Port Ellery")
    assert "What comes next" in text and '"We were lucky," said' in text
    for boilerplate in ("Home", "cookies", "Most read", "Comments", "First!", "Read more"):
        assert boilerplate not in text, boilerplate
    assert "<" not in text


def test_a_page_added_by_its_address(site: str, tmp_path: Path) -> None:
    library = str(tmp_path / "lib")
    added = run_cli("--library", library, "add", f"{site}/moved")  # redirected
    assert added.code == 0, added.err
    assert added.out.startswith("added ") and "Storm hits the harbour" in added.out
    rows = json.loads(run_cli("--library", library, "list", "--json").out)
    (row,) = [r for r in rows if r["title"] == "Storm hits the harbour"]
    assert row["path"] == f"{site}/article" and row["source"] == "The Coastal Gazette"
    assert row["author"] == "Ada Marsh" and row["url"] == f"{site}/article"
    assert row["feed"] is None and row["language"] == "en"
    again = run_cli("--library", library, "add", f"{site}/article")
    assert again.out.startswith("unchanged ")


def test_a_charset_declared_only_in_the_page(site: str, tmp_path: Path) -> None:
    added = run_cli("--library", str(tmp_path / "lib"), "add", f"{site}/cafe")
    assert added.code == 0, added.err
    assert "Café opens" in added.out


@pytest.mark.parametrize(
    ("route", "said"),
    [
        ("/missing", "The server answered 404 (Not Found) for {site}/missing."),
        (
            "/paper.pdf",
            "{site}/paper.pdf is not a web page (the server says it is application/pdf).",
        ),
        ("/to-ftp", "{site}/to-ftp redirects to ftp://127.0.0.1/file, which is not a web"),
        ("/loop", "{site}/loop redirects more than 5 times, or in a circle"),
    ],
)
def test_a_page_that_cannot_be_had_is_one_sentence(
    site: str, tmp_path: Path, route: str, said: str
) -> None:
    library = tmp_path / "lib"
    Catalog.open(library)
    refused = run_cli("--library", str(library), "add", f"{site}{route}")
    assert refused.code == 1
    assert refused.err.count("\n") == 1 and said.format(site=site) in refused.err
    assert [e.title for e in Catalog.open(library).entries()] == ["Welcome to newsreader"]


def test_too_big_too_slow_and_nobody_there(
    site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = str(tmp_path / "lib")
    Catalog.open(tmp_path / "lib")
    monkeypatch.setattr(fetch, "MAX_PAGE_BYTES", 100_000)
    huge = run_cli("--library", library, "add", f"{site}/huge")
    assert huge.code == 1 and "is larger than 0 MB; it was not read." in huge.err
    monkeypatch.setattr(fetch, "TOTAL_SECONDS", 0.3)
    slow = run_cli("--library", library, "add", f"{site}/slow")
    assert slow.code == 1 and "took longer than 0.3 seconds to download" in slow.err
    closed = run_cli("--library", library, "add", "http://127.0.0.1:9/nothing")
    assert closed.code == 1 and "the connection was refused" in closed.err
