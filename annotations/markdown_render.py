"""The Markdown of one document's notes, and of the index of an export.

One document's file, as Obsidian, Logseq or any CommonMark reader sees it::

    ---
    title: "The title, as a double-quoted YAML string"
    source: "The publication" (or null)
    date: "2021-11-15" (or null)
    document_id: "3f2a..."
    content_hash: "sha256 of the text the offsets index"
    exported: "2024-05-01T12:00:00.000Z"
    highlights: 2
    tags:
      - "every-tag-used" (each tag once, spelled as after the # below)
    generated_hash: "sha256 of what was generated"
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

Titles and quotes are literal text (`annotations.markdown_escape`); notes stay Markdown
but cannot break the file (`annotations.markdown_notes`). Every file records, as
``generated_hash``, a hash of what was generated with the user's notes region left out,
so that a later export can tell whether anything outside the region was edited since.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote as url_quote

from annotations.markdown_escape import (
    block_id,
    heading_text,
    markdown_literal_line,
    quote_lines,
    tag_names,
    yaml_optional,
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

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ANY_HASH_LINE = re.compile(r"^generated_hash:[^\n]*\n", re.MULTILINE)


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


def render_markdown(
    document: ExportDocument,
    highlights: Iterable[Highlight],
    *,
    exported: str,
    user_notes: str = "",
) -> str:
    """Return the Markdown file of one document (see the module docstring).

    Args:
        document: The document (see `annotations.export.load_export_document`).
        highlights: Its highlights, anchored against its current text, in any order.
        exported: The export time written in the front matter (ISO 8601).
        user_notes: What the user wrote in the notes region of the previous export,
            kept verbatim.
    """
    ordered = sorted(highlights, key=lambda h: (h.start, h.end, h.created, h.id))
    placed = [h for h in ordered if h.is_placed]
    orphans = [h for h in ordered if not h.is_placed]
    tags = tag_names(tag for h in ordered for tag in h.tags)
    spellings = {name.casefold(): name for name in tags}  # one spelling per file
    blocks = [
        "# " + markdown_literal_line(heading_text(document.title)),
        notes_region(user_notes),
    ]
    if not ordered:
        blocks.append(NO_HIGHLIGHTS)
    for highlight in placed:
        blocks.extend(_highlight_blocks(highlight, document, spellings))
    if orphans:
        blocks.append("## " + ORPHANS_HEADING)
        blocks.append(ORPHANS_EXPLANATION)
        for highlight in orphans:
            blocks.extend(_highlight_blocks(highlight, document, spellings))
    return _file(_front_matter(document, ordered, tags, exported), blocks)


def _front_matter(
    document: ExportDocument, ordered: Sequence[Highlight], tags: Sequence[str], exported: str
) -> list[str]:
    front = [
        f"title: {yaml_string(document.title)}",
        f"source: {yaml_optional(document.source)}",
        f"date: {yaml_optional(document.date)}",
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
    return front


def _highlight_blocks(
    highlight: Highlight, document: ExportDocument, spellings: Mapping[str, str]
) -> list[str]:
    lines = quote_lines(highlight.quote) or [""]
    quoted = ["> " + markdown_literal_line(line) if line else ">" for line in lines]
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
    parts = [where, highlight.color.value]
    tags = " ".join(f"#{name}" for name in tag_names(highlight.tags, spellings))
    if tags:
        parts.append(tags)
    date = highlight.created[:10]
    if _DATE.fullmatch(date):
        parts.append(date)
    return _SEPARATOR.join(parts)


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
        f"title: {yaml_string(INDEX_TITLE)}",
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
    blocks = [f"# {INDEX_TITLE}", notes_region(user_notes), "\n".join(items)]
    return _file(front, blocks)


# --- the generated hash -------------------------------------------------------------------


def _file(front: Sequence[str], blocks: Sequence[str]) -> str:
    """The whole file: front matter (closed by the generated hash), then the blocks."""
    body = "---\n" + "\n".join(front) + "\n---\n\n" + "\n\n".join(blocks) + "\n"
    closing = body.index("\n---\n")
    return body[:closing] + f'\ngenerated_hash: "{fingerprint(body)}"' + body[closing:]


def fingerprint(text: str) -> str:
    """Hash of a generated file as it was generated: without its hash line and the user's
    notes region (so that writing in the region never counts as an edit)."""
    text = _ANY_HASH_LINE.sub("", text.replace("\r\n", "\n"), count=1)
    lines = text.split("\n")
    bounds = region_bounds(lines)
    if bounds is not None:
        lines = lines[: bounds[0] + 1] + lines[bounds[1] :]
    return hashlib.sha256("\n".join(lines).encode("utf-8", "replace")).hexdigest()
