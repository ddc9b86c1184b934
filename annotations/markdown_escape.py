"""Literal text in the Markdown export: titles, quotes, YAML values, tags and block ids.

Titles and quotes are *literal text*: every character that could start Markdown syntax
(CommonMark, and the common extensions of GitHub, Obsidian and Logseq: tables, ``#tags``,
``[[links]]``, ``==marks==``, ``%%comments%%``, ``^block-ids``, ``$math$``, ``((refs))``)
is backslash-escaped, whitespace that Markdown would eat (at the ends of a line, tabs) is
written as a character reference, and control characters become the visible stand-ins
the reader shows (`library.sanitize.visible`), so printing the file on a terminal is safe.
A quote's blank lines separate its paragraphs; runs of them count as one.

Front matter values are double-quoted YAML strings that read back exactly, whatever they
hold. A tag is spelled one way in both places it appears (the front matter's ``tags`` and
the meta line's ``#tag``): reduced to what Obsidian and Logseq read as one tag (see
`tag_name`), so that both apps see one tag, not two.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping

from library.sanitize import visible

BLOCK_ID_PREFIX = "nr-"
"""Block ids are ``^nr-<highlight id>``: Obsidian can link to ``[[file#^nr-...]]``."""

UNTITLED = "Untitled"
"""The heading of a document whose title is empty."""

SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: it cannot be written as UTF-8, so the export writes U+FFFD instead."""

_ALWAYS_ESCAPED = frozenset("\\`*_[]<#|~$^{}")
"""Characters escaped wherever they are (emphasis, code, links, HTML, tags, tables...)."""
_DOUBLED = frozenset("=%:(")
"""Characters escaped when the next one is the same (``==mark==``, ``%%``, ``::``, ``((``)."""
_LINE_START = frozenset(">-+=")
"""Characters escaped at the start of a line (quotes, lists, setext underlines)."""
_ENTITY_LIKE = re.compile(r"#|[A-Za-z0-9]+;")
_LEADING_DIGITS = re.compile(r"[0-9]+(?=[.)])")
_ALWAYS_ENCODED = frozenset("\t\u2028\u2029")
"""Characters written as character references wherever they are."""

_BLOCK_ID = re.compile(r"[A-Za-z0-9-]+")
_TAG_JUNK = re.compile(r"[^\w/-]|_")
_DASH_RUN = re.compile(r"-{2,}")
_SLASH_RUN = re.compile(r"[-/]*/[-/]*")
_NOT_ONLY_DIGITS = re.compile(r"[^\d/-]")


def clean_text(text: str) -> str:
    """Return `text` as the Markdown export shows it: LF line ends, visible controls.

    Lone surrogates (which cannot be written as UTF-8) become U+FFFD.
    """
    text = SURROGATE.sub("\ufffd", text).replace("\r\n", "\n")
    return visible(text)


def markdown_literal_line(line: str) -> str:
    """Return one line of text escaped so that Markdown shows exactly that text.

    `line` must hold no newline and should have been through `clean_text`.
    """
    if not line:
        return ""
    lead = len(line) - len(line.lstrip())
    trail = lead + len(line.strip())
    digits = _LEADING_DIGITS.match(line) if lead == 0 else None
    number_end = digits.end() if digits else -1
    out: list[str] = []
    for index, char in enumerate(line):
        if char in _ALWAYS_ENCODED or (char.isspace() and not lead <= index < trail):
            out.append(f"&#{ord(char)};")
        elif index == number_end or _starts_syntax(line, index):
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _starts_syntax(line: str, index: int) -> bool:
    """Whether the character at `index` of `line` could start Markdown syntax there."""
    char = line[index]
    return (
        char in _ALWAYS_ESCAPED
        or (index == 0 and char in _LINE_START)
        or (char in _DOUBLED and line[index + 1 : index + 2] == char)
        or (char == "&" and _ENTITY_LIKE.match(line, index + 1) is not None)
    )


def quote_lines(quote: str) -> list[str]:
    """Split a quote into the lines the export writes (before escaping).

    Blank lines separate paragraphs: runs of them count as one, and blank lines at the
    ends are dropped, as Markdown would.
    """
    kept: list[str] = []
    for line in clean_text(quote).split("\n"):
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return kept


def heading_text(title: str) -> str:
    """Return the text the ``#`` heading shows for `title`: one line, never empty."""
    text = clean_text(title).replace("\n", " ")
    return text if text.strip() else UNTITLED


# --- YAML ---------------------------------------------------------------------------------

_YAML_NAMED = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\x00": "\\0",
}
_YAML_UNSAFE = re.compile(
    '[\\\\"\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufeff\ufffe\uffff'
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def yaml_string(value: str) -> str:
    """Return `value` as a double-quoted YAML scalar that reads back exactly as `value`.

    Everything YAML could read as structure or a line break, or refuses to read
    (control characters, lone surrogates), is escaped; the rest is kept readable.
    """
    return '"' + _YAML_UNSAFE.sub(_yaml_escape, value) + '"'


def _yaml_escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _YAML_NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"


def yaml_optional(value: str | None) -> str:
    """Return `value` as `yaml_string` does, or YAML's ``null`` when there is none."""
    return "null" if value is None else yaml_string(value)


# --- tags and block ids -------------------------------------------------------------------


def block_id(highlight_id: str) -> str:
    """Return the Obsidian block id of a highlight (without the ``^``).

    Block ids may hold only letters, digits and ``-``; an id with anything else (never
    made by newsreader) gets a stable stand-in derived from it.
    """
    if _BLOCK_ID.fullmatch(highlight_id):
        return BLOCK_ID_PREFIX + highlight_id
    digest = hashlib.sha256(highlight_id.encode("utf-8", "replace")).hexdigest()
    return BLOCK_ID_PREFIX + "x" + digest[:24]


def tag_name(tag: str) -> str:
    """Return the name the export gives a tag: one that Obsidian and Logseq read as one tag,
    written the same in the front matter's ``tags`` list and (after a ``#``) inline.

    The tag is NFKC-normalised; anything but letters, digits, ``-`` and ``/`` (spaces,
    ``_``, punctuation) becomes ``-``, a run of ``-`` one ``-``, a run of ``/`` (with any
    ``-`` around it) one ``/``, and ``-`` or ``/`` at either end is dropped (``local news``
    is ``local-news``, ``_under_`` is ``under``, ``a / b`` is the nested tag ``a/b``); a
    tag of digits only gets ``tag-`` in front (``2024`` is not a tag in Obsidian:
    ``tag-2024``). Empty when nothing usable is left (``!!!``): such a tag is left out of
    the export.
    """
    cleaned = _TAG_JUNK.sub("-", unicodedata.normalize("NFKC", tag))
    cleaned = _SLASH_RUN.sub("/", _DASH_RUN.sub("-", cleaned)).strip("-/")
    if not cleaned:
        return ""
    if not _NOT_ONLY_DIGITS.search(cleaned):
        cleaned = "tag-" + cleaned
    return cleaned


def tag_names(tags: Iterable[str], spellings: Mapping[str, str] | None = None) -> list[str]:
    """The names of `tags` (see `tag_name`), each once, in order, the empty ones left out.

    Two tags whose names differ only in case are one tag, as Obsidian counts them: the
    name is the spelling `spellings` gives for its case-folded form, else the first met.
    """
    found: dict[str, str] = {}
    for tag in tags:
        name = tag_name(tag)
        if name:
            key = name.casefold()
            found.setdefault(key, spellings.get(key, name) if spellings else name)
    return list(found.values())
