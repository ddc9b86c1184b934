"""Markdown read into plain text plus structure: what a reader sees, not what was typed.

markdown-it-py (CommonMark) parses the file; its tokens are walked once, appending each
block's text to the document and noting typed spans over it. Markup characters (``*``,
``#``, ``>``, list markers, link targets) are not in the text: they become spans, so
search and highlights work on the words as read. Code blocks keep their lines as they
are. Blocks are joined by one blank line, as every stored text is.

Front matter (YAML between ``---`` lines) is read as the simple ``key: value`` subset
notes apps write: no YAML library is needed, and nothing in it is ever executed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from library.structure import Kind, Structure, StructureSpan

_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\n(?:(?P<body>.*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL
)
_FRONT_KEY = re.compile(r"(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*")
_BLANK_LINES = re.compile(r"\n{2,}")

_PARSER = MarkdownIt("commonmark")
"""One parser for every file: building one compiles its rules."""

_INLINE_KINDS = {
    "em_open": Kind.EMPHASIS,
    "strong_open": Kind.STRONG,
    "link_open": Kind.LINK,
}


@dataclass(frozen=True, slots=True)
class MarkdownText:
    """A Markdown file as read: its front matter, its text and the text's structure."""

    fields: dict[str, str]
    """Front matter's top-level ``key: value`` pairs, keys in lower case."""
    text: str
    """The text a reader reads: blocks joined by one blank line, no markup characters."""
    structure: Structure
    """Typed spans over `text`."""
    title: str | None
    """The text of the first level-one heading when it was taken out of `text` as the
    title (no front-matter title, or the same one), else None."""


def read_markdown(raw: str) -> MarkdownText:
    """Read Markdown `raw` (line ends already ``\\n``) into text, structure and fields."""
    fields: dict[str, str] = {}
    match = _FRONT_MATTER.match(raw)
    if match is not None:
        fields = front_matter_fields(match.group("body") or "")
        raw = raw[match.end() :]
    tokens = _PARSER.parse(raw)
    front_title = " ".join(fields.get("title", "").split())
    writer = _TextWriter(front_title)
    writer.walk(tokens)
    text, spans = writer.finish()
    return MarkdownText(fields, text, Structure.of(spans), writer.title)


@dataclass(slots=True)
class _Open:
    """A span whose end is not known yet."""

    kind: Kind
    start: int
    level: int = 0
    value: str = ""


@dataclass(slots=True)
class _TextWriter:
    """Appends blocks' text and records spans while walking the token stream."""

    front_title: str
    """The front-matter title ('' if none): an equal first heading is not repeated."""
    title: str | None = None
    blocks: list[str] = field(default_factory=list)
    spans: list[StructureSpan] = field(default_factory=list)
    length: int = 0
    """Length of the text so far (blocks and the blank lines between them)."""
    containers: list[_Open] = field(default_factory=list)
    """Quotes and list items open around the current block, outermost first."""
    first_start: list[int | None] = field(default_factory=list)
    """For each open container, where its first block starts (None before it has one)."""
    last_end: int = 0
    """Where the last block written ends."""
    quote_depth: int = 0
    list_depth: int = 0
    heading: _Open | None = None
    seen_content: bool = False

    def walk(self, tokens: list[Token]) -> None:
        for token in tokens:
            kind = token.type
            if kind in ("blockquote_open", "list_item_open"):
                self._open_container(token)
            elif kind in ("blockquote_close", "list_item_close"):
                self._close_container()
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self.list_depth += 1
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.list_depth -= 1
            elif kind == "heading_open":
                self.heading = _Open(Kind.HEADING, 0, int(token.tag[1:]))
            elif kind == "heading_close":
                self.heading = None
            elif kind == "inline":
                self._inline_block(token)
            elif kind in ("fence", "code_block"):
                self._code_block(token.content)
            elif kind == "html_block":
                self._block(_one_line_breaks(token.content.strip()), [])

    def _open_container(self, token: Token) -> None:
        if token.type == "blockquote_open":
            self.quote_depth += 1
            opened = _Open(Kind.QUOTE, 0, self.quote_depth)
        else:
            marker = f"{token.info}{token.markup}" if token.info else "•"
            opened = _Open(Kind.LIST_ITEM, 0, self.list_depth, marker)
        self.containers.append(opened)
        self.first_start.append(None)

    def _close_container(self) -> None:
        opened = self.containers.pop()
        start = self.first_start.pop()
        if opened.kind is Kind.QUOTE:
            self.quote_depth -= 1
        if start is not None:
            self.spans.append(
                StructureSpan(opened.kind, start, self.last_end, opened.level, opened.value)
            )

    def _inline_block(self, token: Token) -> None:
        text, spans = _inline_text(token.children or [])
        heading = self.heading
        if heading is not None and heading.level == 1 and not self.containers:
            shown = " ".join(text.split())
            if self.title is None and (
                not self.front_title
                or (not self.seen_content and shown.lower() == self.front_title.lower())
            ):
                self.title = shown
                self.seen_content = True
                return  # the title is shown as the title, not twice
        if heading is not None:
            spans.append(StructureSpan(Kind.HEADING, 0, len(text), heading.level))
        self._block(text, spans)

    def _code_block(self, content: str) -> None:
        lines = [line.rstrip() for line in content.split("\n")]
        code = _BLANK_LINES.sub("\n\n", "\n".join(lines).strip("\n"))
        if code.strip():
            self._block(code, [StructureSpan(Kind.PREFORMATTED, 0, len(code))], strip=False)

    def _block(self, text: str, spans: list[StructureSpan], *, strip: bool = True) -> None:
        """Append one block's text with its spans (offsets relative to the block)."""
        lead = len(text) - len(text.lstrip()) if strip else 0
        text = text.strip() if strip else text.rstrip()
        if not text.strip():
            return
        self.seen_content = True
        start = self.length + (2 if self.blocks else 0)
        for span in spans:
            span_start = max(0, span.start - lead)
            span_end = min(len(text), span.end - lead)
            if span_end > span_start:
                self.spans.append(
                    StructureSpan(
                        span.kind, start + span_start, start + span_end, span.level, span.value
                    )
                )
        self.blocks.append(text)
        self.length = start + len(text)
        self.last_end = self.length
        for index, first in enumerate(self.first_start):
            if first is None:
                self.first_start[index] = start

    def finish(self) -> tuple[str, list[StructureSpan]]:
        """The whole text (without leading whitespace) and every span, offsets into it."""
        text = "\n\n".join(self.blocks)
        lead = len(text) - len(text.lstrip())
        if not lead:
            return text, self.spans
        shifted = [
            StructureSpan(s.kind, max(0, s.start - lead), s.end - lead, s.level, s.value)
            for s in self.spans
        ]
        return text[lead:], shifted


def _inline_text(children: list[Token]) -> tuple[str, list[StructureSpan]]:
    """The text of an inline token's children, and the spans of emphasis, strong, code
    and links over it (offsets from its start)."""
    pieces: list[str] = []
    spans: list[StructureSpan] = []
    opened: list[_Open] = []
    length = 0
    for child in children:
        kind = child.type
        piece = ""
        if kind in ("text", "html_inline"):
            piece = _one_line_breaks(child.content)
        elif kind == "softbreak":
            piece = " "
        elif kind == "hardbreak":
            piece = "\n"
        elif kind == "code_inline":
            piece = _one_line_breaks(child.content)
            spans.append(StructureSpan(Kind.CODE, length, length + len(piece)))
        elif kind == "image":
            piece, _ = _inline_text(child.children or [])
        elif kind in _INLINE_KINDS:
            target = str(child.attrGet("href") or "") if kind == "link_open" else ""
            opened.append(_Open(_INLINE_KINDS[kind], length, 0, target))
        elif kind in ("em_close", "strong_close", "link_close") and opened:
            span = opened.pop()
            spans.append(StructureSpan(span.kind, span.start, length, 0, span.value))
        pieces.append(piece)
        length += len(piece)
    return "".join(pieces), spans


def _one_line_breaks(text: str) -> str:
    """`text` with each line break a space, so a block holds no blank line (a paragraph
    break); one character for one, so offsets into it hold."""
    return text.replace("\n", " ")


def front_matter_fields(body: str) -> dict[str, str]:
    """Read the top-level `key: value` pairs of YAML front matter (a simple subset)."""
    fields: dict[str, str] = {}
    lines = body.split("\n")
    for index, line in enumerate(lines):
        match = _FRONT_KEY.fullmatch(line)
        if match is None:
            continue
        key = match.group("key").lower()
        value = match.group("value") or ""
        if value in ("|", ">", "|-", ">-", "|+", ">+"):
            following = []
            for more in lines[index + 1 :]:
                if more and not more[0].isspace():
                    break
                following.append(more.strip())
            value = " ".join(part for part in following if part)
        fields.setdefault(key, _yaml_scalar(value))
    return fields


def _yaml_scalar(value: str) -> str:
    """Unquote a YAML scalar written on one line."""
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        inner = value[1:-1]
        return re.sub(r"\\(.)", lambda escaped: escaped.group(1), inner)
    comment = value.find(" #")
    return value[:comment].rstrip() if comment >= 0 else value
