"""Search across documents prefers whole words, gathers hits by document and marks the
match in its line of context (the search screen and `newsreader search` share this)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from library.catalog import Catalog
from library.search import search_documents
from library.search_index import SearchIndex, word_fit
from library.snippets import context_line, context_snippet
from reader.cli import main
from service.text_search import TextSearch, by_document

ANXIOUS = "Anxiety grew. " * 3 + "The taxi waited. Then Xi Jinping spoke to Xinhua."


def test_word_fit_tells_whole_words_from_word_starts_and_insides() -> None:
    text = "Xi met Xinhua about anxiety, taxi-drivers and Xi’s call"
    fits = {
        text[m.start : m.end + 2]: word_fit(text, m.start, m.end)
        for m in SearchIndex(text).find("xi", 20)
    }
    assert fits == {"Xi m": 2, "Xinh": 1, "xiet": 0, "xi-d": 0, "Xi’s": 2}
    assert word_fit("x", 0, 1) == 2


def test_whole_words_come_first_even_past_the_limit() -> None:
    index = SearchIndex(ANXIOUS)
    words = [ANXIOUS[m.start : m.end] for m in index.find("xi", 2, words_first=True)]
    assert words == ["Xi", "Xi"]  # "Xi" and the start of "Xinhua", not "anxiety"
    found = index.find("xi", 10, words_first=True)
    assert [word_fit(ANXIOUS, m.start, m.end) for m in found] == [2, 1, 0, 0, 0, 0]
    # Without it: reading order, as the reader's search and `highlight --nth` need.
    assert [m.start for m in index.find("xi", 10)] == sorted(m.start for m in found)


def test_search_documents_lists_xi_before_anxiety_across_documents() -> None:
    docs = [("a", "Anxiety is everywhere in this one."), ("b", "Then Xi spoke.")]
    found = search_documents(docs, "xi", limit=10)
    assert [doc_id for doc_id, _ in found] == ["b", "a"]


def test_per_document_keeps_one_long_text_from_taking_every_place() -> None:
    docs = [("book", "the " * 500), ("story", "the end")]
    found = search_documents(docs, "the", limit=30, per_document=10)
    assert sum(doc_id == "book" for doc_id, _ in found) == 10
    assert "story" in {doc_id for doc_id, _ in found}


def test_hits_are_gathered_by_document_in_the_order_of_their_best_hit(tmp_path: Path) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    for name, text in (("a.txt", "Anxiety here.\n\nMore anxiety."), ("b.txt", "Xi here.")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    catalog.add([tmp_path / "a.txt", tmp_path / "b.txt"])
    search = TextSearch(catalog, catalog.entries())
    groups = by_document(search.find("xi", 10))
    assert [len(group) for group in groups] == [1, 2]
    assert groups[0][0].title.startswith("Xi here")


def test_context_line_says_where_the_match_is() -> None:
    text = "Joe Biden and Xi Jinping concluded a call of nearly two hours. " * 3
    start = text.index("Xi", 100)
    line = context_line(text, start, start + 2, width=40)
    assert line.text == context_snippet(text, start, start + 2, width=40)
    assert line.text[line.match_start : line.match_end] == "Xi"


@given(st.text(alphabet="ab \n\tc", max_size=300), st.data())
def test_context_line_always_points_at_the_match(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    line = context_line(text, start, end, width=30)
    assert 0 <= line.match_start <= line.match_end <= len(line.text)
    shown = line.text[line.match_start : line.match_end]
    matched = " ".join(text[start:end].split())
    assert " ".join(shown.split()) in matched or not shown.strip()


@pytest.fixture
def anxious_library(tmp_path: Path) -> Path:
    for name, text in (("worry.txt", "Anxiety grew all week."), ("call.txt", "Xi called.")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert main(["add", str(tmp_path / "worry.txt"), str(tmp_path / "call.txt")]) == 0
    return tmp_path


def test_the_command_line_search_lists_xi_before_anxiety(
    anxious_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["search", "xi"]) == 0
    out = capsys.readouterr().out
    assert out.index("Xi called") < out.index("Anxiety grew")
