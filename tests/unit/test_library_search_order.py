"""The library-wide search weighs documents in the library's order and stops as soon as
no later document can change the answer; what it answers stays what a search of every
text answers, whichever way it stopped; and SQLite's own work stops with a newer query."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import library.library_search as library_search
import library.text_index as text_index
from library.text_index import SearchCancelled, TextIndex
from service.library_search import LibrarySearch
from service.text_search import TextSearch
from service.workspace import Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "lib")


def add_texts(workspace: Workspace, folder: Path, texts: list[str]) -> None:
    """Add each text with words of its own around it (texts too much alike would be taken
    for versions of one document)."""
    folder.mkdir()
    rng = random.Random(len(texts))
    for number, text in enumerate(texts):
        words = " ".join(rng.choice(FILLER) for _ in range(40))
        (folder / f"d{number:03}.txt").write_text(
            f"Doc {number}\n\n{words}.\n\n{text}", encoding="utf-8"
        )
    workspace.add([folder])
    assert len(workspace.catalog.entries()) == len(texts) + 1  # and the welcome guide


FILLER = [f"{a}{b}{c}" for a in "bdglmpt" for b in "aeiou" for c in "nrst"]


def test_a_word_being_typed_weighs_the_first_documents_not_every_one(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_search, "IN_ORDER", 5)
    add_texts(workspace, tmp_path / "docs", ["The harbour master, the harbourside."] * 60)
    search = LibrarySearch(workspace.catalog)
    found = search.find("harb", 10)
    # No document holds "harb" as a word, so word starts are listed: the first documents'
    # fill the list, and no later document can outrank them.
    assert search.weighed <= 12
    everything = TextSearch(workspace.catalog, workspace.catalog.entries())
    assert found == everything.find("harb", 10)
    search.close()


STORIES = [
    "The harbour master spoke.",
    "A harbourside cafe; the harbours.",
    "Nothing here but gulls.",
    "Charbroiled fish at the pier.",
    "He said harb, then stopped.",
    "The rhubarb grew by the harb",  # the word ends the text
    "Stars a*b and [x] in brackets, a?c too.",
    "The ﬁsh market opened (ﬁshing).",
    "Anxiety grew; Xi spoke; taxi.",
    "harbour authority",
    "the harbour authority met the harbour authority",
    "Harbour-master and harbour.",
] * 3


@pytest.mark.parametrize(
    "query",
    ["harb", "harbour", "harbour ", "harbour a", "harbour auth", "arbo", "fish", "a*b",
     "[x]", "a?c", "xi", "x", "r", "harb.", "rhubarb", "hing)", "zzz"],
)  # fmt: skip
@pytest.mark.parametrize(("limit", "per_document"), [(3, None), (8, 2), (40, None)])
def test_whichever_way_it_stops_the_answer_is_that_of_every_text(
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    limit: int,
    per_document: int | None,
) -> None:
    monkeypatch.setattr(library_search, "IN_ORDER", 2)
    add_texts(workspace, tmp_path / "docs", STORIES)
    everything = TextSearch(workspace.catalog, workspace.catalog.entries())
    indexed = LibrarySearch(workspace.catalog)
    expected = everything.find(query, limit, per_document=per_document)
    found = indexed.find(query, limit, per_document=per_document)
    assert [hit for hit in found if hit.match.exact] == [hit for hit in expected if hit.match.exact]
    indexed.close()


def test_sqlite_stops_reading_texts_once_the_query_is_cancelled(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_index, "PROGRESS_STEPS", 10)  # a small library: asked often
    add_texts(workspace, tmp_path / "docs", ["The harbour master spoke. " * 400] * 300)
    LibrarySearch(workspace.catalog).close()  # builds the index
    index = TextIndex.open(workspace.catalog.home)
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked > 3

    with pytest.raises(SearchCancelled):
        list(index.containing("harb", ending_word=True, cancelled=cancelled))
    stopped_after = asked
    asked = -1_000_000  # never cancelled: how often it is asked in a whole reading
    assert list(index.containing("harb", ending_word=True, cancelled=cancelled)) == []
    assert stopped_after < 10 < asked + 1_000_000  # asked while SQLite worked; stopped at once
    assert len(list(index.containing("harb", cancelled=lambda: False))) == 300
    index.close()
