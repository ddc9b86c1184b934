"""The library filter: substring first, then forgiving fuzzy matches."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from library.filtering import (
    MIN_FUZZY_WORD,
    WORD_THRESHOLD,
    FilterIndex,
    filter_ranked,
    fold,
)

FIELDS = [
    "Joe Biden and Xi Jinping concluded a call Financial Times",
    "The harbour authority in Port Ellery voted The Coastal Gazette",
    "War and Peace",
    "Welcome to newsreader",
    "Café society returns Le Monde",
]


def test_empty_query_keeps_everything_in_order() -> None:
    assert filter_ranked("", FIELDS) == [0, 1, 2, 3, 4]
    assert filter_ranked("   ", FIELDS) == [0, 1, 2, 3, 4]


def test_substring_matches_come_first() -> None:
    assert filter_ranked("peace", FIELDS)[0] == 2


def test_typos_and_word_order_are_forgiven() -> None:
    assert filter_ranked("finacial", FIELDS) == [0]
    assert filter_ranked("peace war", FIELDS) == [2]
    assert filter_ranked("harbor", FIELDS)[0] == 1


def test_accents_and_case_are_folded() -> None:
    assert filter_ranked("CAFE", FIELDS) == [4]
    assert fold("Café — “x”") == 'cafe - "x"'


def test_nonsense_matches_nothing() -> None:
    assert filter_ranked("qzxv wplk", FIELDS) == []


# Titles and sources as the library shows them: the corpus's, and more of their kind.
TITLES = [
    "Joe Biden and Xi Jinping concluded a call of nearly two hours Financial Times",
    "U.S. President Joe Biden is planning to warn Chinese leader Xi Jinping The Globe and Mail",
    "Bike lanes on Harbour Street are finished The Coastal Gazette",
    "The biker gangs of the north",
    "Anxiety grows in the markets",
    "Welcome to newsreader",
]


def test_a_word_must_match_a_title_word_not_a_look_alike() -> None:
    assert filter_ranked("bike", TITLES) == [2, 3]  # not "Biden"
    assert filter_ranked("biden", TITLES) == [0, 1]
    assert filter_ranked("bikes", TITLES) == [2, 3]  # a plural is a look-alike


def test_every_word_of_the_query_must_match() -> None:
    assert filter_ranked("biden globe", TITLES) == [1]
    assert filter_ranked("xi times", TITLES) == [0]
    assert filter_ranked("biden bike", TITLES) == []


def test_word_starts_rank_before_insides_and_typos_are_still_forgiven() -> None:
    assert filter_ranked("xi", TITLES)[:2] == [0, 1]
    assert filter_ranked("xi", TITLES)[2:] == [4]  # "anxiety", after the whole words
    assert filter_ranked("jinpnig", TITLES) == [0, 1]
    assert filter_ranked("harbor streat", TITLES) == [2]


def test_the_corpus_titles(corpus: Path) -> None:
    from library.parse import load_file

    titles = []
    for path in sorted(corpus.glob("*.txt")):
        parsed = load_file(path)  # fields as the library screen filters them
        titles.append(f"{parsed.title} {parsed.source or ''}")
    assert titles
    assert filter_ranked("bike", titles) == []
    assert filter_ranked("biden", titles) == list(range(len(titles)))
    assert filter_ranked("xi jinping", titles) == list(range(len(titles)))


_WORDS = [
    "harbour",
    "harbor",
    "Biden",
    "bike",
    "finance",
    "Financial",
    "café",
    "cafe",
    "x",
    "xi",
    "anxiety",
    "peace",
    "war",
    "port",
    "portal",
    "élan",
    "a-b",
    "1998",
    "don’t",
    "port-harbour",
    "xxi_harbour",
    "theharbour",
]


@settings(max_examples=300, deadline=None)
@given(
    fields=st.lists(
        st.lists(st.sampled_from(_WORDS) | st.text(max_size=6), max_size=6).map(" ".join),
        max_size=12,
    ),
    query=st.lists(st.sampled_from(_WORDS) | st.text(max_size=5), max_size=3).map(" ".join),
)
def test_the_index_ranks_exactly_as_field_by_field(fields: list[str], query: str) -> None:
    """What the library's filter shows at 50,000 documents is what the plain definition
    gives: the index is only quicker."""
    index = FilterIndex(fields)
    assert index.ranked(query) == filter_one_by_one(query, fields)
    for longer in (query + "a", query[:-1]):  # typed on, and taken back, on the same index
        assert index.ranked(longer) == filter_one_by_one(longer, fields)
    typed = FilterIndex(fields)  # typed a key at a time: each key narrows from the last
    for end in range(1, len(query) + 1):
        assert typed.ranked(query[:end]) == filter_one_by_one(query[:end], fields), query[:end]


def test_look_alikes_are_ranked_by_their_worst_word_as_field_by_field() -> None:
    fields = [
        "Financially speaking",
        "The finacier's harbour",
        "Finnish fiancé in port",
        "Final call for the harbor",
        "financial harbour news",
        "fin",
    ]
    for query in ("finacial", "finacial harbr", "harbour fiance", "fiancee", "portal"):
        ranked = FilterIndex(fields).ranked(query)
        assert ranked == filter_one_by_one(query, fields), query
    assert FilterIndex(fields).ranked("finacial harbr")[:1] == [4]


# --- the plain definition, field by field ----------------------------------------------

_WORD_RUN = re.compile(r"\w+")


def filter_one_by_one(query: str, fields: Sequence[str]) -> list[int]:
    """`filter_ranked` computed field by field: the plain statement of what the library's
    filter does, which its index must give exactly."""
    needle = fold(query)
    if not needle:
        return list(range(len(fields)))
    words = _WORD_RUN.findall(needle)
    ranked: list[tuple[int, float, int]] = []
    for index, field in enumerate(fields):
        hay = fold(field)
        rank = _rank(needle, words, hay)
        if rank is not None:
            ranked.append((*rank, index))
    ranked.sort()
    return [index for _, _, index in ranked]


def _rank(needle: str, words: list[str], hay: str) -> tuple[int, float] | None:
    """`(tier, order)` of a folded field for a folded query, smaller first; None when it
    does not match. Tier 0: the query starts a word there (order: where); 1: every word
    starts a word; 2: every word starts or looks like one (order: the worst score, less
    is worse); 3: the query is inside a word."""
    position = _word_start(needle, hay)
    if position >= 0:
        return 0, float(position)
    if words:
        field_words = _WORD_RUN.findall(hay)
        scores = [_word_score(word, hay, field_words) for word in words]
        if min(scores) >= 100.0:
            return 1, 0.0
        if min(scores) >= WORD_THRESHOLD:
            return 2, -min(scores)
    if needle in hay:
        return 3, float(hay.find(needle))
    return None


def _word_start(needle: str, hay: str) -> int:
    """Where `needle` first starts a word of `hay` (or starts with something other than a
    letter or digit), else -1."""
    position = hay.find(needle)
    while position > 0 and hay[position - 1].isalnum() and needle[0].isalnum():
        position = hay.find(needle, position + 1)
    return position


def _word_score(word: str, hay: str, field_words: list[str]) -> float:
    """100 when `word` starts a word of the field; else, for a long enough word, how
    much it looks like a field word or the start of one (0-100)."""
    if _word_start(word, hay) >= 0:
        return 100.0
    if len(word) < MIN_FUZZY_WORD or not field_words:
        return 0.0
    candidates = [*field_words, *(w[: len(word)] for w in field_words if len(w) > len(word))]
    best = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=WORD_THRESHOLD)
    return float(best[1]) if best is not None else 0.0


def test_two_warms_at_once_make_each_candidate_list_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The listing's warm and the one `/` starts may overlap: the second waits for the
    first (both taking turns for the interpreter lock made every filter key wait)."""
    import threading
    import time

    from library import filtering

    made: list[int] = []
    lengths = filtering._lengths_that_can_match

    def slow_lengths(length: int) -> tuple[int, int]:
        made.append(length)
        time.sleep(0.02)  # long enough for a second thread to ask meanwhile
        return lengths(length)

    monkeypatch.setattr(filtering, "_lengths_that_can_match", slow_lengths)
    index = FilterIndex([f"Harbour report {n} from the quay" for n in range(200)])
    threads = [threading.Thread(target=index.warm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(made) == sorted(set(made)) and made
    assert index.ranked("harbuor") == FilterIndex(
        [f"Harbour report {n} from the quay" for n in range(200)]
    ).ranked("harbuor")
