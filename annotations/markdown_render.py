"""The Markdown of one document's notes, and of the index of an export.

One document's file, as Obsidian, Logseq or any CommonMark reader sees it::

    ---
    title: "The title, as a double-quoted YAML string"
    author: "Who wrote it" (each of author, source, url, date only when known)
    source: "The publication"
    url: "https://the.page/it/came/from"
    date: "2021-11-15"
    tags:
      - "every-tag-used" (each tag once, spelled as after the # below)
    newsreader: "3f2a..." (the document's id: how the file is found again)
    ---

    # The title

    by Who wrote it · [The publication](https://the.page/it/came/from)

    %% begin notes %%
    (whatever the user writes here is kept by every later export)
    %% end notes %%

    > The quoted text, every line quoted,
    > escaped so that it stays plain text ^nr-<highlight id>

    The note, in Markdown.

    [paragraph 3, 42%](newsreader://open?doc=…&highlight=…) · yellow · #tag · 2024-05-01

    ## Orphaned highlights
    ...

    <!-- newsreader-export content_hash=… exported=… highlights=2 generated_hash=… -->

The front matter holds what people use in Obsidian's Properties; what only the export
needs (the hashes, the export time) is in the HTML comment at the end, which no Markdown
reader shows. Titles and quotes are literal text (`annotations.markdown_escape`); notes
stay Markdown but cannot break the file (`annotations.markdown_notes`). ``generated_hash``
is a hash of what was generated with the user's notes region (and that comment) left out,
so that a later export can tell whether anything outside the region was edited since.
Files written before held ``document_id`` and the hashes in their front matter; they are
still recognised (`fingerprint`, `annotations.markdown_files`).

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote as url_quote
from urllib.parse import urlsplit

from annotations.links import passage_uri
from annotations.markdown_escape import (
    block_id,
    heading_text,
    markdown_literal_line,
    quote_lines,
    tag_names,
    yaml_string,
)
from annotations.markdown_notes import note_markdown, notes_region, region_bounds
from annotations.model import Highlight
from library.document import Span

NO_HIGHLIGHTS = "No highlights yet."
"""The paragraph of a document exported without any highlight."""

ORPHANS_HEADING = "Orphaned highlights"
"""The section holding highlights that could not be found in the current text."""

ORPHANS_EXPLANATION = (
    "These highlights could not be found in the current text of the document; "
    "their quotes are kept as they were highlighted."
)

NOT_FOUND = "not found in the current text"
"""Where an orphaned highlight is, in its meta line."""

INDEX_TITLE = "newsreader notes"
"""The title of the index file."""

_SEPARATOR = " · "
"""Between the parts of a highlight's meta line."""

MACHINE_COMMENT = "newsreader-export"
"""Opens the HTML comment holding what only the export reads back (hashes, time)."""

QuoteStyle = Literal["quote", "mark"]
"""A highlight's words as a block quote, or as a block quote of ``==marked==`` words."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ANY_HASH_LINE = re.compile(r"^generated_hash:[^\n]*\n", re.MULTILINE)
"""The hash line of a file written before the hashes moved to the machine comment."""
_MACHINE_LINE = re.compile(r"^<!-- newsreader-export [^\n]*-->\n", re.MULTILINE)
_URL_SAFE = ":/?#@!$&'*+,;=%~-._"
"""Characters kept as they are in a link's address (the rest is percent-encoded, so that
no space, bracket or parenthesis can end the address early)."""


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
    author: str | None = None
    """Who wrote it, if known."""
    url: str | None = None
    """The web address it came from (canonical), if known."""


def render_markdown(
    document: ExportDocument,
    highlights: Iterable[Highlight],
    *,
    exported: str,
    user_notes: str = "",
    style: QuoteStyle = "quote",
) -> str:
    """Return the Markdown file of one document (see the module docstring).

    Args:
        document: The document (see `annotations.export.load_export_document`).
        highlights: Its highlights, anchored against its current text, in any order.
        exported: The export time written in the machine comment (ISO 8601).
        user_notes: What the user wrote in the notes region of the previous export,
            kept verbatim.
        style: How a highlight's words are written (``mark``: ``==marked==``).
    """
    ordered = sorted(highlights, key=lambda h: (h.start, h.end, h.created, h.id))
    placed = [h for h in ordered if h.is_placed]
    orphans = [h for h in ordered if not h.is_placed]
    tags = tag_names(tag for h in ordered for tag in h.tags)
    spellings = {name.casefold(): name for name in tags}  # one spelling per file
    blocks = ["# " + markdown_literal_line(heading_text(document.title))]
    byline = _byline(document)
    if byline:
        blocks.append(byline)
    blocks.append(notes_region(user_notes))
    if not ordered:
        blocks.append(NO_HIGHLIGHTS)
    for highlight in placed:
        blocks.extend(_highlight_blocks(highlight, document, spellings, style))
    if orphans:
        blocks.append("## " + ORPHANS_HEADING)
        blocks.append(ORPHANS_EXPLANATION)
        for highlight in orphans:
            blocks.extend(_highlight_blocks(highlight, document, spellings, style))
    machine = {
        "content_hash": document.content_hash,
        "exported": exported,
        "highlights": str(len(ordered)),
    }
    return _file(_front_matter(document, tags), blocks, machine)


def _front_matter(document: ExportDocument, tags: Sequence[str]) -> list[str]:
    """What Obsidian's Properties show: only what is known, the document's id last."""
    front = [f"title: {yaml_string(document.title)}"]
    url = web_address(document.url)
    for key, value in (
        ("author", document.author),
        ("source", document.source),
        ("url", url),
        ("date", document.date),
    ):
        if value:
            front.append(f"{key}: {yaml_string(value)}")
    if tags:
        front.append("tags:")
        front.extend(f"  - {yaml_string(tag)}" for tag in tags)
    front.append(f"newsreader: {yaml_string(document.id)}")
    return front


def web_address(url: str | None) -> str | None:
    """`url` when it is an http or https address (a link to anything else is left out:
    a note must not carry a ``javascript:`` or ``file:`` link a click would follow)."""
    if not url or any(char.isspace() or ord(char) < 32 for char in url):
        return None
    try:
        scheme = urlsplit(url).scheme.casefold()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def link_address(url: str) -> str:
    """`url` as a Markdown link's address: nothing in it can end the address early."""
    return url_quote(url, safe=_URL_SAFE)


def _byline(document: ExportDocument) -> str:
    """The line under the title: the author, and a link to the original when its address
    is known (``by Ann Lee · [The Quay Gazette](https://…)``); "" when neither is."""
    url = web_address(document.url)
    parts = []
    if document.author and document.author.strip():
        parts.append("by " + markdown_literal_line(heading_text(document.author)))
    if url is not None:
        label = document.source or urlsplit(url).hostname or url
        parts.append(f"[{markdown_literal_line(heading_text(label))}]({link_address(url)})")
    return _SEPARATOR.join(parts)


def _quote_text(line: str, style: QuoteStyle) -> str:
    literal = markdown_literal_line(line)
    return f"=={literal}==" if style == "mark" and line.strip() else literal


def _highlight_blocks(
    highlight: Highlight,
    document: ExportDocument,
    spellings: Mapping[str, str],
    style: QuoteStyle = "quote",
) -> list[str]:
    lines = quote_lines(highlight.quote) or [""]
    quoted = ["> " + _quote_text(line, style) if line else ">" for line in lines]
    quoted[-1] = (quoted[-1] + " " if quoted[-1] != ">" else "> ") + "^" + block_id(highlight.id)
    blocks = ["\n".join(quoted)]
    note = note_markdown(highlight.note)
    if note:
        blocks.append(note)
    blocks.append(meta_line(highlight, document, spellings))
    return blocks


def location(highlight: Highlight, document: ExportDocument) -> str:
    """Return where a highlight is: ``paragraph N, P%`` (of the text, from its start)."""
    paragraph = max(1, bisect_right(document.paragraphs, highlight.start, key=lambda p: p[0]))
    percent = min(100, max(0, highlight.start * 100 // max(1, document.length)))
    return f"paragraph {paragraph}, {percent}%"


def meta_line(
    highlight: Highlight, document: ExportDocument, spellings: Mapping[str, str] | None = None
) -> str:
    """Return the line under a highlight: location, color, tags and the date it was made.

    `spellings` maps each case-folded tag name to the spelling the file's front matter
    uses, so that a tag is written one way throughout the file.
    """
    where = location(highlight, document) if highlight.is_placed else NOT_FOUND
    # The place is the link back to the passage in newsreader.
    parts = [f"[{where}]({passage_uri(document.id, highlight.id)})", highlight.color.value]
    tags = " ".join(f"#{name}" for name in tag_names(highlight.tags, spellings))
    if tags:
        parts.append(tags)
    date = highlight.created[:10]
    if _DATE.fullmatch(date):
        parts.append(date)
    return _SEPARATOR.join(parts)


def render_index(
    folder: Path,
    documents: Sequence[tuple[ExportDocument, Path, int]],
    *,
    exported: str,
    user_notes: str = "",
) -> str:
    """Return the index file: a link to each document's file (relative), by title.

    Args:
        folder: Where the index is (the links are relative to it).
        documents: ``(document, its file, number of highlights)`` for each one.
        exported: The export time.
        user_notes: The user's notes region of the previous index, kept verbatim.
    """
    front = [
        f"title: {yaml_string(INDEX_TITLE)}",
        f"exported: {yaml_string(exported)}",
        f"documents: {len(documents)}",
    ]
    items = []
    for document, path, count in sorted(
        documents, key=lambda item: (heading_text(item[0].title).casefold(), item[0].id)
    ):
        noun = "highlight" if count == 1 else "highlights"
        where = url_quote(_relative(path, folder))
        link = f"[{markdown_literal_line(heading_text(document.title))}]({where})"
        items.append(f"- {link} — {count} {noun}")
    blocks = [f"# {INDEX_TITLE}", notes_region(user_notes), "\n".join(items)]
    return _file(front, blocks, {"exported": exported})


def _relative(path: Path, folder: Path) -> str:
    """`path` from `folder`, with ``/`` between folders (its name when it is elsewhere)."""
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.name


# --- the generated hash -------------------------------------------------------------------


def _file(front: Sequence[str], blocks: Sequence[str], machine: Mapping[str, str]) -> str:
    """The whole file: front matter, the blocks, then the machine comment (closed by the
    generated hash)."""
    body = "---\n" + "\n".join(front) + "\n---\n\n" + "\n\n".join(blocks) + "\n"
    fields = " ".join(f"{key}={value}" for key, value in machine.items())
    comment = f"<!-- {MACHINE_COMMENT} {fields}"
    # Hashed as it will be read back: `fingerprint` leaves the whole comment out.
    generated = fingerprint(f"{body}\n{comment} -->\n")
    return f"{body}\n{comment} generated_hash={generated} -->\n"


def machine_fields(text: str) -> dict[str, str]:
    """The fields of a file's machine comment (none when it has none)."""
    found = _MACHINE_LINE.search(text.replace("\r\n", "\n"))
    if found is None:
        return {}
    words = found.group().removeprefix(f"<!-- {MACHINE_COMMENT} ").split()
    return dict(word.split("=", 1) for word in words if "=" in word)


def fingerprint(text: str) -> str:
    """Hash of a generated file as it was generated: without its machine comment (or, in
    a file written before, its hash line) and the user's notes region (so that writing in
    the region never counts as an edit)."""
    text = text.replace("\r\n", "\n")
    text = _MACHINE_LINE.sub("", text, count=1)
    text = _ANY_HASH_LINE.sub("", text, count=1)
    if text.endswith("\n\n"):
        text = text[:-1]  # the blank line before the machine comment
    lines = text.split("\n")
    bounds = region_bounds(lines)
    if bounds is not None:
        lines = lines[: bounds[0] + 1] + lines[bounds[1] :]
    return hashlib.sha256("\n".join(lines).encode("utf-8", "replace")).hexdigest()
