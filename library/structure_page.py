"""A web page's article as text plus structure, from the tree trafilatura extracts.

trafilatura finds the article and hands it back as a small XML tree (``head`` with its
level, ``p``, ``list``/``item``, ``quote``, ``code``, ``table``, and inside paragraphs
``hi`` for emphasis or strong, ``ref`` for links, ``lb`` for line breaks). Walking that
tree once gives the text a reader reads (paragraphs joined by one blank line, runs of
spaces made one, no markup characters) and typed spans over it, as Markdown is read
(`library.markdown_text`). Its Markdown output is not used: the text would hold ``*`` and
``[…](…)``, and the tree is what it is made from anyway. Comments are never asked for, so
they are not in the tree.

Blocks that are not the story are dropped as they are met, with their spans: the
headline repeated as the first paragraph, and promotion lines ("Read more: …").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from library.structure import Kind, Structure, StructureSpan

_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{2,}")
_INLINE_KINDS = {"#i": Kind.EMPHASIS, "#b": Kind.STRONG, "#t": Kind.CODE}
"""trafilatura's ``hi`` renditions that are structure (underline, sub, sup are not)."""
_LEVELS = {f"h{level}": level for level in range(1, 7)}


@dataclass(frozen=True, slots=True)
class PageText:
    """An article as read: its paragraphs' text and structure."""

    text: str
    """Blocks joined by one blank line."""
    structure: Structure
    """Typed spans over `text`."""


def page_text(
    body: Any, *, title: str, byline: str | None, dropped: Callable[[str], bool]
) -> PageText:
    """Read trafilatura's article tree `body` (an lxml element).

    Args:
        body: The ``body`` element of the extraction.
        title: The page's title: a first paragraph that repeats it is left out.
        byline: A first paragraph of its own (``By …``), if any.
        dropped: Whether a paragraph's text is one to leave out (a promotion line).
    """
    page = _Page(title=title.casefold(), dropped=dropped)
    if byline:
        page.blocks.append(byline)
        page.length = len(byline)
    page.container(body)
    return PageText("\n\n".join(page.blocks), Structure.of(page.spans))


@dataclass(slots=True)
class _Inline:
    """The text of one block as it is walked, with its spans (offsets into it)."""

    pieces: list[str] = field(default_factory=list)
    spans: list[StructureSpan] = field(default_factory=list)
    length: int = 0

    def add(self, text: str | None) -> None:
        """Append `text`, each run of white space one space (none after a space)."""
        if not text:
            return
        text = _SPACES.sub(" ", text)
        if text.startswith(" ") and self._after_space():
            text = text[1:]
        self.pieces.append(text)
        self.length += len(text)

    def line_break(self) -> None:
        if self.pieces and self.pieces[-1].endswith(" "):
            self.pieces[-1] = self.pieces[-1][:-1]
            self.length -= 1
        self.pieces.append("\n")
        self.length += 1

    def _after_space(self) -> bool:
        return not self.pieces or self.pieces[-1][-1:] in (" ", "\n")

    def element(self, element: Any) -> None:
        """Append an inline element's text (its tail is the caller's)."""
        tag = element.tag
        if tag == "lb":
            self.line_break()
            return
        if tag == "graphic":
            return
        start = self.length
        self.add(element.text)
        for child in element:
            self.element(child)
            self.add(child.tail)
        kind, value = _inline_kind(element)
        if kind is not None and self.length > start:
            self.spans.append(StructureSpan(kind, start, self.length, 0, value))

    def finish(self) -> tuple[str, list[StructureSpan]]:
        """The block's text without white space at either end, and its spans."""
        text = "".join(self.pieces)
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        spans = []
        for span in self.spans:
            start, end = max(0, span.start - lead), min(len(text), span.end - lead)
            if end > start:
                spans.append(StructureSpan(span.kind, start, end, span.level, span.value))
        return text, spans


def _inline_kind(element: Any) -> tuple[Kind | None, str]:
    tag = element.tag
    if tag == "hi":
        return _INLINE_KINDS.get(str(element.get("rend") or "")), ""
    if tag == "ref":
        target = str(element.get("target") or "").strip()
        return (Kind.LINK, target) if target else (None, "")
    if tag == "code":
        return Kind.CODE, ""
    return None, ""


@dataclass(slots=True)
class _Page:
    """The article's blocks and spans as the tree is walked."""

    title: str
    """The page's title, case-folded."""
    dropped: Callable[[str], bool]
    blocks: list[str] = field(default_factory=list)
    spans: list[StructureSpan] = field(default_factory=list)
    length: int = 0
    started: bool = False
    """Whether a block of the page itself was kept (the byline is not one)."""
    quote_depth: int = 0
    list_depth: int = 0

    def block(
        self, text: str, spans: list[StructureSpan], *, checked: bool = True
    ) -> tuple[int, int] | None:
        """Append one block with its spans (offsets into it); returns where it lies, or
        None when it was left out (empty, the repeated title, a promotion line)."""
        if not text.strip():
            return None
        if checked:
            if self.dropped(text):
                return None
            if not self.started and text.casefold() == self.title:
                return None
        start = self.length + (2 if self.blocks else 0)
        self.blocks.append(text)
        self.length = start + len(text)
        self.started = True
        self.spans.extend(
            StructureSpan(s.kind, start + s.start, start + s.end, s.level, s.value) for s in spans
        )
        return start, self.length

    def container(self, element: Any) -> tuple[int, int] | None:
        """Append the blocks of `element`, whose inline text between them forms blocks
        of its own; returns where they lie, or None if none was kept."""
        placed: list[tuple[int, int]] = []
        pending = _Inline()
        pending.add(element.text)

        def flush() -> None:
            nonlocal pending
            text, spans = pending.finish()
            where = self.block(text, spans)
            if where is not None:
                placed.append(where)
            pending = _Inline()

        for child in element:
            if _is_block(child, pending):
                flush()
                where = self.block_element(child)
                if where is not None:
                    placed.append(where)
            else:
                pending.element(child)
            pending.add(child.tail)
        flush()
        return (placed[0][0], placed[-1][1]) if placed else None

    def block_element(self, element: Any) -> tuple[int, int] | None:
        """Append one block-level element; returns where it lies, if kept."""
        tag = element.tag
        if tag in ("p", "head"):
            inline = _Inline()
            inline.element(element)
            text, spans = inline.finish()
            if tag == "head":
                level = _LEVELS.get(str(element.get("rend") or ""), 2)
                spans.append(StructureSpan(Kind.HEADING, 0, len(text), level))
            return self.block(text, spans)
        if tag == "list":
            return self._list(element)
        if tag == "quote":
            self.quote_depth += 1
            depth = self.quote_depth
            where = self.container(element)
            self.quote_depth -= 1
            if where is not None:
                self.spans.append(StructureSpan(Kind.QUOTE, *where, depth))
            return where
        if tag == "code":
            return self._code(element)
        if tag == "table":
            return self._table(element)
        return self.container(element)

    def _list(self, element: Any) -> tuple[int, int] | None:
        numbered = str(element.get("rend") or "") == "ol"
        self.list_depth += 1
        depth = self.list_depth
        placed = []
        items = [child for child in element if child.tag == "item"]
        for number, item in enumerate(items, start=1):
            where = self.container(item)
            if where is not None:
                marker = f"{number}." if numbered else "•"
                self.spans.append(StructureSpan(Kind.LIST_ITEM, *where, depth, marker))
                placed.append(where)
        self.list_depth -= 1
        return (placed[0][0], placed[-1][1]) if placed else None

    def _code(self, element: Any) -> tuple[int, int] | None:
        lines = [line.rstrip() for line in "".join(element.itertext()).split("\n")]
        code = _BLANK_LINES.sub("\n\n", "\n".join(lines).strip("\n"))
        if not code.strip():
            return None
        return self.block(code, [StructureSpan(Kind.PREFORMATTED, 0, len(code))], checked=False)

    def _table(self, element: Any) -> tuple[int, int] | None:
        """Each row a paragraph, its cells joined by `` | ``."""
        placed = []
        for row in element.iter("row"):
            cells = [" ".join("".join(cell.itertext()).split()) for cell in row]
            where = self.block(" | ".join(cell for cell in cells if cell), [], checked=False)
            if where is not None:
                placed.append(where)
        return (placed[0][0], placed[-1][1]) if placed else None


_BLOCK_TAGS = frozenset({"p", "head", "list", "quote", "table", "div", "item"})


def _is_block(element: Any, pending: _Inline) -> bool:
    """Whether `element`, met inside a container, is a block of its own: a code element
    is when it holds lines or stands alone (not within a line of text)."""
    if element.tag in _BLOCK_TAGS:
        return True
    if element.tag != "code":
        return False
    text = "".join(element.itertext())
    alone = not "".join(pending.pieces).strip() and not (element.tail or "").strip()
    return "\n" in text or len(element) > 0 or alone
