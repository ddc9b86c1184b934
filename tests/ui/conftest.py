"""Shared fixtures of the Pilot tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from library.catalog import Catalog

SIZE = (120, 36)
FERRY = (
    "The ferry left at dawn. The harbour was quiet.\n\n"
    "Gulls followed the ferry out past the breakwater. Nobody spoke.\n\n"
    "By noon the ferry had reached the islands, where the harbour master waited.\n"
)


@pytest.fixture
def ferry(tmp_path: Path) -> tuple[Catalog, str]:
    """A library holding one short three-paragraph story; returns it and the story's id."""
    catalog = Catalog.open(tmp_path / "lib")
    path = tmp_path / "ferry.txt"
    path.write_text(FERRY, encoding="utf-8")
    return catalog, catalog.add([path]).added[0].id


@pytest.fixture(autouse=True)
def whole_layout_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start a long document's whole layout at once (1 ms), not after the app's pause
    for the first frame, so tests can wait for it as for any worker."""
    monkeypatch.setattr("reader.widgets.document_view.WHOLE_LAYOUT_DELAY", 0.001)
