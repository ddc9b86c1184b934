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

import re
from array import array
from functools import cache
from itertools import chain, product

from library import segment

_RUN = "!?…."
"""The stops of one kind: a run of them is one candidate ending, started by its first."""
_NO_BREAK_SPACE = r"[^\S\n]*+(?:\n(?![ \t]*\n)[^\S\n]*+)*+"
"""Whitespace holding no paragraph break (see `segment._PARAGRAPH_BREAK`)."""
_FOLLOWED = rf"{_NO_BREAK_SPACE}(?=[{segment._OPENERS}]*+(?P<next>[^\sa-z]))"
_AFTER_RUN = rf"[{segment._CLOSERS}]*+(?=\s))" + _FOLLOWED

_BREAK_THEN_SPACE = re.compile(r"\n[ \t]*\n\s*+")
"""A paragraph break and all the whitespace after it: the next paragraph starts at its end."""
_SPACE_THEN_BREAK = re.compile(r"\n(?<=\s\n)[ \t]*\n")
"""A line end that may start a paragraph break with whitespace before it (the paragraph
before it is then trimmed further); rare, and found at memory speed (a literal first)."""
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
    # letters a lone full stop ends, if it does: both end the sentence unless a
    # lowercase letter follows, the second unless its letters end an abbreviation
    # (looked up in Python: in the pattern, a tree of the endings took more time than
    # all the rest of it). The group `ascii` matches (empty, and last of all) when what
    # follows is ASCII, so never lowercase; `space` is the whitespace between sentences.
    rf"(?P<end>\.(?<![{_RUN}]\.)(?:[{_RUN}]++(?P<run>)|(?<=(?P<tail>[A-Za-z]{{3}})\.)|)"
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


_CJK_PATTERN = re.compile(
    rf"(?P<end>[{segment._CJK_STOPS}](?<![{segment._CJK_STOPS}]{{2}})"
    rf"[{segment._CJK_STOPS}]*+[{segment._CLOSERS}]*+)" + _FOLLOWED
)


def paragraph_bounds(text: str) -> tuple[array[int], array[int]]:
    """The starts and ends of `segment.paragraph_spans(text)`."""
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    start = _LEADING_SPACE.match(text).end()  # type: ignore[union-attr]  # always matches
    for brk in _BREAK_THEN_SPACE.finditer(text, start):
        starts.append(start)
        ends.append(brk.start())
        start = brk.end()
    if start < len(text):
        starts.append(start)
        ends.append(len(text))
    _trim_ends(text, ends)
    return starts, ends


def _trim_ends(text: str, ends: array[int]) -> None:
    """Move back each end that follows whitespace (every paragraph starts trimmed)."""
    spaced = {found.start() for found in _SPACE_THEN_BREAK.finditer(text)}
    if ends and text[ends[-1] - 1].isspace():
        spaced.add(ends[-1])
    if not spaced:
        return
    for index, end in enumerate(ends):
        if end in spaced:
            while text[end - 1].isspace():
                end -= 1
            ends[index] = end


def text_bounds(text: str) -> tuple[tuple[array[int], array[int]], tuple[array[int], array[int]]]:
    """The paragraphs and the sentences of `text` (starts and ends of each), as
    `segment.paragraph_spans` and `segment.sentence_bounds` give them."""
    paragraphs = paragraph_bounds(text)
    inner_ends: list[array[int]] = []
    inner_starts: list[array[int]] = []
    for stop in _RUN:
        if stop in text:
            if stop == ".":
                ended, started = _full_stop_ends(text)
            else:
                ended, started = _ends_of(text, _stop_pattern(stop), checked=False)
            inner_ends.append(ended)
            inner_starts.append(started)
    if any(stop in text for stop in segment._CJK_STOPS):
        ended, started = _ends_of(text, _CJK_PATTERN, checked=True)
        inner_ends.append(ended)
        inner_starts.append(started)
    starts = array("q", sorted(chain(paragraphs[0], *inner_starts)))
    ends = array("q", sorted(chain(paragraphs[1], *inner_ends)))
    return paragraphs, (starts, ends)


def _ends_of(
    text: str, pattern: re.Pattern[str], *, checked: bool
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
    for match in pattern.finditer(text):
        if continues(text, match) if checked else match.group("next").islower():
            continue
        add_end(match.end("end"))
        add_start(match.end())
    return ends, starts


def _full_stop_ends(text: str) -> tuple[array[int], array[int]]:
    """`_ends_of` for the full stop: the stop of nearly every sentence (a 100 MB book has
    half a million), so the loop does as little as it can for the common one, a word
    that is no abbreviation followed by ASCII (see `_FULL_STOP`)."""
    ends: array[int] = array("q")
    starts: array[int] = array("q")
    add_end, add_start = ends.append, starts.append
    continues = segment._continues
    tails = _ABBREVIATION_TAILS
    tail_group, space_group = _FULL_STOP.groupindex["tail"], _FULL_STOP.groupindex["space"]
    run_group = _FULL_STOP.groupindex["run"]
    for match in _FULL_STOP.finditer(text):
        tail = match.group(tail_group)
        if tail is not None and tail not in tails or match.start(run_group) >= 0:
            # (a word or a run of stops: the sentence ends unless a lowercase letter follows)
            if match.lastgroup != "ascii" and match.group("next").islower():
                continue
        elif continues(text, match):
            continue
        end, start = match.span(space_group)
        add_end(end)
        add_start(start)
    return ends, starts
