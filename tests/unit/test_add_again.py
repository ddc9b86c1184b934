"""Adding a web page the library holds: nothing is fetched, unless `add --refresh` asks,
and then the new text updates the document and its highlights are found again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.feed_site import SiteLog, article_page, serve_feeds
from tests.safety.support import CliResult, run_cli


@pytest.fixture
def site() -> Iterator[tuple[str, SiteLog]]:
    with serve_feeds() as served:
        yield served


def cli(library: Path, *args: str) -> CliResult:
    return run_cli("--library", str(library), *args)


def test_a_page_in_the_library_is_not_fetched_again(
    site: tuple[str, SiteLog], tmp_path: Path
) -> None:
    address, log = site
    library = tmp_path / "lib"
    first = cli(library, "add", f"{address}/articles/storm-tracked")  # names /articles/storm
    assert first.code == 0 and first.out.startswith("added "), first.err
    log.paths.clear()
    for again in (f"{address}/articles/storm-tracked", f"{address}/articles/storm"):
        added = cli(library, "add", again)  # the address it came from, its canonical one
        assert added.code == 0 and added.out.startswith("unchanged "), added.err
    assert log.paths == []
    both = cli(library, "add", f"{address}/articles/storm", f"{address}/articles/ferry")
    assert both.code == 0 and log.paths == ["/articles/ferry"]
    assert sorted(line.split()[0] for line in both.out.splitlines()) == ["added", "unchanged"]


def test_add_refresh_updates_the_page_and_keeps_its_highlights(
    site: tuple[str, SiteLog], tmp_path: Path
) -> None:
    address, log = site
    library = tmp_path / "lib"
    url = f"{address}/articles/ferry"
    added = cli(library, "add", url)
    assert added.code == 0, added.err
    doc_id = added.out.split()[1]
    quote = "waited a long time for the news"
    assert cli(library, "highlight", doc_id, "--quote", quote, "--note", "ok").code == 0
    changed = article_page("ferry").replace(
        b"<p>The ferry", b"<p>Update: the timetable was published on Monday.</p><p>The ferry"
    )
    log.pages["ferry"] = changed
    log.paths.clear()
    refreshed = cli(library, "add", "--refresh", url)
    assert refreshed.code == 0, refreshed.err
    assert refreshed.out.startswith(f"updated    {doc_id}") and log.paths == ["/articles/ferry"]
    text = cli(library, "show", doc_id).out
    assert "the timetable was published" in text
    (note,) = json.loads(cli(library, "notes", doc_id, "--json").out)
    assert text[note["start"] : note["end"]] == quote and note["note"] == "ok"
    same = cli(library, "add", "--refresh", url)  # nothing changed on the page
    assert same.code == 0 and same.out.startswith(f"unchanged  {doc_id}")
