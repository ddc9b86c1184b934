"""The library filter (and the notes'): which fields match what the user typed, best first.

Every word typed must match a word of the field: as the start of one (`fin` matches
"Financial"), or, for a word of five letters or more, as a close look-alike of one or of
its start (`finacial`, `harbor`). A look-alike of a short word is left out: one letter in
four is too much, and `bike` must not find "Biden". The whole query found as it was typed
anywhere in the field (`xi` in "anxiety") still matches, after the word matches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rapidfuzz import fuzz, process

WORD_THRESHOLD = 80.0
"""Lowest score (0-100, rapidfuzz's ratio) at which a typed word is a look-alike of a
field's word (one letter wrong in five)."""

MIN_FUZZY_WORD = 5
"""Typed words shorter than this must start a field's word exactly."""

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Fold case, accents, curly quotes and dashes, so that typing plain ASCII matches."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(_PUNCTUATION).strip()


_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)


def filter_ranked(query: str, fields: Sequence[str]) -> list[int]:
    """Return the indices of `fields` that match `query`, best first.

    Args:
        query: What the user typed; empty keeps everything in its order.
        fields: One searchable string per document (say, title and source).

    Returns:
        Indices into `fields`: those where every typed word starts a word (the whole
        query at a word's start first, earliest first), then those where some typed word
        only looks like a word there (best first), then those holding the query inside a
        word; ties keep their order.
    """
    needle = fold(query)
    if not needle:
        return list(range(len(fields)))
    words = _WORD.findall(needle)
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
        field_words = _WORD.findall(hay)
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
