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
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process

WORD_THRESHOLD = 80.0
"""Lowest score (0-100, rapidfuzz's ratio) at which a typed word is a look-alike of a
field's word (one letter wrong in five)."""

MIN_FUZZY_WORD = 5
"""Typed words shorter than this must start a field's word exactly."""

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Fold case, accents, curly quotes and dashes, so that typing plain ASCII matches."""
    if text.isascii():  # most titles and notes: nothing to decompose, nothing to map
        return text.casefold().strip()
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
    return FilterIndex(fields).ranked(query)


class FilterIndex:
    """Fields folded and indexed once, then filtered as often as the user types.

    Filtering field by field costs some 20 µs a field (folding it, and comparing each typed
    word with each of its words): a second per key at 50,000 documents. Here the fields are
    folded once, so a typed word costs one `find` a field; and a look-alike is looked for
    once among the distinct words of all fields (rapidfuzz, over a list in C), not once per
    field. The result is
    exactly `filter_ranked`'s.
    """

    def __init__(self, fields: Sequence[str], *, folded: Sequence[str] | None = None) -> None:
        """Index `fields`; `folded`, when given, is each field already `fold`ed (a caller
        that keeps folded fields between listings saves most of the work)."""
        self._folded = list(folded) if folded is not None else [fold(field) for field in fields]
        self._fields_of_word: dict[str, list[int]] | None = None
        self._fields_of_prefix: dict[int, dict[str, list[int]]] = {}

    def __len__(self) -> int:
        return len(self._folded)

    def ranked(self, query: str, stop: Callable[[], bool] | None = None) -> list[int]:
        """The indices of the fields that match `query`, best first (see `filter_ranked`).

        `stop` is asked between the steps: when it says so (a newer query came), the
        work ends at once with an empty list, so an outdated query holds nothing up.
        """
        needle = fold(query)
        if not needle:
            return list(range(len(self._folded)))
        words = _WORD.findall(needle)
        ranks: dict[int, tuple[int, float]] = {
            index: (0, float(position)) for index, position in self._word_starts(needle).items()
        }
        if stop is not None and stop():
            return []
        if words:
            for index, score in self._every_word(words, stop).items():
                if index not in ranks:
                    ranks[index] = (1, 0.0) if score >= 100.0 else (2, -score)
        for index, position in self._inside(needle).items():
            ranks.setdefault(index, (3, float(position)))
        return [index for index, _ in sorted(ranks.items(), key=lambda item: (item[1], item[0]))]

    def _word_starts(self, needle: str) -> dict[int, int]:
        """The first place `needle` starts a word in each field that has one: at the
        field's start, after a character that is no letter or digit, or anywhere when
        `needle` itself starts with such a character."""
        found: dict[int, int] = {}
        anywhere = not needle[0].isalnum()
        for index, position in self._inside(needle).items():
            hay = self._folded[index]
            while position > 0 and not anywhere and hay[position - 1].isalnum():
                position = hay.find(needle, position + 1)
            if position >= 0:
                found[index] = position
        return found

    def _inside(self, needle: str) -> dict[int, int]:
        """The first place `needle` occurs in each field that holds it (one `find` a
        field, in C: a short needle occurs too often to visit each occurrence)."""
        return {
            index: position
            for index, position in enumerate([hay.find(needle) for hay in self._folded])
            if position >= 0
        }

    def _every_word(self, words: list[str], stop: Callable[[], bool] | None) -> dict[int, float]:
        """The fields in which every typed word starts a word or looks like one, with the
        worst word's score (100 when each starts a word)."""
        worst: dict[int, float] | None = None
        for word in words:
            if stop is not None and stop():
                return {}
            scores = self._word_scores(word)
            if worst is None:
                worst = scores
            else:
                worst = {i: min(s, scores[i]) for i, s in worst.items() if i in scores}
            if not worst:
                return {}
        return worst or {}

    def _word_scores(self, word: str) -> dict[int, float]:
        """How well `word` fits each field, for the fields where it fits at least
        `WORD_THRESHOLD`: 100 when it starts a word there; else, for a word of
        `MIN_FUZZY_WORD` letters or more, its best ratio to a word of the field or to the
        start of a longer one."""
        scores = dict.fromkeys(self._word_starts(word), 100.0)
        if len(word) < MIN_FUZZY_WORD:
            return scores
        words = self._word_index()
        prefixes = self._prefix_index(len(word))
        candidates = list(dict.fromkeys([*words, *prefixes]))
        for candidate, score, _ in process.extract(
            word, candidates, scorer=fuzz.ratio, score_cutoff=WORD_THRESHOLD, limit=None
        ):
            for index in (*words.get(candidate, ()), *prefixes.get(candidate, ())):
                if scores.get(index, 0.0) < score:
                    scores[index] = float(score)
        return scores

    def _word_index(self) -> dict[str, list[int]]:
        """Each distinct word of the fields → the fields that have it."""
        if self._fields_of_word is None:
            index: dict[str, list[int]] = {}
            for number, hay in enumerate(self._folded):
                for word in dict.fromkeys(_WORD.findall(hay)):
                    index.setdefault(word, []).append(number)
            self._fields_of_word = index
        return self._fields_of_word

    def _prefix_index(self, length: int) -> dict[str, list[int]]:
        """Each `length`-character start of a longer word → the fields that have it."""
        index = self._fields_of_prefix.get(length)
        if index is None:
            index = {}
            for word, numbers in self._word_index().items():
                if len(word) > length:
                    index.setdefault(word[:length], []).extend(numbers)
            self._fields_of_prefix[length] = index
        return index
