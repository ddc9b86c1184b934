"""How well a place fits a highlight, and whether the evidence is strong enough to move it.

A place is weighed as ``(50·q·quote + 20·prefix + 20·suffix + 2·position) / (50·q + 42)``
(the weights of the Hypothesis web annotator, the quote's scaled by ``q``, its length over
32 at most 1): how much of the quote is intact, how well the text around agrees with the
context stored beside the quote, and how near it is to where the highlight was expected.
A three-letter quote found exactly proves little; its context decides. So the score is
the share of the evidence, quote and context, that survived. A match is only taken when
the evidence is strong enough (`acceptable`): on word boundaries where the quote was, at
least half of the quote intact, and a score of 0.6, unless a long quote is 90 % intact or
a 20-character one occurs exactly once. Orphaning a highlight is better than silently
attaching it, and its note, to the wrong text.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from annotations.model import CONTEXT_LENGTH, Highlight
from annotations.passage_alignment import is_word_char, starts_mid_word

QUOTE_WEIGHT = 50.0
"""Weight of the quote's similarity in a match's score (less for a quote shorter than
`CONTEXT_LENGTH`, which proves less)."""
PREFIX_WEIGHT = 20.0
"""Weight of the prefix's agreement (less when less prefix was stored)."""
SUFFIX_WEIGHT = 20.0
"""Weight of the suffix's agreement (less when less suffix was stored)."""
POSITION_WEIGHT = 2.0
"""Weight of closeness to the expected place: breaks ties between equal copies."""

MIN_QUOTE_SIMILARITY = 0.5
"""A fuzzy match must keep at least this share of the quote (1 - edits / length): half.
A word inserted into a three-word quote (`no major structural damage`) costs 30 %; what
tells such a passage from unrelated text is its context, which the score weighs."""

MIN_SCORE = 0.6
"""A match whose weighed score is lower is refused, unless its quote is long and intact.
Measured with the anchoring benchmark: at 0.6 no highlight is misattached and 0.7 % of
the passages still there are lost; at 0.7, 3 % are lost."""

LONG_QUOTE = 32
"""A quote at least this long that is nearly intact is evidence enough on its own."""

LONG_QUOTE_SIMILARITY = 0.90
"""How intact a long quote must be to be taken whatever its context."""

UNIQUE_QUOTE = 20
"""A quote at least this long that occurs exactly once in the text is taken as found."""

CONTEXT_FLOOR = 0.30
"""Levenshtein similarity that two unrelated 32-character snippets of English reach
anyway (99th percentile measured on the 3 MB book): context similarity is counted from
here, so unrelated context adds nothing to a score."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One place the quote might be, and how well it fits there."""

    start: int
    """Where the place starts in the text."""
    end: int
    """Where it ends (exclusive)."""
    errors: int
    """Levenshtein distance between the quote and ``text[start:end]``."""
    quote: float
    """1 - errors / the longer of the quote and the place: a place widened by inserted
    words counts them once, not twice."""
    prefix: float
    """How well the text before agrees with the stored prefix, 0 to 1 (counted from
    `CONTEXT_FLOOR`); with no stored prefix, 1 at the start of the text, else 0."""
    suffix: float
    """The same for the text after and the stored suffix."""
    score: float
    """The weighed score, 0 to 1."""
    on_boundaries: bool = True
    """Whether the place starts and ends where words do (or inside a word, where the quote
    itself did): never half a word."""


def max_errors(quote: str) -> int:
    """The most edits a fuzzy match of `quote` may have: ``min(256, len(quote) // 2)``."""
    return min(256, len(quote) // 2)


def weigh(
    text: str, highlight: Highlight, start: int, end: int, errors: int, hint: int
) -> Candidate:
    """Score ``text[start:end]`` as a place for `highlight`, with `errors` edits between
    it and the quote, `hint` where the highlight was expected to be:
    ``(50·q·quote + 20·prefix + 20·suffix + 2·position) / (50·q + 42)``.

    The quote counts in proportion to its length (up to `CONTEXT_LENGTH`), and a context
    side counts in proportion to how much context was stored (a quote near
    the start of the text has a short prefix, which proves little); the score is
    divided by the weight actually used, so it stays within 0 to 1.
    """
    length = len(text)
    size = len(highlight.quote)
    quote = max(0.0, 1.0 - errors / max(size, end - start))
    stored_prefix, stored_suffix = highlight.prefix, highlight.suffix
    if stored_prefix:
        actual = text[max(0, start - len(stored_prefix)) : start]
        prefix = _rescaled(Levenshtein.normalized_similarity(stored_prefix, actual))
    else:
        prefix = 1.0 if start == 0 else 0.0
    if stored_suffix:
        actual = text[end : end + len(stored_suffix)]
        suffix = _rescaled(Levenshtein.normalized_similarity(stored_suffix, actual))
    else:
        suffix = 1.0 if end == length else 0.0
    prefix_weight = PREFIX_WEIGHT * min(1.0, len(stored_prefix) / CONTEXT_LENGTH)
    suffix_weight = SUFFIX_WEIGHT * min(1.0, len(stored_suffix) / CONTEXT_LENGTH)
    quote_weight = QUOTE_WEIGHT * min(1.0, size / CONTEXT_LENGTH)
    position = 1.0 - min(1.0, abs(start - hint) / max(1, length))
    score = (
        quote_weight * quote
        + prefix_weight * prefix
        + suffix_weight * suffix
        + POSITION_WEIGHT * position
    ) / (quote_weight + prefix_weight + suffix_weight + POSITION_WEIGHT)
    return Candidate(
        start=start,
        end=end,
        errors=errors,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
        score=score,
        on_boundaries=_on_boundaries(text, highlight, start, end),
    )


def acceptable(candidate: Candidate, size: int, *, unique: bool = False) -> bool:
    """Whether the evidence for a match is strong enough to move a highlight there.

    `size` is the length of the quote; `unique`, whether the quote occurs exactly once
    in the whole text.
    """
    if not candidate.on_boundaries:
        return False
    if candidate.errors > min(256, size // 2) or candidate.errors > size * (
        1 - MIN_QUOTE_SIMILARITY
    ):
        return False
    if candidate.score >= MIN_SCORE:
        return True
    if size >= LONG_QUOTE and candidate.quote >= LONG_QUOTE_SIMILARITY:
        return True
    return unique and candidate.errors == 0 and size >= UNIQUE_QUOTE


def best_acceptable(found: list[Candidate], size: int, *, unique: bool = False) -> Candidate | None:
    """The best-ranked candidate of `found` that is `acceptable`, if any."""
    ranked = sorted(found, key=rank)
    for candidate in ranked:
        if acceptable(candidate, size, unique=unique):
            return candidate
    return None


def rank(candidate: Candidate) -> tuple[float, int, int]:
    """Sort key, best first: highest score, then fewest edits, then earliest."""
    return (-candidate.score, candidate.errors, candidate.start)


def distinct(found: list[Candidate]) -> list[Candidate]:
    """Best first, dropping any candidate that overlaps a better one."""
    kept: list[Candidate] = []
    for candidate in sorted(found, key=rank):
        if all(candidate.end <= other.start or candidate.start >= other.end for other in kept):
            kept.append(candidate)
    return kept


def _on_boundaries(text: str, highlight: Highlight, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` starts and ends on word boundaries, where the quote did.

    A quote the reader began inside a word (its prefix ends in a letter, and so does its
    first character) may begin inside one now; otherwise a place inside a word is the
    tail of another word (`or structural damage` in "major structural damage")."""
    quote, prefix, suffix = highlight.quote, highlight.prefix, highlight.suffix
    began_inside = bool(prefix) and is_word_char(prefix[-1]) and is_word_char(quote[0])
    ended_inside = bool(suffix) and is_word_char(quote[-1]) and is_word_char(suffix[0])
    if not began_inside and starts_mid_word(text, start):
        return False
    return ended_inside or not starts_mid_word(text, end)


def _rescaled(similarity: float) -> float:
    return max(0.0, (similarity - CONTEXT_FLOOR) / (1.0 - CONTEXT_FLOOR))
