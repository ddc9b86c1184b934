"""Placing a lost highlight again, by hand: the places to offer, and the one chosen.

`reanchor` orphans a highlight rather than risk attaching it, and its note, to the wrong
text. When the reader reviews an orphan, looser evidence is fine, since the reader sees
each place before choosing: `candidates` offers exact copies, anything with at most
`max_errors` edits, and the text between the highlight's surviving prefix and suffix
(the quote rewritten); `accept` anchors the highlight where the reader chose.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from annotations.anchor_scoring import Candidate, distinct, max_errors, weigh
from annotations.model import AnchorStatus, Highlight, context_around, timestamp
from annotations.quote_finder import (
    LOCATOR_QUOTE,
    MAX_FUZZY_QUOTE,
    MAX_SEED_HITS,
    SEARCH_RADIUS,
    SEED_LENGTH,
    QuoteFinder,
)

_CHUNK = 4096
"""Characters per chunk when `candidates` scans the whole text."""


def candidates(
    highlight: Highlight, text: str, limit: int = 3
) -> tuple[tuple[int, int, float], ...]:
    """Return the best places for an orphaned highlight, for the reader to choose from.

    Looser than `reanchor`: exact copies, anything with at most `max_errors` edits, and
    the text between the highlight's surviving prefix and suffix (the quote rewritten)
    are offered, best first, so the reader can accept a place `reanchor` would not risk.
    Takes up to ~60 ms in a 3 MB text: call it from a worker thread.

    Returns:
        Up to `limit` ``(start, end, score)`` spans of `text`, not overlapping, best first.
    """
    if limit <= 0 or not text:
        return ()
    finder = QuoteFinder(text, None)
    hint = min(highlight.start, len(text))
    found = _all_candidates(finder, highlight, hint, limit)
    return tuple((c.start, c.end, round(c.score, 4)) for c in found[:limit])


def accept(
    highlight: Highlight,
    text: str,
    start: int,
    end: int,
    new_hash: str,
    *,
    now: datetime | None = None,
) -> Highlight:
    """Anchor `highlight` on ``text[start:end]``, as the reader chose (e.g. a candidate).

    The quote and context become the text there, the status ``exact``, and `updated`
    is set: the reader changed the highlight.

    Raises:
        ValueError: The span is empty or outside the text.
    """
    if not 0 <= start < end <= len(text):
        raise ValueError(
            f"A highlight must cover some of the text (0..{len(text)}), not {start}..{end}."
        )
    prefix, suffix = context_around(text, start, end)
    return replace(
        highlight,
        quote=text[start:end],
        prefix=prefix,
        suffix=suffix,
        start=start,
        end=end,
        status=AnchorStatus.EXACT,
        score=None,
        content_hash=new_hash,
        updated=timestamp(now),
    )


def _all_candidates(
    finder: QuoteFinder, highlight: Highlight, hint: int, limit: int
) -> list[Candidate]:
    """Every plausible place for `highlight`, best first, not overlapping."""
    quote = highlight.quote
    size = len(quote)
    errors = max_errors(quote) if size <= MAX_FUZZY_QUOTE else 0
    found: list[Candidate] = []
    wide = finder.wide_search(highlight, hint, errors)
    found.extend(weigh(finder.text, highlight, s, s + size, 0, hint) for s in wide.exact)
    found.extend(_between_context(finder, highlight, hint))
    if errors:
        regions = [finder.window(hint, size, SEARCH_RADIUS), *wide.regions]
        for region in regions:
            found.extend(finder.fuzzy_in(highlight, hint, region, errors, locate=True))
        if len(distinct(found)) < limit and size <= LOCATOR_QUOTE:
            for region in _best_chunks(finder.text, quote, limit * 3):
                found.extend(finder.fuzzy_in(highlight, hint, region, errors, locate=True))
    return distinct(found)


def _between_context(finder: QuoteFinder, highlight: Highlight, hint: int) -> list[Candidate]:
    """Spans where the quote's context survives on both sides but the quote was
    rewritten: the likeliest answer for an orphan, though too bold to take unasked."""
    prefix, suffix, text = highlight.prefix, highlight.suffix, finder.text
    if len(prefix) < SEED_LENGTH // 2 or len(suffix) < SEED_LENGTH // 2:
        return []
    longest = 2 * len(highlight.quote) + 64
    starts, _ = finder.nearest(prefix, max(0, hint - len(prefix)), MAX_SEED_HITS)
    found: list[Candidate] = []
    for prefix_start in starts:
        start = prefix_start + len(prefix)
        end = text.find(suffix, start + 1, start + longest + len(suffix))
        if end == -1:
            continue
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            edits = Levenshtein.distance(highlight.quote, text[start:end])
            found.append(weigh(text, highlight, start, end, edits, hint))
    return found


def _best_chunks(text: str, quote: str, count: int) -> list[tuple[int, int]]:
    """The `count` stretches of the whole text most like the quote."""
    size = len(quote)
    length = len(text)
    step = max(_CHUNK, 4 * size)
    overlap = size + max_errors(quote)
    scored: list[tuple[float, int, int]] = []
    for low in range(0, length, step):
        high = min(length, low + step + overlap)
        score = fuzz.partial_ratio(quote, text[low:high], score_cutoff=50)
        if score:
            scored.append((score, low, high))
    scored.sort(key=lambda item: -item[0])
    return [(low, high) for _, low, high in scored[:count]]
