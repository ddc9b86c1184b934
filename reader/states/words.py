"""Words in a text, for what the reader marks: a highlight made from a search match snaps to
whole words, and a selection's ends move a word at a time.

Two notions of a word, each where readers expect it: a selection steps over text between
spaces (punctuation goes with its word, as vim's `W`), while snapping extends only over
letters and digits, so a match never swallows the quote mark or dash beside it.
"""

from __future__ import annotations

import unicodedata

Span = tuple[int, int]
"""``(start, end)`` offsets into a text."""


def is_word_character(character: str) -> bool:
    """Whether `character` belongs to a word: a letter, a digit, or a combining mark
    (so an accent written as a separate code point stays with its letter)."""
    return character.isalnum() or unicodedata.category(character).startswith("M")


def whole_words(text: str, start: int, end: int) -> Span:
    """``[start, end)`` grown to whole words: a span that begins or ends inside a word is
    widened to that word's edge (a fuzzy match of ``Chunyin`` in ``Chunying`` becomes
    ``Chunying``). A span whose edge is already between words is left as it is."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    if start < end and is_word_character(text[start]):
        while start > 0 and is_word_character(text[start - 1]):
            start -= 1
    if start < end and is_word_character(text[end - 1]):
        while end < len(text) and is_word_character(text[end]):
            end += 1
    return start, end


def word_end_after(text: str, end: int) -> int:
    """Where the next space-delimited word after `end` ends (`end` itself at the text's end)."""
    while end < len(text) and text[end].isspace():
        end += 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return end


def word_end_before(text: str, end: int, floor: int) -> int:
    """The end of the word before the last one in ``text[floor:end]``: `end` moved back a
    word; `end` itself when that would leave nothing after `floor`."""
    probe = end
    while probe > floor and text[probe - 1].isspace():
        probe -= 1
    while probe > floor and not text[probe - 1].isspace():
        probe -= 1
    while probe > floor and text[probe - 1].isspace():
        probe -= 1
    return probe if probe > floor else end


def word_start_before(text: str, start: int) -> int:
    """Where the space-delimited word before `start` starts (0 at the text's start)."""
    while start > 0 and text[start - 1].isspace():
        start -= 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return start


def word_start_after(text: str, start: int, ceiling: int) -> int:
    """The start of the second word in ``text[start:ceiling]``: `start` moved on a word;
    `start` itself when no word would be left before `ceiling`."""
    probe = start
    while probe < ceiling and text[probe].isspace():
        probe += 1
    while probe < ceiling and not text[probe].isspace():
        probe += 1
    while probe < ceiling and text[probe].isspace():
        probe += 1
    return probe if probe < ceiling else start
