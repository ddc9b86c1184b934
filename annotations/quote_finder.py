"""Searching one text for the quotes of many highlights: near where each is expected,
then, for the few not found there, in the whole text.

Nearly every search is a look at one spot, then at a window around it: exact `str.find`,
then rapidfuzz's `partial_ratio_alignment` to find the likeliest stretch, and an exact
bit-parallel alignment (`annotations.approximate_matching`) of those few hundred
characters. A search of the whole text looks for exact copies of the quote, and for
approximate ones around exact copies of pieces of it; each costs about three scans of
the text, so a `QuoteFinder` allows only `WIDE_SEARCHES` of them. Every place found is
weighed and judged by `annotations.anchor_scoring`.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from annotations.anchor_scoring import (
    MIN_QUOTE_SIMILARITY,
    UNIQUE_QUOTE,
    Candidate,
    best_acceptable,
    max_errors,
    weigh,
)
from annotations.approximate_matching import approximate_matches
from annotations.model import Highlight
from annotations.passage_alignment import align_passage

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

WIDE_SEARCHES = 32
"""Highlights per `reanchor` call that may be searched for in the whole text (each costs
about three scans of it, ~3 ms in a 3 MB book). Beyond that, a highlight not found near
its expected place is orphaned: this bounds the time taken when a file is replaced by
unrelated text (every highlight an orphan), and `candidates` can still find it later."""

LOCATOR_QUOTE = 512
"""Up to this length, rapidfuzz's `partial_ratio_alignment` picks the stretch to align;
beyond it, exact copies of pieces of the quote do (see `QuoteFinder.fuzzy_in`)."""

CONVINCING_SCORE = 0.9
"""An exact copy near the expected place scoring this much (its context mostly agrees)
is taken without looking for an edited passage that might fit better."""

IN_PLACE_CONTEXT = 0.7
"""Agreement of both context sides (see `Candidate.prefix`) that shows a highlight's
passage was rewritten where it was (`QuoteFinder.rewritten_in_place`)."""

ALIGNMENT_PAD = 24
"""Characters beyond a rough match and its context that are aligned word by word: room
for words inserted at the passage's ends."""

MAX_FUZZY_QUOTE = 8192
"""Longer quotes (a whole chapter highlighted) are only looked for exactly: aligning
them approximately takes seconds. Changed, they are orphaned, and the reader can still
accept the span between their surviving context (`candidates`)."""


@dataclass(frozen=True, slots=True)
class WideSearch:
    """What a search of the whole text found."""

    exact: tuple[int, ...]
    """Starts of exact occurrences of the quote (the nearest ones)."""
    unique: bool
    """Whether the quote occurs exactly once in the whole text."""
    regions: tuple[tuple[int, int], ...]
    """Small regions where an approximate match may lie, merged and sorted."""


class QuoteFinder:
    """Searches one text for many highlights (what is known about the edit is kept)."""

    def __init__(self, text: str, old_text: str | None) -> None:
        self.text = text
        self.length = len(text)
        self.wide_searches_left = WIDE_SEARCHES
        """How many more highlights may be searched for in the whole text."""
        self._rewritten: set[str] = set()
        """Ids of highlights rewritten where they were (see `rewritten_in_place`)."""
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

    def locate_near(self, highlight: Highlight, hint: int) -> Candidate | None:
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
                return weigh(self.text, highlight, spot, spot + size, 0, hint)
        # 2. Exact copies near those places: taken at once when their context agrees.
        windows = _merged([self.window(spot, size, SEARCH_RADIUS) for spot in spots])
        exact = self._exact_in(highlight, hint, windows)
        best = best_acceptable(exact, size)
        if best is not None and best.score >= CONVINCING_SCORE:
            return best
        # 3. Approximate matches near those places: the passage edited in place may fit
        # better than a copy of its words elsewhere.
        limit = _search_errors(quote)
        if limit:
            fuzzy = [
                candidate
                for window in windows
                for candidate in self.fuzzy_in(highlight, hint, window, limit, locate=True)
            ]
            fuzzy += self.passage_near(highlight, hint)
            best = best_acceptable(fuzzy + exact, size)
            if best is not None:
                return best
            if any(min(c.prefix, c.suffix) >= IN_PLACE_CONTEXT for c in fuzzy):
                self._rewritten.add(highlight.id)
        # 4. Exact copies farther around (a plain search of a few hundred KB is cheap).
        far = _merged([self.window(spot, size, FAR_RADIUS) for spot in spots])
        return best_acceptable(self._exact_in(highlight, hint, far), size)

    def rewritten_in_place(self, highlight: Highlight) -> bool:
        """Whether `locate_near` found the highlight's context on both sides where it was
        expected, around some of its words, but too little of the quote between: its
        passage was rewritten there, not moved, so the whole text is not searched (a
        copy of its words elsewhere would be someone else's passage)."""
        return highlight.id in self._rewritten

    def locate_wide(self, highlight: Highlight, hint: int) -> Candidate | None:
        """Find one highlight in the whole text (stages 5 and 6), or None.

        Each call spends one of `WIDE_SEARCHES` (about three scans of the text).
        """
        quote = highlight.quote
        size = len(quote)
        limit = _search_errors(quote)
        self.wide_searches_left -= 1
        wide = self.wide_search(highlight, min(max(0, hint), self.length), limit)
        everywhere = [
            weigh(self.text, highlight, start, start + size, 0, hint) for start in wide.exact
        ]
        best = best_acceptable(everywhere, size, unique=wide.unique)
        if best is not None or not limit:
            return best
        fuzzy = [
            candidate
            for region in wide.regions
            for candidate in self.fuzzy_in(highlight, hint, region, limit, locate=False)
        ]
        return best_acceptable(fuzzy, size)

    def _context_intact(self, highlight: Highlight, start: int, end: int) -> bool:
        """Whether the stored prefix and suffix surround ``text[start:end]`` unchanged
        (an empty one: the start or end of the text is still there)."""
        text, prefix, suffix = self.text, highlight.prefix, highlight.suffix
        before = text.endswith(prefix, 0, start) if prefix else start == 0
        return before and (text.startswith(suffix, end) if suffix else end == self.length)

    # -- exact copies

    def nearest(
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
        starts, complete = self.nearest(quote, center, MAX_OCCURRENCES, low, high)
        if len(quote) < UNIQUE_QUOTE:
            before = highlight.prefix[-SEED_LENGTH:]
            after = highlight.suffix[:SEED_LENGTH]
            if before:
                hits, _ = self.nearest(
                    before + quote, center - len(before), MAX_SEED_HITS, low, high
                )
                starts.extend(hit + len(before) for hit in hits)
            if after:
                hits, _ = self.nearest(quote + after, center, MAX_SEED_HITS, low, high)
                starts.extend(hits)
        return sorted(set(starts)), complete

    def _exact_in(
        self, highlight: Highlight, hint: int, windows: list[tuple[int, int]]
    ) -> list[Candidate]:
        """Every exact copy of the quote in `windows`, weighed."""
        size = len(highlight.quote)
        return [
            weigh(self.text, highlight, start, start + size, 0, hint)
            for low, high in windows
            for start in self._exact_starts(highlight, hint, low, high)[0]
        ]

    def wide_search(self, highlight: Highlight, hint: int, limit: int) -> WideSearch:
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
            return WideSearch(tuple(starts), unique, ())
        offsets = tuple(dict.fromkeys((0, (size - SEED_LENGTH) // 2, size - SEED_LENGTH)))
        regions: list[tuple[int, int]] = []
        exact: list[int] = []
        complete = True
        for offset in offsets:
            piece = quote[offset : offset + SEED_LENGTH]
            count = MAX_OCCURRENCES if offset == 0 else MAX_SEED_HITS
            hits, all_found = self.nearest(piece, hint + offset, count)
            if offset == 0:
                exact = [hit for hit in hits if text.startswith(quote, hit)]
                complete = all_found
                if not all_found:  # a common opening: look for the quote itself
                    exact, complete = self.nearest(quote, hint, MAX_OCCURRENCES)
            if not limit:
                break
            nearest = sorted(hits, key=lambda hit: abs(hit - hint - offset))[: 2 * MAX_SEED_HITS]
            for hit in nearest:
                start = hit - offset
                regions.append(
                    (max(0, start - limit - 1), min(self.length, start + size + limit + 1))
                )
        unique = complete and len(exact) == 1
        return WideSearch(tuple(sorted(set(exact))), unique, tuple(_merged(regions)))

    # -- approximate matches

    def window(self, center: int, size: int, radius: int) -> tuple[int, int]:
        """`radius` characters on each side of `size` characters from `center`, clipped
        to the text."""
        return max(0, center - radius), min(self.length, center + size + radius)

    def fuzzy_in(
        self,
        highlight: Highlight,
        hint: int,
        region: tuple[int, int],
        limit: int,
        *,
        locate: bool,
    ) -> list[Candidate]:
        """Approximate matches of the quote in ``text[region]`` with at most `limit` edits.

        With `locate`, the likeliest stretches of a large region are found first and
        only they are aligned (the exact alignment costs a dozen integer operations per
        character): for a quote of up to `LOCATOR_QUOTE` characters, the stretch
        rapidfuzz's `partial_ratio_alignment` likes best (in C), taken as it is; for a
        longer one, where that grows slow, the stretches around exact copies of pieces
        of the quote. Every match is then widened or narrowed to the passage the
        highlight became (`passages_in`).
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
                # The ends are placed by aligning words with the context, so the
                # likeliest stretch is place enough: no exact alignment is needed.
                place = (low + alignment.dest_start, low + alignment.dest_end)
                return self.passages_in(highlight, hint, [place], limit)
            stretches = self._piece_regions(quote, low, high, limit)
        places = [
            (start, end)
            for stretch_low, stretch_high in stretches
            for start, end, _ in approximate_matches(
                quote, self.text, stretch_low, stretch_high, limit
            )
        ]
        return self.passages_in(highlight, hint, places, limit)

    def passages_in(
        self, highlight: Highlight, hint: int, places: list[tuple[int, int]], limit: int
    ) -> list[Candidate]:
        """The passages the highlight became around `places` (rough matches of its
        quote), each end placed from evidence (`align_passage`), weighed."""
        before, after = len(highlight.prefix), len(highlight.suffix)
        pad = ALIGNMENT_PAD + limit
        windows = _merged(
            [(max(0, s - before - pad), min(self.length, e + after + pad)) for s, e in places]
        )
        found: dict[tuple[int, int], Candidate] = {}
        for low, high in windows:
            span = align_passage(self.text, highlight, low, high)
            if span is None or span in found:
                continue
            start, end = span
            errors = Levenshtein.distance(highlight.quote, self.text[start:end])
            found[span] = weigh(self.text, highlight, start, end, errors, hint)
        return list(found.values())

    def passage_near(self, highlight: Highlight, hint: int) -> list[Candidate]:
        """The passage the highlight became, aligned right where it is expected: found
        even when an inserted word leaves no close match of the quote alone."""
        size = len(highlight.quote)
        if size > MAX_FUZZY_QUOTE:
            return []
        return self.passages_in(highlight, hint, [(hint, min(self.length, hint + size))], size // 4)

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


def _search_errors(quote: str) -> int:
    """Edits worth searching with: more could never reach `MIN_QUOTE_SIMILARITY`."""
    if len(quote) > MAX_FUZZY_QUOTE:
        return 0
    return min(max_errors(quote), int(len(quote) * (1.0 - MIN_QUOTE_SIMILARITY)))


def _merged(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`regions` sorted, with those that overlap or touch joined into one."""
    joined: list[tuple[int, int]] = []
    for low, high in sorted(regions):
        if joined and low <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], high))
        else:
            joined.append((low, high))
    return joined


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
