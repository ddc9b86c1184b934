"""The library-wide search weighs documents in the library's order and stops as soon as
no later document can change the answer; what it answers stays what a search of every
text answers, whichever way it stopped; and SQLite's own work stops with a newer query."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import library.library_search as library_search
import library.search as library_search_documents
import library.text_index as text_index
from library.search_index import SearchIndex
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


class Asked:
    """A `cancelled` that counts how often it was asked, and says yes past `until`."""

    def __init__(self, until: int | None = None) -> None:
        self.until = until
        self.times = 0

    def __call__(self) -> bool:
        self.times += 1
        return self.until is not None and self.times > self.until


def test_sqlite_stops_reading_texts_once_the_query_is_cancelled(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_index, "PROGRESS_STEPS", 10)  # a small library: asked often
    add_texts(workspace, tmp_path / "docs", ["The harbour master spoke. " * 400] * 300)
    LibrarySearch(workspace.catalog).close()  # builds the index
    index = TextIndex.open(workspace.catalog.home)
    whole_reading = Asked()
    assert index.containing("harb", ending_word=True, cancelled=whole_reading).ids == ()
    assert whole_reading.times > 20  # asked all along while SQLite read the texts
    stopped = Asked(until=3)
    with pytest.raises(SearchCancelled):
        index.containing("harb", ending_word=True, cancelled=stopped)
    assert stopped.times < 8  # and it stopped as soon as told
    assert len(index.containing("harb", cancelled=Asked()).ids) == 300
    with pytest.raises(SearchCancelled):  # the documents most like a typo'd query, too
        index.sharing_trigrams("harbur mastr", 10, cancelled=Asked(until=0))
    assert len(index.sharing_trigrams("harbur mastr", 10, cancelled=Asked())) == 10
    index.close()


def test_a_newer_query_stops_the_ranking_between_two_documents(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_texts(workspace, tmp_path / "docs", ["The harbour master spoke."] * 30)
    search = LibrarySearch(workspace.catalog)
    ranked: list[int] = []

    class Counted(SearchIndex):
        def __init__(self, text: str) -> None:
            ranked.append(len(text))
            super().__init__(text)

    monkeypatch.setattr(library_search_documents, "SearchIndex", Counted)
    with pytest.raises(SearchCancelled):
        search.find("harbour master", 100, cancelled=lambda: bool(ranked))
    assert len(ranked) == 1  # not every one of the 30 documents
    ranked.clear()
    assert len(search.find("harbour master", 100, cancelled=lambda: False)) >= 30
    search.close()


def test_the_catalog_digest_is_hashed_a_pair_at_a_time() -> None:
    import hashlib
    import tracemalloc

    from library.text_index import catalog_digest

    pairs = [(f"{n:012x}", hashlib.sha256(str(n).encode()).hexdigest()) for n in range(20_000)]
    joined = "\n".join(f"{doc_id} {text_hash}" for doc_id, text_hash in pairs)
    tracemalloc.start()
    try:
        digest = catalog_digest(pairs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest == hashlib.sha256(joined.encode()).hexdigest()  # as indexes kept it
    assert peak < 100_000  # never the 1.5 MB text of every pair at once, nor its bytes
