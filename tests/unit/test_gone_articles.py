"""An entry whose article page is gone for good (404 or 410 at two refreshes) is added
with the feed's summary, marked as one, instead of failing its feed at every refresh;
and what `feeds.json` remembers of entries stays bounded, and leaves with its feed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import library.feed_store as feed_store
from library.feed_articles import SUMMARY_MARK
from library.feed_store import FeedStore, seen_key
from tests.feed_site import serve_feeds
from tests.safety.support import CliResult, run_cli


def cli(library: Path, *args: str) -> CliResult:
    return run_cli("--library", str(library), *args)


def test_a_gone_article_falls_back_to_its_summary(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    with serve_feeds() as (address, _):
        assert cli(library, "feed", "add", f"{address}/lost.xml").code == 0
        first = cli(library, "refresh")
        assert first.code == 1 and first.out == ""  # tried again next time
        assert "3 new articles could not be fetched" in first.err
        second = cli(library, "refresh")
        assert second.code == 1, second.err  # the 500 is not "gone": still tried
        assert sorted(line.split("  ")[-1] for line in second.out.splitlines()) == [
            "The old pier",
            "The wreck",
        ]
        assert "1 new article could not be fetched" in second.err
        assert "The server answered 500" in second.err
        rows = {r["title"]: r for r in json.loads(cli(library, "list", "--json").out)}
        wreck = cli(library, "show", rows["The wreck"]["id"]).out
        assert wreck.startswith(f"{SUMMARY_MARK}. The server answered 404 (Not Found) for ")
        assert "Divers found the wreck of the Mary Ann off the point." in wreck
        assert rows["The wreck"]["feed"] == "Lost and Found"
        assert rows["The wreck"]["url"] == f"{address}/articles/wreck-nowhere"
        pier = cli(library, "show", rows["The old pier"]["id"]).out
        assert pier.startswith(f"{SUMMARY_MARK}. The server answered 410 (Gone) for ")
        assert pier.endswith("The feed gives no summary.")
        third = cli(library, "refresh")
        assert third.out == "" and "The server answered 500" in third.err  # added once
    assert FeedStore(library).gone() == frozenset()  # what was gone has been taken


def test_seen_entries_leave_with_their_feed_and_stay_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FeedStore(tmp_path)
    (kept, _), (dropped, _) = store.add_many(
        [("http://a.test/feed", "A", None), ("http://b.test/feed", "B", None)], "t0"
    )
    store.mark_seen(dropped, ["b-1", "http://b.test/1"], now="t1")
    store.mark_gone(dropped, ["http://b.test/2"], "t1")
    monkeypatch.setattr(feed_store, "SEEN_PER_FEED", 5)
    store.mark_seen(kept, ["a-1", "a-2", "a-3", "a-4"], now="t1")
    store.mark_seen(kept, ["a-5", "a-6", "a-7"], present=["a-1", "a-5", "a-6", "a-7"], now="t2")
    mine = {seen_key(v) for v in ("a-1", "a-5", "a-6", "a-7")}  # still in the feed, or new
    seen = store.seen()
    assert mine <= seen and len(seen - {seen_key("b-1"), seen_key("http://b.test/1")}) == 5
    store.remove(dropped.id)
    assert store.seen() == FeedStore(tmp_path).seen() and len(store.seen()) == 5
    assert not {seen_key("b-1"), seen_key("http://b.test/1")} & store.seen()
    assert store.gone() == frozenset()
