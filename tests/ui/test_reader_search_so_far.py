"""Pilot test: in a long text, the first matches near the reader's place are lit and
counted ("so far") before the whole text is indexed; the whole answer then replaces them."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Static

from library import search_index
from library.catalog import Catalog
from library.search_index import Match
from reader.app import make_app
from reader.screens import reader_search
from reader.screens.reader import ReaderScreen
from reader.widgets.find_bar import FindBar
from service.workspace import Workspace
from tests.ui.conftest import SIZE

PARAGRAPH = "The ferry left the harbour at dawn; the harbour master watched the Ferry go."


def _count_shown(screen: ReaderScreen) -> str:
    return str(screen.query_one(FindBar).query_one(".find-bar--count", Static).render())


async def test_first_matches_are_counted_so_far_before_the_whole_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "SEARCHED_WHOLE", 1_000)
    monkeypatch.setattr(search_index, "NEAR_PIECE", 400)
    monkeypatch.setattr(search_index, "NEAR_PIECES", 2)
    source = tmp_path / "long.txt"
    source.write_text("\n\n".join(f"Part {n}. {PARAGRAPH}" for n in range(60)), encoding="utf-8")
    catalog = Catalog.open(tmp_path / "lib")
    doc_id = catalog.add([source]).added[0].id
    whole_index = threading.Event()
    real_index_for = search_index.index_for

    def index_when_let(text: str) -> search_index.SearchIndex:
        whole_index.wait(10)
        return real_index_for(text)

    monkeypatch.setattr(search_index, "index_for", index_when_let)
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("slash", *"ferry")
        for _ in range(200):  # the pieces' answers, while the whole index waits
            await pilot.pause()
            if "so far" in _count_shown(screen):
                break
        shown = _count_shown(screen)
        assert "searching…" in shown and "matches so far" in shown
        text = screen.document.text
        near = screen.matches
        assert near and all(text[m.start : m.end].lower() == "ferry" for m in near)
        assert len(near) < 120  # two pieces of sixty paragraphs
        whole_index.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(screen.matches) == 120
        assert _count_shown(screen).endswith("120 matches")


async def test_a_long_text_says_it_is_searching_until_the_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "SEARCHED_WHOLE", 1_000)
    source = tmp_path / "long.txt"
    source.write_text("\n\n".join(f"Part {n}. {PARAGRAPH}" for n in range(60)), encoding="utf-8")
    catalog = Catalog.open(tmp_path / "lib")
    doc_id = catalog.add([source]).added[0].id
    answer = threading.Event()
    real_matches = reader_search.document_matches

    def matches_when_let(index: search_index.SearchIndex, query: str) -> tuple[Match, ...]:
        answer.wait(10)
        return real_matches(index, query)

    monkeypatch.setattr(reader_search, "document_matches", matches_when_let)
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("slash", "f")
        answer.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "searching" not in _count_shown(screen)
        answer.clear()
        await pilot.press(*"erry")  # the count of "f" must not stand for "ferry"
        await pilot.pause()
        assert _count_shown(screen).startswith("searching…")
        answer.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _count_shown(screen) == "120 matches"
