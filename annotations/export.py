"""Markdown export of highlights and notes: one file per document (PRODUCT §8).

The file, as Obsidian, Logseq or any CommonMark reader sees it::

    ---
    title: "The title, as a double-quoted YAML string"
    source: "The publication" (or null)
    date: "2021-11-15" (or null)
    document_id: "3f2a..."
    content_hash: "sha256 of the text the offsets index"
    exported: "2024-05-01T12:00:00.000Z"
    highlights: 2
    tags:
      - "every tag used"
    generated_hash: "sha256 of what this module wrote"
    ---

    # The title

    %% begin notes %%
    (whatever the user writes here is kept by every later export)
    %% end notes %%

    > The quoted text, every line quoted,
    > escaped so that it stays plain text ^nr-<highlight id>

    The note, in Markdown.

    paragraph 3, 42% · yellow · #tag · 2024-05-01

    ## Orphaned highlights
    ...

Why the escaping is the way it is
---------------------------------
Titles and quotes are *literal text*: every character that could start Markdown syntax
(CommonMark, and the common extensions of GitHub, Obsidian and Logseq: tables, ``#tags``,
``[[links]]``, ``==marks==``, ``%%comments%%``, ``^block-ids``, ``$math$``, ``((refs))``)
is backslash-escaped, whitespace that Markdown would eat (at the ends of a line, tabs) is
written as a character reference, and control characters become the visible stand-ins
the reader shows (`library.sanitize.visible`), so printing the file on a terminal is safe.
A quote's blank lines separate its paragraphs; runs of them count as one.

Notes are the user's Markdown and stay Markdown, but they cannot break the file: a small
scanner that follows CommonMark's block rules (containers, fences, HTML blocks, indented
code, paragraphs and their lazy lines) finds what a note leaves open. A code fence left
open is closed; an HTML block that would never end (``<!--``, ``<script>``...) has its
``<`` escaped. Headings of levels 1 and 2 are moved down two levels and setext underlines
escaped, since the file's outline (the title, the orphans section) uses those levels.
``%%`` (an Obsidian comment, which could hide the rest of the file) and ``^nr-`` (our
block ids) are escaped outside code, and a line equal to a notes-region marker is
indented by one space, so the user's region is always found again.

Re-exporting
------------
Every file records, as ``generated_hash``, a hash of what this module wrote, with the
user's notes region left out. Exporting again into the same folder keeps what the user
wrote between the markers, and if anything *outside* the region changed since (or the
file is not one of ours), the old file is first copied to ``NAME.md.bak-<time>`` and the
result says so. A file whose content would not change (apart from the export time) is not
rewritten at all.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote as url_quote

from annotations.anchoring import reanchor
from annotations.model import Highlight, timestamp
from annotations.store import AnnotationStore
from library.catalog import Catalog
from library.document import Document, Span
from library.sanitize import visible
from library.segment import paragraph_spans
from library.storage import StoreError, atomic_write_bytes, fsync_directory

BEGIN_NOTES = "%% begin notes %%"
"""The line that opens the user's notes region (an Obsidian comment, invisible there)."""

END_NOTES = "%% end notes %%"
"""The line that closes the user's notes region."""

BLOCK_ID_PREFIX = "nr-"
"""Block ids are ``^nr-<highlight id>``: Obsidian can link to ``[[file#^nr-...]]``."""

INDEX_NAME = "index.md"
"""The file linking every document of a multi-document export."""

NO_HIGHLIGHTS = "No highlights yet."
"""The paragraph of a document exported without any highlight."""

ORPHANS_HEADING = "Orphaned highlights"
"""The section holding highlights that could not be found in the current text."""

ORPHANS_EXPLANATION = (
    "These highlights could not be found in the current text of the document; "
    "their quotes are kept as they were highlighted."
)

UNTITLED = "Untitled"
"""The heading of a document whose title is empty."""

MAX_SLUG_BYTES = 80
"""The longest title part of a file name, in UTF-8 bytes (names are capped at 255)."""

_SEPARATOR = " · "
"""Between the parts of a highlight's meta line."""


# --- models -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportDocument:
    """What the Markdown of one document needs to know about it (no sentences needed)."""

    id: str
    """The document's id in the catalog."""
    title: str
    """Its title, exactly as the catalog has it."""
    source: str | None
    """The publication, if known."""
    date: str | None
    """Publication date ``YYYY-MM-DD``, if known."""
    content_hash: str
    """sha256 of the text the highlights' offsets index."""
    paragraphs: Sequence[Span]
    """Each paragraph's span in the text, to say "paragraph N"."""
    length: int
    """Length of the text in code points, to say "P%"."""

    @classmethod
    def of(cls, document: Document) -> ExportDocument:
        """Describe a loaded `Document`."""
        return cls(
            id=document.id,
            title=document.title,
            source=document.source,
            date=document.date,
            content_hash=document.content_hash,
            paragraphs=document.paragraphs,
            length=len(document.text),
        )


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What one `export_markdown` did."""

    folder: Path
    """The folder the files went to."""
    files: tuple[Path, ...] = ()
    """One Markdown file per exported document, in the order the documents were given."""
    index: Path | None = None
    """The index file, when several documents were exported."""
    written: tuple[Path, ...] = ()
    """Files actually (re)written; the others in `files` were already up to date."""
    backups: tuple[tuple[Path, Path], ...] = ()
    """``(file, backup)`` for each file that had changes of the user's outside its notes
    region (or was not one of ours): the old file was copied to ``backup`` first."""
    skipped: tuple[tuple[str, str], ...] = ()
    """``(document id, one-sentence reason)`` for each document that was not exported."""

    @property
    def messages(self) -> tuple[str, ...]:
        """One plain sentence per thing the user should know, the first saying where."""
        count = len(self.files)
        noun = "document" if count == 1 else "documents"
        if count == 0:
            lines = [f"Nothing was exported to {self.folder}."]
        elif self.index is not None:
            lines = [f"Exported {count} {noun} to {self.folder} (index: {self.index})."]
        else:
            lines = [f"Exported the notes to {self.files[0]}."]
        for path, backup in self.backups:
            lines.append(
                f"{path} had changes outside its notes region; the old file was kept as {backup}."
            )
        for doc_id, reason in self.skipped:
            lines.append(f"Document {doc_id} was not exported: {_unsentence(reason)}.")
        return tuple(lines)


# --- file names ---------------------------------------------------------------------------

_SLUG_JUNK = re.compile(r"[\W_]+")
_SAFE_ID = re.compile(r"[^0-9A-Za-z_-]+")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
)


def safe_slug(title: str, doc_id: str) -> str:
    """Return the file name stem for a document: ``<title words>-<document id>``.

    The Markdown file is ``safe_slug(...) + ".md"``. Only letters, digits and ``-`` are
    kept (so no ``/``, ``\\``, ``..``, control characters or leading dot can appear),
    lower case, the title part at most `MAX_SLUG_BYTES` bytes; the document id at the end
    makes the name unique per document and keeps it clear of reserved names such as
    ``CON``. A title with nothing usable gives ``document-<id>``.
    """
    words = _SLUG_JUNK.sub("-", unicodedata.normalize("NFKC", title).casefold()).strip("-")
    words = _cut_utf8(words, MAX_SLUG_BYTES).strip("-")
    if not words or words in _WINDOWS_RESERVED:
        words = "document" if not words else f"{words}-document"
    return f"{words}-{_safe_id(doc_id)}"


def _safe_id(doc_id: str) -> str:
    """The document id as it ends a file name (catalog ids are already safe)."""
    kept = _SAFE_ID.sub("", doc_id)[:64].strip("-_")
    return kept or hashlib.sha256(doc_id.encode("utf-8", "replace")).hexdigest()[:12]


def _cut_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


# --- literal text -------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")
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


def clean_text(text: str) -> str:
    """Return `text` as the Markdown export shows it: LF line ends, visible controls.

    Lone surrogates (which cannot be written as UTF-8) become U+FFFD.
    """
    text = _SURROGATE.sub("\ufffd", text).replace("\r\n", "\n")
    return visible(text)


def markdown_literal_line(line: str) -> str:
    """Return one line of text escaped so that Markdown shows exactly that text.

    `line` must hold no newline and should have been through `clean_text`.
    """
    if not line:
        return ""
    stripped = line.strip()
    lead = len(line) - len(line.lstrip())
    trail = lead + len(stripped)
    digits = _LEADING_DIGITS.match(line) if lead == 0 else None
    number_end = digits.end() if digits else -1
    out: list[str] = []
    last = len(line) - 1
    for i, ch in enumerate(line):
        if ch in _ALWAYS_ENCODED or (ch.isspace() and (i < lead or i >= trail)):
            out.append(f"&#{ord(ch)};")
        elif (
            ch in _ALWAYS_ESCAPED
            or (i == 0 and ch in _LINE_START)
            or (ch in _DOUBLED and i < last and line[i + 1] == ch)
            or (ch == "&" and _ENTITY_LIKE.match(line, i + 1) is not None)
            or i == number_end
        ):
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def quote_lines(quote: str) -> list[str]:
    """Split a quote into the lines the export writes (before escaping).

    Blank lines separate paragraphs: runs of them count as one, and blank lines at the
    ends are dropped, as Markdown would.
    """
    lines = clean_text(quote).split("\n")
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return kept


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

    def escape(match: re.Match[str]) -> str:
        ch = match.group()
        named = _YAML_NAMED.get(ch)
        if named is not None:
            return named
        code = ord(ch)
        return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"

    return '"' + _YAML_UNSAFE.sub(escape, value) + '"'


def _yaml_optional(value: str | None) -> str:
    return "null" if value is None else yaml_string(value)


# --- notes --------------------------------------------------------------------------------

_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    "h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|"
    "noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    "thead|title|tr|track|ul"
)
_ATTRIBUTE = (
    r"(?:\s+[a-zA-Z_:][a-zA-Z0-9:._-]*"
    r"(?:\s*=\s*(?:[^\"'=<>`\x00-\x20]+|'[^']*'|\"[^\"]*\"))?)"
)
_HTML_BLOCKS: tuple[tuple[re.Pattern[str], re.Pattern[str] | None, bool], ...] = (
    # (start, end (None: a blank line ends it), can interrupt a paragraph)
    (
        re.compile(r"<(?a:script|pre|style|textarea)(?=\s|>|$)", re.IGNORECASE),
        re.compile(r"</(?a:script|pre|style|textarea)>", re.IGNORECASE),
        True,
    ),
    (re.compile(r"<!--"), re.compile(r"-->"), True),
    (re.compile(r"<\?"), re.compile(r"\?>"), True),
    (re.compile(r"<![A-Za-z]"), re.compile(r">"), True),
    (re.compile(r"<!\[CDATA\["), re.compile(r"\]\]>"), True),
    (re.compile(rf"</?(?a:{_BLOCK_TAGS})(?=\s|/?>|$)", re.IGNORECASE), None, True),
    (
        re.compile(
            rf"(?:<[A-Za-z][A-Za-z0-9-]*{_ATTRIBUTE}*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$"
        ),
        None,
        False,
    ),
)
_FENCE_OPEN = re.compile(r"(`{3,})[^`]*$|(~{3,}).*$")
_ATX = re.compile(r"(#{1,6})(?: |$)")
_SETEXT = re.compile(r"(?:=+|-+) *$")
_THEMATIC = re.compile(r"(?:(?:\* *){3,}|(?:- *){3,}|(?:_ *){3,})$")
_LIST_ITEM = re.compile(r"(?:[-+*]|([0-9]{1,9})[.)])(?= |$)")
_OBSIDIAN_RISKS = re.compile(r"%(?=%)|\^(?=nr-)")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")


@dataclass(slots=True)
class _Container:
    """An open block quote (``width`` 0) or list item (content indented ``width``)."""

    quote: bool
    width: int = 0
    empty_start: bool = False
    has_content: bool = False


@dataclass(slots=True)
class _Scan:
    """What scanning a note found (see `_scan_note`)."""

    raw_lines: set[int] = field(default_factory=set)
    """Lines inside code or HTML blocks: shown verbatim, so not escaped."""
    edits: list[tuple[int, int, str]] = field(default_factory=list)
    """``(line, column, text to insert)``: demote headings, escape setext underlines."""
    open_fence: str | None = None
    """The fence (e.g. ``````) of a code block left open at the top level."""
    open_html: tuple[int, int] | None = None
    """``(line, column)`` of the ``<`` of an endless HTML block left open at the top level."""
    html_closer: str = ""
    """A line that would end that HTML block (``-->`` for a comment, and so on)."""


def _scan_note(lines: Sequence[str]) -> _Scan:
    """Follow CommonMark's block structure through a note's lines (tabs expanded).

    Only what matters for the rest of the file is tracked: which lines are code or HTML,
    headings of levels 1 and 2, and whether a fence or an HTML block that ends only with
    its closing sequence is still open at the top level when the note ends. Columns in
    the result are columns of the tab-expanded lines.
    """
    scan = _Scan()
    containers: list[_Container] = []
    leaf: str | None = None  # "para", "fence", "code", "html"
    fence_char, fence_length = "", 0
    html_end: re.Pattern[str] | None = None
    html_at = (0, 0)

    for number, raw_line in enumerate(lines):
        line = raw_line.expandtabs(4)
        pos = 0
        matched = 0
        for container in containers:
            rest = line[pos:]
            if container.quote:
                indent = _indent(rest)
                if indent <= 3 and rest[indent : indent + 1] == ">":
                    pos += indent + 1
                    if line[pos : pos + 1] == " ":
                        pos += 1
                    matched += 1
                    continue
                break
            if _blank(rest):
                if container.empty_start and not container.has_content:
                    break
                matched += 1
                continue
            if _indent(rest) >= container.width:
                pos += container.width
                matched += 1
                continue
            break
        all_matched = matched == len(containers)
        rest = line[pos:]

        if all_matched and leaf == "fence":
            scan.raw_lines.add(number)
            closing = rest.lstrip(" ")
            if (
                _indent(rest) <= 3
                and closing.startswith(fence_char * fence_length)
                and closing.rstrip(" ").strip(fence_char) == ""
            ):
                leaf = None
            continue
        if all_matched and leaf == "html":
            scan.raw_lines.add(number)
            if html_end is _ENDS_AT_BLANK:
                if _blank(rest):
                    leaf = None
            elif html_end is not None and html_end.search(rest.lstrip(" ")):
                leaf = None
            continue
        if all_matched and leaf == "code" and (_blank(rest) or _indent(rest) >= 4):
            scan.raw_lines.add(number)
            continue

        lazy = leaf == "para" and not all_matched
        if leaf != "para":
            leaf = None
            del containers[matched:]
        while True:
            rest = line[pos:]
            if _blank(rest):
                del containers[matched:]
                leaf = None
                break
            indent = _indent(rest)
            paragraph_open = leaf == "para"
            if indent >= 4:
                if not paragraph_open:
                    del containers[matched:]
                    leaf = "code"
                    scan.raw_lines.add(number)
                break
            body = rest[indent:]
            column = pos + indent
            if body[0] == ">":
                del containers[matched:]
                containers.append(_Container(quote=True))
                matched = len(containers)
                leaf = None
                lazy = False
                pos = column + 1
                if line[pos : pos + 1] == " ":
                    pos += 1
                continue
            if paragraph_open and not lazy and _SETEXT.match(body):
                scan.edits.append((number, column, "\\"))
                leaf = None
                break
            if _THEMATIC.match(body):
                del containers[matched:]
                leaf = None
                break
            item = _LIST_ITEM.match(body)
            if item is not None:
                after = body[item.end() :]
                empty = _blank(after)
                ordered = item.group(1)
                if not (paragraph_open and (empty or (ordered is not None and int(ordered) != 1))):
                    del containers[matched:]
                    spaces = _indent(after)
                    marker = item.end()
                    width = indent + marker + (1 if empty or spaces >= 5 else spaces)
                    containers.append(
                        _Container(quote=False, width=width, empty_start=empty, has_content=False)
                    )
                    matched = len(containers)
                    leaf = None
                    lazy = False
                    pos += width if not empty else len(rest)
                    continue
            heading = _ATX.match(body)
            if heading is not None:
                del containers[matched:]
                if len(heading.group(1)) <= 2:
                    scan.edits.append((number, column, "##"))
                leaf = None
                break
            fence = _FENCE_OPEN.match(body)
            if fence is not None:
                del containers[matched:]
                run = fence.group(1) or fence.group(2)
                fence_char, fence_length = run[0], len(run)
                leaf = "fence"
                scan.raw_lines.add(number)
                break
            html = _html_block_start(body, paragraph_open)
            if html is not None:
                del containers[matched:]
                html_end = html
                html_at = (number, column)
                scan.html_closer = _html_closer(body)
                scan.raw_lines.add(number)
                leaf = None if _ends_here(html, body) else "html"
                break
            if not paragraph_open:
                del containers[matched:]
                leaf = "para"
            break
        if not _blank(line[pos:]):
            for container in containers[:matched]:
                container.has_content = True

    if not containers:
        if leaf == "fence":
            scan.open_fence = fence_char * fence_length
        elif leaf == "html" and html_end is not None and html_end is not _ENDS_AT_BLANK:
            scan.open_html = html_at
    return scan


def _html_closer(opener: str) -> str:
    """The end of the HTML block `opener` starts (for types 1 to 5)."""
    for start, end in (("<!--", "-->"), ("<?", "?>"), ("<![CDATA[", "]]>"), ("<!", ">")):
        if opener.startswith(start):
            return end
    name = re.match(r"<([A-Za-z]+)", opener)
    return f"</{name.group(1).lower()}>" if name else ">"


def _html_block_start(body: str, paragraph_open: bool) -> re.Pattern[str] | None:
    """Return the end pattern of the HTML block `body` starts (a never-matching pattern
    for blocks that end at a blank line), or None when it starts none."""
    if not body.startswith("<"):
        return None
    for start, end, interrupts in _HTML_BLOCKS:
        if start.match(body):
            if paragraph_open and not interrupts:
                return None
            return end if end is not None else _ENDS_AT_BLANK
    return None


_ENDS_AT_BLANK = re.compile(r"(?!)")
"""Marks HTML blocks that a blank line ends (they never leave the file open)."""


def _ends_here(end: re.Pattern[str], body: str) -> bool:
    return end is not _ENDS_AT_BLANK and end.search(body) is not None


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _blank(text: str) -> bool:
    return not text.strip(" \t")


def note_markdown(note: str) -> str:
    """Return a note as the export writes it: still the user's Markdown, but unable to
    break the file (see the module docstring). Empty when the note is blank."""
    lines = clean_text(note).split("\n")
    while lines and _blank(lines[0]):
        lines.pop(0)
    while lines and _blank(lines[-1]):
        lines.pop()
    if not lines:
        return ""
    # Each fix can change how later lines read (an escaped underline lets the paragraph
    # go on), so scan again until a scan finds nothing left to fix.
    while True:
        scan = _scan_note(lines)
        if scan.open_html is not None:
            line_number, column = scan.open_html
            lines[line_number] = _insert_at_column(lines[line_number], column, "\\")
        elif scan.edits:
            for line_number, column, text in sorted(scan.edits, reverse=True):
                lines[line_number] = _insert_at_column(lines[line_number], column, text)
        else:
            break
    out: list[str] = []
    for number, line in enumerate(lines):
        if number not in scan.raw_lines:
            line = _escape_outside_code(line)
        elif line.rstrip() in (BEGIN_NOTES, END_NOTES):
            line = " " + line  # in code: no longer a region marker, and shown nearly as it was
        out.append(line)
    if scan.open_fence is not None:
        out.append(scan.open_fence)
    return "\n".join(out)


def _insert_at_column(line: str, column: int, text: str) -> str:
    """Insert `text` before the character at tab-expanded `column` of `line`."""
    seen = 0
    for index, ch in enumerate(line):
        if seen >= column:
            return line[:index] + text + line[index:]
        seen = (seen // 4 + 1) * 4 if ch == "\t" else seen + 1
    return line + text


def _escape_outside_code(line: str) -> str:
    """Escape ``%%`` and ``^nr-`` except inside code spans of the line."""
    if "%" not in line and "^" not in line:
        return line
    out: list[str] = []
    start = 0
    for span in _CODE_SPAN.finditer(line):
        out.append(_OBSIDIAN_RISKS.sub(lambda m: "\\" + m.group(), line[start : span.start()]))
        out.append(span.group())
        start = span.end()
    out.append(_OBSIDIAN_RISKS.sub(lambda m: "\\" + m.group(), line[start:]))
    return "".join(out)


# --- one document -------------------------------------------------------------------------


def block_id(highlight_id: str) -> str:
    """Return the Obsidian block id of a highlight (without the ``^``).

    Block ids may hold only letters, digits and ``-``; an id with anything else (never
    made by newsreader) gets a stable stand-in derived from it.
    """
    if re.fullmatch(r"[A-Za-z0-9-]+", highlight_id):
        return BLOCK_ID_PREFIX + highlight_id
    return (
        BLOCK_ID_PREFIX
        + "x"
        + hashlib.sha256(highlight_id.encode("utf-8", "replace")).hexdigest()[:24]
    )


def tag_label(tag: str) -> str:
    """Return a tag in ``#tag`` form that Obsidian and Logseq read as one tag.

    Anything but letters, digits, ``-`` and ``/`` (spaces, ``_``, punctuation) becomes
    ``-``; a tag of digits only gets ``tag-`` in front (``#2024`` is not a tag). Empty when
    nothing usable is left. The front matter keeps every tag exactly.
    """
    cleaned = re.sub(r"[^\w/-]|_", "-", unicodedata.normalize("NFKC", tag))
    cleaned = re.sub(r"-{2,}", "-", cleaned).strip("-/")
    if not cleaned:
        return ""
    if not re.search(r"[^\d/-]", cleaned):
        cleaned = "tag-" + cleaned
    return "#" + cleaned


def location(highlight: Highlight, document: ExportDocument) -> str:
    """Return where a highlight is: ``paragraph N, P%`` (of the text, from its start)."""
    paragraph = max(1, bisect_right(document.paragraphs, highlight.start, key=lambda p: p[0]))
    percent = min(100, max(0, highlight.start * 100 // max(1, document.length)))
    return f"paragraph {paragraph}, {percent}%"


def meta_line(highlight: Highlight, document: ExportDocument) -> str:
    """Return the line under a highlight: location, color, tags and the date it was made."""
    parts = [
        "not found in the current text"
        if not highlight.is_placed
        else location(highlight, document),
        highlight.color,
    ]
    tags = " ".join(label for label in (tag_label(tag) for tag in highlight.tags) if label)
    if tags:
        parts.append(tags)
    date = highlight.created[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        parts.append(date)
    return _SEPARATOR.join(parts)


def heading_text(title: str) -> str:
    """Return the text the ``#`` heading shows for `title`: one line, never empty."""
    text = clean_text(title).replace("\n", " ")
    return text if text.strip() else UNTITLED


def render_markdown(
    document: ExportDocument,
    highlights: Iterable[Highlight],
    *,
    exported: str,
    user_notes: str = "",
) -> str:
    """Return the Markdown file of one document (see the module docstring).

    Args:
        document: The document (`ExportDocument.of(catalog.load(id))`, or built from the
            catalog entry and text).
        highlights: Its highlights, anchored against its current text, in any order.
        exported: The export time written in the front matter (ISO 8601).
        user_notes: What the user wrote in the notes region of the previous export,
            kept verbatim.
    """
    ordered = sorted(highlights, key=lambda h: (h.start, h.end, h.created, h.id))
    placed = [h for h in ordered if h.is_placed]
    orphans = [h for h in ordered if not h.is_placed]
    tags = list(dict.fromkeys(tag for h in ordered for tag in h.tags))
    front = [
        "---",
        f"title: {yaml_string(document.title)}",
        f"source: {_yaml_optional(document.source)}",
        f"date: {_yaml_optional(document.date)}",
        f"document_id: {yaml_string(document.id)}",
        f"content_hash: {yaml_string(document.content_hash)}",
        f"exported: {yaml_string(exported)}",
        f"highlights: {len(ordered)}",
    ]
    if tags:
        front.append("tags:")
        front.extend(f"  - {yaml_string(tag)}" for tag in tags)
    else:
        front.append("tags: []")
    blocks = [
        "# " + markdown_literal_line(heading_text(document.title)),
        notes_region(user_notes),
    ]
    if not ordered:
        blocks.append(NO_HIGHLIGHTS)
    for highlight in placed:
        blocks.extend(_highlight_blocks(highlight, document))
    if orphans:
        blocks.append("## " + ORPHANS_HEADING)
        blocks.append(ORPHANS_EXPLANATION)
        for highlight in orphans:
            blocks.extend(_highlight_blocks(highlight, document))
    body = "\n".join(front) + "\n---\n\n" + "\n\n".join(blocks) + "\n"
    return _with_generated_hash(body)


def _highlight_blocks(highlight: Highlight, document: ExportDocument) -> list[str]:
    lines = quote_lines(highlight.quote) or [""]
    quoted = ["> " + markdown_literal_line(line) if line else ">" for line in lines]
    quoted[-1] = (quoted[-1] + " " if quoted[-1] != ">" else "> ") + "^" + block_id(highlight.id)
    blocks = ["\n".join(quoted)]
    note = note_markdown(highlight.note)
    if note:
        blocks.append(note)
    blocks.append(meta_line(highlight, document))
    return blocks


def notes_region(user_notes: str) -> str:
    """Return the notes region holding `user_notes` verbatim (surrogates aside).

    If what the user wrote leaves a code fence or an HTML comment (or the like) open,
    a line closing it follows the end marker, outside the region: the user's text stays
    as it is, and the rest of the file is not swallowed.
    """
    text = _SURROGATE.sub("\ufffd", user_notes).replace("\r\n", "\n")
    # A blank line on each side keeps the user's text apart from the markers (so that
    # its first line is not glued to the marker's paragraph); `user_notes_of` drops them.
    inside = [""] if not text else ["", *text.split("\n"), ""]
    lines = [BEGIN_NOTES, *inside, END_NOTES]
    scan = _scan_note(lines)
    if scan.open_fence is not None:
        lines.append(scan.open_fence)
    elif scan.open_html is not None:
        lines.append(scan.html_closer)
    return "\n".join(lines)


# --- the generated hash and the notes region ----------------------------------------------

_HASH_LINE = re.compile(r'^generated_hash: "([0-9a-f]*)"\n', re.MULTILINE)
_ANY_HASH_LINE = re.compile(r"^generated_hash:[^\n]*\n", re.MULTILINE)
_DOCUMENT_ID_LINE = re.compile(r'^document_id: "([^"\\\n]*)"$', re.MULTILINE)
_EXPORTED_LINE = re.compile(r'^exported: "([^"\\\n]*)"$', re.MULTILINE)


def _region_bounds(lines: Sequence[str]) -> tuple[int, int] | None:
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
    bounds = _region_bounds(lines)
    if bounds is None:
        return None
    inside = lines[bounds[0] + 1 : bounds[1]]
    if inside and not inside[0]:
        inside = inside[1:]
    if inside and not inside[-1]:
        inside = inside[:-1]
    return "\n".join(inside)


def _fingerprint(text: str) -> str:
    """Hash of a file as we wrote it: without its hash line and its notes region."""
    text = _ANY_HASH_LINE.sub("", text.replace("\r\n", "\n"), count=1)
    lines = text.split("\n")
    bounds = _region_bounds(lines)
    if bounds is not None:
        lines = lines[: bounds[0] + 1] + lines[bounds[1] :]
    return hashlib.sha256("\n".join(lines).encode("utf-8", "replace")).hexdigest()


def _with_generated_hash(body: str) -> str:
    """Insert the ``generated_hash`` line as the last line of the front matter."""
    closing = body.index("\n---\n")
    return body[:closing] + f'\ngenerated_hash: "{_fingerprint(body)}"' + body[closing:]


def _front_matter(text: str) -> str:
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        return ""
    closing = text.find("\n---\n", 3)
    return text[: closing + 1] if closing >= 0 else ""


def _is_ours_unchanged(text: str, doc_id: str | None) -> bool:
    """Whether `text` is a file we wrote (for `doc_id`), untouched outside its region."""
    front = _front_matter(text)
    stored = _HASH_LINE.search(front)
    if stored is None:
        return False
    if doc_id is not None:
        found = _DOCUMENT_ID_LINE.search(front)
        if found is None or found.group(1) != doc_id:
            return False
    return stored.group(1) == _fingerprint(text)


# --- exporting ----------------------------------------------------------------------------


def load_export_document(catalog: Catalog, doc_id: str) -> tuple[ExportDocument, str]:
    """Return what the export needs of one document, and its text (no sentence split).

    Raises:
        UnknownDocument, MissingText: From the catalog (one-sentence messages).
    """
    entry = catalog.entry(doc_id)
    text = catalog.text(doc_id)
    document = ExportDocument(
        id=entry.id,
        title=entry.title,
        source=entry.source,
        date=entry.date,
        content_hash=entry.content_hash,
        paragraphs=paragraph_spans(text),
        length=len(text),
    )
    return document, text


def current_highlights(
    store: AnnotationStore, document: ExportDocument, text: str
) -> tuple[Highlight, ...]:
    """The document's highlights as they fall on its current text (not saved back)."""
    return reanchor(store.for_document(document.id), None, text, document.content_hash)


def markdown_for_document(
    catalog: Catalog, store: AnnotationStore, doc_id: str, *, now: datetime | None = None
) -> str:
    """Return the Markdown of one document's notes, for printing (``export ID`` to stdout).

    The notes region is empty: this is not tied to any file.

    Raises:
        UnknownDocument, MissingText: The document is not in the library or has no text.
    """
    document, text = load_export_document(catalog, doc_id)
    highlights = current_highlights(store, document, text)
    return render_markdown(document, highlights, exported=timestamp(now))


def export_markdown(
    catalog: Catalog,
    store: AnnotationStore,
    doc_ids: Iterable[str] | None,
    folder: Path,
    *,
    now: datetime | None = None,
) -> ExportResult:
    """Write one Markdown file per document into `folder`, and an index when several.

    Args:
        catalog: The library.
        store: Its annotations.
        doc_ids: Full document ids (resolve prefixes first); each is exported even
            without highlights ("No highlights yet."). None exports every document that
            has highlights.
        folder: Where the files go (created if needed), e.g. `catalog.exports_folder`.
        now: The export time (default: now).

    A document's file keeps its name across exports (found by the id at its end), and
    the user's notes region; see the module docstring for backups. Documents that
    cannot be read are skipped and reported.

    Raises:
        StoreError: A file cannot be written (the message names it).
    """
    folder = Path(folder)
    exported = timestamp(now)
    if doc_ids is None:
        counts = store.counts()
        wanted = [entry.id for entry in catalog.entries("title") if counts.get(entry.id)]
    else:
        wanted = list(dict.fromkeys(doc_ids))
    existing_names = _existing_names(folder)
    files: list[Path] = []
    written: list[Path] = []
    backups: list[tuple[Path, Path]] = []
    skipped: list[tuple[str, str]] = []
    listed: list[tuple[ExportDocument, Path, int]] = []
    for doc_id in wanted:
        try:
            document, text = load_export_document(catalog, doc_id)
            highlights = current_highlights(store, document, text)
        except (StoreError, ValueError) as err:
            skipped.append((doc_id, str(err)))
            continue
        path = folder / _file_name_for(document, existing_names)
        change = _write_generated(path, document.id, _renderer(document, highlights), exported)
        files.append(path)
        listed.append((document, path, len(highlights)))
        if change.written:
            written.append(path)
        if change.backup is not None:
            backups.append((path, change.backup))
    index: Path | None = None
    if len(listed) > 1:
        index = folder / INDEX_NAME
        change = _write_generated(
            index,
            None,
            lambda notes, when: render_index(listed, exported=when, user_notes=notes),
            exported,
        )
        if change.written:
            written.append(index)
        if change.backup is not None:
            backups.append((index, change.backup))
    if written:
        try:
            fsync_directory(folder)
        except OSError:  # pragma: no cover - the files themselves were fsynced
            pass
    return ExportResult(
        folder=folder,
        files=tuple(files),
        index=index,
        written=tuple(written),
        backups=tuple(backups),
        skipped=tuple(skipped),
    )


def render_index(
    documents: Sequence[tuple[ExportDocument, Path, int]],
    *,
    exported: str,
    user_notes: str = "",
) -> str:
    """Return the index file: a link to each document's file (relative), by title.

    Args:
        documents: ``(document, its file, number of highlights)`` for each one.
        exported: The export time.
        user_notes: The user's notes region of the previous index, kept verbatim.
    """
    front = [
        "---",
        f"title: {yaml_string('newsreader notes')}",
        f"exported: {yaml_string(exported)}",
        f"documents: {len(documents)}",
    ]
    items = []
    for document, path, count in sorted(
        documents, key=lambda item: (heading_text(item[0].title).casefold(), item[0].id)
    ):
        noun = "highlight" if count == 1 else "highlights"
        link = f"[{markdown_literal_line(heading_text(document.title))}]({url_quote(path.name)})"
        items.append(f"- {link} — {count} {noun}")
    blocks = [
        "# newsreader notes",
        notes_region(user_notes),
        "\n".join(items),
    ]
    body = "\n".join(front) + "\n---\n\n" + "\n\n".join(blocks) + "\n"
    return _with_generated_hash(body)


@dataclass(frozen=True, slots=True)
class _Change:
    written: bool
    backup: Path | None


def _write_generated(
    path: Path,
    doc_id: str | None,
    render: Callable[[str, str], str],
    exported: str,
) -> _Change:
    """Write a generated file, keeping the user's region and backing up their edits."""
    try:
        old = path.read_bytes()
    except FileNotFoundError:
        old = None
    except OSError as err:
        raise StoreError(f"The export file {path} cannot be read: {err.strerror or err}.") from err
    notes = ""
    backup: Path | None = None
    if old is not None:
        try:
            old_text = old.decode("utf-8")
            readable = True
        except UnicodeDecodeError:
            old_text = old.decode("utf-8", errors="replace")
            readable = False  # not what we wrote: keep the bytes in a backup
        ours = readable and _is_ours_unchanged(old_text, doc_id)
        same_document = doc_id is None or _document_id_of(old_text) == doc_id
        kept = user_notes_of(old_text) if same_document else None
        notes = kept or ""
        if ours:
            previous = _EXPORTED_LINE.search(_front_matter(old_text))
            if previous is not None and render(notes, previous.group(1)) == old_text:
                return _Change(written=False, backup=None)
        else:
            backup = _unique_path(path.parent, f"{path.name}.bak-{time.strftime('%Y%m%d-%H%M%S')}")
            _write(backup, old)
    _write(path, render(notes, exported).encode("utf-8"))
    return _Change(written=True, backup=backup)


def _renderer(
    document: ExportDocument, highlights: Sequence[Highlight]
) -> Callable[[str, str], str]:
    """The document's Markdown as a function of the user's notes and the export time."""

    def render(notes: str, exported: str) -> str:
        return render_markdown(document, highlights, exported=exported, user_notes=notes)

    return render


def _document_id_of(text: str) -> str | None:
    found = _DOCUMENT_ID_LINE.search(_front_matter(text))
    return None if found is None else found.group(1)


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write_bytes(path, data, sync_directory=False)
    except OSError as err:
        raise StoreError(
            f"The export file {path} cannot be written: {err.strerror or err}."
        ) from err


def _existing_names(folder: Path) -> tuple[str, ...]:
    try:
        return tuple(sorted(entry.name for entry in os.scandir(folder) if entry.is_file()))
    except OSError:
        return ()


def _file_name_for(document: ExportDocument, existing: Sequence[str]) -> str:
    """The document's file name: its slug, or the name an earlier export gave it."""
    name = safe_slug(document.title, document.id) + ".md"
    if name in existing:
        return name
    ending = f"-{_safe_id(document.id)}.md"
    for candidate in existing:
        if candidate.endswith(ending) and not candidate.startswith("."):
            return candidate
    return name


def _unique_path(folder: Path, name: str) -> Path:
    candidate = folder / name
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = folder / f"{name}-{counter}"
    return candidate


def _unsentence(text: str) -> str:
    """A sentence made into a clause to follow a colon: no final period, lower-case start."""
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text
