"""Finding highlights again after a document's text changes (PRODUCT §7).

Each highlight remembers its quote, ~32 characters of context on each side, and its
offsets. When the text changes, `reanchor` looks for each highlight in this order:

1. **Offsets.** The text at the old offsets still equals the quote (and its context is
   intact, else the copies around are compared first): ``exact``.
2. **Exact quote.** The quote occurs elsewhere: the copy whose context agrees best,
   nearest the expected place, is taken: ``moved``.
3. **Fuzzy quote.** Text *like* the quote, with at most ``min(256, len(quote) / 2)``
   edits, weighed as ``(50·quote + 20·prefix + 20·suffix + 2·position) / 92`` (the
   weights of the Hypothesis web annotator): ``fuzzy``, with that score.
4. Otherwise the highlight is **orphaned**: kept, with its quote and its old offsets
   (clamped to the new text), for the reader to review (`candidates`, `accept`).

A match is only taken when the evidence is strong enough (`_acceptable`): at least 75 %
of the quote intact, and a weighed score of 0.7 (so a short quote needs its context to
agree), unless a long quote is 90 % intact or a 20-character one occurs exactly once.
Orphaning a highlight is better than silently attaching it, and its note, to the wrong
text.

Speed: the expected place of a highlight is its old offset shifted by how far its
neighbour moved (an edit shifts everything after it), so nearly every search is a look
at one spot, then at a window around it: exact `str.find`, then rapidfuzz's
`partial_ratio_alignment` to find the likeliest stretch and an exact bit-parallel
alignment (Myers) of those few hundred characters. Only highlights not found near their
expected place are searched for in the whole text (exact copies, and approximate ones
around exact copies of pieces of the quote), spread over the document and at most
`WIDE_SEARCHES` per call. A highlight whose text hash is unchanged is not looked at.
Measured on the 3 MB book with 1,000 highlights: unchanged 0.1 ms; the same text under a
new hash 13 ms; 80 random edits 55 ms; 400 edits 250 ms; replaced by unrelated text
(all orphaned) 360 ms.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from annotations.model import CONTEXT_LENGTH, AnchorStatus, Highlight, context_around, timestamp

QUOTE_WEIGHT = 50.0
"""Weight of the quote's similarity in a match's score."""
PREFIX_WEIGHT = 20.0
"""Weight of the prefix's agreement (less when less prefix was stored)."""
SUFFIX_WEIGHT = 20.0
"""Weight of the suffix's agreement (less when less suffix was stored)."""
POSITION_WEIGHT = 2.0
"""Weight of closeness to the expected place: breaks ties between equal copies."""

MIN_QUOTE_SIMILARITY = 0.75
"""A fuzzy match must keep at least this share of the quote (1 - edits / length)."""

MIN_SCORE = 0.70
"""A match whose weighed score is lower is refused, unless its quote is long and intact."""

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

SEARCH_RADIUS = 2048
"""Characters searched on each side of the expected place, exactly and approximately."""

FAR_RADIUS = 1 << 16
"""Characters searched on each side for an exact copy before the whole text."""

SEED_LENGTH = 16
"""Length of the quote pieces looked for exactly in the whole text."""

MAX_SEED_HITS = 4
"""Occurrences of each piece followed, on each side of the expected place."""

MAX_OCCURRENCES = 32
"""Exact occurrences of a quote weighed, on each side of the expected place."""

WIDE_SEARCHES = 64
"""Highlights per `reanchor` call that may be searched for in the whole text (each costs
about three scans of it, ~3 ms in a 3 MB book). Beyond that, a highlight not found near
its expected place is orphaned: this bounds the time taken when a file is replaced by
unrelated text (every highlight an orphan), and `candidates` can still find it later."""

LOCATOR_QUOTE = 512
"""Up to this length, rapidfuzz's `partial_ratio_alignment` picks the stretch to align;
beyond it, exact copies of pieces of the quote do (see `_Finder._fuzzy_in`)."""

MAX_FUZZY_QUOTE = 8192
"""Longer quotes (a whole chapter highlighted) are only looked for exactly: aligning
them approximately takes seconds. Changed, they are orphaned, and the reader can still
accept the span between their surviving context (`candidates`)."""

_CHUNK = 4096
"""Characters per chunk when `candidates` scans the whole text."""


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One place the quote might be, and how well it fits there."""

    start: int
    end: int
    errors: int
    """Levenshtein distance between the quote and ``text[start:end]``."""
    quote: float
    """1 - errors / len(quote)."""
    prefix: float
    """How well the text before agrees with the stored prefix, 0 to 1 (counted from
    `CONTEXT_FLOOR`); with no stored prefix, 1 at the start of the text, else 0."""
    suffix: float
    """The same for the text after and the stored suffix."""
    score: float
    """The weighed score, 0 to 1."""


def max_errors(quote: str) -> int:
    """The most edits a fuzzy match of `quote` may have: ``min(256, len(quote) // 2)``."""
    return min(256, len(quote) // 2)


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
    found = _Search(_Finder(new_text, old_text), ordered).run()
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

    def __init__(self, finder: _Finder, ordered: list[Highlight]) -> None:
        self.finder = finder
        self.ordered = ordered
        self.found: dict[int, _Candidate] = {}
        self.tried: dict[int, int] = {}
        """The hint each position was last looked for near, so as not to look twice."""

    def run(self) -> dict[int, _Candidate]:
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
    finder = _Finder(text, None)
    hint = min(highlight.start, len(text))
    found = finder.all_candidates(highlight, hint, limit)
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


@dataclass(frozen=True, slots=True)
class _Wide:
    """What a search of the whole text found."""

    exact: tuple[int, ...]
    """Starts of exact occurrences of the quote (the nearest ones)."""
    unique: bool
    """Whether the quote occurs exactly once in the whole text."""
    regions: tuple[tuple[int, int], ...]
    """Small regions where an approximate match may lie, merged and sorted."""


# --- results -----------------------------------------------------------------------------


def _placed(highlight: Highlight, found: _Candidate, text: str, new_hash: str) -> Highlight:
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


# --- the search --------------------------------------------------------------------------


class _Finder:
    """Searches one text for many highlights (what is known about the edit is kept)."""

    def __init__(self, text: str, old_text: str | None) -> None:
        self.text = text
        self.length = len(text)
        self.wide_searches_left = WIDE_SEARCHES
        """How many more highlights may be searched for in the whole text."""
        self.same_before = 0
        """Characters at the start that the old and new texts share (with `old_text`)."""
        self.same_after_old = 0
        """Where, in the old text, the shared characters at the end begin."""
        self.growth = 0
        """len(new) - len(old)."""
        if old_text is not None:
            before = _common_prefix_length(old_text, text)
            after = _common_suffix_length(
                old_text, text, limit=min(len(old_text), len(text)) - before
            )
            self.same_before = before
            self.same_after_old = len(old_text) - after
            self.growth = len(text) - len(old_text)
            self._has_old = True
        else:
            self._has_old = False

    # -- where to look first

    def expected_start(self, highlight: Highlight, shift: int) -> int:
        """Where the highlight most likely starts now."""
        if self._has_old:
            if highlight.end <= self.same_before:
                return highlight.start
            if highlight.start >= self.same_after_old:
                return highlight.start + self.growth
        return min(max(0, highlight.start + shift), self.length)

    # -- one highlight

    def locate_near(self, highlight: Highlight, hint: int) -> _Candidate | None:
        """Find one highlight around its old place and `hint` (stages 1 to 4), or None.

        Exact then fuzzy near the expected place, and only then exact copies farther
        away: a nearby copy with a typo fixed is a better match than a far exact copy.
        """
        quote = highlight.quote
        size = len(quote)
        text = self.text
        # 1. The old offsets, then the expected place: is the quote right there, with its
        # context intact? If only the quote is, the copies around are compared first: a
        # letter, or a phrase in repetitive text, is often "right there" by chance.
        spots = tuple(dict.fromkeys((highlight.start, hint)))
        for spot in spots:
            if (
                text.startswith(quote, spot)
                and (spot != highlight.start or highlight.end - highlight.start == size)
                and self._context_intact(highlight, spot, spot + size)
            ):
                return self._weigh(highlight, spot, spot + size, 0, hint)
        # 2. Exact copies near those places.
        windows = _merged([self._window(spot, size, SEARCH_RADIUS) for spot in spots])
        best = _best_acceptable(self._exact_in(highlight, hint, windows), size)
        if best is not None:
            return best
        # 3. Approximate matches near those places.
        limit = _search_errors(quote)
        if limit:
            fuzzy = [
                candidate
                for window in windows
                for candidate in self._fuzzy_in(highlight, hint, window, limit, locate=True)
            ]
            best = _best_acceptable(fuzzy, size)
            if best is not None:
                return best
        # 4. Exact copies farther around (a plain search of a few hundred KB is cheap).
        far = _merged([self._window(spot, size, FAR_RADIUS) for spot in spots])
        return _best_acceptable(self._exact_in(highlight, hint, far), size)

    def locate_wide(self, highlight: Highlight, hint: int) -> _Candidate | None:
        """Find one highlight in the whole text (stages 5 and 6), or None.

        Each call spends one of `WIDE_SEARCHES` (about three scans of the text).
        """
        quote = highlight.quote
        size = len(quote)
        limit = _search_errors(quote)
        self.wide_searches_left -= 1
        wide = self._wide_search(highlight, min(max(0, hint), self.length), limit)
        everywhere = [self._weigh(highlight, start, start + size, 0, hint) for start in wide.exact]
        best = _best_acceptable(everywhere, size, unique=wide.unique)
        if best is not None or not limit:
            return best
        fuzzy = [
            candidate
            for region in wide.regions
            for candidate in self._fuzzy_in(highlight, hint, region, limit, locate=False)
        ]
        return _best_acceptable(fuzzy, size)

    def _context_intact(self, highlight: Highlight, start: int, end: int) -> bool:
        """Whether the stored prefix and suffix surround ``text[start:end]`` unchanged
        (an empty one: the start or end of the text is still there)."""
        text, prefix, suffix = self.text, highlight.prefix, highlight.suffix
        before = text.endswith(prefix, 0, start) if prefix else start == 0
        return before and (text.startswith(suffix, end) if suffix else end == self.length)

    def all_candidates(self, highlight: Highlight, hint: int, limit: int) -> list[_Candidate]:
        """Every plausible place for `highlight`, best first, not overlapping."""
        quote = highlight.quote
        size = len(quote)
        errors = max_errors(quote) if size <= MAX_FUZZY_QUOTE else 0
        found: list[_Candidate] = []
        wide = self._wide_search(highlight, hint, errors)
        found.extend(self._weigh(highlight, s, s + size, 0, hint) for s in wide.exact)
        found.extend(self._between_context(highlight, hint))
        if errors:
            regions = [self._window(hint, size, SEARCH_RADIUS), *wide.regions]
            for region in regions:
                found.extend(self._fuzzy_in(highlight, hint, region, errors, locate=True))
            if len(_distinct(found)) < limit and size <= LOCATOR_QUOTE:
                for region in self._best_chunks(quote, limit * 3):
                    found.extend(self._fuzzy_in(highlight, hint, region, errors, locate=True))
        return _distinct(found)

    # -- exact copies

    def _nearest(
        self, needle: str, center: int, count: int, low: int = 0, high: int | None = None
    ) -> tuple[list[int], bool]:
        """Up to `count` occurrences of `needle` inside ``text[low:high]`` on each side of
        `center`, and whether that was all of them there.

        Searching backwards uses forward `str.find` over ever larger blocks before
        `center`: `str.rfind` is markedly slower over megabytes.
        """
        text = self.text
        high = self.length if high is None else high
        center = min(max(low, center), high)
        after: list[int] = []
        position = text.find(needle, center, high)
        while position != -1 and len(after) < count:
            after.append(position)
            position = text.find(needle, position + 1, high)
        complete = position == -1
        before: list[int] = []
        top = center  # occurrences starting before `center`
        block = 1 << 12
        while top > low and len(before) < count:
            bottom = max(low, top - block)
            end = min(high, top + len(needle) - 1)
            hits: list[int] = []
            position = text.find(needle, bottom, end)
            while position != -1:
                hits.append(position)
                position = text.find(needle, position + 1, end)
            before.extend(reversed(hits))
            top = bottom
            block *= 4
        if len(before) > count:
            before = before[:count]
            complete = False
        elif top > low:
            complete = False
        return after + before, complete

    def _exact_starts(
        self, highlight: Highlight, center: int, low: int = 0, high: int | None = None
    ) -> tuple[list[int], bool]:
        """Starts of exact copies of the quote, nearest `center` first, and whether the
        quote's own copies were all found.

        A short quote may occur hundreds of times; its copies that keep a piece of the
        highlight's context are looked for as well, so the right one is not missed
        among the nearest.
        """
        quote = highlight.quote
        starts, complete = self._nearest(quote, center, MAX_OCCURRENCES, low, high)
        if len(quote) < UNIQUE_QUOTE:
            before = highlight.prefix[-SEED_LENGTH:]
            after = highlight.suffix[:SEED_LENGTH]
            if before:
                hits, _ = self._nearest(
                    before + quote, center - len(before), MAX_SEED_HITS, low, high
                )
                starts.extend(hit + len(before) for hit in hits)
            if after:
                hits, _ = self._nearest(quote + after, center, MAX_SEED_HITS, low, high)
                starts.extend(hits)
        return sorted(set(starts)), complete

    def _exact_in(
        self, highlight: Highlight, hint: int, windows: list[tuple[int, int]]
    ) -> list[_Candidate]:
        size = len(highlight.quote)
        return [
            self._weigh(highlight, start, start + size, 0, hint)
            for low, high in windows
            for start in self._exact_starts(highlight, hint, low, high)[0]
        ]

    def _wide_search(self, highlight: Highlight, hint: int, limit: int) -> _Wide:
        """Exact copies of the quote in the whole text, and the regions where an
        approximate match could be: around exact occurrences of pieces of the quote.

        The first piece's occurrences also give the quote's own (a quote starts with its
        first piece), so a quote that is nowhere costs three scans of the text, not four.
        """
        quote = highlight.quote
        size = len(quote)
        text = self.text
        if size < SEED_LENGTH + 8:
            starts, complete = self._exact_starts(highlight, hint)
            unique = complete and sum(text.startswith(quote, s) for s in starts) == 1
            return _Wide(tuple(starts), unique, ())
        offsets = tuple(dict.fromkeys((0, (size - SEED_LENGTH) // 2, size - SEED_LENGTH)))
        regions: list[tuple[int, int]] = []
        exact: list[int] = []
        complete = True
        for offset in offsets:
            piece = quote[offset : offset + SEED_LENGTH]
            count = MAX_OCCURRENCES if offset == 0 else MAX_SEED_HITS
            hits, all_found = self._nearest(piece, hint + offset, count)
            if offset == 0:
                exact = [hit for hit in hits if text.startswith(quote, hit)]
                complete = all_found
                if not all_found:  # a common opening: look for the quote itself
                    exact, complete = self._nearest(quote, hint, MAX_OCCURRENCES)
            if not limit:
                break
            nearest = sorted(hits, key=lambda hit: abs(hit - hint - offset))[: 2 * MAX_SEED_HITS]
            for hit in nearest:
                start = hit - offset
                regions.append(
                    (max(0, start - limit - 1), min(self.length, start + size + limit + 1))
                )
        unique = complete and len(exact) == 1
        return _Wide(tuple(sorted(set(exact))), unique, tuple(_merged(regions)))

    # -- approximate matches

    def _window(self, center: int, size: int, radius: int) -> tuple[int, int]:
        return max(0, center - radius), min(self.length, center + size + radius)

    def _fuzzy_in(
        self,
        highlight: Highlight,
        hint: int,
        region: tuple[int, int],
        limit: int,
        *,
        locate: bool,
    ) -> list[_Candidate]:
        """Approximate matches of the quote in ``text[region]`` with at most `limit` edits.

        With `locate`, the likeliest stretches of a large region are found first and
        only they are aligned exactly (the alignment costs a dozen integer operations
        per character): for a quote of up to `LOCATOR_QUOTE` characters, the stretch
        rapidfuzz's `partial_ratio_alignment` likes best (in C); for a longer one, where
        that grows slow, the stretches around exact copies of pieces of the quote.
        """
        quote = highlight.quote
        size = len(quote)
        low, high = region
        if high <= low:
            return []
        stretches = [(low, high)]
        if locate and high - low > size + 4 * limit + 64:
            if size <= LOCATOR_QUOTE:
                cutoff = max(0.0, 100.0 * (1.0 - 1.5 * limit / size))
                alignment = fuzz.partial_ratio_alignment(
                    quote, self.text[low:high], score_cutoff=cutoff
                )
                if alignment is None:
                    return []
                stretches = [
                    (
                        max(low, low + alignment.dest_start - limit - 1),
                        min(high, low + alignment.dest_end + limit + 1),
                    )
                ]
            else:
                stretches = self._piece_regions(quote, low, high, limit)
        return [
            self._weigh(highlight, start, end, errors, hint)
            for stretch_low, stretch_high in stretches
            for start, end, errors in _approximate_matches(
                quote, self.text, stretch_low, stretch_high, limit
            )
        ]

    def _piece_regions(self, quote: str, low: int, high: int, limit: int) -> list[tuple[int, int]]:
        """Where, in ``text[low:high]``, a long quote could lie: around exact copies of
        eight of its pieces (an approximate copy keeps most of them intact)."""
        size = len(quote)
        regions: list[tuple[int, int]] = []
        for index in range(8):
            offset = index * (size - SEED_LENGTH) // 7
            piece = quote[offset : offset + SEED_LENGTH]
            position = self.text.find(piece, low, high)
            hits = 0
            while position != -1 and hits < MAX_SEED_HITS:
                hits += 1
                start = position - offset
                regions.append((max(low, start - limit - 1), min(high, start + size + limit + 1)))
                position = self.text.find(piece, position + 1, high)
        return _merged(regions)

    def _between_context(self, highlight: Highlight, hint: int) -> list[_Candidate]:
        """Spans where the quote's context survives on both sides but the quote was
        rewritten: the likeliest answer for an orphan, though too bold to take unasked."""
        prefix, suffix, text = highlight.prefix, highlight.suffix, self.text
        if len(prefix) < SEED_LENGTH // 2 or len(suffix) < SEED_LENGTH // 2:
            return []
        longest = 2 * len(highlight.quote) + 64
        starts, _ = self._nearest(prefix, max(0, hint - len(prefix)), MAX_SEED_HITS)
        found: list[_Candidate] = []
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
                found.append(self._weigh(highlight, start, end, edits, hint))
        return found

    def _best_chunks(self, quote: str, count: int) -> list[tuple[int, int]]:
        """The `count` stretches of the whole text most like the quote (for `candidates`)."""
        size = len(quote)
        step = max(_CHUNK, 4 * size)
        overlap = size + max_errors(quote)
        scored: list[tuple[float, int, int]] = []
        for low in range(0, self.length, step):
            high = min(self.length, low + step + overlap)
            score = fuzz.partial_ratio(quote, self.text[low:high], score_cutoff=50)
            if score:
                scored.append((score, low, high))
        scored.sort(key=lambda item: -item[0])
        return [(low, high) for _, low, high in scored[:count]]

    # -- weighing

    def _weigh(
        self, highlight: Highlight, start: int, end: int, errors: int, hint: int
    ) -> _Candidate:
        """Score a place: ``(50·quote + 20·prefix + 20·suffix + 2·position) / 92``.

        A context side counts in proportion to how much context was stored (a quote
        near the start of the text has a short prefix, which proves little); the score
        is divided by the weight actually used, so it stays within 0 to 1.
        """
        text = self.text
        size = len(highlight.quote)
        quote = max(0.0, 1.0 - errors / size)
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
            suffix = 1.0 if end == self.length else 0.0
        prefix_weight = PREFIX_WEIGHT * min(1.0, len(stored_prefix) / CONTEXT_LENGTH)
        suffix_weight = SUFFIX_WEIGHT * min(1.0, len(stored_suffix) / CONTEXT_LENGTH)
        position = 1.0 - min(1.0, abs(start - hint) / max(1, self.length))
        score = (
            QUOTE_WEIGHT * quote
            + prefix_weight * prefix
            + suffix_weight * suffix
            + POSITION_WEIGHT * position
        ) / (QUOTE_WEIGHT + prefix_weight + suffix_weight + POSITION_WEIGHT)
        return _Candidate(
            start=start,
            end=end,
            errors=errors,
            quote=quote,
            prefix=prefix,
            suffix=suffix,
            score=score,
        )


# --- choosing ----------------------------------------------------------------------------


def _acceptable(candidate: _Candidate, size: int, *, unique: bool = False) -> bool:
    """Whether the evidence for a match is strong enough to move a highlight there."""
    if candidate.errors > min(256, size // 2) or candidate.quote < MIN_QUOTE_SIMILARITY:
        return False
    if candidate.score >= MIN_SCORE:
        return True
    if size >= LONG_QUOTE and candidate.quote >= LONG_QUOTE_SIMILARITY:
        return True
    return unique and candidate.errors == 0 and size >= UNIQUE_QUOTE


def _best_acceptable(
    found: list[_Candidate], size: int, *, unique: bool = False
) -> _Candidate | None:
    ranked = sorted(found, key=_rank)
    for candidate in ranked:
        if _acceptable(candidate, size, unique=unique):
            return candidate
    return None


def _rank(candidate: _Candidate) -> tuple[float, int, int]:
    return (-candidate.score, candidate.errors, candidate.start)


def _distinct(found: list[_Candidate]) -> list[_Candidate]:
    """Best first, dropping any candidate that overlaps a better one."""
    kept: list[_Candidate] = []
    for candidate in sorted(found, key=_rank):
        if all(candidate.end <= other.start or candidate.start >= other.end for other in kept):
            kept.append(candidate)
    return kept


def _search_errors(quote: str) -> int:
    """Edits worth searching with: more could never reach `MIN_QUOTE_SIMILARITY`."""
    if len(quote) > MAX_FUZZY_QUOTE:
        return 0
    return min(max_errors(quote), int(len(quote) * (1.0 - MIN_QUOTE_SIMILARITY)))


def _rescaled(similarity: float) -> float:
    return max(0.0, (similarity - CONTEXT_FLOOR) / (1.0 - CONTEXT_FLOOR))


def _merged(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(regions):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


# --- approximate matching (Myers' bit-parallel algorithm) --------------------------------


def _approximate_matches(
    pattern: str, text: str, low: int, high: int, limit: int
) -> list[tuple[int, int, int]]:
    """Places in ``text[low:high]`` where `pattern` matches with at most `limit` edits.

    Returns ``(start, end, edits)`` for each local best end (at most 16, fewest edits
    first): the end comes from a forward pass that tracks, for every end position, the
    fewest edits of any substring ending there; the start from a backward pass, anchored
    at that end, that picks the start with the fewest edits (ties: the length nearest
    the pattern's).
    """
    size = len(pattern)
    if size == 0 or high <= low:
        return []
    masks, reversed_masks = _masks(pattern)
    scores = _edit_scores(masks, size, text[low:high], anchored=False)
    last = len(scores) - 1
    ends: list[tuple[int, int]] = []
    for j, score in enumerate(scores):
        if score > limit:
            continue
        left = scores[j - 1] if j > 0 else size + 1
        right = scores[j + 1] if j < last else size + 1
        # The first and the last position of every valley floor.
        if (left > score and right >= score) or (left >= score and right > score):
            ends.append((score, low + j + 1))
    ends.sort()
    matches: dict[tuple[int, int], int] = {}
    for _, end in ends[:16]:
        earliest = max(low, end - size - limit)
        start, edits = _best_start(reversed_masks, size, text[earliest:end][::-1], end)
        if edits <= limit:
            matches.setdefault((start, end), edits)
    return sorted(((s, e, d) for (s, e), d in matches.items()), key=lambda m: (m[2], m[0]))


def _best_start(masks: dict[str, int], size: int, backwards: str, end: int) -> tuple[int, int]:
    """The start, before `end`, of the span closest to the pattern (see above)."""
    scores = _edit_scores(masks, size, backwards, anchored=True)
    best_length, best_edits, best_gap = 0, size + 1, size + 1
    for index, edits in enumerate(scores):
        length = index + 1
        gap = abs(length - size)
        if edits < best_edits or (edits == best_edits and gap < best_gap):
            best_length, best_edits, best_gap = length, edits, gap
    return end - best_length, best_edits


def _edit_scores(masks: dict[str, int], size: int, text: str, *, anchored: bool) -> list[int]:
    """Myers' bit-vector algorithm (in Hyyrö's formulation) over `text`.

    Returns, for each position j of `text`, the Levenshtein distance between the
    pattern and the best substring of `text` ending at j (``anchored=False``: the
    substring may start anywhere), or the substring ``text[:j + 1]`` (``anchored=True``).
    Python integers are as wide as needed, so any pattern length works; each character
    of `text` costs a dozen integer operations.
    """
    full = (1 << size) - 1
    top = 1 << (size - 1)
    carry = 1 if anchored else 0
    positive, negative, score = full, 0, size
    scores: list[int] = []
    append = scores.append
    mask_of = masks.get
    for char in text:
        eq = mask_of(char, 0)
        vertical = eq | negative
        horizontal = (((eq & positive) + positive) ^ positive) | eq
        up = negative | (full & ~(horizontal | positive))
        down = positive & horizontal
        if up & top:
            score += 1
        elif down & top:
            score -= 1
        up = ((up << 1) | carry) & full
        down = (down << 1) & full
        positive = down | (full & ~(vertical | up))
        negative = up & vertical
        append(score)
    return scores


@lru_cache(maxsize=256)
def _masks(pattern: str) -> tuple[dict[str, int], dict[str, int]]:
    """For each character, the bits of its positions in `pattern` (and in it reversed)."""
    forward: dict[str, int] = {}
    backward: dict[str, int] = {}
    last = len(pattern) - 1
    for index, char in enumerate(pattern):
        forward[char] = forward.get(char, 0) | (1 << index)
        backward[char] = backward.get(char, 0) | (1 << (last - index))
    return forward, backward


def _common_prefix_length(a: str, b: str) -> int:
    """Length of the longest common prefix, by halving (slice comparisons run in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix_length(a: str, b: str, *, limit: int) -> int:
    """Length of the longest common suffix, at most `limit`."""
    low, high = 0, max(0, limit)
    size_a, size_b = len(a), len(b)
    while low < high:
        middle = (low + high + 1) // 2
        if a[size_a - middle : size_a - low] == b[size_b - middle : size_b - low]:
            low = middle
        else:
            high = middle - 1
    return low
