"""Finding highlights again after a document's text changes.

Each highlight remembers its quote, ~32 characters of context on each side, and its
offsets. When the text changes, `reanchor` looks for each highlight in this order:

1. **Offsets.** The text at the old offsets still equals the quote (and its context is
   intact, else the copies around are compared first): ``exact``.
2. **Exact quote.** The quote occurs elsewhere: the copy whose context agrees best,
   nearest the expected place, is taken: ``moved``.
3. **Fuzzy quote.** Text *like* the quote near the expected place (or, for a few, anywhere):
   the rough match is widened or narrowed to the passage the edit made of it, both ends
   placed by aligning the words of the stored prefix, quote and suffix with the new text
   (`annotations.passage_alignment`), so a word inserted inside a highlight is inside it
   and the span starts and ends where words do. Weighed as
   ``(50·q·quote + 20·prefix + 20·suffix + 2·position) / (50·q + 42)``, where ``q`` is the
   quote's length over 32, at most 1 (a short quote proves little; its context decides):
   ``fuzzy``, with that score.
4. Otherwise the highlight is **orphaned**: kept, with its quote and its old offsets
   (clamped to the new text), for the reader to review (`candidates`, `accept`).

A match is only taken when the evidence is strong enough (`acceptable`): on word
boundaries, at least half of the quote intact, and a score of 0.6 (so a short or much
edited quote needs its context to agree), unless a long quote is 90 % intact or a
20-character one occurs exactly once. Orphaning a highlight is better than silently
attaching it, and its note, to the wrong text; a highlight whose context is still where it
was, around too little of its quote, was rewritten there and is not looked for elsewhere.

Speed: the expected place of a highlight is its old offset shifted by how far its
neighbour moved (an edit shifts everything after it), so nearly every search is a look
at one spot, then at a window around it: exact `str.find`, then rapidfuzz's
`partial_ratio_alignment` to find the likeliest stretch and an exact bit-parallel
alignment (Myers) of those few hundred characters. Only highlights not found near their
expected place are searched for in the whole text (exact copies, and approximate ones
around exact copies of pieces of the quote), spread over the document and at most
`WIDE_SEARCHES` per call. A highlight whose text hash is unchanged is not looked at.
Measured on the 3 MB book with 1,000 highlights: unchanged 0.1 ms; ~300 scattered edits
~50 ms; the anchoring benchmark's heavy edits (half the passages edited) ~0.4 s.

This module holds the strategy: the order of the searches and how one found highlight
predicts where its neighbours are. The parts live beside it:

- `annotations.quote_finder`: searching one text for a quote, near a place or everywhere;
- `annotations.anchor_scoring`: weighing a place and judging whether it is good enough;
- `annotations.approximate_matching`: the bit-parallel (Myers) approximate matcher;
- `annotations.orphan_review`: `candidates` and `accept`, for placing an orphan by hand.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from annotations.anchor_scoring import Candidate
from annotations.model import AnchorStatus, Highlight, context_around
from annotations.quote_finder import SEARCH_RADIUS, QuoteFinder


def reanchor(
    highlights: Iterable[Highlight], old_text: str | None, new_text: str, new_hash: str
) -> tuple[Highlight, ...]:
    """Find every highlight again in `new_text`; none is ever dropped.

    Args:
        highlights: Highlights of one document, in any order.
        old_text: The text they were anchored against, when still known: it tells where
            the text changed, so unchanged stretches are not searched. May be None.
        new_text: The document's new text.
        new_hash: sha256 of `new_text`; highlights already anchored against it are
            returned as they are (the same objects), without looking at the text.

    Returns:
        The highlights in the order given, each with its new offsets, status (``exact``,
        ``moved``, ``fuzzy`` with a score, or ``orphaned``) and `new_hash`. Exact and
        moved ones get fresh context; fuzzy and orphaned ones keep the quote and context
        the reader highlighted, so they can be found again later.
    """
    given = tuple(highlights)
    pending = [(i, h) for i, h in enumerate(given) if h.content_hash != new_hash]
    if not pending:
        return given
    pending.sort(key=lambda item: (item[1].start, item[1].end))
    ordered = [highlight for _, highlight in pending]
    found = _Search(QuoteFinder(new_text, old_text), ordered).run()
    results: list[Highlight] = list(given)
    for position, (index, highlight) in enumerate(pending):
        place = found.get(position)
        if place is None:
            results[index] = _orphaned(highlight, new_text, new_hash)
        else:
            results[index] = _placed(highlight, place, new_text, new_hash)
    return tuple(results)


class _Search:
    """Finds the highlights of one document, sorted by old position, in three passes.

    Edits shift everything after them, so the shift of one highlight predicts the next
    one's. 1: forward, each highlight is looked for near its old place shifted like the
    previous one (cheap: a window around it). 2: backward, the rest are looked for
    shifted like the next one (text removed or added in front of a run of highlights).
    3: the rest are looked for in the whole text, spread over the document (middle
    first, then the middles of each half, ...) so that the budget of wide searches is
    not spent on one deleted chapter; each one found there makes its neighbours cheap
    again, since they moved by the same amount.
    """

    def __init__(self, finder: QuoteFinder, ordered: list[Highlight]) -> None:
        self.finder = finder
        self.ordered = ordered
        self.found: dict[int, Candidate] = {}
        self.tried: dict[int, int] = {}
        """The hint each position was last looked for near, so as not to look twice."""

    def run(self) -> dict[int, Candidate]:
        """Return, for each position in `ordered` that was found, where."""
        count = len(self.ordered)
        shift = 0
        for position in range(count):
            shift = self._near(position, shift)
        shift = 0
        for position in reversed(range(count)):
            shift = self._near(position, shift)
        missing = [position for position in range(count) if position not in self.found]
        for position in _middles_first(missing):
            if position in self.found:
                continue
            if self.finder.wide_searches_left <= 0:
                break
            highlight = self.ordered[position]
            if self.finder.rewritten_in_place(highlight):
                continue
            hint = self.finder.expected_start(highlight, self._shift_before(position))
            place = self.finder.locate_wide(highlight, hint)
            if place is None:
                continue
            self.found[position] = place
            for step in (1, -1):
                shift = place.start - highlight.start
                neighbour = position + step
                while 0 <= neighbour < count:
                    if neighbour not in self.found:
                        before = len(self.found)
                        shift = self._near(neighbour, shift)
                        if len(self.found) == before:
                            break
                    else:
                        shift = self._shift_of(neighbour)
                    neighbour += step
        return self.found

    def _near(self, position: int, shift: int) -> int:
        """Look near the expected place unless already found; return the shift to pass on."""
        if position in self.found:
            return self._shift_of(position)
        highlight = self.ordered[position]
        hint = self.finder.expected_start(highlight, shift)
        if abs(self.tried.get(position, -SEARCH_RADIUS) - hint) < SEARCH_RADIUS // 4:
            return shift  # looked for there already, in vain
        self.tried[position] = hint
        place = self.finder.locate_near(highlight, hint)
        if place is None:
            return shift
        self.found[position] = place
        return place.start - highlight.start

    def _shift_of(self, position: int) -> int:
        return self.found[position].start - self.ordered[position].start

    def _shift_before(self, position: int) -> int:
        for earlier in range(position - 1, max(-1, position - 64), -1):
            if earlier in self.found:
                return self._shift_of(earlier)
        return 0


def _middles_first(items: list[int]) -> list[int]:
    """`items` reordered: the middle one, then the middles of each half, and so on."""
    order: list[int] = []
    spans = [(0, len(items))]
    while spans:
        following: list[tuple[int, int]] = []
        for low, high in spans:
            if low >= high:
                continue
            middle = (low + high) // 2
            order.append(items[middle])
            following += [(low, middle), (middle + 1, high)]
        spans = following
    return order


# --- results -----------------------------------------------------------------------------


def _placed(highlight: Highlight, found: Candidate, text: str, new_hash: str) -> Highlight:
    """`highlight` on `found`. An intact quote gets the context around it now; a fuzzy
    one keeps the quote and context the reader highlighted, to be found again later."""
    if found.errors:
        return replace(
            highlight,
            start=found.start,
            end=found.end,
            status=AnchorStatus.FUZZY,
            score=round(found.score, 4),
            content_hash=new_hash,
        )
    prefix, suffix = context_around(text, found.start, found.end)
    same_place = found.start == highlight.start and found.end == highlight.end
    return replace(
        highlight,
        start=found.start,
        end=found.end,
        prefix=prefix,
        suffix=suffix,
        status=AnchorStatus.EXACT if same_place else AnchorStatus.MOVED,
        score=None,
        content_hash=new_hash,
    )


def _orphaned(highlight: Highlight, text: str, new_hash: str) -> Highlight:
    """`highlight` kept whole, its old offsets clamped to `text`, for the reader to place."""
    start = min(highlight.start, len(text))
    end = min(max(highlight.end, start), len(text))
    return replace(
        highlight,
        start=start,
        end=end,
        status=AnchorStatus.ORPHANED,
        score=None,
        content_hash=new_hash,
    )
