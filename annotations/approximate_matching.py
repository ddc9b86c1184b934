"""Approximate string matching: where a pattern occurs in a text with few edits.

Re-anchoring a highlight whose text was edited needs the stretch of the new text closest
to its quote, with the exact number of edits between them (the evidence weighed before a
highlight is moved). rapidfuzz finds *which* few hundred characters to look at; this
module then aligns the quote there exactly with Myers' bit-vector algorithm, in Hyyrö's
formulation: a dozen integer operations per character, whatever the quote's length, as
Python integers are as wide as needed.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from functools import lru_cache


def approximate_matches(
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
