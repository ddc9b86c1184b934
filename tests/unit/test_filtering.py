"""The library filter: substring first, then forgiving fuzzy matches."""

from __future__ import annotations

from library.filtering import filter_ranked, fold

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
