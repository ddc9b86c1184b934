"""The library filter: which documents match what the user typed, best first."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from rapidfuzz import fuzz

FUZZY_THRESHOLD = 70.0
"""Lowest fuzzy score (0-100) at which a document still passes the filter."""


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
        Indices into `fields`: substring matches first (earliest position first), then
        fuzzy matches at or above `FUZZY_THRESHOLD`, best score first; ties keep order.
    """
    needle = fold(query)
    if not needle:
        return list(range(len(fields)))
    exact: list[tuple[int, int]] = []
    fuzzy: list[tuple[float, int]] = []
    for index, field in enumerate(fields):
        hay = fold(field)
        position = hay.find(needle)
        if position >= 0:
            exact.append((position, index))
            continue
        if len(needle) < 3:
            continue
        score = fuzz.partial_ratio(needle, hay) if len(hay) >= len(needle) else 0.0
        score = max(score, fuzz.token_set_ratio(needle, hay))
        if score >= FUZZY_THRESHOLD:
            fuzzy.append((-score, index))
    exact.sort()
    fuzzy.sort()
    return [i for _, i in exact] + [i for _, i in fuzzy]
