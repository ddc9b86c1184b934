"""Plain text's paragraphs: blocks of lines, and hard-wrapped lines joined again.

The rules are written line by line (`paragraphs_by_lines`): which lines form a block,
whether the text was wrapped at a fixed width, which line breaks are real (a rule, a list
of `key: value` fields, a word broken at its hyphen, indented verse). A long book goes
through them in seconds, though: a 100 MB text has two million lines, and each line's
tests in Python cost a microsecond or more, and its lines as strings take twice the
text's memory.

`plain_paragraphs` gives the same paragraphs for any text, far faster: it gathers what
the rules need of the whole text in passes of C code over pieces of it, and hands to the
rules, line by line, only the blocks one of them may apply to (a colon, a rule's mark at
a line's start, a dash at its end, indented lines); every other block's lines are joined
by regex and string passes over long stretches of the text. Texts whose lines end in
unusual whitespace (a no-break space, a form feed) go through the rules line by line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from heapq import merge
from itertools import chain, repeat
from operator import and_

_SENTENCE_ENDING = ".!?:;\"'”’»)…"
TITLE_LINE_MAX = 100
"""A line longer than this is never a title line, nor a line wrapped at a fixed width."""
_TITLE_LINE_MAX = TITLE_LINE_MAX


@dataclass(frozen=True, slots=True)
class Paragraphs:
    """A plain text's paragraphs: the first few one by one, the rest in long runs."""

    pieces: list[str]
    """Paragraphs, or runs of paragraphs joined by a blank line: joined by a blank line
    they make the text. The first `len(lone)` pieces are one paragraph each."""
    lone: list[bool]
    """For each of the first pieces, whether it was a line alone in its block with more
    text after it: the only kind of paragraph that can be a title line."""


def paragraphs_by_lines(lines: list[str]) -> Paragraphs:
    """The paragraphs of a text given as its lines, by the rules line by line (`lines`
    is emptied as they are made)."""
    blocks = _blocks(lines)
    lines.clear()
    paragraphs, lone = _paragraphs(blocks)
    return Paragraphs(paragraphs, lone)


def _blocks(lines: list[str]) -> list[list[str]]:
    """Group `lines` into runs of non-blank lines (blank-line separated blocks)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line and not line.isspace():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the line-by-line rules need to know of the whole text."""

    hard_wrapped: bool
    """Whether its lines were wrapped at a fixed width (see `_is_hard_wrapped`)."""
    indent: int
    """The least indentation of its non-blank lines."""
    margin: int
    """The length of its longest line (trailing whitespace aside); 0 unless wrapped."""
    single_block: bool
    """Whether it is one block (no blank line anywhere)."""


def _shape_of_blocks(blocks: list[list[str]]) -> _Shape:
    if not _is_hard_wrapped(blocks):
        return _Shape(False, 0, 0, len(blocks) == 1)
    lines = list(chain.from_iterable(blocks))
    return _Shape(
        True, _least_indent(lines), max(map(len, map(str.rstrip, lines))), len(blocks) == 1
    )


def _paragraphs(blocks: list[list[str]]) -> tuple[list[str], list[bool]]:
    """Turn blocks into paragraphs: reflowed when hard-wrapped, else one per line.

    Each block is emptied once its paragraphs are made, so that a long text's lines are
    not all held beside all its paragraphs.

    Also returns, for each paragraph, whether it was a block of one line with more text
    after it: the only kind of paragraph that can be a title line.
    """
    return _paragraphs_shaped(blocks, _shape_of_blocks(blocks), more_after=False)


def _paragraphs_shaped(
    blocks: list[list[str]], shape: _Shape, *, more_after: bool
) -> tuple[list[str], list[bool]]:
    """`_paragraphs` of `blocks`, the whole text or its first blocks (`more_after`: more
    blocks follow them), for a text of `shape`."""
    paragraphs: list[str] = []
    lone: list[bool] = []
    last = len(blocks) if more_after else len(blocks) - 1
    for number, block in enumerate(blocks):
        alone = len(block) == 1 and number < last
        if shape.hard_wrapped:
            reflowed = _reflow(
                block, shape.indent, shape.margin, split_at_short_lines=shape.single_block
            )
        else:
            reflowed = [paragraph for paragraph in map(str.strip, block) if paragraph]
        paragraphs.extend(reflowed)
        lone.extend([alone] * len(reflowed))
        block.clear()  # a book's lines are let go of as its paragraphs are made
    return paragraphs, lone


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _least_indent(lines: list[str]) -> int:
    """The smallest indentation of `lines`: 0 as soon as one line starts at the margin,
    as nearly every text has in its first lines (a book has millions of lines)."""
    if any(not line[:1].isspace() for line in lines):
        return 0
    return min(map(_indent, lines))


def _is_hard_wrapped(blocks: list[list[str]]) -> bool:
    """Tell whether the lines of `blocks` were wrapped at a fixed width.

    Looks at every line that is not the last of its block: in wrapped text those are
    nearly all short and most of them stop in the middle of a sentence; in text with one
    paragraph per line they are long, or they end sentences.
    """
    inner = [line.rstrip() for block in blocks if len(block) > 1 for line in block[:-1]]
    if len(inner) < (3 if len(blocks) == 1 else 2):
        return False
    short = sum(1 for line in inner if len(line) <= _TITLE_LINE_MAX)
    unfinished = sum(1 for line in inner if line[-1] not in _SENTENCE_ENDING)
    return short * 10 >= len(inner) * 8 and unfinished * 2 >= len(inner)


# A rule (`---`, `***`, `* * *`, `___`, `===`) and a `key: value` line (a name of one to
# three words, a colon, maybe a value; not `https://`) are lines of their own, not prose.
_RULE_LINE = re.compile(r"[ \t]*([-*_=~—])(?:[ \t]*\1){2,}[ \t]*")
_RULE_MARKS = frozenset("-*_=~—")
_FIELD_LINE = re.compile(r"[ \t]*[^\W\d_][\w'’.-]*(?:[ \t]+[\w'’.-]+){0,2}:(?!//)(?:[ \t].*)?")


def _reflow(block: list[str], indent: int, margin: int, *, split_at_short_lines: bool) -> list[str]:
    """Join the wrapped lines of `block` into paragraphs.

    A block whose every line is indented beyond the text around it (verse, code, a
    table) keeps its lines, unless they read as wrapped prose: lines that go on in
    lowercase. When the whole document is one block, a short line that ends a sentence
    ends a paragraph. A line break next to a rule or a `key: value` line is kept (see
    `_keeps_break`); `margin` is the length of the document's longest line.
    """
    if (
        len(block) > 1
        and all(_indent(line) > indent for line in block)
        and sum(1 for line in block[1:] if line.lstrip()[0].islower()) * 2 < len(block) - 1
    ):
        common = min(_indent(line) for line in block)
        return ["\n".join(line[common:].rstrip() for line in block).strip()]
    width = max(map(len, block))
    paragraphs: list[str] = []
    parts: list[str] = []
    previous = ""
    previous_special = False
    for line in block:
        text = line.strip()
        # Only a line with a colon or starting with a rule's mark can keep its break: the
        # cheap test spares a million calls in a long book.
        special = ":" in text or text[0] in _RULE_MARKS
        if parts and (special or previous_special) and _keeps_break(previous, line, margin):
            parts[-1] += "\n" + text
        elif parts and parts[-1][-1] == "-" and _joins_after_dash(parts[-1][-2:-1]):
            parts[-1] += text  # a word or dash broken across lines: "well-\nknown", "--"
        else:
            parts.append(text)
        previous = line
        previous_special = special
        if (
            split_at_short_lines
            and text[-1] in _SENTENCE_ENDING
            and len(line.rstrip()) * 4 < width * 3
        ):
            paragraphs.append(" ".join(parts))
            parts = []
    if parts:
        paragraphs.append(" ".join(parts))
    return paragraphs


def _joins_after_dash(before_dash: str) -> bool:
    """Whether a line ending in a dash after `before_dash` (a character, or nothing) goes
    on in the next line without a space: a word broken at its hyphen, or a ``--`` dash."""
    return before_dash == "-" or before_dash.isalnum()


def _keeps_break(before: str, after: str, margin: int) -> bool:
    """Whether the line break between `before` and `after` is a real one, not a soft wrap.

    A rule is never joined to its neighbours; two `key: value` lines in a row are a list
    of fields; and a `key: value` line next to a line that stops well short of the
    margin was broken on purpose (prose wrapped at the margin reaches it).
    """
    # Most lines are neither: a rule starts with one of its marks and a field holds a
    # colon, and these two tests are a tenth of the time of the patterns.
    if (before.lstrip()[:1] in _RULE_MARKS and _RULE_LINE.fullmatch(before)) or (
        after.lstrip()[:1] in _RULE_MARKS and _RULE_LINE.fullmatch(after)
    ):
        return True
    field_before = ":" in before and _FIELD_LINE.fullmatch(before) is not None
    field_after = ":" in after and _FIELD_LINE.fullmatch(after) is not None
    if not (field_before or field_after):
        return False
    short_before = len(before.rstrip()) * 4 < margin * 3
    return (field_before and field_after) or short_before


# --- the same rules over long stretches of text ---------------------------------------------

HEAD_BLOCKS = 3
"""Blocks at the start always read line by line, so that the first paragraphs (a title
line, a caption) come one by one, with whether each was a line alone."""
STRETCH_CHARS = 1 << 23
"""Characters of plain blocks joined at a time: each pass over a stretch makes a copy of
it, and a whole 100 MB text copied thrice more would be most of an add's memory."""
_PIECE_CHARS = 1 << 20
"""Characters of lines measured at a time (see `_shape_of_text`)."""

_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_SPACE_THEN_LINE_END = re.compile(r"\n(?<=[ \t]\n)")
"""A line ending in a space or a tab: found three times as fast as by ``" \\n" in text``
(which tries each space of a text) and ``"\\t\\n" in text``, since the engine skips from
one line end to the next."""
_LINE_STARTING_AT_MARGIN = re.compile(r"\n\S")
_LEADING_SPACE = re.compile(r"\n[^\S\n]+")
_BLANK_RUN = re.compile(r"\n\n+")
_LINE_BREAKS = re.compile(r"\n+")
_LONE_LINE_END = re.compile(r"\n(?<=[^\n]\n)(?=[^\n])")
"""A line end between two lines of text: no run of blank lines touches it."""
_FINISHED_LINE = re.compile(f"\n(?<=[{re.escape(_SENTENCE_ENDING)}]\n)(?=[^\n])")
"""The line end of a line that ends a sentence and is followed by another in its block:
the engine skips from one line end to the next (a pattern starting with the set of
endings is tried at every character), so a 100 MB text is counted in a tenth of a
second."""
_OTHER_SPACES = tuple(
    char for char in map(chr, range(0x3001)) if char.isspace() and char not in " \t\n"
)
"""Whitespace a line may end in besides spaces and tabs (a no-break space, a form feed)."""
_ODD_ASCII_SPACES = tuple(char for char in _OTHER_SPACES if char.isascii())
_ENDINGS = tuple(_SENTENCE_ENDING)
# Where a line-by-line rule may apply: a line starting `key:`, a dash ending a
# line (a word broken at its hyphen), a rule's mark starting a line, a block whose first
# two lines are indented (verse, code, a table). Each pattern starts with a character
# the engine skips to, and the last character of each match lies in the block concerned.
_COLON = re.compile(":")
_FIELD_KEY = re.compile(r"[ \t]*[^\W\d_][\w'’.-]*(?:[ \t]+[\w'’.-]+){0,2}")
"""What comes before the colon of a `key: value` line (see `_FIELD_LINE`)."""
_FIELD_KEY_MAX = 200
"""Longer than this, the start of a line is not looked at: the rules read its block line
by line (a key so long is unlikely, and a look so long slow)."""
_RULE_SITES = (
    re.compile("-\n"),
    re.compile(r"\n[^\S\n]*[-*_=~—]"),
    re.compile(r"\n\n[^\S\n]+\S[^\n]*\n[^\S\n]"),
)
_RULE_AT_START = re.compile(
    r"[^\S\n]*[-*_=~—]|[^\S\n]+\S[^\n]*\n[^\S\n]"
    r"|[ \t]*[^\W\d_][\w'’.-]*(?:[ \t]+[\w'’.-]+){0,2}:"
)
_SENTINELS = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"


def plain_paragraphs(handed_over: list[str]) -> Paragraphs:
    """The paragraphs of the plain text in `handed_over` (taken out of the list, so that
    no other reference keeps it once it is no longer needed), as `paragraphs_by_lines`
    gives them."""
    text = handed_over.pop().strip("\n")  # blank lines at either end: no rule sees them
    body = None  # the text as given, while the rules line by line may still need it
    if _SPACE_THEN_LINE_END.search(text) is not None or text.endswith((" ", "\t")):
        body = text
        text = _TRAILING_SPACE.sub("\n", text).rstrip(" \t\n").lstrip("\n")
    if not text:
        return Paragraphs([], [])
    shape = None if text[-1].isspace() else _shape_of_text(text)
    if shape is None:
        lines = (text if body is None else body).split("\n")
        del text, body
        return paragraphs_by_lines(lines)
    del body
    head = _BLANK_RUN.search(text)
    for _ in range(HEAD_BLOCKS - 1):
        if head is None:
            break
        head = _BLANK_RUN.search(text, head.end())
    head_end, rest = (len(text), len(text)) if head is None else head.span()
    paragraphs, lone = _paragraphs_shaped(
        _blocks(text[:head_end].split("\n")), shape, more_after=rest < len(text)
    )
    if rest < len(text):
        paragraphs.extend(_stretches_in_two(text, rest, shape))
    return Paragraphs(paragraphs, lone)


def _shape_of_text(text: str) -> _Shape | None:
    """`_shape_of_blocks` of a text with no space or tab at its lines' ends, found with
    passes of C code over it and its lines (a piece at a time); None when the rules must
    read it line by line: a line ends in other whitespace (then a blank line may not be
    empty), every line is indented, or it is one wrapped block."""
    if text[0].isspace() and _LINE_STARTING_AT_MARGIN.search(text) is None:
        return None
    counts = _line_counts_in_two(text)
    if counts is None:
        return None
    gaps, filled, finished, long_inner, margin = counts
    blocks = gaps + 1
    inner = filled - blocks  # every line of a block but its last
    single_block = blocks == 1
    wrapped = (
        inner >= (3 if single_block else 2)
        and (inner - long_inner) * 10 >= inner * 8
        and (inner - finished) * 2 >= inner
    )
    if wrapped and single_block:
        return None
    return _Shape(wrapped, 0, margin if wrapped else 0, single_block)


_LineCounts = tuple[int, int, int, int, int]
"""Of some lines: how many runs of blank lines they hold, how many lines are not empty,
how many not last in their block end a sentence, how many not last in their block are
longer than a title line, and the longest's length."""

SPLIT_FROM = 1 << 23
"""Texts of at least this many characters have the lines of their second half measured
by a forked child (see `library.forked_work`) while the first half's are measured here."""


def _line_counts_in_two(text: str) -> _LineCounts | None:
    """`_line_counts` of the whole of `text`, a long one in two halves at once."""
    found = _LONE_LINE_END.search(text, len(text) // 2) if len(text) >= SPLIT_FROM else None
    if found is None:
        return _line_counts(text, 0, len(text))
    middle = found.start()
    from library.forked_work import ForkedWork  # (pickle): for long texts only

    with ForkedWork(_line_counts, text, middle + 1, len(text)) as second:
        first = _line_counts(text, 0, middle)
        if first is None:
            return None
        rest = second.result()
    if rest is None:
        return None
    return (
        first[0] + rest[0],
        first[1] + rest[1],
        first[2] + rest[2],
        first[3] + rest[3],
        max(first[4], rest[4]),
    )


def _line_counts(text: str, start: int, end: int) -> _LineCounts | None:
    """What `_shape_of_text` needs of the lines of `text[start:end]` (where a line starts,
    and a line ends, touching no run of blank lines), or None when a line ends in
    whitespace other than a space or tab."""
    gaps = len(_BLANK_RUN.findall(text, start, end))
    filled = finished = long_inner = margin = 0
    while start < end:
        cut = text.find("\n", start + _PIECE_CHARS, end)
        stop = end if cut == -1 else cut
        piece = text[start:stop]
        lines = piece.split("\n")
        filled += len(lines) - lines.count("")
        followed = text[stop + 1 : stop + 2] not in ("", "\n")  # the piece's last line
        counted = _finished_lines(piece, lines, followed)
        if counted is None:
            return None
        finished += counted
        longest = max(map(len, lines))
        margin = max(margin, longest)
        if longest > _TITLE_LINE_MAX:
            after = list(map(bool, lines[1:]))
            after.append(followed)
            inside = map(and_, map(bool, lines), after)
            long_inner += sum(map(and_, inside, map(_TITLE_LINE_MAX.__lt__, map(len, lines))))
        start = stop + 1
    return gaps, filled, finished, long_inner, margin


def _finished_lines(piece: str, lines: list[str], followed: bool) -> int | None:
    """How many lines of `piece` that are not last in their block end a sentence
    (`followed`: a line follows the piece's last one in its block); None when a line
    ends in whitespace other than a space or a tab."""
    last = lines[-1].endswith(_ENDINGS) and followed
    if piece.isascii():
        # (each character looked for at the speed of memory; lines only if one is there)
        if any(space in piece for space in _ODD_ASCII_SPACES) and _ends_in_odd_space(lines):
            return None
    elif _ends_in_odd_space(lines):
        return None
    return len(_FINISHED_LINE.findall(piece)) + last


def _ends_in_odd_space(lines: list[str]) -> bool:
    return any(map(str.endswith, lines, repeat(_OTHER_SPACES)))


def _stretches_in_two(text: str, start: int, shape: _Shape) -> list[str]:
    """`_stretches` from `start` on; of a long text in two halves split between two
    blocks, the second joined by a forked child (see `library.forked_work`) into one
    piece while the first is here. The rules never look past a block, and the text is
    not wrapped differently in either half, since `shape` is the whole text's."""
    middle = text.find("\n\n", (start + len(text)) // 2) if len(text) >= SPLIT_FROM else -1
    if middle == -1:
        return _stretches(text, start, shape)
    while text[middle - 1] == "\n":  # the first half ends with its last block's text
        middle -= 1
    second_start = middle + 2
    while text[second_start] == "\n":  # (the text ends in no newline)
        second_start += 1
    from library.forked_work import ForkedText  # (pickle): for long texts only

    # The second half's pieces come back as one: the way back from a child is shortest.
    with ForkedText(_stretches, text, second_start, shape, separator="\n\n") as second:
        found = _stretches(text, start, shape, middle)
        rest = second.result()
    if rest:
        found.append(rest)
    return found


def _stretches(text: str, start: int, shape: _Shape, end: int | None = None) -> list[str]:
    """The paragraphs of the blocks from `start` on (to `end`, a block's end, if given),
    in pieces: each block a rule may apply to read line by line, the stretches between
    joined by passes over them."""
    end = len(text) if end is None else end
    sentinel = next(char for char in _SENTINELS if char not in text)
    if not shape.hard_wrapped:
        return list(_joined(text, start, end, shape, sentinel))
    found: list[str] = []
    done = start
    read = start  # sites before this are in a block read already
    for site in _rule_sites(text, start, end, shape.margin):
        if site < read:
            continue
        block_start = text.rfind("\n\n", start, site)
        block_start = start if block_start == -1 else block_start + 2
        block_end = text.find("\n\n", site, end)
        block_end = end if block_end == -1 else block_end
        found.extend(_joined(text, done, block_start, shape, sentinel))
        lines = text[block_start:block_end].split("\n")
        found.extend(_reflow(lines, shape.indent, shape.margin, split_at_short_lines=False))
        # (a dash ending the block's last line names the first newline after it)
        done, read = block_end, block_end + 1
    found.extend(_joined(text, done, end, shape, sentinel))
    return found


def _rule_sites(text: str, start: int, end: int, margin: int) -> Iterator[int]:
    """Offsets inside the blocks from `start` to `end` (a block's end) that a line-by-line
    rule may apply to, in order; a block may be named more than once.

    A line that starts with a rule's mark or a `key:` is named only if the rules keep its
    line break with the line before or after it (see `_keeps_a_break`): most such lines
    are prose ("He said: yes", a dialogue line after a dash), whose block the passes
    over long stretches join as the rules would.
    """
    if _RULE_AT_START.match(text, start, end) is not None:
        yield start
    dashes, marks, indented = (
        (site.end() - 1 for site in rule.finditer(text, start, end)) for rule in _RULE_SITES
    )
    special = merge(_field_sites(text, start, end), marks)
    kept = (site for site in special if _keeps_a_break(text, site, start, margin))
    yield from merge(kept, dashes, indented)


def _keeps_a_break(text: str, at: int, start: int, margin: int) -> bool:
    """Whether the rules keep the line break between the line holding `at` and the line
    before it or after it in its block (`_keeps_break`, for a wrapped text of `margin`;
    the text's blocks start at `start`, and no line ends in whitespace).

    Only a rule or a `key: value` line ever keeps a break, so a block whose special
    lines keep none is joined by the rules exactly as by the passes: its lines stripped
    and joined by a space (a dash ending a line is named apart).
    """
    line_start = max(start, text.rfind("\n", start, at) + 1)
    line_end = text.find("\n", at)
    if line_end == -1:
        line_end = len(text)
    line = text[line_start:line_end]
    if line_start - 2 >= start and text[line_start - 2] != "\n":
        before_start = max(start, text.rfind("\n", start, line_start - 1) + 1)
        if _keeps_break(text[before_start : line_start - 1], line, margin):
            return True
    if text[line_end + 1 : line_end + 2] not in ("", "\n"):
        after_end = text.find("\n", line_end + 1)
        after = text[line_end + 1 : len(text) if after_end == -1 else after_end]
        return _keeps_break(line, after, margin)
    return False


def _field_sites(text: str, start: int, end: int) -> Iterator[int]:
    """The colons from `start` to `end` that end the first one to three words of their
    line, as in `key: value` (see `_FIELD_LINE`); other colons are prose to the rules."""
    for colon in _COLON.finditer(text, start, end):
        at = colon.start()
        line_start = max(start, text.rfind("\n", start, at) + 1)
        if at - line_start > _FIELD_KEY_MAX or _FIELD_KEY.fullmatch(text, line_start, at):
            yield at


def _joined(text: str, start: int, end: int, shape: _Shape, sentinel: str) -> Iterator[str]:
    """The paragraphs of the blocks between `start` and `end` (block boundaries) that no
    line-by-line rule applies to, as runs of paragraphs `STRETCH_CHARS` or so long: each
    line stripped, and a block's lines joined by a space (one paragraph per line, when the
    text is not wrapped)."""
    while start < end:
        cut = text.find("\n\n", start + STRETCH_CHARS, end)
        stop = end if cut == -1 else cut
        stretch = _LEADING_SPACE.sub("\n", text[start:stop]).strip()
        if shape.hard_wrapped:
            stretch = _BLANK_RUN.sub(sentinel, stretch).replace("\n", " ")
            stretch = stretch.replace(sentinel, "\n\n")
        else:
            stretch = _LINE_BREAKS.sub("\n\n", stretch)
        if stretch:
            yield stretch
        start = stop
