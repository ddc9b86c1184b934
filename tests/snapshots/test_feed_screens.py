"""What the library looks like once it follows feeds: `r` in the key bar, and the list
narrowed to one feed with `v` (pytest-textual-snapshot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from library.add_batches import ReadDocument
from library.catalog import Catalog
from library.parse import Parsed
from reader.app import make_app
from service.workspace import Workspace

SIZE = (100, 30)


def _library(tmp_path: Path) -> Workspace:
    """Documents of two feeds and one added by hand, and the two feeds followed (nothing
    is fetched); the times are fixed so the screen does not depend on the clock."""
    catalog = Catalog.open(tmp_path / "lib", clock=lambda: "2024-05-03T08:00:00.000Z")
    workspace = Workspace(catalog)
    documents = [
        ("Storm today", "Harbour News", "The Coastal Gazette", "2024-05-02"),
        ("Ferry today", "Harbour News", "The Coastal Gazette", "2024-05-01"),
        ("The lighthouse keeper", "Full Text Weekly", "Full Text Weekly", "2024-05-03"),
        ("Tide tables", None, "Almanac", "2024-04-30"),
    ]
    workspace.add(
        [
            ReadDocument(
                f"https://example.test/{title.replace(' ', '-').lower()}",
                Parsed(
                    title, source, date, None, f"{title}: a short article.\n\nThe end.", feed=feed
                ),
                title,
            )
            for title, feed, source, date in documents
        ]
    )
    workspace.feeds.add_many(
        [
            ("https://example.test/harbour.xml", "Harbour News", None),
            ("https://example.test/weekly.xml", "Full Text Weekly", None),
        ],
        "2024-05-03T08:00:00.000Z",
    )
    return workspace


def test_library_following_feeds(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(_library(tmp_path)), terminal_size=SIZE)


def test_library_narrowed_to_a_feed(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(
        make_app(_library(tmp_path)), terminal_size=SIZE, press=["v", "j", "j", "enter"]
    )


def test_feed_picker(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(_library(tmp_path)), terminal_size=SIZE, press=["v"])
