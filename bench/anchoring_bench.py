"""Anchoring fidelity: are re-found highlights on the passage the edits made of them?

Thousands of highlights of whole words (a word to a long sentence) are made on the 3 MB
book and on the articles of the shared corpus; the text is then edited the way texts are
(`bench.anchoring_edits`: words inserted, deleted and replaced inside and around the
highlighted passages and elsewhere, sentences moved, paragraphs removed, punctuation and
quote marks changed, paragraphs re-wrapped), with a seeded random generator, and
`annotations.anchoring.reanchor` re-finds every highlight. Each result is compared with
the truth the edit script gives:

- **exact passage**: placed on exactly the passage that survived (share of those that did);
- **misattached**: placed on text holding none of the passage's words, or starting or
  ending inside a word: the failure that must never happen;
- **lost but present**: orphaned although the passage survived (share of those that did);
- **time** to re-anchor 1,000 highlights of the book after the edits.

The book or the corpus missing is said in the figures' notes, not an error.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench.anchoring_edits import EditedText, EditKind, Passage
from bench.figures import Figure, at_most, information, not_measured
from bench.workspace import BOOK, ROOT

if TYPE_CHECKING:
    from annotations.model import Highlight

CORPUS = ROOT.parent / "shared" / "corpus"
BOOK_HIGHLIGHTS = 1000
BOOK_ROUNDS = 3
ARTICLE_HIGHLIGHTS = 60
EXACT_TARGET = 99.0
LOST_TARGET = 1.0
TIME_TARGET_MS = 500.0
TARGETED_SHARE = 0.5
"""Share of highlights whose passage or its surroundings get edits of their own."""


@dataclass
class Tally:
    """What happened to the highlights of every round."""

    highlights: int = 0
    survived: int = 0
    exact: int = 0
    misattached: int = 0
    lost_present: int = 0
    placed_changed: int = 0
    """Placed on what is left of a passage changed too much to count as surviving."""
    orphaned_gone: int = 0
    edits: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    """A few misattached or inexact results, for whoever improves the anchoring."""

    def add_edits(self, counts: dict[EditKind, int]) -> None:
        for kind, count in counts.items():
            self.edits[kind.value] = self.edits.get(kind.value, 0) + count


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _vocabulary(edited: EditedText, rng: random.Random) -> list[str]:
    """Words to insert: plain lower-case words of the text itself."""
    words = [
        token
        for token in rng.sample(edited.tokens, min(len(edited.tokens), 4000))
        if token.isalpha() and token.islower() and len(token) > 1
    ]
    return words or ["word"]


def _passages(edited: EditedText, rng: random.Random, count: int) -> list[Passage]:
    """`count` distinct passages of whole words within paragraphs, of varied lengths."""
    made: dict[tuple[int, int], Passage] = {}
    tokens = len(edited.tokens)
    while len(made) < count:
        first = rng.randrange(tokens)
        if not edited.has_word(first):
            continue
        roll = rng.random()
        words = (
            rng.randint(1, 2)
            if roll < 0.15
            else rng.randint(3, 8)
            if roll < 0.6
            else rng.randint(9, 20)
            if roll < 0.9
            else rng.randint(21, 45)
        )
        _, paragraph_last = edited.paragraph_of(first)
        last = min(first + words - 1, paragraph_last)
        while last > first and not edited.has_word(last):
            last -= 1
        made.setdefault((first, last), Passage(first, last, rng.random() < 0.3))
    return sorted(made.values(), key=lambda p: (p.first, p.last))


def _edit_passage(
    edited: EditedText, passage: Passage, rng: random.Random, words: list[str]
) -> None:
    """Edits inside and around one passage: mostly few enough for it to survive."""
    size = passage.last - passage.first + 1
    inside = rng.randint(1, max(1, size // 5)) if rng.random() < 0.85 else rng.randint(2, 4)
    for _ in range(inside):
        kind = rng.random()
        at = rng.randint(passage.first, passage.last)
        if kind < 0.35 and size > 1:
            edited.insert_word(rng.randint(passage.first + 1, passage.last), rng.choice(words))
        elif kind < 0.6:
            edited.delete_word(at)
        elif kind < 0.9:
            edited.replace_word(at, rng.choice(words))
        else:
            edited.change_punctuation(at)
    for _ in range(rng.randint(0, 2)):  # around it
        before = rng.random() < 0.5
        at = passage.first - rng.randint(1, 3) if before else passage.last + rng.randint(1, 3)
        at = min(max(0, at), len(edited.tokens) - 1)
        kind = rng.random()
        if kind < 0.4:
            edited.insert_word(passage.first if before else passage.last + 1, rng.choice(words))
        elif kind < 0.6:
            edited.delete_word(at)
        elif kind < 0.9:
            edited.replace_word(at, rng.choice(words))
        else:
            edited.change_punctuation(at)


def _edit_everywhere(
    edited: EditedText, rng: random.Random, scale: float, words: list[str]
) -> None:
    """Edits spread over the whole text, `scale` × as many as for the book's 1,000."""
    tokens = len(edited.tokens)

    def anywhere() -> int:
        return rng.randrange(tokens)

    for _ in range(round(120 * scale)):
        edited.insert_word(anywhere(), rng.choice(words))
    for _ in range(round(80 * scale)):
        edited.delete_word(anywhere())
    for _ in range(round(80 * scale)):
        edited.replace_word(anywhere(), rng.choice(words))
    for _ in range(round(60 * scale)):
        edited.change_punctuation(anywhere())
    for _ in range(max(1, round(20 * scale))):
        edited.change_quotes(anywhere())
    for _ in range(max(1, round(30 * scale))):
        edited.rewrap(anywhere(), rng.choice((0, 50, 66, 72, 100)))
    for _ in range(max(1, round(20 * scale))):
        at = anywhere()
        edited.move_sentence(at, at + rng.randint(-3000, 3000))
    for _ in range(max(1, round(10 * scale))):
        edited.remove_paragraph(anywhere())


def _round(
    text: str, rng: random.Random, count: int, tally: Tally
) -> tuple[list[Highlight], EditedText, list[Passage]]:
    """Highlights on `text`, and the edited text, with their passages."""
    from annotations.model import new_highlight

    edited = EditedText(text)
    words = _vocabulary(edited, rng)
    passages = _passages(edited, rng, count)
    digest = _digest(text)
    highlights = []
    for passage in passages:
        start, end = edited.span_of(passage)
        highlights.append(new_highlight("bench", text, start, end, content_hash=digest))
    for passage in passages:
        if rng.random() < TARGETED_SHARE:
            _edit_passage(edited, passage, rng, words)
    _edit_everywhere(edited, rng, count / BOOK_HIGHLIGHTS, words)
    edited.apply()
    tally.add_edits(edited.plan.counts)
    return highlights, edited, passages


def _mid_word(text: str, at: int) -> bool:
    from annotations.passage_alignment import starts_mid_word

    return starts_mid_word(text, at)


def judge(
    before: Sequence[Highlight],
    after: Sequence[Highlight],
    edited: EditedText,
    passages: Sequence[Passage],
    tally: Tally,
) -> None:
    """Compare each re-found highlight with the truth, into `tally`."""
    text = edited.new_text
    for old, new, passage in zip(before, after, passages, strict=True):
        truth = edited.truth(passage)
        tally.highlights += 1
        tally.survived += truth.survives
        placed = new.is_placed
        if placed:
            touches = any(new.start < end and start < new.end for start, end in truth.pieces)
            if not touches or _mid_word(text, new.start) or _mid_word(text, new.end):
                tally.misattached += 1
                _example(tally, "misattached", old, text, new.start, new.end, truth)
                continue
        if truth.survives:
            if not placed:
                tally.lost_present += 1
                _example(tally, "lost", old, text, truth.starts[0], truth.ends[0], truth)
            elif new.start in truth.starts and new.end in truth.ends:
                tally.exact += 1
            else:
                _example(tally, "inexact", old, text, new.start, new.end, truth)
        elif placed:
            tally.placed_changed += 1
        else:
            tally.orphaned_gone += 1


def _example(
    tally: Tally, what: str, old: Highlight, text: str, start: int, end: int, truth: object
) -> None:
    if len(tally.examples) < 40:
        tally.examples.append(f"{what}: {old.quote!r} → {text[start:end]!r} ({truth})")


def fidelity(runs: int) -> tuple[Tally, list[float], list[str]]:
    """Every round, judged; the times of re-anchoring the book's highlights; what was
    missing."""
    from annotations.anchoring import reanchor

    tally = Tally()
    times: list[float] = []
    missing: list[str] = []
    texts: list[tuple[str, int, int]] = []
    if BOOK.is_file():
        book = BOOK.read_text(encoding="utf-8")
        texts += [(book, BOOK_HIGHLIGHTS, seed) for seed in range(BOOK_ROUNDS)]
    else:
        missing.append("the book")
    articles = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
    if not articles:
        missing.append("the corpus")
    for seed, path in enumerate(articles):
        text = path.read_text(encoding="utf-8")
        count = min(ARTICLE_HIGHLIGHTS, len(text) // 200)
        if count:
            texts.append((text, count, 100 + seed))
    for text, count, seed in texts:
        rng = random.Random(seed)
        highlights, edited, passages = _round(text, rng, count, tally)
        new_hash = _digest(edited.new_text)
        after = reanchor(highlights, text, edited.new_text, new_hash)
        judge(highlights, after, edited, passages, tally)
        if count == BOOK_HIGHLIGHTS:
            for _ in range(max(1, runs)):
                began = time.perf_counter()
                reanchor(highlights, text, edited.new_text, new_hash)
                times.append((time.perf_counter() - began) * 1000)
    return tally, times, missing


def _share(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def measure(runs: int) -> list[Figure]:
    """The fidelity table: exact passages, misattached, lost but present, and time."""
    try:
        from annotations.anchoring import reanchor  # noqa: F401 - must import
        from annotations.passage_alignment import starts_mid_word  # noqa: F401
    except ImportError as err:
        reason = f"not built yet ({err})"
        return [not_measured("anchoring.exact", "anchoring fidelity", "%", "≥ 99 %", reason)]
    tally, times, missing = fidelity(runs)
    if not tally.highlights:
        reason = "nothing to measure: " + " and ".join(missing) + " not found"
        return [not_measured("anchoring.exact", "anchoring fidelity", "%", "≥ 99 %", reason)]
    absent = f"; {' and '.join(missing)} not found" if missing else ""
    edits = ", ".join(f"{count} {kind}" for kind, count in sorted(tally.edits.items()))
    exact = _share(tally.exact, tally.survived)
    lost = _share(tally.lost_present, tally.survived)
    return [
        Figure(
            "anchoring.exact",
            f"re-found on exactly the edited passage, of {tally.survived:,} passages that "
            f"survived ({tally.highlights:,} highlights, book and corpus{absent})",
            "%",
            (exact,),
            f"≥ {EXACT_TARGET:g} %",
            exact >= EXACT_TARGET,
            note=f"edits: {edits}",
        ),
        Figure(
            "anchoring.misattached",
            "misattached: placed on none of the passage's words, or starting or ending "
            "inside a word",
            "n",
            (float(tally.misattached),),
            "0",
            tally.misattached == 0,
        ),
        Figure(
            "anchoring.lost_present",
            "lost although the passage survived, of those that survived",
            "%",
            (lost,),
            f"≤ {LOST_TARGET:g} %",
            lost <= LOST_TARGET,
            note=f"{tally.orphaned_gone:,} highlights whose passage was removed or changed "
            f"past recognition were lost, {tally.placed_changed:,} placed on what was left",
        ),
        at_most(
            "anchoring.time",
            "re-anchor 1,000 highlights of the book after these edits (old text known)",
            "ms",
            times,
            TIME_TARGET_MS,
        )
        if times
        else information("anchoring.time", "re-anchoring time", "ms", (), "the book not found"),
    ]


def main() -> None:
    """Print the tally and the examples (``python -m bench.anchoring_bench``)."""
    tally, times, missing = fidelity(1)
    print(tally.highlights, "highlights;", tally.survived, "survived;", missing or "")
    print("exact", tally.exact, f"{_share(tally.exact, tally.survived):.2f} %")
    print("misattached", tally.misattached)
    print(
        "lost but present",
        tally.lost_present,
        f"{_share(tally.lost_present, tally.survived):.2f} %",
    )
    print("placed on what was left", tally.placed_changed, "; lost, gone", tally.orphaned_gone)
    print("times", [round(t) for t in times])
    print(tally.edits)
    for example in tally.examples:
        print(" ", example)


if __name__ == "__main__":
    main()
