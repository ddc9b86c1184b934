"""Placing both ends of an edited highlight from evidence: word alignment with its context.

A fuzzy match of the quote alone is a character alignment: `no structural damage` edited
to `no major structural damage` matches `or structural damage` best (two edits, against
six for the whole edited passage), half a word and a neighbour's tail. What the reader
highlighted is the passage the edit made of it, so its ends are placed from evidence: the
stored prefix, the quote and the stored suffix are split into words and aligned, word by
word, with the words of the new text around a likely place (rapidfuzz's Levenshtein
opcodes over word sequences, in C). The quote's first surviving word starts the passage
(the prefix's words pin it: a word replaced at the start is the passage's new first
word, a word inserted before it is not the passage's), its last surviving word ends it,
and whatever was inserted between them is inside. So the span widens or narrows with
the edit, and starts and ends on word boundaries, or on the quote's own boundary inside
a word when the reader chose one there and that word is unchanged.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from annotations.model import Highlight

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|[^\w\s]")
"""A word (a run of letters and digits; one character in scripts written without spaces)
or one punctuation mark: the units the alignment matches."""

_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class _Words:
    """The words of a stretch of text, with where each lies."""

    texts: list[str]
    starts: list[int]
    ends: list[int]


def _words(text: str, low: int = 0, high: int | None = None) -> _Words:
    texts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in WORD.finditer(text, low, len(text) if high is None else high):
        texts.append(match.group())
        starts.append(match.start())
        ends.append(match.end())
    return _Words(texts, starts, ends)


def is_word_char(char: str) -> bool:
    """Whether `char` is part of a word (a letter, digit or underscore)."""
    return bool(_WORD_CHAR.match(char))


def starts_mid_word(text: str, start: int) -> bool:
    """Whether ``text[start:]`` begins inside a word (a word character on both sides)."""
    return 0 < start < len(text) and is_word_char(text[start - 1]) and is_word_char(text[start])


def align_passage(text: str, highlight: Highlight, low: int, high: int) -> tuple[int, int] | None:
    """Where the passage the highlight became lies in ``text[low:high]``, or None.

    The window should hold the likely place with room for the context on each side.
    Returns ``(start, end)``, or None when no word of the quote is found there (a quote
    of spaces only has no words to align).
    """
    prefix, quote = highlight.prefix, highlight.quote
    old = prefix + quote + highlight.suffix
    quote_start, quote_end = len(prefix), len(prefix) + len(quote)
    before = _words(old)
    inside = [
        index
        for index, (start, end) in enumerate(zip(before.starts, before.ends, strict=True))
        if start < quote_end and end > quote_start
    ]
    if not inside:
        return None
    after = _words(text, max(0, low), min(len(text), high))
    if not after.texts:
        return None
    ends = _quote_ends(before.texts, after.texts, inside)
    if ends is None:
        return None
    (head_old, head_new), (tail_old, tail_new) = ends
    start = after.starts[head_new]
    end = after.ends[tail_new]
    if head_old == inside[0]:
        start = _placed_start(text, before, after, head_old, head_new, quote_start)
    if tail_old == inside[-1]:
        end = _placed_end(text, before, after, tail_old, tail_new, quote_end)
    if end <= start:
        return None
    return start, end


def _quote_ends(
    old: Sequence[str], new: Sequence[str], inside: list[int]
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The quote's first and last words that have a place among the new words, with
    those places: ``((old, new), (old, new))``, or None when none has.

    The words are aligned to keep as many equal words as possible in order (the longest
    common subsequence: rapidfuzz's Indel opcodes). Between two runs of equal words, the
    old and new words left over are paired in order: a word replaced in place. Where more
    new words than old are left over at an end of the quote, the extra ones are taken as
    inserted outside it (paired from the right at its start, from the left at its end).
    """
    left, right, kept = _paired(old, new)
    if not any(index in kept for index in inside):
        return None  # none of the quote's words is there: a guess, not a passage
    head = next(((i, right[i]) for i in inside if i in right), None)
    tail = next(((i, left[i]) for i in reversed(inside) if i in left), None)
    if head is None or tail is None:
        return None
    if head[1] > tail[1]:
        head = next((i, left[i]) for i in inside if i in left)
    return _compacted(head, tail, (old, new, inside), left)


def _paired(
    old: Sequence[str], new: Sequence[str]
) -> tuple[dict[int, int], dict[int, int], set[int]]:
    """Old word → new word, the leftovers between equal runs paired from the left, and
    paired from the right (equal words are the same in both); and the old words kept
    equal."""
    left: dict[int, int] = {}
    right: dict[int, int] = {}
    kept: set[int] = set()
    old_at = new_at = 0
    blocks = [op for op in Indel.opcodes(old, new) if op.tag == "equal"]
    for block in [*blocks, None]:
        old_stop = len(old) if block is None else block.src_start
        new_stop = len(new) if block is None else block.dest_start
        for is_word in (True, False):  # words pair with words, marks with marks
            olds = [i for i in range(old_at, old_stop) if is_word_char(old[i][0]) == is_word]
            news = [j for j in range(new_at, new_stop) if is_word_char(new[j][0]) == is_word]
            count = min(len(olds), len(news))
            left.update(zip(olds[:count], news[:count], strict=True))
            right.update(zip(olds[len(olds) - count :], news[len(news) - count :], strict=True))
        if block is None:
            break
        for offset in range(block.src_end - block.src_start):
            kept.add(block.src_start + offset)
            left[block.src_start + offset] = right[block.src_start + offset] = (
                block.dest_start + offset
            )
        old_at, new_at = block.src_end, block.dest_end
    return left, right, kept


def _compacted(
    head: tuple[int, int],
    tail: tuple[int, int],
    words: tuple[Sequence[str], Sequence[str], list[int]],
    paired: dict[int, int],
) -> tuple[tuple[int, int], tuple[int, int]]:
    """`head` and `tail` moved next to the rest of the quote where an equal word lies
    there: an alignment may match a quote's first word (`the`) to a copy before some
    inserted words as cheaply as to the one beside its next word; the one beside it is
    the passage's. Quote words left unpaired before it then pair with the new words
    passed over (a word replaced by a copy of its neighbour)."""
    old, new, inside = words
    head_old, head_new = head
    tail_old, tail_new = tail
    following = next(
        ((i, paired[i]) for i in range(head_old + 1, tail_old + 1) if i in paired), None
    )
    if following is not None:
        wanted = following[1] - (following[0] - head_old)
        if head_new < wanted < len(new) and new[wanted] == old[head_old]:
            shift = min(head_old - inside[0], wanted - head_new)
            head_old, head_new = head_old - shift, wanted - shift
    preceding = next(
        ((i, paired[i]) for i in range(tail_old - 1, head_old - 1, -1) if i in paired), None
    )
    if preceding is not None:
        wanted = preceding[1] + (tail_old - preceding[0])
        if 0 <= wanted < tail_new and new[wanted] == old[tail_old]:
            shift = min(inside[-1] - tail_old, tail_new - wanted)
            tail_old, tail_new = tail_old + shift, wanted + shift
    return (head_old, head_new), (tail_old, tail_new)


def _placed_start(
    text: str, before: _Words, after: _Words, old_index: int, new_index: int, at: int
) -> int:
    """The new start for a quote whose first word is old word `old_index` (now new word
    `new_index`) and which started at `at` in the old string: inside that word if the
    reader chose so and it is unchanged, before it by the spaces the quote began with."""
    word_start = before.starts[old_index]
    new_start = after.starts[new_index]
    if at > word_start:  # the quote began inside this word
        inner = at - word_start
        same = before.texts[old_index] == after.texts[new_index]
        return new_start + inner if same else new_start
    spaces = word_start - at  # the quote began with spaces
    while spaces > 0 and new_start > 0 and text[new_start - 1].isspace():
        new_start -= 1
        spaces -= 1
    return new_start


def _placed_end(
    text: str, before: _Words, after: _Words, old_index: int, new_index: int, at: int
) -> int:
    """The new end, as `_placed_start` places the start."""
    word_end = before.ends[old_index]
    new_end = after.ends[new_index]
    if at < word_end:  # the quote ended inside this word
        inner = word_end - at
        same = before.texts[old_index] == after.texts[new_index]
        return new_end - inner if same else new_end
    spaces = at - word_end
    while spaces > 0 and new_end < len(text) and text[new_end].isspace():
        new_end += 1
        spaces -= 1
    return new_end
