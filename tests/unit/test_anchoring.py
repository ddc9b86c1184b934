"""Re-anchoring: highlights are found again after edits, or orphaned, never lost or misplaced."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from annotations.anchor_scoring import MIN_QUOTE_SIMILARITY, max_errors
from annotations.anchoring import reanchor
from annotations.approximate_matching import approximate_matches
from annotations.model import CONTEXT_LENGTH, AnchorStatus, Highlight, edited, new_highlight
from annotations.orphan_review import accept, candidates

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
BOOK = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "war_and_peace.txt"

ARTICLE = """\
The town council voted on Tuesday night to keep the old swimming pool open for one more summer, \
after a meeting that ran past midnight and drew more residents than the hall could seat.

Supporters arrived with hand-painted signs and a petition of four thousand names. Several \
described learning to swim in the pool as children; one retired lifeguard read out the \
rescue log he had kept since 1987.

Opponents pointed to the repair bill. An engineering survey found cracks in the deep end and \
a pump house that no longer meets safety rules, and estimated the work at two million pounds.

The compromise, proposed by the deputy mayor, funds the essential repairs from reserves and \
asks a citizens' panel to report by autumn on whether a new leisure centre would serve the \
town better in the long run.

Shopkeepers on the high street welcomed the decision. The bakery owner said summer trade \
doubles when the pool is open, because families stop for lunch on their way home.

A final vote on the long-term plan is expected before the end of the year, once the panel \
has heard from swimmers, schools and the sports clubs that use the site in winter."""

INSERTED_WORDS = ("zephyr", "quixotic", "marmalade", "obelisk", "juniper", "kumquat", "wyvern")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def highlight_of(text: str, quote: str, nth: int = 0) -> Highlight:
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return new_highlight("doc1", text, start, start + len(quote), content_hash=digest(text))


def covered(text: str, highlight: Highlight) -> str:
    return text[highlight.start : highlight.end]


def similarity(quote: str, found: str) -> float:
    return 1.0 - Levenshtein.distance(quote, found) / len(quote)


# --- exact, moved, fuzzy, orphaned ---------------------------------------------------------------


def test_unchanged_text_returns_the_very_same_highlights() -> None:
    highlights = [highlight_of(ARTICLE, "four thousand names"), highlight_of(ARTICLE, "swim")]
    result = reanchor(highlights, ARTICLE, ARTICLE, digest(ARTICLE))
    assert all(new is old for new, old in zip(result, highlights, strict=True))
    assert reanchor([], None, ARTICLE, "x") == ()


def test_same_text_under_another_hash_is_exact() -> None:
    highlight = highlight_of(ARTICLE, "four thousand names")
    [result] = reanchor([highlight], None, ARTICLE, "new-hash")
    assert result.status == AnchorStatus.EXACT and result.score is None
    assert (result.start, result.end) == (highlight.start, highlight.end)
    assert result.content_hash == "new-hash"


def test_insertion_before_moves_the_highlight() -> None:
    highlights = [highlight_of(ARTICLE, q) for q in ("rescue log", "bakery owner", "winter")]
    new_text = "UPDATE: the pool reopened in June.\n\n" + ARTICLE
    result = reanchor(highlights, None, new_text, digest(new_text))
    for old, new in zip(highlights, result, strict=True):
        assert new.status == AnchorStatus.MOVED
        assert covered(new_text, new) == old.quote
        assert new.start == old.start + len("UPDATE: the pool reopened in June.\n\n")
        assert new.prefix == new_text[new.start - CONTEXT_LENGTH : new.start]


def test_deletion_before_moves_the_highlight() -> None:
    highlight = highlight_of(ARTICLE, "citizens' panel")
    cut = ARTICLE.index("Opponents")
    new_text = ARTICLE[:cut] + ARTICLE[ARTICLE.index("The compromise") :]
    [result] = reanchor([highlight], ARTICLE, new_text, digest(new_text))
    assert result.status == AnchorStatus.MOVED
    assert covered(new_text, result) == "citizens' panel"


def test_edit_after_leaves_the_highlight_exact() -> None:
    highlight = highlight_of(ARTICLE, "kept since 1987")
    new_text = ARTICLE.replace("sports clubs", "rowing and diving clubs")
    [result] = reanchor([highlight], None, new_text, digest(new_text))
    assert result.status == AnchorStatus.EXACT
    assert (result.start, result.end) == (highlight.start, highlight.end)


def test_typo_fixed_inside_the_quote_is_found_fuzzily() -> None:
    text = ARTICLE.replace("engineering survey", "enginering survey")
    highlight = highlight_of(text, "An enginering survey found cracks in the deep end")
    new_text = "Corrected.\n\n" + ARTICLE
    [result] = reanchor([highlight], text, new_text, digest(new_text))
    assert result.status == AnchorStatus.FUZZY
    assert result.score is not None and 0.9 < result.score <= 1.0
    assert covered(new_text, result) == "An engineering survey found cracks in the deep end"
    assert result.quote == highlight.quote  # what the reader highlighted is kept
    assert result.note == highlight.note and result.id == highlight.id


def test_moved_paragraph_is_found_where_it_went() -> None:
    paragraphs = ARTICLE.split("\n\n")
    highlight = highlight_of(ARTICLE, "families stop for lunch")
    reordered = [paragraphs[4], *paragraphs[:4], *paragraphs[5:]]
    new_text = "\n\n".join(reordered)
    [result] = reanchor([highlight], None, new_text, digest(new_text))
    assert result.status == AnchorStatus.MOVED
    assert covered(new_text, result) == "families stop for lunch"
    assert result.start < new_text.index("The town council")


def test_deleted_passage_orphans_the_highlight_and_keeps_everything() -> None:
    highlight = edited(highlight_of(ARTICLE, "retired lifeguard read out"), note="Ask him")
    start = ARTICLE.index("Several described")
    new_text = ARTICLE[:start] + ARTICLE[ARTICLE.index("\n\nOpponents") :]
    [result] = reanchor([highlight], None, new_text, digest(new_text))
    assert result.status == AnchorStatus.ORPHANED and result.score is None
    assert result.quote == highlight.quote and result.note == "Ask him"
    assert (result.start, result.end) == (highlight.start, highlight.end)
    assert result.content_hash == digest(new_text)


def test_orphan_offsets_are_clamped_to_a_shorter_text() -> None:
    highlight = highlight_of(ARTICLE, "sports clubs")
    [result] = reanchor([highlight], None, "Short now.", digest("Short now."))
    assert result.status == AnchorStatus.ORPHANED
    assert result.start == result.end == len("Short now.")
    [gone] = reanchor([highlight], None, "", digest(""))
    assert (gone.status, gone.start, gone.end) == (AnchorStatus.ORPHANED, 0, 0)


def test_repeated_quote_picks_the_copy_whose_context_matches() -> None:
    text = (
        "In March the river rose over the road. Farmers moved cattle to the hills.\n\n"
        "In June the heat broke records. Farmers moved cattle to the shade of the woods.\n\n"
        "In August the harvest was early."
    )
    second = highlight_of(text, "Farmers moved cattle", nth=1)
    first = highlight_of(text, "Farmers moved cattle", nth=0)
    new_text = "A long year.\n\n" + text.replace("records.", "every record in the county.")
    result = reanchor([first, second], None, new_text, digest(new_text))
    assert [r.status for r in result] == [AnchorStatus.MOVED, AnchorStatus.MOVED]
    assert result[0].start == new_text.index("Farmers moved cattle")
    assert result[1].start == new_text.index("Farmers moved cattle", result[0].start + 1)


def test_repeated_quote_with_the_same_context_picks_the_nearest() -> None:
    line = "and the bell rang again."
    text = " ".join(f"Day {n}: {line}" for n in range(1, 9))
    highlight = highlight_of(text, line, nth=4)
    new_text = "Log. " + text
    [result] = reanchor([highlight], None, new_text, digest(new_text))
    assert result.start == highlight.start + len("Log. ")


def test_a_short_quote_is_not_moved_to_unrelated_text() -> None:
    text = "The ferry was late. " + "Nothing else happened that week in the village. " * 3
    highlight = highlight_of(text, "late")
    new_text = "Nothing else happened. It was too late to argue about the timetable by then."
    [result] = reanchor([highlight], None, new_text, digest(new_text))
    assert result.status == AnchorStatus.ORPHANED


def test_a_quote_at_the_very_start_is_found_after_text_is_put_before_it() -> None:
    highlight = highlight_of(ARTICLE, "The town council voted")
    assert highlight.prefix == ""
    new_text = "Breaking news. " + ARTICLE
    [result] = reanchor([highlight], None, new_text, digest(new_text))
    assert result.status == AnchorStatus.MOVED and covered(new_text, result) == highlight.quote


def test_results_keep_the_order_given_and_old_text_only_helps() -> None:
    quotes = ("winter", "compromise", "petition", "bakery owner", "two million pounds")
    highlights = [highlight_of(ARTICLE, q) for q in quotes]
    new_text = ARTICLE.replace("Tuesday night", "Tuesday evening, in a crowded hall,")
    without = reanchor(highlights, None, new_text, digest(new_text))
    with_old = reanchor(highlights, ARTICLE, new_text, digest(new_text))
    assert without == with_old
    assert [r.id for r in without] == [h.id for h in highlights]
    assert [covered(new_text, r) for r in without] == list(quotes)


def test_a_fuzzy_highlight_stays_fuzzy_and_findable_after_further_edits() -> None:
    text = ARTICLE.replace("hand-painted", "hand painted")
    highlight = highlight_of(text, "arrived with hand painted signs")
    once = reanchor([highlight], None, ARTICLE, digest(ARTICLE))[0]
    assert once.status == AnchorStatus.FUZZY
    again_text = "Note.\n\n" + ARTICLE
    twice = reanchor([once], None, again_text, digest(again_text))[0]
    assert twice.status == AnchorStatus.FUZZY
    assert covered(again_text, twice) == "arrived with hand-painted signs"


def _prose(seed: int, size: int) -> str:
    """Made-up prose of about `size` characters: paragraphs of sentences of syllable words."""
    rng = random.Random(seed)
    syllables = ("ka", "lo", "mi", "ren", "tu", "sha", "vel", "or", "din", "ep", "zu", "ha")
    words = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(3000)]
    paragraphs, total = [], 0
    while total < size:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(6, 20)))
            sentences.append(sentence.capitalize() + ".")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def test_a_long_quote_with_a_typo_fixed_is_found_fuzzily() -> None:
    text = _prose(1, 20_000)
    start = text.index(" ", 5000) + 1
    highlight = new_highlight("doc1", text, start, start + 1500, content_hash=digest(text))
    middle = start + 700
    fixed = text[:middle] + "Q" + text[middle + 1 :]
    new_text = _prose(2, 3000) + "\n\n" + fixed
    [result] = reanchor([highlight], None, new_text, digest(new_text))
    assert result.status == AnchorStatus.FUZZY
    assert covered(new_text, result) == fixed[start : start + 1500]


def test_highlights_after_a_large_rewrite_are_all_found() -> None:
    """A long stretch is replaced by twice as much new text: the highlights in it are
    orphaned, and the runs after it, moved farther than any window, are found by
    searching the whole text for one of them, then shifting its neighbours alike, even
    though the orphans come first and each costs a search of the whole text."""
    text = _prose(3, 600_000)
    rng = random.Random(4)
    highlights = _sentence_highlights(text, rng, 300)
    cut_start, cut_end = 200_000, 350_000
    new_text = text[:cut_start] + _prose(8, 2 * (cut_end - cut_start)) + text[cut_end:]
    growth = len(new_text) - len(text)
    result = reanchor(highlights, None, new_text, digest(new_text))
    statuses = []
    for old, new in zip(highlights, result, strict=True):
        if old.end <= cut_start - CONTEXT_LENGTH:
            assert (new.status, new.start) == (AnchorStatus.EXACT, old.start)
        elif old.start >= cut_end + CONTEXT_LENGTH:
            assert (new.status, new.start) == (AnchorStatus.MOVED, old.start + growth)
        elif cut_start + 200 <= old.start and old.end <= cut_end - 200:
            statuses.append(new.status)
    assert statuses.count(AnchorStatus.ORPHANED) > 64  # more than `WIDE_SEARCHES`


def test_unrelated_text_orphans_every_highlight() -> None:
    text = _prose(5, 50_000)
    highlights = _sentence_highlights(text, random.Random(6), 100)
    other = _prose(7, 50_000)
    result = reanchor(highlights, None, other, digest(other))
    for old, new in zip(highlights, result, strict=True):
        if new.is_placed:  # only a short quote that the other text contains
            assert similarity(old.quote, covered(other, new)) >= MIN_QUOTE_SIMILARITY
    assert sum(not r.is_placed for r in result) >= 95


# --- candidates and accept ---------------------------------------------------------------------


def test_candidates_offer_places_for_an_orphan_and_accept_anchors_it() -> None:
    highlight = highlight_of(ARTICLE, "funds the essential repairs from reserves")
    new_text = ARTICLE.replace(
        "funds the essential repairs from reserves",
        "pays for urgent repair work out of the council's reserves",
    )
    [orphan] = reanchor([highlight], None, new_text, digest(new_text))
    assert orphan.status == AnchorStatus.ORPHANED
    offered = candidates(orphan, new_text)
    assert 1 <= len(offered) <= 3
    scores = [score for _, _, score in offered]
    assert scores == sorted(scores, reverse=True)
    start, end, _ = offered[0]
    assert "reserves" in new_text[start:end]
    for (s1, e1, _), (s2, e2, _) in zip(offered, offered[1:], strict=False):
        assert e1 <= s2 or e2 <= s1
    fixed = accept(orphan, new_text, start, end, digest(new_text))
    assert fixed.status == AnchorStatus.EXACT and fixed.quote == new_text[start:end]
    assert fixed.prefix == new_text[max(0, start - CONTEXT_LENGTH) : start]
    assert fixed.updated >= highlight.updated and fixed.note == highlight.note
    [kept] = reanchor([fixed], None, new_text, digest(new_text))
    assert kept is fixed


def test_candidates_of_a_quote_that_is_nowhere_may_be_empty() -> None:
    highlight = highlight_of(ARTICLE, "retired lifeguard")
    assert candidates(highlight, "Completely different words about gardening.") == ()
    assert candidates(highlight, "") == ()
    assert candidates(highlight, ARTICLE, limit=0) == ()


def test_accept_refuses_an_empty_or_outside_span() -> None:
    highlight = highlight_of(ARTICLE, "winter")
    with pytest.raises(ValueError, match="must cover some of the text"):
        accept(highlight, ARTICLE, 5, 5, "h")
    with pytest.raises(ValueError, match="must cover some of the text"):
        accept(highlight, ARTICLE, 0, len(ARTICLE) + 1, "h")


def test_max_errors_follows_the_quote_length() -> None:
    assert max_errors("abcd") == 2
    assert max_errors("x" * 1000) == 256


# --- the approximate matcher itself ----------------------------------------------------------


def _brute_best(pattern: str, text: str) -> int:
    """Fewest edits between `pattern` and any substring of `text` (plain dynamic programming)."""
    column = list(range(len(pattern) + 1))
    best = column[-1]
    for char in text:
        new = [0]
        for i in range(1, len(pattern) + 1):
            new.append(min(column[i] + 1, new[i - 1] + 1, column[i - 1] + (pattern[i - 1] != char)))
        column = new
        best = min(best, column[-1])
    return best


@settings(max_examples=200, deadline=None)
@given(st.text("abc ", min_size=1, max_size=12), st.text("abc ", max_size=40))
def test_approximate_matches_agree_with_plain_dynamic_programming(pattern: str, text: str) -> None:
    limit = len(pattern) // 2
    matches = approximate_matches(pattern, text, 0, len(text), limit)
    for start, end, edits in matches:
        assert 0 <= start < end <= len(text) or (start == end and edits == len(pattern))
        assert Levenshtein.distance(pattern, text[start:end]) == edits <= limit
    best = _brute_best(pattern, text)
    if best <= limit and best < len(pattern):
        assert matches and min(edits for _, _, edits in matches) == best


# --- properties: random edits ----------------------------------------------------------------


Pick = Callable[[int, int], int]
"""Chooses a whole number from low to high, both included (hypothesis or `random`)."""


@dataclass
class Tracked:
    """A text being edited, with where each of its characters came from (-1: inserted).

    With ``track=False`` origins are not kept (for the 3 MB book: too slow to search).
    """

    text: str
    track: bool = True
    origin: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.origin = list(range(len(self.text))) if self.track else []

    def insert(self, at: int, words: str) -> None:
        self.text = self.text[:at] + words + self.text[at:]
        if self.track:
            self.origin[at:at] = [-1] * len(words)

    def delete(self, start: int, end: int) -> None:
        self.text = self.text[:start] + self.text[end:]
        if self.track:
            del self.origin[start:end]

    def retype(self, at: int, char: str) -> None:
        self.text = self.text[:at] + char + self.text[at + 1 :]
        if self.track:
            self.origin[at] = -1

    def move(self, start: int, end: int, to: int) -> None:
        """Cut ``[start, end)`` and paste it at `to` (an offset of the text after the cut)."""
        piece, origins = self.text[start:end], self.origin[start:end]
        self.delete(start, end)
        self.text = self.text[:to] + piece + self.text[to:]
        if self.track:
            self.origin[to:to] = origins

    def intact(self, highlight: Highlight) -> int | None:
        """Where the quote and its whole stored context now are, untouched; else None."""
        if not self.track:
            return None
        first = highlight.start - len(highlight.prefix)
        last = highlight.end + len(highlight.suffix)
        try:
            at = self.origin.index(first) if first < highlight.start else None
        except ValueError:
            return None
        if at is None:
            try:
                at = self.origin.index(highlight.start)
            except ValueError:
                return None
        wanted = list(range(first, last))
        if self.origin[at : at + len(wanted)] != wanted:
            return None
        if not highlight.prefix and at != 0:
            return None
        if not highlight.suffix and at + len(wanted) != len(self.text):
            return None
        return at + (highlight.start - first)

    def overlaps_origin(self, highlight: Highlight, start: int, end: int) -> bool:
        return any(highlight.start <= o < highlight.end for o in self.origin[start:end])


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    while True:
        end = text.find("\n\n", start)
        if end == -1:
            bounds.append((start, len(text)))
            return bounds
        bounds.append((start, end))
        start = end + 2


def apply_random_edit(pick: Pick, doc: Tracked) -> str:
    """One insertion, deletion, typo fix or moved paragraph, chosen by `pick`."""
    kind = pick(0, 3)
    size = len(doc.text)
    if kind == 0 or size < 4:
        words = " ".join(
            INSERTED_WORDS[pick(0, len(INSERTED_WORDS) - 1)] for _ in range(pick(1, 12))
        )
        doc.insert(pick(0, size), words + " ")
        return "insert"
    if kind == 1:
        start = pick(0, size - 1)
        doc.delete(start, min(size, start + pick(1, 300)))
        return "delete"
    if kind == 2:
        at = pick(0, size - 1)
        doc.retype(at, "q" if doc.text[at] != "q" else "z")
        return "typo"
    bounds = _paragraph_bounds(doc.text)
    if len(bounds) < 2:
        return "none"
    start, end = bounds[pick(0, len(bounds) - 1)]
    end = min(size, end + 2)  # with the blank line after it
    rest = doc.text[:start] + doc.text[end:]
    targets = [0, *(b[1] + 2 for b in _paragraph_bounds(rest)[:-1])]
    doc.move(start, end, targets[pick(0, len(targets) - 1)])
    return "move"


def check_reanchored(
    before: Sequence[Highlight],
    after: Sequence[Highlight],
    doc: Tracked,
    *,
    positions_are_unique: bool,
) -> None:
    """The promises of `reanchor`, for any edits."""
    new_text = doc.text
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        assert (new.id, new.quote, new.note, new.tags, new.color) == (
            old.id,
            old.quote,
            old.note,
            old.tags,
            old.color,
        )
        assert (new.created, new.updated) == (old.created, old.updated)
        assert new.content_hash == digest(new_text)
        assert 0 <= new.start <= new.end <= len(new_text)
        found = new_text[new.start : new.end]
        if not new.is_placed:
            assert new.score is None
        else:
            # Never attached to unrelated text: what it covers is the quote, or close to it.
            assert similarity(old.quote, found) >= MIN_QUOTE_SIMILARITY
        if new.status == AnchorStatus.EXACT:
            assert found == old.quote and (new.start, new.end) == (old.start, old.end)
        elif new.status == AnchorStatus.MOVED:
            assert found == old.quote
        elif new.status == AnchorStatus.FUZZY:
            assert new.score is not None and 0.0 < new.score <= 1.0 and found != old.quote
            if positions_are_unique:
                assert doc.overlaps_origin(old, new.start, new.end)
        place = doc.intact(old)
        if place is not None:
            # Untouched text and context is always found again, as the same text.
            assert new.status in (AnchorStatus.EXACT, AnchorStatus.MOVED), (new.status, old.quote)
            assert found == old.quote
            if positions_are_unique:
                assert new.start == place


def _drawing(data: st.DataObject) -> Pick:
    return lambda low, high: data.draw(st.integers(low, high))


def _highlights_on(text: str, pick: Pick) -> list[Highlight]:
    made = []
    for _ in range(pick(1, 8)):
        start = pick(0, len(text) - 1)
        end = min(len(text), start + pick(1, 120))
        made.append(new_highlight("doc1", text, start, end, content_hash=digest(text)))
    return made


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_after_random_edits_every_highlight_is_found_or_orphaned(data: st.DataObject) -> None:
    pick = _drawing(data)
    doc = Tracked(ARTICLE)
    highlights = _highlights_on(ARTICLE, pick)
    for _ in range(pick(1, 6)):
        apply_random_edit(pick, doc)
    result = reanchor(highlights, ARTICLE, doc.text, digest(doc.text))
    check_reanchored(highlights, result, doc, positions_are_unique=True)
    check_reanchored(
        highlights,
        reanchor(highlights, None, doc.text, digest(doc.text)),
        doc,
        positions_are_unique=True,
    )


@settings(max_examples=40, deadline=None)
@given(st.data(), st.lists(st.sampled_from(["ab", "ba", "abc", "b", "\n\n", "a b"]), min_size=2))
def test_repetitive_text_never_gets_highlights_on_unrelated_text(
    data: st.DataObject, pieces: list[str]
) -> None:
    text = " ".join(pieces)
    pick = _drawing(data)
    doc = Tracked(text)
    highlights = _highlights_on(text, pick)
    for _ in range(pick(1, 4)):
        apply_random_edit(pick, doc)
    result = reanchor(highlights, None, doc.text, digest(doc.text))
    check_reanchored(highlights, result, doc, positions_are_unique=False)


# --- real text ---------------------------------------------------------------------------------


def _sentence_highlights(text: str, rng: random.Random, count: int) -> list[Highlight]:
    made = []
    for _ in range(count):
        start = rng.randrange(max(1, len(text) - 60))
        end = min(len(text), start + rng.randint(8, 200))
        made.append(new_highlight("doc1", text, start, end, content_hash=digest(text)))
    return made


def _edit_randomly(doc: Tracked, rng: random.Random, edits: int) -> None:
    for _ in range(edits):
        apply_random_edit(rng.randint, doc)


def test_real_articles_after_edits(corpus: Path) -> None:
    rng = random.Random(7)
    files = sorted(corpus.glob("*.txt"))[:12]
    for path in files:
        text = path.read_text(encoding="utf-8")
        if len(text) < 500:
            continue
        highlights = _sentence_highlights(text, rng, 25)
        doc = Tracked(text)
        _edit_randomly(doc, rng, 6)
        result = reanchor(highlights, None, doc.text, digest(doc.text))
        check_reanchored(highlights, result, doc, positions_are_unique=False)


def test_the_book_after_edits(book: Path) -> None:
    text = book.read_text(encoding="utf-8")
    rng = random.Random(11)
    highlights = _sentence_highlights(text, rng, 200)
    unchanged = reanchor(highlights, text, text, digest(text))
    assert all(a is b for a, b in zip(unchanged, highlights, strict=True))
    doc = Tracked(text, track=False)
    _edit_randomly(doc, rng, 30)
    result = reanchor(highlights, None, doc.text, digest(doc.text))
    check_reanchored(highlights, result, doc, positions_are_unique=False)
    assert sum(r.is_placed for r in result) > 150
