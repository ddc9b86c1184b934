"""Fuzzy search: normalisation, offsets back into the original text, ranking."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from library import approximate_search, search_index
from library.normalization import fold_char, normalize, normalize_query
from library.pacing import Pacer
from library.search import search_documents
from library.search_index import (
    DEFAULT_THRESHOLD,
    MAX_APPROXIMATE,
    Match,
    SearchIndex,
    effective_threshold,
    index_for,
)
from library.snippets import context_snippet

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

# Written for these tests: a harbour report with every kind of character trouble.
HARBOUR = (
    "The harbour spokesman, Zhao Lijian, said the \u201cstorm-proof\u201d jetty "
    "would open on Friday.\n\n"
    "Two drones were shot down by anti-aircraft missiles near the caf\u00e9 on "
    "\u0130stanbul Road \u2014 the Stra\u00dfe sign was \ufb01nally repaired.\n"
    "Joe Biden did not comment.  Na\u00efve   observers\twere told it\u2019s fine,\r\n"
    "and the ferry\u2011master\u2019s log   says the tide turned at 6\u00a0pm."
)


def texts_of(text: str, matches: tuple[Match, ...]) -> list[str]:
    return [text[m.start : m.end] for m in matches]


# --- normalisation ---------------------------------------------------------------------


def test_normalize_folds_case_accents_quotes_dashes_and_whitespace() -> None:
    assert normalize("\u00c7a  va \u2014 \u201coui\u201d, l\u2019\u00e9t\u00e9").text == (
        'ca va "oui", l\'ete'
    )
    assert normalize("anti-aircraft\u2013class \u2212 x").text == "anti aircraft class x"
    assert normalize("a\r\n\r\n\tb\u00a0\u2009c").text == "a b c"
    assert normalize("\u0130STANBUL Stra\u00dfe \ufb01n").text == "istanbul strasse fin"
    assert normalize("soft\u00adware\u200b").text == "software"


def test_normalize_query_strips_outer_separators() -> None:
    assert normalize_query("  \u2014Hello,\n World!  ") == "hello, world!"
    assert normalize_query(" -- ") == ""


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("Visit \u0130stanbul now", "istanbul", "\u0130stanbul"),
        ("\u0130\u0130\u0130 then \u0130stanbul", "istanbul", "\u0130stanbul"),
        ("Die Stra\u00dfe hier", "strasse", "Stra\u00dfe"),
        ("Die STRASSE, die Stra\u00dfe", "stra\u00dfe", "STRASSE"),
        ("it was \ufb01nally done", "finally", "\ufb01nally"),
        ("a cafe\u0301\u0301 here", "cafe", "cafe\u0301\u0301"),
        ("a caf\u00e9 here", "cafe", "caf\u00e9"),
        ("\u0301\u0301leading marks", "leading", "leading"),
        ("x\u200b\u200by", "xy", "x\u200b\u200by"),
        ("ΟΔΟΣ and οδος", "οδοσ", "ΟΔΟΣ"),
    ],
)
def test_length_changing_folds_keep_offsets_right(text: str, query: str, expected: str) -> None:
    matches = index_for(text).find(query)
    assert matches and matches[0].exact
    assert text[matches[0].start : matches[0].end] == expected


def test_a_match_never_starts_or_ends_inside_a_folded_character() -> None:
    # `s` alone must not match half of `ß` and report the whole `ß` as the match.
    text = "s\u00df"
    matches = index_for(text).find("\u00df")
    assert texts_of(text, matches) == ["\u00df"]


# --- exact matches ---------------------------------------------------------------------


def test_exact_matches_are_all_found_in_reading_order() -> None:
    text = "Prince; PRINCE? the prince\nPrince."
    matches = index_for(text).find("prince")
    assert texts_of(text, matches) == ["Prince", "PRINCE", "prince", "Prince"]
    assert [m.start for m in matches] == sorted(m.start for m in matches)
    assert all(m.exact and m.score == 100.0 for m in matches)


def test_dashes_count_as_spaces() -> None:
    matches = index_for(HARBOUR).find("anti aircraft missiles")
    assert texts_of(HARBOUR, matches[:1]) == ["anti-aircraft missiles"]
    assert matches[0].exact
    assert texts_of(HARBOUR, index_for(HARBOUR).find("ferry master's")[:1]) == [
        "ferry\u2011master\u2019s"
    ]


def test_curly_and_straight_quotes_match() -> None:
    assert texts_of(HARBOUR, index_for(HARBOUR).find("it's fine")[:1]) == ["it\u2019s fine"]
    assert texts_of(HARBOUR, index_for(HARBOUR).find('"storm proof"')[:1]) == [
        "\u201cstorm-proof\u201d"
    ]
    assert index_for(HARBOUR).find("it's fine")[0].exact


def test_whitespace_and_line_breaks_collapse() -> None:
    found = index_for(HARBOUR).find("comment. naive observers were told")
    assert texts_of(HARBOUR, found[:1]) == ["comment.  Na\u00efve   observers\twere told"]
    found = index_for(HARBOUR).find("fine, and the ferry")
    assert texts_of(HARBOUR, found[:1]) == ["fine,\r\nand the ferry"]
    assert texts_of(HARBOUR, index_for(HARBOUR).find("6 pm")[:1]) == ["6\u00a0pm"]


def test_accents_are_ignored_both_ways() -> None:
    assert texts_of(HARBOUR, index_for(HARBOUR).find("cafe")[:1]) == ["caf\u00e9"]
    assert texts_of(HARBOUR, index_for(HARBOUR).find("NAÏVE")[:1]) == ["Na\u00efve"]
    assert texts_of("a naive idea", index_for("a naive idea").find("naïve")) == ["naive"]


# --- approximate matches ---------------------------------------------------------------


def test_typo_finds_the_name() -> None:
    matches = index_for(HARBOUR).find("Zhao Lijan")
    assert texts_of(HARBOUR, matches[:1]) == ["Zhao Lijian"]
    assert not matches[0].exact
    assert DEFAULT_THRESHOLD <= matches[0].score < 100


def test_missing_letter_and_extra_letter_are_forgiven() -> None:
    assert texts_of(HARBOUR, index_for(HARBOUR).find("aircraft missles")[:1]) == [
        "aircraft missiles"
    ]
    assert texts_of(HARBOUR, index_for(HARBOUR).find("harbourr spokesman")[:1]) == [
        "harbour spokesman"
    ]
    assert texts_of(HARBOUR, index_for(HARBOUR).find("antiaircraft missiles")[:1]) == [
        "anti-aircraft missiles"
    ]


def test_swapped_words_are_found() -> None:
    matches = index_for(HARBOUR).find("Biden Joe")
    assert texts_of(HARBOUR, matches[:1]) == ["Joe Biden"]
    assert not matches[0].exact
    three = index_for(HARBOUR).find("drones two were")
    assert texts_of(HARBOUR, three[:1]) == ["Two drones were"]


def test_exact_matches_outrank_better_placed_fuzzy_ones() -> None:
    text = "First Zhao Lijan spoke, then Zhao Lijian did, and later Zhao Lijian again."
    matches = index_for(text).find("Zhao Lijian")
    assert texts_of(text, matches) == ["Zhao Lijian", "Zhao Lijian", "Zhao Lijan"]
    assert [m.exact for m in matches] == [True, True, False]
    assert matches[2].start < matches[0].start
    assert matches[2].score < 100


def test_approximate_matches_are_best_first_and_never_overlap() -> None:
    text = "Bezukov met Bezuhkov, and Bzukhov met Bezukhov's friend."
    matches = index_for(text).find("Bezukhov")
    assert matches[0].exact
    scores = [m.score for m in matches[1:]]
    assert scores == sorted(scores, reverse=True)
    spans = sorted((m.start, m.end) for m in matches)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


def test_nonsense_finds_nothing() -> None:
    assert index_for(HARBOUR).find("qzxv wplk") == ()
    assert index_for(HARBOUR).find("xylophone quartz") == ()


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "\u2014", " -- "])
def test_empty_queries_find_nothing(query: str) -> None:
    assert index_for(HARBOUR).find(query) == ()


def test_punctuation_only_query_is_searched_exactly() -> None:
    text = "Wait... what?! Really?!"
    matches = index_for(text).find("?!")
    assert texts_of(text, matches) == ["?!", "?!"]
    assert index_for(text).find(";;") == ()


def test_short_queries_are_exact_only() -> None:
    text = "ox ax ox"
    assert texts_of(text, index_for(text).find("ox")) == ["ox", "ox"]
    assert index_for(text).find("oz") == ()


def test_long_query_still_works() -> None:
    passage = (
        "Two drones were shot down by anti-aircraft missiles near the caf\u00e9 on "
        "\u0130stanbul Road"
    )
    typo = passage.replace("missiles", "misiles").replace("drones", "drons")
    assert len(typo) > 64
    matches = index_for(HARBOUR).find(typo)
    assert matches and not matches[0].exact
    assert HARBOUR[matches[0].start : matches[0].end] == passage
    assert index_for(HARBOUR).find(passage)[0].exact


def test_very_long_query_is_checked_whole() -> None:
    paragraph = " ".join(f"sentence {n} tells of the harbour and its {n} boats." for n in range(40))
    text = "Preface. " + paragraph + " Afterword."
    pasted = paragraph.replace("harbour", "harbor", 3)
    assert len(pasted) > 1000
    matches = index_for(text).find(pasted)
    assert texts_of(text, matches[:1]) == [paragraph]
    assert not matches[0].exact and matches[0].score > 95
    unrelated = "qzx wvj " * 100
    assert index_for(text).find(unrelated) == ()


def test_text_shorter_than_the_query() -> None:
    assert texts_of("Lijian", index_for("Lijian").find("Lijiann")) == ["Lijian"]
    assert index_for("").find("anything") == ()
    assert index_for("ab").find("qzx") == ()


def test_limit_is_respected() -> None:
    text = "word " * 100
    assert len(index_for(text).find("word", limit=7)) == 7
    assert index_for(text).find("word", limit=0) == ()
    near = "wirdsmith wardsmith wurdsmith "
    assert len(SearchIndex(near * 20).find("wordsmith", limit=5)) == 5
    flood = SearchIndex(near * 100).find("wordsmith", limit=10**6)
    assert len(flood) == MAX_APPROXIMATE


def test_short_queries_need_a_closer_match() -> None:
    index = SearchIndex("Ms. Psaki said so. Speaking later, she was shaking hands.")
    found = index.find("Psaki")
    assert [m.exact for m in found] == [True]
    assert not SearchIndex("speaking shaking").find("Psaki")
    assert effective_threshold(5, 75.0) > effective_threshold(12, 75.0)


def test_threshold_is_adjustable() -> None:
    index = SearchIndex(HARBOUR)
    assert index.find("Zhao Lijan", threshold=99) == ()
    assert index.find("Zhao Lijan", threshold=50)


def test_index_is_reused_for_the_same_text() -> None:
    text = HARBOUR + " (reused)"
    assert index_for(text) is index_for(text)


def test_cached_indexes_cover_a_bounded_amount_of_text(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"{HARBOUR} ({n})" for n in range(4)]
    # Indexes cached by earlier tests are older than these, so they go first.
    monkeypatch.setattr(search_index, "INDEX_CACHE_CHARACTERS", 3 * len(texts[0]))
    first = index_for(texts[0])
    for text in texts[1:3]:
        index_for(text)
    assert index_for(texts[0]) is first  # used again: now the most recent
    index_for(texts[3])  # over the budget: the least recently used goes
    assert index_for(texts[0]) is first
    assert index_for(texts[1]) is not None  # rebuilt, not an error
    huge = HARBOUR * 10
    assert index_for(huge) is index_for(huge)  # the latest is always kept


def test_chunk_scoring_without_and_with_cdist_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    text = normalize((HARBOUR + "\n") * 30).text
    chunks = [text[i : i + 300] for i in range(0, len(text) - 20, 280)]
    monkeypatch.setattr(approximate_search, "cdist_if_available", lambda: None)
    plain = approximate_search.score_chunks("zhao lijan", chunks, 75.0, Pacer())
    assert max(plain) >= 90
    pytest.importorskip("numpy")
    monkeypatch.undo()
    assert approximate_search.cdist_if_available() is not None
    with_cdist = approximate_search.score_chunks("zhao lijan", chunks, 75.0, Pacer())
    assert with_cdist == pytest.approx(plain, abs=0.01)


def test_large_text_finds_matches_in_every_chunk_and_at_the_edges() -> None:
    filler = "lorem ipsum dolor sit amet " * 400  # ~10 KB, several chunks
    text = "Zhao Lijian opens. " + filler + " Zhao Lijian middle " + filler + "Zhao Lijian"
    matches = index_for(text).find("Zhao Lijan")
    assert texts_of(text, matches) == ["Zhao Lijian"] * 3


# --- across documents ------------------------------------------------------------------


def test_search_documents_ranks_across_documents() -> None:
    docs = [
        ("a", "Only a typo here: Zhao Lijan."),
        ("b", "Here the real Zhao Lijian speaks."),
        ("c", "Nothing relevant at all."),
    ]
    found = search_documents(docs, "Zhao Lijian", limit=10)
    assert [doc_id for doc_id, _ in found] == ["b", "a"]
    assert found[0][1].exact and not found[1][1].exact
    assert search_documents(docs, "Zhao Lijian", limit=1) == found[:1]
    assert search_documents(iter(docs), "", limit=5) == []


# --- context ---------------------------------------------------------------------------


def test_context_snippet_is_one_short_line_around_the_match() -> None:
    start = HARBOUR.index("Biden")
    line = context_snippet(HARBOUR, start, start + 5, width=40)
    assert "Biden" in line
    assert "\n" not in line and "\t" not in line and "  " not in line
    assert len(line) <= 40
    assert line.startswith("\u2026") and line.endswith("\u2026")


def test_context_snippet_edges_long_matches_and_control_characters() -> None:
    assert context_snippet("Short text.", 0, 5) == "Short text."
    long_match = context_snippet("x" * 300, 10, 200, width=40)
    assert len(long_match) <= 40 and long_match.endswith("\u2026")
    assert "\x1b" not in context_snippet("a \x1b[31mred\x1b[0m b", 2, 10)
    assert context_snippet("abc", 5, 9) == "abc"


# --- the real articles -----------------------------------------------------------------


def corpus_texts() -> list[tuple[str, str]]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not there")
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))]
    if not texts:
        pytest.skip("../shared/corpus has no articles")
    return texts


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("Zhao Lijan", r"Zhao\s+Lijian"),
        ("anti aircraft missiles", r"anti[-\u2010\u2011]aircraft\s+missiles"),
    ],
)
def test_product_examples_in_the_corpus(query: str, pattern: str) -> None:
    holders = [(name, text) for name, text in corpus_texts() if re.search(pattern, text)]
    if not holders:
        pytest.skip(f"no article in the corpus contains {pattern!r}")
    for _, text in holders:
        matches = index_for(text).find(query)
        assert matches
        assert re.fullmatch(pattern, text[matches[0].start : matches[0].end])
    found = search_documents(corpus_texts(), query, limit=20)
    assert {doc for doc, _ in found} >= {name for name, _ in holders}


def test_nonsense_finds_nothing_in_the_corpus() -> None:
    assert search_documents(corpus_texts(), "qzxv wplk", limit=10) == []


# --- properties ------------------------------------------------------------------------

_TRICKY = (
    "aAbBzZ \n\t\r-.,'\"?\u00e9\u00c9\u00df\u1e9e\u0130\u0131\ufb01\u0301\u0308\u200b\u00ad"
    "\u2014\u2013\u2011\u2019\u201c\u201d\u00a0\u3000\u03a3\u03c3\u03c2\u01c5\ufeff\uffff"
)
tricky_text = st.text(alphabet=st.sampled_from(_TRICKY), max_size=60)
any_text = st.text(max_size=60)


def _reference_normalized(text: str) -> str:
    folded = "".join(fold_char(c) for c in text)
    return re.sub("  +", " ", folded)


@given(st.one_of(tricky_text, any_text))
@example("\u0130\u0130x\u00df")
def test_normalize_equals_folding_each_character(text: str) -> None:
    assert normalize(text).text == _reference_normalized(text)


@given(st.one_of(tricky_text, any_text))
def test_every_normalized_character_maps_into_the_original(text: str) -> None:
    normalized = normalize(text)
    previous_end = 0
    for pos in range(len(normalized.text)):
        start, end = normalized.to_original(pos, pos + 1)
        assert 0 <= start < end <= len(text)
        assert start >= previous_end or (start, end) == normalized.to_original(pos - 1, pos)
        previous_end = end
        piece = normalize(text[start:end]).text
        assert normalized.text[pos] in piece


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200)
@given(st.data(), st.one_of(tricky_text, any_text))
@example(data=None, text="s\u00df")
def test_a_substring_is_found_exactly_where_it_normalises_the_same(
    data: st.DataObject | None, text: str
) -> None:
    if data is None:  # the explicit example: query is the last character
        start, end = len(text) - 1, len(text)
    else:
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
    query = text[start:end]
    wanted = normalize_query(query)
    matches = index_for(text).find(query, limit=1000)
    if not wanted:
        assert matches == ()
        return
    exact = [m for m in matches if m.exact]
    assert exact, (text, query)
    for match in exact:
        assert normalize_query(text[match.start : match.end]) == wanted


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(st.one_of(tricky_text, any_text), st.one_of(tricky_text, st.text(max_size=12)))
def test_any_query_gives_sane_ranked_matches(text: str, query: str) -> None:
    matches = index_for(text).find(query, limit=20)
    assert len(matches) <= 20
    exact_flags = [m.exact for m in matches]
    assert exact_flags == sorted(exact_flags, reverse=True)  # exact ones first
    fuzzy_scores = [m.score for m in matches if not m.exact]
    assert fuzzy_scores == sorted(fuzzy_scores, reverse=True)
    spans = sorted((m.start, m.end) for m in matches)
    for start, end in spans:
        assert 0 <= start < end <= len(text)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))
    for match in matches:
        assert DEFAULT_THRESHOLD <= match.score <= 100
        if match.exact:
            assert normalize_query(text[match.start : match.end]) == normalize_query(query)
