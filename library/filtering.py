"""The library filter (and the notes'): which fields match what the user typed, best first.

Every word typed must match a word of the field: as the start of one (`fin` matches
"Financial"), or, for a word of five letters or more, as a close look-alike of one or of
its start (`finacial`, `harbor`). A look-alike of a short word is left out: one letter in
four is too much, and `bike` must not find "Biden". The whole query found as it was typed
anywhere in the field (`xi` in "anxiety") still matches, after the word matches.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from rapidfuzz import fuzz, process

WORD_THRESHOLD = 80.0
"""Lowest score (0-100, rapidfuzz's ratio) at which a typed word is a look-alike of a
field's word (one letter wrong in five)."""

MIN_FUZZY_WORD = 5
"""Typed words shorter than this must start a field's word exactly."""

_WORD = re.compile(r"\w+")

_SEPARATORS = re.compile(r"[\W_]")
_ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
"""`_SEPARATORS` for text that is all ASCII, as a table for `str.translate` (in C)."""
"""A character that is no letter or digit (``[^\\W_]`` is exactly what `str.isalnum`
accepts): a word starts after one."""

_FINDS_KEPT = 32
"""How many needles' finds a `FilterIndex` keeps for the queries typed after them."""


def fold(text: str) -> str:
    """Fold case, accents, curly quotes and dashes, so that typing plain ASCII matches."""
    if text.isascii():  # most titles and notes: nothing to decompose, nothing to map
        return text.casefold().strip()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if decomposed.isascii():  # a title with "…" or "ﬁ": no marks to drop, no quotes to map
        return decomposed.strip()
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
    field. The result is exactly `filter_ranked`'s.

    Typing on narrows: the fields that hold ``harbour`` are among those that hold
    ``harbou`` (and among those holding any part of it), so each needle's finds are kept
    and the next key looks only in the fewest fields a kept needle inside it was found in;
    a second typed word is looked for only in the fields that matched the first. At 50,000
    documents that is a few thousand fields a key, not all of them. Look-alikes are looked
    for only among words of a length that can score high enough (see `_candidates`).
    """

    def __init__(self, fields: Sequence[str], *, folded: Sequence[str] | None = None) -> None:
        """Index `fields`; `folded`, when given, is each field already `fold`ed (a caller
        that keeps folded fields between listings saves most of the work)."""
        self._folded = list(folded) if folded is not None else [fold(field) for field in fields]
        self._spaced: list[str] | None = None
        self._fields_of_word: dict[str, list[int]] | None = None
        self._fields_of_prefix: dict[int, dict[str, list[int]]] = {}
        self._candidates_of_length: dict[int, list[str]] = {}
        self._finds: dict[str, dict[int, int]] = {}
        """Needle → the first place it occurs in each field that holds it (the newest
        `_FINDS_KEPT` needles; fields in index order, as in every such dict here)."""
        self._starts: dict[str, dict[int, int]] = {}
        """Needle → the first place it starts a word in each field where it does (a
        query of one word asks for it twice: whole, and as its only word)."""
        self._lock = threading.Lock()
        """Filters run in worker threads; an older one may still finish as a newer starts."""
        self._making = threading.RLock()
        """Held while the words, spaced fields, prefixes and look-alike candidates are made
        (and through `warm`): a thread that needs one being made waits for it rather than
        make it a second time alongside, taking turns for the interpreter lock."""

    def __len__(self) -> int:
        return len(self._folded)

    def warm(self) -> None:
        """Make now what the first keys would otherwise wait for: the distinct words, the
        fields with word starts marked, the look-alike candidates of common lengths (call
        it in a worker when the user is about to type)."""
        with self._making:  # a second warm waits for the first, then finds it all made
            self._spaced_fields()
            for length in range(MIN_FUZZY_WORD, MIN_FUZZY_WORD + 4):
                self._candidates(length)

    def ranked(self, query: str, stop: Callable[[], bool] | None = None) -> list[int]:
        """The indices of the fields that match `query`, best first (see `filter_ranked`).

        `stop` is asked between the steps: when it says so (a newer query came), the
        work ends at once with an empty list, so an outdated query holds nothing up.
        """
        needle = fold(query)
        if not needle:
            return list(range(len(self._folded)))
        starts = self._word_starts(needle)
        # Dicts here list their fields in index order, so a stable sort on the place or
        # score alone keeps ties in the fields' order.
        order = sorted(starts, key=starts.__getitem__)
        if stop is not None and stop():
            return []
        words = _WORD.findall(needle)
        scores = self._every_word(words, stop) if words else {}
        if stop is not None and stop():
            return []
        rest = sorted(i for i in scores if i not in starts)
        order.extend(i for i in rest if scores[i] >= 100.0)
        order.extend(sorted((i for i in rest if scores[i] < 100.0), key=lambda i: -scores[i]))
        inside = self._inside(needle)
        order.extend(
            sorted(
                (i for i in inside if i not in starts and i not in scores),
                key=inside.__getitem__,
            )
        )
        return order

    # -- where a needle is found

    def _inside(self, needle: str) -> dict[int, int]:
        """The first place `needle` occurs in each field that holds it (one `find` a
        field, in C: a short needle occurs too often to visit each occurrence), looked
        for only in the fields where a kept needle inside it was found."""
        with self._lock:
            known = self._finds.get(needle)
            if known is not None:
                return known
            narrower = min(
                (finds for kept, finds in self._finds.items() if kept in needle),
                key=len,
                default=None,
            )
        if narrower is None:
            finds = {
                index: position
                for index, position in enumerate([hay.find(needle) for hay in self._folded])
                if position >= 0
            }
        else:
            finds = self._inside_among(needle, narrower)
        with self._lock:
            _keep(self._finds, needle, finds)
        return finds

    def _inside_among(self, needle: str, among: Iterable[int]) -> dict[int, int]:
        """`_inside` of the fields `among` only (in their order)."""
        folded = self._folded
        return {index: position for index in among if (position := folded[index].find(needle)) >= 0}

    def _word_starts(self, needle: str) -> dict[int, int]:
        """The first place `needle` starts a word in each field that has one: at the
        field's start, after a character that is no letter or digit, or anywhere when
        `needle` itself starts with such a character."""
        with self._lock:
            known = self._starts.get(needle)
        if known is not None:
            return known
        found = self._starts_of(needle, self._inside(needle))
        with self._lock:
            _keep(self._starts, needle, found)
        return found

    def _starts_of(self, needle: str, inside: dict[int, int]) -> dict[int, int]:
        """`_word_starts` of the fields in `inside` (each with `needle`'s first place)."""
        if not needle[0].isalnum():
            return inside
        spaced = self._spaced_fields()
        key = " " + _SEPARATORS.sub(" ", needle)
        if needle.isalnum():  # found in a spaced field, it is in the field: one find each
            return {index: at for index in inside if (at := spaced[index].find(key)) >= 0}
        found: dict[int, int] = {}
        folded = self._folded
        for index, position in inside.items():
            hay = folded[index]
            if position == 0 or not hay[position - 1].isalnum():
                found[index] = position
                continue
            # The spaced field has a space before each word (see `_spaced_fields`).
            marked = spaced[index]
            at = marked.find(key, position + 1)
            while at >= 0 and not hay.startswith(needle, at):
                at = marked.find(key, at + 1)
            if at >= 0:
                found[index] = at
        return found

    def _spaced_fields(self) -> list[str]:
        """Each field with every character that is no letter or digit made a space, after
        a space: a word starting at ``i`` in the field is ``" " + word`` at ``i`` here (the
        same length, so places agree), found in one `find`, where looking at each place
        the word occurs inside other words would cost a step in Python per place."""
        spaced = self._spaced
        if spaced is not None:
            return spaced
        with self._making:
            if self._spaced is not None:
                return self._spaced
            spaced = [
                " "
                + (hay.translate(_ASCII_SEPARATORS) if hay.isascii() else _SEPARATORS.sub(" ", hay))
                for hay in self._folded
            ]
            self._spaced = spaced
            return spaced

    # -- each typed word

    def _every_word(self, words: list[str], stop: Callable[[], bool] | None) -> dict[int, float]:
        """The fields in which every typed word starts a word or looks like one, with the
        worst word's score (100 when each starts a word); each word after the first is
        looked for only in the fields the words before it matched."""
        worst: dict[int, float] | None = None
        for word in words:
            if stop is not None and stop():
                return {}
            scores = self._word_scores(word, worst)
            if worst is None:
                worst = scores
            else:
                worst = {i: min(s, scores[i]) for i, s in worst.items() if i in scores}
            if not worst:
                return {}
        return worst or {}

    def _word_scores(self, word: str, among: dict[int, float] | None) -> dict[int, float]:
        """How well `word` fits each field (of those `among`, when given), for the fields
        where it fits at least `WORD_THRESHOLD`: 100 when it starts a word there; else,
        for a word of `MIN_FUZZY_WORD` letters or more, its best ratio to a word of the
        field or to the start of a longer one."""
        if among is None:
            starts = self._word_starts(word)
        else:
            starts = self._starts_of(word, self._inside_among(word, among))
        scores = dict.fromkeys(starts, 100.0)
        if len(word) < MIN_FUZZY_WORD:
            return scores
        words = self._word_index()
        prefixes = self._prefix_index(len(word))
        for candidate, score, _ in process.extract(
            word,
            self._candidates(len(word)),
            scorer=fuzz.ratio,
            score_cutoff=WORD_THRESHOLD,
            limit=None,
        ):
            if score >= 100.0:
                continue  # the word itself: its fields are among its starts, at 100
            for index in (*words.get(candidate, ()), *prefixes.get(candidate, ())):
                if (among is None or index in among) and scores.get(index, 0.0) < score:
                    scores[index] = float(score)
        return scores

    def _word_index(self) -> dict[str, list[int]]:
        """Each distinct word of the fields → the fields that have it."""
        if self._fields_of_word is not None:
            return self._fields_of_word
        with self._making:
            if self._fields_of_word is not None:
                return self._fields_of_word
            index: dict[str, list[int]] = {}
            spaced = self._spaced_fields()
            for number, hay in enumerate(self._folded):
                # A field of ASCII without "_" has the words of its spaced form (one split
                # in C); "_" is a word character, and other scripts have their own.
                plain = hay.isascii() and "_" not in hay
                for word in dict.fromkeys(spaced[number].split() if plain else _WORD.findall(hay)):
                    index.setdefault(word, []).append(number)
            self._fields_of_word = index
            return index

    def _candidates(self, length: int) -> list[str]:
        """The distinct words, and starts of longer words, that a typed word of `length`
        letters can look like: `fuzz.ratio` is at most ``2·min(a, b) / (a + b)``, so a word
        of a length from two thirds to one and a half times `length` (kept per length)."""
        candidates = self._candidates_of_length.get(length)
        if candidates is not None:
            return candidates
        with self._making:  # made once, not by each thread that asks meanwhile
            candidates = self._candidates_of_length.get(length)
            if candidates is None:
                shortest, longest = _lengths_that_can_match(length)
                near = [w for w in self._word_index() if shortest <= len(w) <= longest]
                candidates = list(dict.fromkeys([*near, *self._prefix_index(length)]))
                self._candidates_of_length[length] = candidates
            return candidates

    def _prefix_index(self, length: int) -> dict[str, list[int]]:
        """Each `length`-character start of a longer word → the fields that have it."""
        index = self._fields_of_prefix.get(length)
        if index is not None:
            return index
        with self._making:
            index = self._fields_of_prefix.get(length)
            if index is None:
                index = {}
                for word, numbers in self._word_index().items():
                    if len(word) > length:
                        index.setdefault(word[:length], []).extend(numbers)
                self._fields_of_prefix[length] = index
            return index


def _lengths_that_can_match(length: int) -> tuple[int, int]:
    """The shortest and longest word that can score `WORD_THRESHOLD` against a word of
    `length` letters (with a letter of slack on each side, for rounding)."""
    share = WORD_THRESHOLD / 100.0
    shortest = int(length * share / (2.0 - share))
    longest = int(length * (2.0 - share) / share) + 1
    return max(1, shortest), longest


def _keep(kept: dict[str, dict[int, int]], needle: str, found: dict[int, int]) -> None:
    """Keep what was found for `needle`, forgetting the oldest beyond `_FINDS_KEPT`."""
    kept[needle] = found
    while len(kept) > _FINDS_KEPT:
        del kept[next(iter(kept))]
