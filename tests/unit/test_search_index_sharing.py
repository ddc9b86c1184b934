"""One document's search index is built once, however many searches ask for it at once,
and the search near the reader's place answers before the whole text is indexed."""

from __future__ import annotations

import threading

import pytest

from library import search_index
from library.search_index import SearchIndex, index_for, near_matches


def test_searches_asking_at_once_share_one_build(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "A harbour, a ferry and the harbour master. " * 50
    built: list[str] = []
    release = threading.Event()
    real_init = SearchIndex.__init__

    def slow_init(self: SearchIndex, whole: str) -> None:
        built.append(whole)
        release.wait(5)
        real_init(self, whole)

    monkeypatch.setattr(SearchIndex, "__init__", slow_init)
    found: list[SearchIndex] = []
    threads = [threading.Thread(target=lambda: found.append(index_for(text))) for _ in range(4)]
    threads[0].start()
    while not built:  # the first search is building
        threading.Event().wait(0.001)
    for thread in threads[1:]:
        thread.start()
    threads[1].join(0.3)  # time enough for a second build to start, were there one
    release.set()
    for thread in threads:
        thread.join(5)
    assert len(built) == 1
    assert len(found) == 4 and all(index is found[0] for index in found)
    search_index._indexes.pop(text, None)


def test_a_failed_build_is_reported_to_every_waiting_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_init(self: SearchIndex, whole: str) -> None:
        raise MemoryError

    monkeypatch.setattr(SearchIndex, "__init__", broken_init)
    with pytest.raises(MemoryError):
        index_for("some text")
    assert not search_index._building


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "SEARCHED_WHOLE", 1_000)
    monkeypatch.setattr(search_index, "NEAR_PIECE", 200)
    monkeypatch.setattr(search_index, "NEAR_PIECES", 5)


PARAGRAPH = "The ferry left the harbour at dawn; the harbour master watched the Ferry go."


@pytest.mark.usefixtures("small_pieces")
def test_near_matches_grow_piece_by_piece_from_the_readers_place() -> None:
    text = "\n\n".join(f"{n}. {PARAGRAPH}" for n in range(100))
    offset = text.index("50. ")
    answers = list(near_matches(text, "ferry", offset, limit=1000))
    assert 1 < len(answers) <= 5
    assert [len(answer) for answer in answers] == sorted(len(answer) for answer in answers)
    last = answers[-1]
    assert all(text[m.start : m.end].lower() == "ferry" for m in last)
    assert last[0].start > text.index("49. ")  # from the paragraph of the reader's place
    whole = {m.span for m in SearchIndex(text).find("ferry", 1000)}
    assert {m.span for m in last} <= whole


@pytest.mark.usefixtures("small_pieces")
def test_near_matches_stop_at_the_limit() -> None:
    text = "\n\n".join(PARAGRAPH for _ in range(100))
    answers = list(near_matches(text, "ferry", 0, limit=3))
    assert len(answers[-1]) == 3


@pytest.mark.usefixtures("small_pieces")
def test_no_near_matches_for_a_short_or_indexed_text() -> None:
    assert list(near_matches(PARAGRAPH, "ferry", 0, limit=10)) == []
    text = "\n\n".join(PARAGRAPH for _ in range(100))
    index_for(text)
    assert list(near_matches(text, "ferry", 0, limit=10)) == []
    search_index._indexes.pop(text, None)
