"""A whole text's paragraphs and sentences in a few passes of the regex engine.

`segment.paragraph_spans` and `segment.sentence_bounds` give the same spans for any text;
this module is how they are found when a document is added or opened, because a 100 MB
text has a million sentences and what runs per character or per paragraph decides the
time. Three things make it fast:

- The regex engine skips to the next place a pattern may match at the speed of memory
  only when the pattern starts with one literal character (a set of characters is tried
  one character at a time, seven times slower). So sentence ends are looked for with one
  pattern per stop (``.``, ``!``, ``?``, ``…``, and one for the Chinese and Japanese
  stops), each starting with its stop, and only for the stops the text holds.
- Each pattern starts only at the first stop of a run (a lookbehind), so no two patterns
  ever match the same stop and each match is the one the single pattern of
  `segment._CANDIDATE` finds there. The whitespace after a stop may hold no paragraph
  break (`segment._PARAGRAPH_BREAK`), so every match lies inside one paragraph: the
  paragraphs need not be walked beside the matches.
- Most full stops end a word that is no abbreviation: the pattern tells them apart itself
  (three ASCII letters before the stop that end no abbreviation), and only the others go
  through `segment._continues`.

Sentence starts are then the paragraph starts and the starts after each accepted end,
sorted; sentence ends likewise.
"""

from __future__ import annotations

import operator
import re
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, partial
from itertools import chain, compress, product, repeat
from typing import TypeAlias

from library import segment

_RUN = "!?…."
"""The stops of one kind: a run of them is one candidate ending, started by its first."""
_NO_BREAK_SPACE = r"[^\S\n]*+(?:\n(?![ \t]*\n)[^\S\n]*+)*+"
"""Whitespace holding no paragraph break (see `segment._PARAGRAPH_BREAK`)."""
_FOLLOWED = rf"{_NO_BREAK_SPACE}(?=[{segment._OPENERS}]*+(?P<next>[^\sa-z]))"
_AFTER_RUN = rf"[{segment._CLOSERS}]*+(?=\s))" + _FOLLOWED

_BREAK_THEN_SPACE = re.compile(r"\n[ \t]*\n\s*+")
"""A paragraph break and all the whitespace after it: the next paragraph starts at its end."""
_LEADING_SPACE = re.compile(r"\s*+")


@cache
def _stop_pattern(stop: str) -> re.Pattern[str]:
    """Candidate sentence endings that start with `stop`, one of `_RUN` but the full stop
    (see `_FULL_STOP`)."""
    escaped = re.escape(stop)
    return re.compile(rf"(?P<end>{escaped}(?<![{_RUN}]{escaped})[{_RUN}]*+" + _AFTER_RUN)


_ASCII_NOT_LOWER = r"[\x00-\x08\x0e-\x1b\x21-\x60\x7b-\x7f]"
"""What may follow a candidate ending (`[^\\sa-z]`) and is ASCII: never a lowercase
letter, so the sentence ends there with no look at it in Python."""
_FULL_STOP = re.compile(
    # The group `run` matches (empty) after a run of stops; `tail` holds the three ASCII
    # letters a lone full stop ends, if it does, and `pair` the word of two ASCII letters
    # ("it.", "me."): each ends the sentence unless a lowercase letter follows, the
    # second and third unless their letters end an abbreviation (looked up in Python: in
    # the pattern, a tree of the endings took more time than all the rest of it). The
    # group `ascii` matches (empty, and last of all) when what follows is ASCII, so never
    # lowercase; `space` is the whitespace between sentences.
    rf"(?P<end>\.(?<![{_RUN}]\.)"
    rf"(?:[{_RUN}]++(?P<run>)|(?<=(?P<tail>[A-Za-z]{{3}})\.)|(?<=\s(?P<pair>[A-Za-z]{{2}})\.)|)"
    rf"[{segment._CLOSERS}]*+(?=\s))(?P<space>{_NO_BREAK_SPACE})"
    rf"(?=[{segment._OPENERS}]*+(?P<next>[^\sa-z]))"
    rf"(?:(?=[{segment._OPENERS}]*+{_ASCII_NOT_LOWER})(?P<ascii>))?"
)
_ABBREVIATION_TAILS = frozenset(
    "".join(letters)
    for ending in segment._ABBREVIATION_ENDINGS
    for letters in product(*((char.lower(), char.upper()) for char in ending))
)
"""`segment._ABBREVIATION_ENDINGS` in every mix of cases: a word's last three letters are
looked up as they are, with no `lower` call for each of a book's half million stops."""
_ABBREVIATION_PAIRS = frozenset(
    "".join(letters)
    for key in segment._NEVER_FINAL | segment._FINAL_BEFORE_CAPITAL
    if len(key) == 2 and key.isalpha()
    for letters in product(*((char.lower(), char.upper()) for char in key))
)
"""The abbreviations of two letters, in every mix of cases: any other word of two letters
after whitespace ends its sentence at a full stop, as `segment._continues` finds (nor
is it an initialism); a book has tens of thousands ("it.", "me.", "up.")."""


_CJK_PATTERN = re.compile(
    rf"(?P<end>[{segment._CJK_STOPS}](?<![{segment._CJK_STOPS}]{{2}})"
    rf"[{segment._CJK_STOPS}]*+[{segment._CLOSERS}]*+)" + _FOLLOWED
)


def paragraph_bounds(
    text: str, start: int = 0, end: int | None = None
) -> tuple[array[int], array[int]]:
    """The starts and ends of `segment.paragraph_spans(text)`; of `text[start:end]` alone
    if given (at offsets into `text`), where `start` is 0 or where a paragraph starts, and
    `end` the end of `text` or where one starts (see `text_bounds`)."""
    end = len(text) if end is None else end
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    at = _LEADING_SPACE.match(text, start, end).end()  # type: ignore[union-attr]  # always
    for brk in _BREAK_THEN_SPACE.finditer(text, at, end):
        starts.append(at)
        ends.append(brk.start())
        at = brk.end()
    if at < end:
        starts.append(at)
        ends.append(end)
    _trim_ends(text, ends)
    return starts, ends


def _trim_ends(text: str, ends: array[int]) -> None:
    """Move back each end that follows whitespace (every paragraph starts trimmed).

    Each end's character before it is looked at in `map` (~10 ms for a 100 MB text's
    paragraphs): a regex pass for the line ends with whitespace before them took five
    times as long, since it reads every character of the text."""
    if not ends:
        return
    before = map(text.__getitem__, map(operator.sub, ends, repeat(1)))
    for index in compress(range(len(ends)), map(str.isspace, before)):
        paragraph_end = ends[index]
        while text[paragraph_end - 1].isspace():
            paragraph_end -= 1
        ends[index] = paragraph_end


Bounds: TypeAlias = "tuple[tuple[array[int], array[int]], tuple[array[int], array[int]]]"
"""The paragraphs and the sentences of a text: the starts and the ends of each."""


def text_bounds(text: str, start: int = 0, end: int | None = None) -> Bounds:
    """The paragraphs and the sentences of `text` (starts and ends of each), as
    `segment.paragraph_spans` and `segment.sentence_bounds` give them.

    With `start` and `end`, those of `text[start:end]` alone, at offsets into `text`: the
    same as the whole text's that lie in it when `start` is 0 or a paragraph's start and
    `end` is the end of the text or a paragraph's start. Nothing the rules look at reaches
    over a paragraph break (a sentence end is told by what lies before the next break),
    and what lies just before a paragraph's start is whitespace to every pattern.
    """
    end = len(text) if end is None else end
    paragraphs = paragraph_bounds(text, start, end)
    inner_ends: list[array[int]] = []
    inner_starts: list[array[int]] = []
    for stop in _RUN:
        if stop in text:  # (in a part of it, a stop elsewhere only costs a search)
            if stop == ".":
                ended, started = _full_stop_ends(text, start, end)
            else:
                ended, started = _ends_of(text, _stop_pattern(stop), start, end, checked=False)
            inner_ends.append(ended)
            inner_starts.append(started)
    if any(stop in text for stop in segment._CJK_STOPS):
        ended, started = _ends_of(text, _CJK_PATTERN, start, end, checked=True)
        inner_ends.append(ended)
        inner_starts.append(started)
    starts = array("q", sorted(chain(paragraphs[0], *inner_starts)))
    ends = array("q", sorted(chain(paragraphs[1], *inner_ends)))
    return paragraphs, (starts, ends)


SPLIT_FROM = 1 << 23
"""Texts of at least this many characters are split in two halves at a paragraph's start
by `text_bounds_soon`, the second half split by a forked child (see
`library.forked_work`) while the first is here: a 100 MB text's sentences are found in
half the time on a machine with two cores. A shorter text takes less time than the
fork and the way back of its offsets would save."""


@contextmanager
def text_bounds_soon(text: str) -> Iterator[Callable[[], Bounds]]:
    """`text_bounds(text)`, of a long text begun at once in a forked child (its second
    half), and finished by the function this yields (the first half, and the child's
    offsets joined after). Enter it before starting any thread: a child is forked only
    while this process runs no other (see `library.forked_work.may_fork`). Leaving the
    block ends a child whose offsets were not asked for."""
    middle = _middle_paragraph_start(text) if len(text) >= SPLIT_FROM else None
    if middle is None:
        yield partial(text_bounds, text)
        return
    from library.forked_work import ForkedWork  # (pickle): for long texts only

    with ForkedWork(text_bounds, text, middle, len(text)) as second:
        yield lambda: _joined_bounds(text_bounds(text, 0, middle), second.result())


def _middle_paragraph_start(text: str) -> int | None:
    """The start of a paragraph at the middle of `text` or after it, if there is one."""
    brk = _BREAK_THEN_SPACE.search(text, len(text) // 2)
    return None if brk is None or brk.end() >= len(text) else brk.end()


def _joined_bounds(first: Bounds, second: Bounds) -> Bounds:
    """The bounds of two consecutive parts of a text as one."""
    (first_paragraphs, first_sentences), (paragraphs, sentences) = first, second
    return (
        (first_paragraphs[0] + paragraphs[0], first_paragraphs[1] + paragraphs[1]),
        (first_sentences[0] + sentences[0], first_sentences[1] + sentences[1]),
    )


def _ends_of(
    text: str, pattern: re.Pattern[str], start: int, end: int, *, checked: bool
) -> tuple[array[int], array[int]]:
    """Where each sentence `pattern` finds ends, and where the sentence after it starts.

    Unless `checked`, a candidate ends its sentence unless a lowercase letter follows it
    (what `segment._continues` says of a run that does not end in a lone full stop); a
    `checked` one is told by `segment._continues`.
    """
    ends: array[int] = array("q")
    starts: array[int] = array("q")
    add_end, add_start = ends.append, starts.append
    continues = segment._continues
    for match in pattern.finditer(text, start, end):
        if continues(text, match) if checked else match.group("next").islower():
            continue
        add_end(match.end("end"))
        add_start(match.end())
    return ends, starts


def _full_stop_ends(text: str, start: int, end: int) -> tuple[array[int], array[int]]:
    """`_ends_of` for the full stop: the stop of nearly every sentence (a 100 MB book has
    half a million), so the loop does as little as it can for the common one, a word
    that is no abbreviation followed by ASCII (see `_FULL_STOP`)."""
    ends: array[int] = array("q")
    starts: array[int] = array("q")
    add_end, add_start = ends.append, starts.append
    continues = segment._continues
    tails = _ABBREVIATION_TAILS | _ABBREVIATION_PAIRS
    tail_group, space_group = _FULL_STOP.groupindex["tail"], _FULL_STOP.groupindex["space"]
    run_group, pair_group = _FULL_STOP.groupindex["run"], _FULL_STOP.groupindex["pair"]
    for match in _FULL_STOP.finditer(text, start, end):
        tail = match.group(tail_group)
        if tail is None:
            tail = match.group(pair_group)
        if tail is not None and tail not in tails or match.start(run_group) >= 0:
            # (a word or a run of stops: the sentence ends unless a lowercase letter follows)
            if match.lastgroup != "ascii" and match.group("next").islower():
                continue
        elif continues(text, match):
            continue
        sentence_end, next_start = match.span(space_group)
        add_end(sentence_end)
        add_start(next_start)
    return ends, starts
