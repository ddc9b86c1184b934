"""Markdown export: the file parses (CommonMark, YAML) into exactly the expected structure.

Every structural check parses the exported file with markdown-it-py's CommonMark preset
and looks at the token tree, never at the string: one ``h1`` with the title, then the
notes region, then per highlight a block quote with its literal quote and block id, its
note, and its meta line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from annotations.export import (
    INDEX_NAME,
    export_markdown,
    load_export_document,
    markdown_for_document,
)
from annotations.markdown_escape import tag_names
from annotations.markdown_files import safe_slug
from annotations.markdown_names import note_name
from annotations.markdown_notes import BEGIN_NOTES, END_NOTES, note_markdown, user_notes_of
from annotations.markdown_render import (
    NO_HIGHLIGHTS,
    ORPHANS_HEADING,
    ExportDocument,
    render_markdown,
)
from annotations.model import AnchorStatus, Highlight, edited, new_highlight
from annotations.store import AnnotationStore
from library.catalog import Catalog
from library.sanitize import visible
from library.segment import paragraph_spans

MD = MarkdownIt("commonmark")
NOW = datetime(2024, 5, 2, 9, 30, tzinfo=UTC)
LATER = datetime(2024, 5, 3, 10, 0, tzinfo=UTC)

HOSTILE = (
    "# x",
    "---",
    "> q",
    "- item",
    "1. x",
    "```",
    "~~~",
    "<script>alert(1)</script>",
    "<!-- open",
    "[link](x)",
    "![img](y)",
    "[[wiki]]",
    "*",
    "_",
    "|a|b|",
    "\\",
    "%% end notes %%",
    "%% begin notes %%",
    ": ",
    '"',
    "'",
    "{",
    "&amp;",
    "&#65;",
    "!tag",
    "@",
    "#tag",
    "==mark==",
    "$x$",
    "^nr-forged",
    "   leading spaces",
    "trailing spaces   ",
    "\ttab",
    "a\r\nb",
    "emoji 🦜 and wide 漢字",
    "\x1b[31mred\x1b[0m",
    "===",
    "    indented",
)


# --- reading the export back --------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One top-level block of a parsed Markdown file."""

    kind: str
    """``h1``...``h6``, ``paragraph``, ``blockquote``, ``hr``, ``fence``, ``code``, ``html``,
    ``list``."""
    text: str = ""
    """The literal text of a heading or paragraph (soft breaks as newlines)."""
    paragraphs: tuple[str, ...] = ()
    """For a block quote: the literal text of each paragraph directly inside it."""
    links: tuple[tuple[str, str], ...] = ()
    """For a list: ``(link text, href)`` of each link in it."""


def inline_text(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "code_inline":
            parts.append(child.content)
    return "".join(parts)


MACHINE = re.compile(r"\n<!-- newsreader-export ([^\n]*) -->\n\Z")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The front matter, and the body without the machine comment that ends the file."""
    assert text.startswith("---\n")
    end = text.index("\n---\n", 3)
    front = yaml.safe_load(text[4 : end + 1])
    assert isinstance(front, dict)
    body = text[end + 5 :]
    found = MACHINE.search(body)
    return front, body[: found.start() + 1] if found else body


def machine_of(text: str) -> dict[str, str]:
    """The fields of the machine comment that ends an exported file."""
    found = MACHINE.search(text)
    assert found is not None, text[-200:]
    return dict(word.split("=", 1) for word in found.group(1).split())


def blocks_of(body: str) -> list[Block]:
    tokens = MD.parse(body)
    blocks: list[Block] = []
    index = 0
    while index < len(tokens):
        assert tokens[index].level == 0, tokens[index]
        block, index = read_block(tokens, index)
        blocks.append(block)
    return blocks


CONTAINERS = ("blockquote_open", "bullet_list_open", "ordered_list_open")
VERBATIM = ("fence", "code_block", "html_block")


def read_block(tokens: list[Token], index: int) -> tuple[Block, int]:
    """The top-level block starting at `index`, and the index of the token after it."""
    token = tokens[index]
    if token.type == "heading_open":
        return Block(token.tag, inline_text(tokens[index + 1])), index + 3
    if token.type == "paragraph_open":
        return Block("paragraph", inline_text(tokens[index + 1])), index + 3
    if token.type in CONTAINERS:
        end = closing_index(tokens, index)
        inner = tokens[index + 1 : end]
        if token.type == "blockquote_open":
            return blockquote_block(inner), end + 1
        return list_block(inner), end + 1
    if token.type == "hr":
        return Block("hr"), index + 1
    if token.type in VERBATIM:
        return Block(token.type, token.content), index + 1
    raise AssertionError(f"unexpected token {token.type}")  # pragma: no cover


def closing_index(tokens: list[Token], index: int) -> int:
    """The index of the token that closes the container opened at `index`."""
    opening = tokens[index].type
    closing = opening.replace("_open", "_close")
    depth = 0
    for end in range(index, len(tokens)):
        if tokens[end].type == opening:
            depth += 1
        elif tokens[end].type == closing:
            depth -= 1
            if depth == 0:
                return end
    raise AssertionError(f"unclosed {opening}")  # pragma: no cover


def blockquote_block(inner: list[Token]) -> Block:
    paragraphs = tuple(
        inline_text(inner[i + 1])
        for i, t in enumerate(inner)
        if t.type == "paragraph_open" and t.level == 1
    )
    return Block("blockquote", paragraphs=paragraphs)


def list_block(inner: list[Token]) -> Block:
    links: list[tuple[str, str]] = []
    href: str | None = None
    label = ""
    for child in (c for t in inner for c in t.children or []):
        if child.type == "link_open":
            href, label = str(child.attrs["href"]), ""
        elif child.type == "text" and href is not None:
            label += child.content
        elif child.type == "link_close" and href is not None:
            links.append((label, href))
            href = None
    return Block("list", links=tuple(links))


def clean(text: str) -> str:
    """What the export shows of a text: no surrogates, LF line ends, visible controls."""
    return visible(re.sub("[\ud800-\udfff]", "\ufffd", text).replace("\r\n", "\n"))


def expected_heading(title: str) -> str:
    text = clean(title).replace("\n", " ")
    return text if text.strip() else "Untitled"


def expected_quote_paragraphs(quote: str) -> list[str]:
    """A quote's paragraphs: blank lines separate them, runs of blank lines count once."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in clean(quote).split("\n"):
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def our_quotes(blocks: list[Block]) -> list[tuple[int, str, list[str]]]:
    """``(block index, highlight id, quote paragraphs)`` of each highlight's block quote."""
    found = []
    for index, block in enumerate(blocks):
        if block.kind != "blockquote" or not block.paragraphs:
            continue
        match = re.search(r"(?:^| )\^nr-([A-Za-z0-9-]+)$", block.paragraphs[-1])
        if match is None:
            continue
        last = block.paragraphs[-1][: match.start()]
        paragraphs = [*block.paragraphs[:-1], last] if last else list(block.paragraphs[:-1])
        found.append((index, match.group(1), paragraphs))
    return found


def check_structure(
    text: str, document: ExportDocument, highlights: list[Highlight], *, user_notes: str = ""
) -> list[Block]:
    """Assert the exported `text` has exactly the expected front matter and block tree."""
    front, body = split_front_matter(text)
    assert front["title"] == document.title
    assert front.get("source") == (document.source or None)
    assert front.get("date") == (document.date or None)
    assert front["newsreader"] == document.id
    assert front.get("tags", []) == tag_names(t for h in sorted_hs(highlights) for t in h.tags)
    # What only the export reads back stays out of the properties people see.
    assert not {"content_hash", "exported", "generated_hash", "document_id"} & set(front)
    machine = machine_of(text)
    assert machine["content_hash"] == document.content_hash
    assert machine["highlights"] == str(len(highlights))
    assert re.fullmatch(r"[0-9a-f]{64}", machine["generated_hash"])

    blocks = blocks_of(body)
    assert blocks[0] == Block("h1", expected_heading(document.title))
    assert [b for b in blocks if b.kind == "h1"] == [blocks[0]]
    if not user_notes:
        assert blocks[1:3] == [Block("paragraph", BEGIN_NOTES), Block("paragraph", END_NOTES)]
    assert user_notes_of(text) == user_notes

    quotes = our_quotes(blocks)
    placed = [h for h in sorted_hs(highlights) if h.is_placed]
    orphans = [h for h in sorted_hs(highlights) if not h.is_placed]
    assert [hid for _, hid, _ in quotes] == [h.id for h in placed + orphans]
    for (index, _, paragraphs), highlight in zip(quotes, placed + orphans, strict=True):
        assert paragraphs == expected_quote_paragraphs(highlight.quote)
        # The meta line is the last block before the next highlight (or the section).
        following = [q[0] for q in quotes if q[0] > index]
        stop = following[0] if following else len(blocks)
        section = [i for i, b in enumerate(blocks) if b.kind == "h2" and i > index]
        if section and section[0] < stop:
            stop = section[0]
        meta = blocks[stop - 1]
        assert meta.kind == "paragraph"
        assert meta.text.split(" · ")[1] == highlight.color
        if not highlight.is_placed:
            assert meta.text.startswith("not found in the current text · ")
        else:
            assert re.match(r"paragraph \d+, \d+% · ", meta.text)
    h2 = [b for b in blocks if b.kind == "h2"]
    assert h2 == ([Block("h2", ORPHANS_HEADING)] if orphans else [])
    if not highlights:
        assert Block("paragraph", NO_HIGHLIGHTS) in blocks
    return blocks


def sorted_hs(highlights: list[Highlight]) -> list[Highlight]:
    return sorted(highlights, key=lambda h: (h.start, h.end, h.created, h.id))


# --- fixtures -----------------------------------------------------------------------------

TEXT = (
    "Harbour lights came on one by one as the ferry turned. A gull argued with the wind.\n\n"
    "The captain wrote in the log: calm sea, three passengers, one dog.\n\n"
    "At the quay a child waved a red scarf, and the dog barked back."
)


def doc(title: str = "Harbour log", **changes: Any) -> ExportDocument:
    base = ExportDocument(
        id="a1b2c3d4e5f6",
        title=title,
        source="The Quay Gazette",
        date="2023-04-05",
        content_hash="0" * 64,
        paragraphs=paragraph_spans(TEXT),
        length=len(TEXT),
    )
    return replace(base, **changes)


def hl(start: int, end: int, **fields: Any) -> Highlight:
    fields.setdefault("now", NOW)
    return new_highlight("a1b2c3d4e5f6", TEXT, start, end, **fields)


def write_article(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def library(tmp_path: Path) -> tuple[Catalog, AnnotationStore, list[str]]:
    sources = tmp_path / "sources"
    sources.mkdir()
    paths = [
        write_article(sources, "harbour.txt", "Harbour log", TEXT),
        write_article(
            sources,
            "orchard.txt",
            "Orchard # notes > and *stars*",
            "The pears ripened late this year.\n\nWe picked them in the rain, "
            "and the cider was sharp.",
        ),
    ]
    catalog = Catalog.open(tmp_path / "lib")
    result = catalog.add(paths)
    assert not result.failed
    return catalog, AnnotationStore(catalog.home), [e.id for e in result.added]


def highlight_in(catalog: Catalog, doc_id: str, quote: str, **fields: Any) -> Highlight:
    text = catalog.text(doc_id)
    start = text.index(quote)
    fields.setdefault("now", NOW)
    return new_highlight(
        doc_id,
        text,
        start,
        start + len(quote),
        content_hash=catalog.entry(doc_id).content_hash,
        **fields,
    )


# --- the structure ------------------------------------------------------------------------


def test_plain_document_has_the_expected_tree() -> None:
    first = hl(0, 54, note="Lovely *image*.", tags=("sea", "light house"))
    second = hl(85, 112, color="blue")
    text = render_markdown(doc(), [second, first], exported="2024-05-02T09:30:00.000Z")
    blocks = check_structure(text, doc(), [first, second])
    assert blocks == [
        Block("h1", "Harbour log"),
        Block("paragraph", BEGIN_NOTES),
        Block("paragraph", END_NOTES),
        Block("blockquote", paragraphs=(f"{first.quote} ^nr-{first.id}",)),
        Block("paragraph", "Lovely image."),
        Block("paragraph", "paragraph 1, 0% · yellow · #sea #light-house · 2024-05-02"),
        Block("blockquote", paragraphs=(f"{second.quote} ^nr-{second.id}",)),
        Block("paragraph", "paragraph 2, 39% · blue · 2024-05-02"),
    ]


@pytest.mark.parametrize("special", HOSTILE)
def test_hostile_title_quote_and_note_keep_the_structure(special: str) -> None:
    title = f"{special} Title {special}"
    quote = f"{special}\n{special} middle {special}\n\n{special}"
    highlight = replace(hl(0, 10), quote=quote, note=f"{special}\n{special}\n\n{special}")
    plain = hl(85, 112, note="Plain note.")
    document = doc(title, source=f"{special} source", date=None)
    text = render_markdown(document, [highlight, plain], exported="2024-05-02T09:30:00.000Z")
    blocks = check_structure(text, document, [highlight, plain])
    # The plain highlight after the hostile note is intact: quote, note, meta line.
    assert blocks[-3:] == [
        Block("blockquote", paragraphs=(f"{plain.quote} ^nr-{plain.id}",)),
        Block("paragraph", "Plain note."),
        Block("paragraph", "paragraph 2, 39% · yellow · 2024-05-02"),
    ]
    assert "\x1b" not in text


def test_every_hostile_thing_at_once() -> None:
    everything = "\n".join(HOSTILE)
    highlight = replace(hl(0, 10), quote=everything, note=everything, tags=HOSTILE)
    document = doc(" ".join(HOSTILE))
    text = render_markdown(document, [highlight], exported="2024-05-02T09:30:00.000Z")
    check_structure(text, document, [highlight])
    front, _ = split_front_matter(text)
    assert "tag" in front["tags"] and "a-b" in front["tags"] and "nr-forged" in front["tags"]
    assert all(re.fullmatch(r"[\w/-]+", tag) and "_" not in tag for tag in front["tags"])


def test_notes_stay_markdown_but_cannot_break_the_file() -> None:
    notes = {
        "unclosed fence": "See:\n```python\nprint('x')\n",
        "unclosed tilde fence in text": "~~~~\ncode\n~~~",
        "unclosed comment": "<!-- hidden\nstill hidden",
        "unclosed script": "<script>\nlet x = 1;",
        "setext": "A line\n---",
        "setext equals": "A line\n===",
        "heading": "# Big\n## Smaller\n### Fine",
        "markers": f"{END_NOTES}\n{BEGIN_NOTES}\n```\n{END_NOTES}\n```",
        "obsidian comment": "50%% off %% hidden",
        "forged block id": "text ^nr-forged",
        "quote and list": "> quoted\n- item\n  ```\n  code",
        "crlf": "one\r\ntwo\r\n\r\nthree",
    }
    highlights = [
        replace(hl(0, 10), id=f"{i:032x}", note=note, created=f"2024-01-{i + 1:02d}T00:00:00.000Z")
        for i, note in enumerate(notes.values())
    ]
    text = render_markdown(doc(), highlights, exported="2024-05-02T09:30:00.000Z")
    blocks = check_structure(text, doc(), highlights)
    assert user_notes_of(text) == ""
    assert not [b for b in blocks if b.kind in ("h1", "h2")][1:]
    # Kept as Markdown: emphasis, code and headings still work.
    assert Block("fence", "print('x')\n") in blocks
    assert Block("h3", "Big") in blocks and Block("h4", "Smaller") in blocks
    assert Block("h3", "Fine") in blocks
    assert Block("paragraph", "A line\n---") in blocks
    assert Block("paragraph", "50%% off %% hidden") in blocks
    assert Block("paragraph", "text ^nr-forged") in blocks
    assert Block("paragraph", "one\ntwo") in blocks


def test_orphans_have_their_own_section() -> None:
    found = hl(0, 10)
    lost = replace(hl(85, 112), status=AnchorStatus.ORPHANED, quote="A sentence that is gone.")
    text = render_markdown(doc(), [lost, found], exported="2024-05-02T09:30:00.000Z")
    blocks = check_structure(text, doc(), [found, lost])
    section = blocks.index(Block("h2", ORPHANS_HEADING))
    assert our_quotes(blocks)[0][0] < section < our_quotes(blocks)[1][0]
    assert blocks[-1].text.startswith("not found in the current text · yellow")


def test_document_without_highlights() -> None:
    text = render_markdown(doc(), [], exported="2024-05-02T09:30:00.000Z")
    blocks = check_structure(text, doc(), [])
    assert blocks[-1] == Block("paragraph", NO_HIGHLIGHTS)


def test_meta_line_tags_are_single_obsidian_tags() -> None:
    tags = ("two words", "_under_", "2024", "a/b", "!!!", "Zoë", "x / y//z/")
    highlight = hl(0, 10, tags=tags)
    text = render_markdown(doc(), [highlight], exported="2024-05-02T09:30:00.000Z")
    meta = blocks_of(split_front_matter(text)[1])[-1].text
    assert meta.split(" · ")[2] == "#two-words #under #tag-2024 #a/b #Zoë #x/y/z"


def test_a_tag_is_spelled_the_same_in_the_front_matter_and_inline() -> None:
    first = hl(0, 10, tags=("local news", "Ｆｕｌｌ　ｗｉｄｔｈ", "2024", "!!!"))
    second = hl(85, 112, tags=("Local_News", "local-news", "sea", "full width"))
    text = render_markdown(doc(), [second, first], exported="2024-05-02T09:30:00.000Z")
    front, body = split_front_matter(text)
    assert front["tags"] == ["local-news", "Full-width", "tag-2024", "sea"]
    metas = [b.text for b in blocks_of(body) if b.text.startswith("paragraph ")]
    assert metas[0].split(" · ")[2] == "#local-news #Full-width #tag-2024"
    # Tags that differ only in case are one tag to Obsidian: the file's first spelling.
    assert metas[1].split(" · ")[2] == "#local-news #sea #Full-width"


def test_title_round_trips_exactly_through_the_front_matter() -> None:
    title = 'Quote " backslash \\ colon: hash # dash - newline\n tab\t nul\x00 bidi\u202e \ud800 🦜'
    text = render_markdown(doc(title), [], exported="2024-05-02T09:30:00.000Z")
    front, _ = split_front_matter(text)
    assert front["title"] == title
    assert "\x00" not in text and "\u202e" not in text and "\t" not in text


# --- hypothesis: random titles, quotes and notes ------------------------------------------

MARKDOWN_BITS = st.sampled_from(
    [
        "#",
        ">",
        "-",
        "+",
        "*",
        "_",
        "`",
        "```",
        "~~~",
        "<",
        "[",
        "]",
        "(",
        ")",
        "!",
        "|",
        "\\",
        "%%",
        "=",
        ":",
        "&",
        ";",
        "^",
        "$",
        "{",
        " ",
        "  ",
        "\t",
        "\n",
        "\n\n",
        "\r\n",
        "1.",
        "2)",
        "<!--",
        "<div>",
        "<script>",
        "---",
        "===",
        "a",
        "b c",
        "🦜",
        "漢",
        "\u00a0",
        "\u3000",
        "\x1b",
        "\x85",
        "\u2028",
        "\u202e",
    ]
)
MARKDOWNISH = st.lists(MARKDOWN_BITS, max_size=25).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=60), MARKDOWNISH)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    title=ANY_TEXT,
    source=st.none() | ANY_TEXT,
    items=st.lists(
        st.tuples(
            ANY_TEXT.filter(bool),
            ANY_TEXT,
            st.lists(st.text(min_size=1, max_size=10), max_size=3),
            st.booleans(),
        ),
        max_size=4,
    ),
)
def test_random_text_keeps_the_tree_and_the_literal_texts(
    title: str, source: str | None, items: list[tuple[str, str, list[str], bool]]
) -> None:
    highlights = []
    for number, (quote, note, tags, orphan) in enumerate(items):
        base = hl(number * 5, number * 5 + 5, note=note, tags=tags)
        highlights.append(
            replace(
                base,
                id=f"{number:032x}",
                quote=quote,
                status=AnchorStatus.ORPHANED if orphan else AnchorStatus.EXACT,
            )
        )
    document = doc(title, source=source)
    text = render_markdown(document, highlights, exported="2024-05-02T09:30:00.000Z")
    check_structure(text, document, highlights)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", text)


REGION_BITS = st.sampled_from(
    ["a", " ", "\n", "\n\n", "#", "-", "`", "```", "~~~", "<!--", "<pre>", ">", "    ", "%"]
)


@settings(max_examples=300, deadline=None)
@given(note=MARKDOWNISH, user_notes=st.lists(REGION_BITS, max_size=12).map("".join))
def test_random_notes_never_swallow_what_follows(note: str, user_notes: str) -> None:
    """Neither a note nor the user's own region can swallow the highlights after them."""
    user_notes = "\n".join(
        line for line in user_notes.split("\n") if line.rstrip() not in (BEGIN_NOTES, END_NOTES)
    )
    first = replace(hl(0, 10), note=note, id="1" * 32)
    second = replace(hl(85, 112), note="", id="2" * 32)
    text = render_markdown(
        doc(), [first, second], exported="2024-05-02T09:30:00.000Z", user_notes=user_notes
    )
    assert user_notes_of(text) == user_notes
    blocks = blocks_of(split_front_matter(text)[1])
    assert blocks[0] == Block("h1", "Harbour log")
    quotes = our_quotes(blocks)
    assert [hid for _, hid, _ in quotes] == [first.id, second.id]
    assert blocks[quotes[1][0] - 1] == Block("paragraph", "paragraph 1, 0% · yellow · 2024-05-02")
    assert blocks[-2:] == [
        Block("blockquote", paragraphs=(f"{second.quote} ^nr-{second.id}",)),
        Block("paragraph", "paragraph 2, 39% · yellow · 2024-05-02"),
    ]
    after_region = blocks[quotes[0][0] :]
    assert not [b for b in after_region if b.kind in ("h1", "h2")]


def test_note_markdown_leaves_plain_notes_alone() -> None:
    note = "A *plain* note with `code %% here` and a [link](https://example.org).\n\n- one\n- two"
    assert note_markdown(note) == note


# --- files: export, re-export, backups, index ---------------------------------------------


def test_export_writes_one_file_per_document_and_an_index(
    library: tuple[Catalog, AnnotationStore, list[str]], tmp_path: Path
) -> None:
    catalog, store, ids = library
    store.save(highlight_in(catalog, ids[0], "The captain wrote in the log", note="Log!"))
    store.save(highlight_in(catalog, ids[1], "The pears ripened late"))
    folder = tmp_path / "out"
    result = export_markdown(catalog, store, ids, folder, now=NOW)
    assert len(result.files) == 2 and result.index == folder / INDEX_NAME
    assert set(result.written) == {*result.files, folder / INDEX_NAME}
    assert not result.backups and not result.skipped
    assert result.messages[0] == f"Exported 2 documents to {folder} (index: {folder / INDEX_NAME})."
    for path, doc_id in zip(result.files, ids, strict=True):
        assert path.parent == folder
        front, _ = split_front_matter(path.read_text(encoding="utf-8"))
        assert front["newsreader"] == doc_id
        assert front["title"] == catalog.entry(doc_id).title
    index_front, index_body = split_front_matter((folder / INDEX_NAME).read_text())
    assert index_front["documents"] == 2
    lists = [b for b in blocks_of(index_body) if b.kind == "list"]
    assert len(lists) == 1
    links = dict(lists[0].links)
    assert set(links) == {catalog.entry(i).title for i in ids}
    for href in links.values():
        assert (folder / unquote(href)).is_file()


def test_export_one_document_to_stdout_text(
    library: tuple[Catalog, AnnotationStore, list[str]],
) -> None:
    catalog, store, ids = library
    highlight = highlight_in(catalog, ids[1], "picked them in the rain", note="\x1b[2J wipe")
    store.save(highlight)
    text = markdown_for_document(catalog, store, ids[1], now=NOW)
    assert "\x1b" not in text
    blocks = blocks_of(split_front_matter(text)[1])
    assert blocks[0] == Block("h1", "Orchard # notes > and *stars*")
    assert blocks[3] == Block(
        "blockquote", paragraphs=(f"picked them in the rain ^nr-{highlight.id}",)
    )
    assert blocks[4] == Block("paragraph", "\u241b[2J wipe")


def test_re_export_keeps_the_user_region_and_updates_the_rest(
    library: tuple[Catalog, AnnotationStore, list[str]], tmp_path: Path
) -> None:
    catalog, store, ids = library
    highlight = highlight_in(catalog, ids[0], "A gull argued with the wind.")
    store.save(highlight)
    folder = tmp_path / "out"
    first = export_markdown(catalog, store, [ids[0]], folder, now=NOW)
    path = first.files[0]
    assert first.index is None
    assert first.messages == (f"Exported the notes to {path}.",)
    original = path.read_text(encoding="utf-8")

    # Exporting again with nothing new rewrites nothing.
    again = export_markdown(catalog, store, [ids[0]], folder, now=LATER)
    assert again.files == (path,) and again.written == () and again.backups == ()
    assert path.read_text(encoding="utf-8") == original

    mine = "My own thoughts.\n\n- keep this\n```\nand this\n```"
    path.write_text(
        original.replace(f"{BEGIN_NOTES}\n\n{END_NOTES}", f"{BEGIN_NOTES}\n{mine}\n{END_NOTES}"),
        encoding="utf-8",
    )
    store.save(edited(highlight, note="Now with a note.", now=LATER))
    second = export_markdown(catalog, store, [ids[0]], folder, now=LATER)
    assert second.written == (path,) and second.backups == ()
    updated = path.read_text(encoding="utf-8")
    assert updated != original
    assert user_notes_of(updated) == mine
    blocks = blocks_of(split_front_matter(updated)[1])
    assert Block("paragraph", "Now with a note.") in blocks
    assert Block("paragraph", "My own thoughts.") in blocks
    assert not list(folder.glob("*.bak-*"))


def test_edits_outside_the_region_are_backed_up_and_reported(
    library: tuple[Catalog, AnnotationStore, list[str]], tmp_path: Path
) -> None:
    catalog, store, ids = library
    store.save(highlight_in(catalog, ids[0], "A gull argued with the wind."))
    folder = tmp_path / "out"
    path = export_markdown(catalog, store, [ids[0]], folder, now=NOW).files[0]
    edited_text = (
        path.read_text(encoding="utf-8").replace(
            f"{BEGIN_NOTES}\n\n{END_NOTES}", f"{BEGIN_NOTES}\nregion text\n{END_NOTES}"
        )
        + "\nA paragraph I added at the end.\n"
    )
    path.write_text(edited_text, encoding="utf-8")

    result = export_markdown(catalog, store, [ids[0]], folder, now=LATER)
    assert len(result.backups) == 1
    target, backup = result.backups[0]
    assert target == path and backup.parent == folder
    assert backup.name.startswith(path.name + ".bak-")
    assert backup.read_text(encoding="utf-8") == edited_text
    assert any(str(backup) in message for message in result.messages)
    fresh = path.read_text(encoding="utf-8")
    assert "A paragraph I added" not in fresh
    assert user_notes_of(fresh) == "region text"
    # The new file is ours again: another export makes no further backup.
    assert export_markdown(catalog, store, [ids[0]], folder, now=LATER).backups == ()


def test_a_file_of_the_users_with_the_name_is_left_alone(
    library: tuple[Catalog, AnnotationStore, list[str]], tmp_path: Path
) -> None:
    catalog, store, ids = library
    folder = tmp_path / "out"
    folder.mkdir()
    name = note_name(catalog.entry(ids[0]).title)
    (folder / name.upper()).write_text("my unrelated file\n", encoding="utf-8")
    result = export_markdown(catalog, store, [ids[0]], folder, now=NOW)
    # A short suffix only on a clash (in any case: macOS and Windows fold it).
    assert result.files == (folder / f"Harbour log ({ids[0][:6]}).md",)
    assert (folder / name.upper()).read_text(encoding="utf-8") == "my unrelated file\n"
    assert not result.backups


def test_a_file_that_is_not_utf8_is_kept_byte_for_byte(
    library: tuple[Catalog, AnnotationStore, list[str]], tmp_path: Path
) -> None:
    catalog, store, ids = library
    folder = tmp_path / "out"
    path = export_markdown(catalog, store, [ids[0]], folder, now=NOW).files[0]
    damaged = path.read_bytes().replace(b"%% end notes %%", b"caf\xe9\n%% end notes %%")
    path.write_bytes(damaged)
    result = export_markdown(catalog, store, [ids[0]], folder, now=NOW)
    assert result.backups[0][1].read_bytes() == damaged
    assert path.read_text(encoding="utf-8").count("\ufffd") == 1  # the region is kept


def test_export_document_of_a_library_document(
    library: tuple[Catalog, AnnotationStore, list[str]],
) -> None:
    catalog, store, ids = library
    highlight = highlight_in(catalog, ids[0], "three passengers, one dog")
    loaded = catalog.load(ids[0])
    document, _ = load_export_document(catalog, ids[0])
    assert document.length == len(loaded.text) and document.paragraphs == loaded.paragraphs
    text = render_markdown(document, [highlight], exported="2024-05-02T09:30:00.000Z")
    check_structure(text, document, [highlight])
    assert blocks_of(split_front_matter(text)[1])[-1].text.startswith("paragraph 2, ")


def test_a_renamed_and_moved_file_is_updated_where_it_is(
    library: tuple[Catalog, AnnotationStore, list[str]], tmp_path: Path
) -> None:
    catalog, store, ids = library
    folder = tmp_path / "out"
    first = export_markdown(catalog, store, [ids[0]], folder, now=NOW).files[0]
    assert first == folder / "Harbour log.md"
    (folder / "reading").mkdir()
    renamed = folder / "reading" / "My harbour notes.md"
    first.rename(renamed)
    again = export_markdown(catalog, store, [ids[0]], folder, now=NOW)
    assert again.files == (renamed,)
    assert sorted(p.name for p in folder.rglob("*")) == ["My harbour notes.md", "reading"]


def test_a_file_with_the_long_name_of_before_is_found_and_renamed_short(
    library: tuple[Catalog, AnnotationStore, list[str]], tmp_path: Path
) -> None:
    catalog, store, ids = library
    store.save(highlight_in(catalog, ids[0], "A gull argued with the wind."))
    folder = tmp_path / "out"
    path = export_markdown(catalog, store, [ids[0]], folder, now=NOW).files[0]
    old = folder / (safe_slug(catalog.entry(ids[0]).title, ids[0]) + ".md")
    path.rename(old)
    result = export_markdown(catalog, store, [ids[0]], folder, now=LATER)
    assert result.files == (folder / "Harbour log.md",) and not result.backups
    assert [p.name for p in folder.iterdir()] == ["Harbour log.md"]


def test_unknown_documents_are_skipped_with_a_reason(
    library: tuple[Catalog, AnnotationStore, list[str]], tmp_path: Path
) -> None:
    catalog, store, ids = library
    result = export_markdown(catalog, store, [ids[0], "ffffffffffff"], tmp_path / "out", now=NOW)
    assert len(result.files) == 1 and result.index is None
    assert result.skipped[0][0] == "ffffffffffff"
    assert result.messages[-1].startswith("Document ffffffffffff was not exported: ")


def test_whole_library_export_takes_documents_with_highlights(
    library: tuple[Catalog, AnnotationStore, list[str]], tmp_path: Path
) -> None:
    catalog, store, ids = library
    store.save(highlight_in(catalog, ids[1], "cider was sharp"))
    result = export_markdown(catalog, store, None, tmp_path / "out", now=NOW)
    assert len(result.files) == 1
    assert split_front_matter(result.files[0].read_text())[0]["newsreader"] == ids[1]


# --- file names ---------------------------------------------------------------------------

HOSTILE_TITLES = [
    "../../etc/passwd",
    "..",
    ".",
    "CON",
    "con.txt",
    "nul",
    "LPT1",
    ".hidden",
    "a/b\\c",
    "x" * 500,
    "é" * 500,
    "🦜" * 200,
    "",
    "   ",
    "!!!???...",
    "\x00\x1b[2J\n\r\t",
    "/absolute/path",
    "C:\\Windows\\system32",
    "name\u202eexe.md",
    "-leading-dash",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_slugs_stay_inside_the_folder(title: str, tmp_path: Path) -> None:
    slug = safe_slug(title, "0123456789ab")
    name = slug + ".md"
    assert re.fullmatch(r"[\w-]+", slug), slug
    assert not name.startswith((".", "-"))
    assert ".." not in name and "/" not in name and "\\" not in name
    assert len(name.encode("utf-8")) <= 255
    assert slug.split(".")[0].casefold() not in {"con", "prn", "aux", "nul", "lpt1", "com1"}
    assert slug.endswith("-0123456789ab")
    path = tmp_path / name
    path.write_text("x", encoding="utf-8")
    assert path.resolve().parent == tmp_path.resolve()


def test_slugs_are_unique_per_document() -> None:
    assert safe_slug("Same title", "aaaaaaaaaaaa") != safe_slug("Same title", "bbbbbbbbbbbb")
    assert safe_slug("Hello, World!", "abc123def456") == "hello-world-abc123def456"
    assert safe_slug("", "abc123def456") == "document-abc123def456"
    assert safe_slug("x", "../evil") == "x-evil"


@settings(max_examples=200, deadline=None)
@given(title=st.text(), doc_id=st.text(min_size=1, max_size=80))
def test_any_title_gives_a_plain_file_name(title: str, doc_id: str) -> None:
    slug = safe_slug(title, doc_id)
    assert re.fullmatch(r"\w[\w-]*", slug)
    assert not slug.endswith("-")
    assert len(slug.encode("utf-8")) <= 250
