"""The user's own Markdown in the export: each highlight's note, and the notes region.

Notes are the user's Markdown and stay Markdown, but they cannot break the file around
them. markdown-it-py reads each note as CommonMark readers (Obsidian, Logseq...) read it,
with a blank line and a paragraph after it as it stands in the file; its tokens say what
the note leaves open or would change outside itself, and:

- a code fence left open is closed, and an HTML block that would never end (``<!--``,
  ``<script>``...) has its ``<`` escaped, since either would swallow the rest of the file;
- headings of levels 1 and 2 are moved down two levels and setext underlines escaped,
  since the file's outline (the title, the orphans section) uses those levels;
- ``%%`` (an Obsidian comment, which could hide the rest of the file) and ``^nr-`` (our
  block ids) are escaped except in code, where a backslash would show;
- a line that reads as a notes-region marker is indented by one space, so the user's
  region is always found again.

The notes region is the user's own, kept verbatim between `BEGIN_NOTES` and `END_NOTES`;
if what they wrote leaves a fence or an HTML block open, a line closing it follows the
end marker, outside the region.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline, backtick
from markdown_it.token import Token

from annotations.markdown_escape import SURROGATE, clean_text

BEGIN_NOTES = "%% begin notes %%"
"""The line that opens the user's notes region (an Obsidian comment, invisible there)."""

END_NOTES = "%% end notes %%"
"""The line that closes the user's notes region."""

_MARKERS = (BEGIN_NOTES, END_NOTES)

_NEXT_BLOCK = "next"
"""What a note is read with after it (and a blank line): whatever swallows this line
would swallow the rest of the file."""

_CODE_SPANS = "newsreader code spans"
"""The parse environment's key for `_recording_backtick`'s findings."""

_VERBATIM_BLOCKS = frozenset({"fence", "code_block", "html_block"})
"""Blocks shown as they are written: nothing in them can be escaped."""

_OUTLINE_LEVELS = frozenset({"h1", "h2"})
"""Heading levels the file's own outline uses."""

_DEMOTED_ATX = "##"
"""Put before an ATX heading's ``#`` or ``##``: it becomes level 3 or 4."""

_RISKY = re.compile(r"%(?=%)|\^(?=nr-)")
"""The start of an Obsidian comment (``%%``) or of one of our block ids (``^nr-``)."""

_MAY_NEED_CHANGES = re.compile(
    r"%%|\^nr-"  # escapes, and region markers
    r"|(?<!#)##?(?![^ \t\n])"  # an ATX heading of level 1 or 2
    r"|^[ \t>]*(?:=+|-+)[ \t]*$"  # a setext underline
    r"|```|~~~"  # a fence
    r"|^ {0,3}<",  # an HTML block at the top level
    re.MULTILINE,
)
"""Matches somewhere in every note that needs a change: a note without a match is kept
as it is without being parsed (the parser's reading would find nothing to change)."""

_MAY_LEAVE_OPEN = re.compile(r"```|~~~|(?:^|(?<=\r)) {0,3}<", re.MULTILINE)
"""Matches somewhere in every notes region that leaves a fence or an HTML block open
(a lone CR ends a line too, for CommonMark)."""

_CODE_SPAN_ANCHORS = frozenset("%^")
"""The characters of `_RISKY` matches, followed from a paragraph's text to its lines."""

_HTML_CLOSERS = (("<!--", "-->"), ("<?", "?>"), ("<![CDATA[", "]]>"), ("<!", ">"))
_TAG_NAME = re.compile(r"<([A-Za-z]+)")


def _recording_backtick(state: StateInline, silent: bool) -> bool:
    """markdown-it's code span rule, also noting where each code span lies in its text.

    Inline tokens carry no source positions; this is how the spans are found again.
    """
    start, count = state.pos, len(state.tokens)
    matched = backtick(state, silent)
    if matched and len(state.tokens) > count and state.tokens[-1].type == "code_inline":
        state.env[_CODE_SPANS].append((state.src, start, state.pos))
    return matched


# Nesting deeper than this is skipped by the parser (it keeps Python's stack safe); what
# lies deeper is not read as code, so it is escaped rather than left alone.
_OPTIONS = {"maxNesting": 100}

_BLOCKS = MarkdownIt("commonmark", _OPTIONS).disable(["inline", "reference"])
"""Reads the blocks of a note. Inline content is read only where code spans matter.

Link reference definitions are read as the paragraph text they are until CommonMark's
paragraph closes: markdown-it takes them out first, and then reads the lines after one
as if no paragraph were open (an indented line as code, say), which CommonMark readers
such as Obsidian do not; that would leave a ``%%`` unescaped, or an HTML block open."""

_INLINES = MarkdownIt("commonmark", _OPTIONS)
"""Reads the inline content of a paragraph or heading, noting its code spans."""
_INLINES.inline.ruler.at("backticks", _recording_backtick)


@dataclass(frozen=True, slots=True)
class _Reading:
    """How CommonMark reads a note's lines, and what must change for it to be safe."""

    verbatim: frozenset[int]
    """Lines inside code and HTML blocks: shown as written, so never escaped."""
    in_code: frozenset[tuple[int, int]]
    """``(line, column)`` of each ``%`` and ``^`` inside a code span."""
    fixes: tuple[tuple[int, int, str], ...]
    """``(line, column, text to insert)``: escape the ``<`` of an endless HTML block, or
    else demote headings and escape setext underlines."""
    open_fence: str | None
    """The fence (e.g. ``````) of a code block the note leaves open."""


def note_markdown(note: str) -> str:
    """Return a note as the export writes it: still the user's Markdown, but unable to
    break the file (see the module docstring). Empty when the note is blank."""
    lines = _without_blank_ends(clean_text(note).split("\n"))
    if not lines:
        return ""
    if not _MAY_NEED_CHANGES.search("\n".join(lines)):
        return "\n".join(lines)  # most notes are prose: no need to parse them
    reading = _read_note(lines)
    # Each fix can change how later lines read (an escaped underline lets the paragraph
    # go on), so read again until nothing is left to fix. A line is fixed at most once
    # (what a fix makes of it cannot need another), hence the bound.
    for _ in range(len(lines)):
        if not reading.fixes:
            break
        for number, column, text in sorted(reading.fixes, reverse=True):
            lines[number] = lines[number][:column] + text + lines[number][column:]
        reading = _read_note(lines)
    out = [_safe_line(line, number, reading) for number, line in enumerate(lines)]
    if reading.open_fence is not None:
        out.append(reading.open_fence)
    return "\n".join(out)


def notes_region(user_notes: str) -> str:
    """Return the notes region holding `user_notes` verbatim (surrogates aside).

    If what the user wrote leaves a code fence or an HTML comment (or the like) open,
    a line closing it follows the end marker, outside the region: the user's text stays
    as it is, and the rest of the file is not swallowed.
    """
    text = SURROGATE.sub("\ufffd", user_notes).replace("\r\n", "\n")
    # A blank line on each side keeps the user's text apart from the markers (so that
    # its first line is not glued to the marker's paragraph); `user_notes_of` drops them.
    inside = [""] if not text else ["", *text.split("\n"), ""]
    lines = [BEGIN_NOTES, *inside, END_NOTES]
    if not _MAY_LEAVE_OPEN.search(text):
        return "\n".join(lines)
    left_open = _left_open(_parse(lines))
    if left_open is not None:
        lines.append(_closing_line(left_open))
    return "\n".join(lines)


def region_bounds(lines: Sequence[str]) -> tuple[int, int] | None:
    """Return the indexes of the begin and end marker lines, or None when not both there."""
    begin = next((i for i, line in enumerate(lines) if line.rstrip() == BEGIN_NOTES), None)
    if begin is None:
        return None
    end = next((i for i in range(begin + 1, len(lines)) if lines[i].rstrip() == END_NOTES), None)
    return None if end is None else (begin, end)


def user_notes_of(text: str) -> str | None:
    """Return what is written between the notes-region markers of an exported file.

    One blank line right after the begin marker and one right before the end marker are
    the region's own (`notes_region` writes them), not the user's. None when the file has
    no complete region. Line ends become LF.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    bounds = region_bounds(lines)
    if bounds is None:
        return None
    inside = lines[bounds[0] + 1 : bounds[1]]
    if inside and not inside[0]:
        inside = inside[1:]
    if inside and not inside[-1]:
        inside = inside[:-1]
    return "\n".join(inside)


# --- reading a note -----------------------------------------------------------------------


def _parse(lines: Sequence[str]) -> list[Token]:
    """The block tokens of `lines` as they stand in the file: a blank line and more after."""
    return _BLOCKS.parse("\n".join(lines) + "\n\n" + _NEXT_BLOCK)


def _left_open(tokens: Sequence[Token]) -> Token | None:
    """The fence or HTML block that swallows the line after the note, if one does.

    The line after is a paragraph of its own unless such a block is still open at the
    top level (inside a list or a quote, the line closes the container and the block).
    """
    last = tokens[-1]
    return last if last.type in ("fence", "html_block") else None


def _read_note(lines: Sequence[str]) -> _Reading:
    tokens = _parse(lines)
    left_open = _left_open(tokens)
    open_fence: str | None = None
    if left_open is not None and left_open.type == "html_block":
        # Alone: until the block is gone, it hides whatever else the lines hold.
        fixes: tuple[tuple[int, int, str], ...] = (_escape_html_start(left_open, lines),)
    else:
        fixes = tuple(_demotions(tokens, lines))
        open_fence = None if left_open is None else left_open.markup
    return _Reading(
        verbatim=frozenset(_verbatim_lines(tokens, len(lines))),
        in_code=frozenset(_code_span_places(tokens, lines)),
        fixes=fixes,
        open_fence=open_fence,
    )


def _escape_html_start(block: Token, lines: Sequence[str]) -> tuple[int, int, str]:
    """The fix for an endless top-level HTML block: a backslash before its ``<``."""
    number = _first_line(block)
    return (number, lines[number].index("<"), "\\")


def _verbatim_lines(tokens: Sequence[Token], count: int) -> Iterator[int]:
    """The lines of code and HTML blocks (less markdown-it's lazy lines read as code)."""
    lazy = _lazy_lines_read_as_code(tokens)
    for token in tokens:
        if token.type in _VERBATIM_BLOCKS and token.map is not None and token.map[0] not in lazy:
            yield from range(token.map[0], min(token.map[1], count))


def _lazy_lines_read_as_code(tokens: Sequence[Token]) -> set[int]:
    """First lines of indented code blocks that CommonMark reads as paragraph text.

    Indented code cannot interrupt a paragraph, so right after one it can only start
    inside a container opened on the same line (``- ``, ``> ``). markdown-it also reads
    code after a paragraph in a list item when the next line is outdented yet indented
    four spaces (``1.   a`` then ``    > b``), where CommonMark readers go on with the
    paragraph (a lazy continuation line).
    """
    paragraph_ends = {t.map[1] for t in tokens if t.type == "paragraph_open" and t.map}
    opened_at: list[int] = []  # the first line of each open block, innermost last
    lazy: set[int] = set()
    for token in tokens:
        if token.nesting == 1:
            opened_at.append(token.map[0] if token.map else -1)
        elif token.nesting == -1:
            opened_at.pop()
        elif token.type == "code_block" and token.map is not None:
            first = token.map[0]
            if first in paragraph_ends and first not in opened_at:
                lazy.add(first)
    return lazy


def _demotions(tokens: Sequence[Token], lines: Sequence[str]) -> Iterator[tuple[int, int, str]]:
    """Fixes for headings of the outline's levels, wherever they are in the note.

    An ATX heading gets ``##`` before its first ``#``; a setext heading gets a backslash
    before its underline, which makes the underline part of the paragraph. Container
    markers (``>``, list markers, spaces) hold neither ``#`` nor ``=``, and no list
    marker can stand on an underline's line, so the first such character is the one.
    """
    for token in tokens:
        if token.type != "heading_open" or token.tag not in _OUTLINE_LEVELS:
            continue
        if token.markup.startswith("#"):
            number = _first_line(token)
            yield (number, lines[number].index("#"), _DEMOTED_ATX)
        elif token.map is not None:
            number = token.map[1] - 1
            yield (number, lines[number].index(token.markup), "\\")


def _code_span_places(tokens: Sequence[Token], lines: Sequence[str]) -> Iterator[tuple[int, int]]:
    """``(line, column)`` of each ``%`` and ``^`` that CommonMark reads inside a code span.

    Only paragraphs and headings holding both a backtick and a ``%%`` or ``^nr-`` are
    read inline. An inline token's text is its lines less what its containers and
    its block take (``>``, list markers, indentation, ``#`` runs, the underline, outer
    whitespace): none of that is a ``%`` or ``^``, so the n-th of those characters in
    the text is the n-th in the lines.
    """
    for token in tokens:
        if token.type != "inline" or token.map is None or "`" not in token.content:
            continue
        spans = _code_spans(token.content) if _RISKY.search(token.content) else []
        if not spans:
            continue
        offsets = [i for i, char in enumerate(token.content) if char in _CODE_SPAN_ANCHORS]
        places = [
            (number, column)
            for number in range(token.map[0], min(token.map[1], len(lines)))
            for column, char in enumerate(lines[number])
            if char in _CODE_SPAN_ANCHORS
        ]
        if len(places) != len(offsets):  # pragma: no cover - escaping too much is safe
            continue
        starts = [start for start, _ in spans]
        for offset, place in zip(offsets, places, strict=True):
            at = bisect_right(starts, offset) - 1
            if at >= 0 and offset < spans[at][1]:
                yield place


def _code_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each code span of `text` (inline content), in order.

    Spans inside an image's description are read in a text of their own and left out
    (their ``%%`` is escaped: safe, if visible).
    """
    env: dict[str, Any] = {_CODE_SPANS: []}
    _INLINES.inline.parse(text, _INLINES, env, [])
    return sorted((start, end) for source, start, end in env[_CODE_SPANS] if source == text)


def _first_line(token: Token) -> int:
    assert token.map is not None  # every block token has its lines
    return token.map[0]


# --- writing a note -----------------------------------------------------------------------


def _safe_line(line: str, number: int, reading: _Reading) -> str:
    if number not in reading.verbatim:
        line = _escape_risks(line, number, reading.in_code)
    if line.rstrip() in _MARKERS:
        line = " " + line  # no longer a region marker, and shown nearly as it was
    return line


def _escape_risks(line: str, number: int, in_code: frozenset[tuple[int, int]]) -> str:
    """Escape ``%%`` and ``^nr-`` except in code spans and where already escaped."""
    if "%" not in line and "^" not in line:
        return line
    out: list[str] = []
    start = 0
    for match in _RISKY.finditer(line):
        column = match.start()
        if (number, column) in in_code or _is_escaped(line, column):
            continue
        out.append(line[start:column] + "\\")
        start = column
    out.append(line[start:])
    return "".join(out)


def _is_escaped(line: str, column: int) -> bool:
    """Whether the character at `column` follows an odd run of backslashes."""
    before = line[:column]
    return (len(before) - len(before.rstrip("\\"))) % 2 == 1


def _without_blank_ends(lines: list[str]) -> list[str]:
    start = 0
    while start < len(lines) and _blank(lines[start]):
        start += 1
    end = len(lines)
    while end > start and _blank(lines[end - 1]):
        end -= 1
    return lines[start:end]


def _blank(line: str) -> bool:
    return not line.strip(" \t")


def _closing_line(block: Token) -> str:
    """The line that ends a fence or an HTML block left open (for HTML types 1 to 5)."""
    if block.type == "fence":
        return block.markup
    opener = block.content.lstrip(" ")
    for start, end in _HTML_CLOSERS:
        if opener.startswith(start):
            return end
    name = _TAG_NAME.match(opener)
    return f"</{name.group(1).lower()}>" if name else ">"
