"""`feed` and `refresh` against the tests' own site on 127.0.0.1 (`tests.feed_site`):
following feeds, full articles for summary-only entries, conditional requests, each way
a feed fails told in one line while the others go on, duplicates, OPML round trips."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import library.fetch as fetch
from tests.feed_site import SiteLog, serve_feeds
from tests.safety.support import CliResult, run_cli


@pytest.fixture
def site() -> Iterator[tuple[str, SiteLog]]:
    with serve_feeds() as served:
        yield served


def cli(library: Path, *args: str) -> CliResult:
    return run_cli("--library", str(library), *args)


def rows(library: Path) -> dict[str, dict[str, Any]]:
    """The documents by title (the welcome guide left out)."""
    listed = json.loads(cli(library, "list", "--json").out)
    return {row["title"]: row for row in listed if row["path"] is not None}


def follow(library: Path, *urls: str) -> None:
    for url in urls:
        followed = cli(library, "feed", "add", url)
        assert followed.code == 0, followed.err


def test_feed_add_list_remove(site: tuple[str, SiteLog], tmp_path: Path) -> None:
    address, _ = site
    library = tmp_path / "lib"
    found = cli(library, "feed", "add", f"{address}/site.html")  # a page naming its feed
    assert found.code == 0, found.err
    assert found.out.startswith("following  ") and f"{address}/rss2.xml" in found.out
    assert f"(named by the page {address}/site.html)" in found.out
    again = cli(library, "feed", "add", f"{address}/rss2.xml")
    assert again.out.startswith("already following  ")
    (feed,) = json.loads(cli(library, "feed", "list", "--json").out)
    assert feed["title"] == "Harbour News" and feed["url"] == f"{address}/rss2.xml"
    removed = cli(library, "feed", "remove", feed["id"][:4])
    assert removed.code == 0 and "Harbour News" in removed.out
    assert "No feeds yet" in cli(library, "feed", "list").out


@pytest.mark.parametrize(
    ("route", "said"),
    [
        ("/articles/storm", "is not a feed, and names none"),
        ("/image.xml", "is not a feed (the server says it is image/png)."),
        ("/error.xml", "The server answered 500"),
    ],
)
def test_feed_add_refuses_what_is_no_feed(
    site: tuple[str, SiteLog], tmp_path: Path, route: str, said: str
) -> None:
    address, _ = site
    refused = cli(tmp_path / "lib", "feed", "add", f"{address}{route}")
    assert refused.code == 1 and len(refused.err_lines) == 2, refused.err  # (+ library made)
    assert said in refused.err_lines[-1]
    assert "No feeds yet" in cli(tmp_path / "lib", "feed", "list").out


def test_refresh_adds_full_articles_then_asks_conditionally(
    site: tuple[str, SiteLog], tmp_path: Path
) -> None:
    address, log = site
    library = tmp_path / "lib"
    follow(library, f"{address}/rss2.xml")
    first = cli(library, "refresh")
    assert first.code == 0, first.err
    assert first.err_lines == ["[1/1] Harbour News: 2 new"]
    assert sorted(line.split("  ")[-1] for line in first.out.splitlines()) == [
        "Ferry today",
        "Storm today",
    ]
    storm = rows(library)["Storm today"]  # the entry's title, author and date
    assert storm["author"] == "Ada Marsh" and storm["date"] == "2024-05-02"
    assert storm["feed"] == "Harbour News" and storm["source"] == "The Coastal Gazette"
    assert storm["url"] == storm["path"] == f"{address}/articles/storm"
    text = cli(library, "show", storm["id"]).out
    assert "The storm reached Port Ellery" in text and "busier for it" in text  # whole
    for boilerplate in ("teaser", "cookies", "Most read", "First!", "All rights"):
        assert boilerplate not in text
    log.paths.clear()
    second = cli(library, "refresh")
    assert second.code == 0 and second.out == ""
    assert second.err_lines == ["[1/1] Harbour News: not changed"]
    assert log.paths == ["/rss2.xml"] and log.conditional == ["/rss2.xml"]  # a 304


def test_refresh_json_and_feeds_of_every_kind(site: tuple[str, SiteLog], tmp_path: Path) -> None:
    address, log = site
    library = tmp_path / "lib"
    follow(library, f"{address}/atom.xml", f"{address}/rss1.xml", f"{address}/gzip.xml")
    done = cli(library, "refresh", "--json")
    assert done.code == 0, done.err
    report = json.loads(done.out)
    assert sorted(entry["title"] for entry in report["added"]) == [
        "Market today",  # gzipped
        "Regatta day",  # RSS 1.0
        "The lighthouse keeper",  # Atom, full content
    ]
    assert {feed["title"]: feed["error"] for feed in report["feeds"]} == {
        "Full Text Weekly": None,
        "Old Style News": None,
        "Packed News": None,
    }
    keeper = rows(library)["The lighthouse keeper"]  # the feed's own full text
    assert "/articles/lighthouse-nowhere" not in log.paths  # (a page that is not there)
    assert keeper["author"] == "Bea Quill" and keeper["source"] == "Full Text Weekly"
    assert "the last time on Friday evening" in cli(library, "show", keeper["id"]).out


def test_each_failing_feed_is_one_line_and_the_rest_go_on(
    site: tuple[str, SiteLog], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address, log = site
    library = tmp_path / "lib"
    failing = {
        "/error.xml": "The server answered 500 (Internal Server Error)",
        "/missing.xml": "The server answered 404 (Not Found)",
        "/slow.xml": "did not answer within 0.5 seconds",
        "/huge.xml": "/huge.xml is larger than 0 MB; it was not read.",
        "/bomb.xml": "/bomb.xml is larger than 0 MB; it was not read.",  # once unpacked
        "/image.xml": "is not a feed (the server says it is image/png).",
        "/broken.xml": "is not a feed (its XML is broken: not well-formed",
        "/to-file.xml": "redirects to file:///etc/passwd, which is not a web address",
        "http://127.0.0.1:9/feed.xml": "the connection was refused",
    }
    follow(library, f"{address}/moved.xml")  # through a redirect: fine
    for route in failing:
        url = route if route.startswith("http") else f"{address}{route}"
        added = cli(library, "feed", "import", str(_opml(tmp_path, url)))
        assert added.code == 0, added.err
    monkeypatch.setattr(fetch, "MAX_PAGE_BYTES", 100_000)
    log.slow_seconds = 2.0
    done = cli(library, "refresh", "--timeout", "0.5")
    assert done.code == 1
    assert len(done.err_lines) == 1 + len(failing), done.err
    assert sum("Harbour News: 2 new" in line for line in done.err_lines) == 1
    for said in failing.values():
        assert sum(said in line for line in done.err_lines) == 1, said
    assert {"Storm today", "Ferry today"} <= set(rows(library))


def _opml(folder: Path, url: str) -> Path:
    from library.opml import ListedFeed, write_opml

    path = folder / f"{abs(hash(url))}.opml"
    path.write_text(write_opml([ListedFeed(url, "")]), encoding="utf-8")
    return path


def test_duplicates_are_added_once(site: tuple[str, SiteLog], tmp_path: Path) -> None:
    address, _ = site
    library = tmp_path / "lib"
    assert cli(library, "add", f"{address}/articles/storm").code == 0  # added by hand first
    follow(library, f"{address}/dupes.xml", f"{address}/rss2.xml")
    done = cli(library, "refresh")
    assert done.code == 0, done.err
    # The same guid twice, a link already in the library, and a tracking link whose page
    # names the same canonical address: the storm is in the library once.
    assert [title for title in rows(library) if "storm" in title.lower()] == ["Storm"]
    assert "Ferry today" in rows(library)


def test_a_removed_entry_is_not_brought_back(site: tuple[str, SiteLog], tmp_path: Path) -> None:
    address, log = site
    library = tmp_path / "lib"
    follow(library, f"{address}/atom.xml")
    assert cli(library, "refresh").code == 0
    keeper = rows(library)["The lighthouse keeper"]
    assert cli(library, "remove", keeper["id"]).code == 0
    again = cli(library, "refresh")
    assert again.code == 0 and again.out == "" and rows(library) == {}


def test_refresh_names_feeds_and_refuses_unknown_ones(
    site: tuple[str, SiteLog], tmp_path: Path
) -> None:
    address, _ = site
    library = tmp_path / "lib"
    follow(library, f"{address}/atom.xml", f"{address}/rss1.xml")
    only = cli(library, "refresh", f"{address}/rss1.xml")
    assert only.code == 0 and only.err_lines == ["[1/1] Old Style News: 1 new"]
    unknown = cli(library, "refresh", "nosuchfeed")
    assert unknown.code == 1 and 'No feed has the id or address "nosuchfeed"' in unknown.err
    empty = cli(tmp_path / "other", "feed", "import", str(_opml(tmp_path, "http://x.test/")))
    assert empty.code == 0
    bad = cli(tmp_path / "other", "refresh", "--timeout", "0")
    assert bad.code == 2 and "--timeout must be more than 0" in bad.err


def test_opml_export_then_import_into_an_empty_library(
    site: tuple[str, SiteLog], tmp_path: Path
) -> None:
    address, _ = site
    library = tmp_path / "lib"
    follow(library, f"{address}/atom.xml", f"{address}/rss2.xml")
    exported = cli(library, "feed", "export", "-o", str(tmp_path / "feeds.opml"))
    assert exported.code == 0, exported.err
    imported = cli(tmp_path / "new", "feed", "import", str(tmp_path / "feeds.opml"))
    assert imported.code == 0, imported.err

    def listed(where: Path) -> list[tuple[str, str]]:
        feeds = json.loads(cli(where, "feed", "list", "--json").out)
        return [(feed["title"], feed["url"]) for feed in feeds]

    assert listed(tmp_path / "new") == listed(library) and len(listed(library)) == 2

    def without_date(opml: str) -> list[str]:
        return [line for line in opml.splitlines() if "dateCreated" not in line]

    again = without_date(cli(tmp_path / "new", "feed", "export").out)
    assert again == without_date(cli(library, "feed", "export").out)


@pytest.mark.parametrize(
    "order",
    [
        ("feed", "--library", "{lib}", "list", "--json"),
        ("feed", "list", "--library", "{lib}", "--json"),
        ("--library", "{lib}", "feed", "list", "--json"),
    ],
)
def test_library_option_anywhere(
    site: tuple[str, SiteLog], tmp_path: Path, order: tuple[str, ...]
) -> None:
    address, _ = site
    library = tmp_path / "lib"
    follow(library, f"{address}/atom.xml")
    listed = run_cli(*(part.format(lib=library) for part in order))
    assert listed.code == 0, listed.err
    assert [feed["title"] for feed in json.loads(listed.out)] == ["Full Text Weekly"]


def test_hostile_feed_text_never_reaches_a_terminal_raw(tmp_path: Path) -> None:
    from library.opml import ListedFeed, write_opml

    library = tmp_path / "lib"
    opml = tmp_path / "evil.opml"
    opml.write_text(
        write_opml([ListedFeed("http://127.0.0.1:9/feed\u202e.xml", "Evil\u009b31m feed")]),
        encoding="utf-8",
    )
    assert cli(library, "feed", "import", str(opml)).code == 0
    done = cli(library, "refresh", "--timeout", "1")
    assert done.code == 1 and "Evil⍰31m feed" in done.err and "feed⇄.xml" in done.err
    assert "\u009b" not in done.err and "\u202e" not in done.err  # (stdout: as `list`)
