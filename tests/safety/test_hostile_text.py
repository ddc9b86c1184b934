"""Hostile text is shown and exported literally: escape sequences, bidi overrides, markup.

One document carries hostile text in every field a user can see (title, source, caption,
body) and one highlight carries it in its note and tags. Each screen is compared with a
snapshot, and the screenshot's text is also checked here: the markup is there as
characters, escape sequences are drawn as visible stand-ins, and no raw ESC, C1 control or
bidi override reaches the terminal. The exports keep the text exactly (JSON, W3C) or as
literal, inert Markdown.
"""

from __future__ import annotations

import html
import io
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from textual.pilot import Pilot
from textual.widgets import Input

from annotations.export import export_markdown
from annotations.model import Highlight, new_highlight
from annotations.notes_json import export_json
from annotations.notes_w3c import export_w3c
from annotations.store import AnnotationStore
from library.catalog import Catalog
from library.entries import Entry
from library.sanitize import visible
from reader.app import make_app
from reader.cli import main
from service.workspace import Workspace
from tests.safety.support import BIDI_OVERRIDES, C1_AND_ESC, CliResult, run_cli

SIZE = (100, 30)

TITLE = "\x1b[31mRed [bold]Title[/bold] \u202eevil\u202c [@click=app.quit]quit[/]"
SOURCE = "[link=https://x]The \x1b[1mGazette\x9b[/link] [/bold]"
CAPTION = (
    "Boats at the quay \x1b]8;;http://x\x07link\x1b]8;;\x07 and [link=https://x]a link[/link] "
    "on May 2, 2024.Jane Doe/The Associated Press"
)
FIRST = "The [bold]mayor[/bold] said \x1b[31mno\x1b[0m to the plan."
BODY = (
    f"{FIRST} Nobody [@click=app.quit]clicked[/] anything.\n\n"
    "A bidi \u202eoverride\u202c and a C1 \x9b31m control sit here. The end [/bold] of it."
)
RAW = f" date 2024-05-02 {TITLE}\n\n{CAPTION}\n\n{BODY}\n\nSource: {SOURCE}\n"
NOTE = (
    "Note with [bold]markup[/bold] and \x1b[2J escape, [@click=app.quit]click[/] "
    "\u202eevil\u202c [link=https://x]x[/link]"
)
TAGS = ("[red]tag[/red]", "\x1b[31mesc", "\u202ebidi")

MD = MarkdownIt("commonmark")


def screen_text(svg: str) -> str:
    """The characters a screenshot shows, row by row (cells joined in order)."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for found in re.finditer(
        r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg
    ):
        x, y = float(found.group(1)), float(found.group(2))
        rows.setdefault(y, []).append((x, html.unescape(found.group(3)).replace("\xa0", " ")))
    return "\n".join("".join(text for _, text in sorted(rows[y])) for y in sorted(rows))


def assert_safe_and_literal(svg: str, *expected: str) -> str:
    """No raw control or bidi character in the screenshot, and each of `expected` shown."""
    raw = [hex(ord(char)) for char in svg if char in C1_AND_ESC or char in BIDI_OVERRIDES]
    assert raw == []
    shown = screen_text(svg)
    for piece in expected:
        assert piece in shown, (piece, shown)
    return shown


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Catalog, Entry, Highlight]:
    """A library with the hostile document and one hostile highlight on its first sentence."""
    catalog = Catalog.open(tmp_path / "lib")
    path = tmp_path / "hostile.txt"
    path.write_text(RAW, encoding="utf-8")
    entry = catalog.add([path]).added[0]
    text = catalog.text(entry.id)
    start = text.index(FIRST)
    highlight = new_highlight(
        entry.id,
        text,
        start,
        start + len(FIRST),
        note=NOTE,
        tags=TAGS,
        content_hash=entry.content_hash,
    )
    AnnotationStore(catalog.home).save(highlight)
    return catalog, entry, highlight


def test_the_hostile_document_is_parsed_literally(
    hostile: tuple[Catalog, Entry, Highlight],
) -> None:
    catalog, entry, _ = hostile
    assert (entry.title, entry.source, entry.date) == (TITLE, SOURCE, "2024-05-02")
    assert entry.caption == CAPTION.replace(".Jane", ". Jane")
    assert catalog.text(entry.id) == BODY


def shoot(snap_compare: Any, app: object, keys: Iterable[str] = ()) -> str:
    """Compare the app after `keys` with its snapshot; return the screenshot's SVG."""
    taken: list[str] = []

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the snapshot flaky
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        taken.append(pilot.app.export_screenshot())

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    assert len(taken) == 1
    return taken[0]


def test_library_screen(snap_compare: Any, hostile: tuple[Catalog, Entry, Highlight]) -> None:
    catalog, _, _ = hostile
    svg = shoot(snap_compare, make_app(Workspace(catalog)))
    assert_safe_and_literal(svg, "␛[31mRed [bold]Title[/bold] ", "[link=https://x]The")


def test_reader_with_the_highlight_under_the_cursor(
    snap_compare: Any, hostile: tuple[Catalog, Entry, Highlight]
) -> None:
    catalog, entry, _ = hostile
    svg = shoot(snap_compare, make_app(Workspace(catalog), open_id=entry.id))
    assert_safe_and_literal(
        svg,
        "␛[31mRed [bold]Title[/bold] ⇄evil⇄ [@click=app.quit]quit[/]",
        "[link=https://x]The ␛[1mGazette⍰[/link] [/bold]",
        "Photo: Boats at the quay ␛]8;;http://x␇link␛]8;;␇",
        "The [bold]mayor[/bold] said ␛[31mno␛[0m to the",
        "[@click=app.quit]clicked[/]",
        "A bidi ⇄override⇄ and a C1 ⍰31m control",
        "The end [/bold] of it.",
        "✎",  # the note's sign in the margin
        "#[red]tag[/red] #␛[31mesc #⇄bidi",  # the status line names the tags
    )


def test_highlights_panel(snap_compare: Any, hostile: tuple[Catalog, Entry, Highlight]) -> None:
    catalog, entry, _ = hostile
    svg = shoot(snap_compare, make_app(Workspace(catalog), open_id=entry.id), ["tab"])
    assert_safe_and_literal(
        svg,
        "yellow The [bold]mayor[/bold] said",
        "✎ Note with [bold]markup[/bold] and",
        "␛[2J",
        "escape, [@click=app.quit]click[/]",
        "[link=https://x]x[/link]",
        "# [red]tag[/red], ␛[31mesc, ⇄bidi",
    )


def test_notes_screen(snap_compare: Any, hostile: tuple[Catalog, Entry, Highlight]) -> None:
    catalog, _, _ = hostile
    svg = shoot(snap_compare, make_app(Workspace(catalog)), ["n"])
    assert_safe_and_literal(
        svg,
        "␛[31mRed [bold]Title[/bold]",
        "The [bold]mayor[/bold] said ␛[31mno␛[0m to the plan.",
        "✎ Note with [bold]markup[/bold] and ␛[2J escape, [@click=app.quit]click[/]",
        "#[red]tag[/red] #␛[31mesc #⇄bidi",
    )


def test_command_palette(snap_compare: Any, hostile: tuple[Catalog, Entry, Highlight]) -> None:
    catalog, _, _ = hostile
    svg = shoot(snap_compare, make_app(Workspace(catalog)), ["ctrl+p", *"title"])
    assert_safe_and_literal(svg, "Open: ␛[31mRed [bold]Title[/bold]", "[link=https://x]The")


async def _dialog_screenshot(catalog: Catalog, doc_id: str, key: str) -> str:
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()
        return app.export_screenshot()


async def test_note_editor_shows_the_note_literally(
    hostile: tuple[Catalog, Entry, Highlight],
) -> None:
    catalog, entry, _ = hostile
    svg = await _dialog_screenshot(catalog, entry.id, "a")
    assert_safe_and_literal(svg, "Note with [bold]markup[/bold]", "[@click=app.quit]click[/]")


async def test_tags_dialog_shows_the_tags_literally(
    hostile: tuple[Catalog, Entry, Highlight],
) -> None:
    catalog, entry, _ = hostile
    svg = await _dialog_screenshot(catalog, entry.id, "t")
    assert_safe_and_literal(svg, "[red]tag[/red], ")


# --- exports ------------------------------------------------------------------------------


def _inline_text(tokens: list[Token]) -> str:
    """The text an inline token's children render, without markup."""
    parts: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif token.children:
            parts.append(_inline_text(token.children))
    return "".join(parts)


def test_markdown_export_is_literal_and_printable(
    hostile: tuple[Catalog, Entry, Highlight], tmp_path: Path
) -> None:
    catalog, entry, highlight = hostile
    store = AnnotationStore(catalog.home)
    result = export_markdown(catalog, store, [entry.id], tmp_path / "exports")
    markdown = result.files[0].read_text("utf-8")
    assert [char for char in markdown if char in C1_AND_ESC or char in BIDI_OVERRIDES] == []
    printed = run_cli("--library", str(catalog.home), "export", entry.id)
    assert printed.code == 0 and printed.err == ""
    assert [char for char in printed.out if char in C1_AND_ESC or char in BIDI_OVERRIDES] == []
    heading = next(line for line in markdown.splitlines() if line.startswith("# "))
    assert heading in printed.out.splitlines()
    end = markdown.index("\n---\n", 4)
    front = yaml.safe_load(markdown[4 : end + 1])
    assert front["title"] == TITLE  # YAML escapes read back to the exact title
    assert front["source"] == SOURCE
    assert front["tags"] == ["red-tag/red", "31mesc", "bidi"]  # as after each # inline
    tokens = MD.parse(markdown[end + 5 :])
    headings = [i for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert [tokens[i].tag for i in headings] == ["h1"]
    assert _inline_text(tokens[headings[0] + 1].children or []) == visible(TITLE)
    quotes = [i for i, t in enumerate(tokens) if t.type == "blockquote_open"]
    assert len(quotes) == 1
    quoted = _inline_text(tokens[quotes[0] + 2].children or [])
    assert quoted == f"{visible(highlight.quote)} ^nr-{highlight.id}"
    assert visible(NOTE) in markdown  # the note stays Markdown, made printable
    # The only link is the export's own link back to the passage, and the only HTML its
    # closing comment: nothing hostile became either.
    links = [c for t in tokens for c in t.children or [] if c.type == "link_open"]
    assert [str(c.attrs["href"]) for c in links] == [
        f"newsreader://open?doc={highlight.document_id}&highlight={highlight.id}"
    ]
    html = [t for t in tokens if t.type == "html_block"]
    assert len(html) == 1 and html[0].content.startswith("<!-- newsreader-export ")
    assert tokens[-1] is html[0]
    for kind in ("image", "html_inline"):
        assert not any(t.type == kind for t in tokens)
        assert not any(c.type == kind for t in tokens for c in t.children or [])


def test_json_export_keeps_every_string_exactly(
    hostile: tuple[Catalog, Entry, Highlight],
) -> None:
    catalog, entry, highlight = hostile
    for text in (
        export_json(catalog, AnnotationStore(catalog.home)),
        run_cli("--library", str(catalog.home), "export", "--format", "json").out,
    ):
        assert [char for char in text if char in C1_AND_ESC or char in BIDI_OVERRIDES] == []
        data = json.loads(text)
        document = next(d for d in data["documents"] if d["id"] == entry.id)
        assert (document["title"], document["source"]) == (TITLE, SOURCE)
        (record,) = data["highlights"]
        assert (record["quote"], record["note"], record["tags"]) == (FIRST, NOTE, list(TAGS))
        assert record["id"] == highlight.id


def test_w3c_export_keeps_every_string_exactly(
    hostile: tuple[Catalog, Entry, Highlight],
) -> None:
    catalog, _, _ = hostile
    for text in (
        export_w3c(catalog, AnnotationStore(catalog.home)),
        run_cli("--library", str(catalog.home), "export", "--format", "w3c").out,
    ):
        assert [char for char in text if char in C1_AND_ESC or char in BIDI_OVERRIDES] == []
        (annotation,) = json.loads(text)["first"]["items"]
        quote = next(
            s for s in annotation["target"]["selector"] if s["type"] == "TextQuoteSelector"
        )
        assert quote["exact"] == FIRST
        bodies = {(b["purpose"], b["value"]) for b in annotation["body"]}
        assert bodies == {("commenting", NOTE), *(("tagging", tag) for tag in TAGS)}


def test_command_line_output_to_a_terminal_is_made_visible(
    hostile: tuple[Catalog, Entry, Highlight], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`list`, `show` and `notes` on a terminal draw controls as stand-ins, markup as text."""
    catalog, entry, _ = hostile
    for argv in (["list"], ["show", entry.id], ["notes"], ["search", "mayor"]):
        result = _run_on_a_terminal(monkeypatch, "--library", str(catalog.home), *argv)
        assert result.code == 0, result
        assert [c for c in result.out if c in C1_AND_ESC or c in BIDI_OVERRIDES] == []
        assert "[bold]" in result.out


class _Terminal(io.StringIO):
    """Captured output that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _run_on_a_terminal(monkeypatch: pytest.MonkeyPatch, *argv: str) -> CliResult:
    out, err = _Terminal(), _Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = main(list(argv))
    monkeypatch.undo()
    return CliResult(code, out.getvalue(), err.getvalue())
