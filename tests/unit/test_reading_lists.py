"""Lists narrowed the way a feed reader's user reads: `list --unread` and `list --feed`
on the command line, and the pure rules under them (`library.list_scope`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from library.entries import Entry
from library.list_scope import Scope, is_unread, reading_status, scope_choices
from tests.feed_site import SiteLog, serve_feeds
from tests.safety.support import CliResult, run_cli


@pytest.fixture
def site() -> Iterator[tuple[str, SiteLog]]:
    with serve_feeds() as served:
        yield served


def cli(library: Path, *args: str) -> CliResult:
    return run_cli("--library", str(library), *args)


def titles(result: CliResult) -> list[str]:
    return sorted(row["title"] for row in json.loads(result.out) if row["path"] is not None)


def _entry(doc_id: str, *, feed: str | None = None, source: str | None = None) -> Entry:
    return Entry(
        id=doc_id,
        title=doc_id,
        source=source,
        date=None,
        caption=None,
        words=10,
        reading_minutes=1,
        path=None,
        added="2024-01-01T00:00:00.000Z",
        content_hash="0" * 64,
        updated="2024-01-01T00:00:00.000Z",
        feed=feed,
    )


def test_reading_status_follows_listed_progress() -> None:
    assert reading_status(None) == "new" and is_unread(None)
    assert reading_status(0.4) == "reading" and is_unread(0.99)
    assert reading_status(1.0) == "finished" and not is_unread(1.0)


def test_scopes_are_feeds_then_sources_counted_case_aside() -> None:
    entries = [
        _entry("a", feed="Harbour News", source="The Coastal Gazette"),
        _entry("b", feed="harbour  news", source="Harbour News"),
        _entry("c", source="Tide Tables"),
        _entry("d"),
    ]
    choices = scope_choices(entries, {"a": 1.0})
    assert [(c.scope, c.documents, c.unread) for c in choices] == [
        (Scope("feed", "Harbour News"), 2, 1),
        # "Harbour News" as a source is the feed's already: offered once.
        (Scope("source", "The Coastal Gazette"), 1, 0),
        (Scope("source", "Tide Tables"), 1, 1),
    ]
    assert Scope("feed", "HARBOUR NEWS").holds(entries[1])
    assert not Scope("feed", "Harbour News").holds(entries[2])
    assert Scope("source", "tide tables").holds(entries[2])


def test_list_unread_and_feed(site: tuple[str, SiteLog], tmp_path: Path) -> None:
    from library.catalog import Catalog

    address, _ = site
    library = tmp_path / "lib"
    for url in (f"{address}/rss2.xml", f"{address}/atom.xml"):
        assert cli(library, "feed", "add", url).code == 0
    assert cli(library, "refresh").code == 0
    everything = cli(library, "list", "--json")
    assert titles(everything) == ["Ferry today", "Storm today", "The lighthouse keeper"]

    harbour = cli(library, "list", "--feed", "harbour news", "--json")  # its name, any case
    assert harbour.code == 0, harbour.err
    assert titles(harbour) == ["Ferry today", "Storm today"]
    assert {row["feed"] for row in json.loads(harbour.out)} == {"Harbour News"}
    feed_id = json.loads(cli(library, "feed", "list", "--json").out)[0]["id"]
    by_id = cli(library, "list", "--feed", feed_id[:5], "--json")  # or its id (a prefix)
    assert titles(by_id) == ["The lighthouse keeper"]  # Full Text Weekly's id comes first

    storm = next(r for r in json.loads(everything.out) if r["title"] == "Storm today")
    Catalog.open(library).toggle_finished(storm["id"])  # `m` in the app
    unread = cli(library, "list", "--unread", "--feed", "Harbour News")
    assert unread.code == 0 and "Ferry today" in unread.out and "Storm today" not in unread.out
    assert "Welcome" not in cli(library, "list", "--unread", "--feed", "Harbour News").out

    unknown = cli(library, "list", "--feed", "Nowhere Weekly")
    assert unknown.code == 1 and unknown.out == ""
    assert unknown.err_lines == [
        'newsreader: No feed is called or has the id "Nowhere Weekly"; `feed list` shows them.'
    ]


def test_list_says_when_nothing_is_left_to_read(tmp_path: Path) -> None:
    from library.catalog import Catalog

    library = tmp_path / "lib"
    article = tmp_path / "tide.txt"
    article.write_text("Tide tables\n\nHigh water at noon.\n", encoding="utf-8")
    assert cli(library, "add", str(article)).code == 0
    catalog = Catalog.open(library)
    for entry in catalog.entries():
        catalog.toggle_finished(entry.id)
    done = cli(library, "list", "--unread")
    assert done.code == 0 and done.out == "No documents left to read.\n"
    assert json.loads(cli(library, "list", "--unread", "--json").out) == []
