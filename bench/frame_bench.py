"""Frame draw time: the reader's `DocumentView.render_line` for every line of a full frame.

The real app runs headless (Pilot) on the 3 MB book, scrolled to its middle, with every
word in view lit as a match and a third of them highlighted too (hundreds of marks).
Before each timed frame the marks are set again, which empties the view's cache of drawn
lines, so every frame is drawn from the text, not from the cache.

The same is timed for the book written as Markdown with structure in every paragraph
(emphasis, strong, code, a link, headings, quotes and list items), so drawing structure
under the marks is held to the same budget.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path

from annotations.model import Color
from bench.figures import Figure, at_most, information
from bench.workspace import BOOK, Workspace
from library.catalog import Catalog
from reader.layout.marks import Mark, MarkKind, MarkLayer, MarkStyle

FRAME_LINES = 36
FRAME_TARGET_MS = 5.0
HIGHLIGHT: MarkStyle = Color.YELLOW
MATCH: MarkStyle = MarkKind.MATCH


@dataclass(frozen=True, slots=True)
class _Found:
    """What one headless session measured."""

    frame_ms: tuple[float, ...]
    """Time of each full frame."""
    set_marks_ms: tuple[float, ...]
    """Time of each `set_marks` over the whole book."""
    view_height: int
    """Lines the view shows at once."""
    in_view: int
    """Marks in view while drawing."""


def _marks_in(
    start: int, end: int, count: int, longest: int, style: MarkStyle, seed: int
) -> list[Mark]:
    """`count` marks of 3 to `longest` characters scattered over ``[start, end)``, sorted."""
    rng = random.Random(seed)
    marks = []
    for _ in range(count):
        first = rng.randrange(start, max(start + 1, end - 3))
        marks.append((first, min(end, first + rng.randint(3, longest)), style))
    return sorted(marks)


def _word_marks(text: str, start: int, end: int) -> tuple[list[Mark], list[Mark]]:
    """The worst case a reader could see: every word in ``[start, end)`` is a search match,
    and every third pair of words is highlighted too (each highlight overlapping matches),
    so nearly every word is a run of its own."""
    words = [m.span() for m in re.finditer(r"\S+", text[start:end])]
    matches: list[Mark] = [(start + a, start + b, MATCH) for a, b in words]
    highlights: list[Mark] = [
        (start + words[i][0], start + words[i + 1][1], HIGHLIGHT)
        for i in range(0, len(words) - 1, 3)
    ]
    return highlights, matches


def _as_markdown(text: str) -> str:
    """The book as Markdown: every paragraph styled (a word in emphasis, two strong, one
    as code, a link), every chapter line a heading, every 7th paragraph a quote and every
    5th a list item."""
    blocks = []
    for number, paragraph in enumerate(text.split("\n\n")):
        words = paragraph.replace("*", "").replace("`", "").replace("[", "(").split()
        if len(words) < 8:
            blocks.append(f"## {' '.join(words)}" if words else "")
            continue
        words[1] = f"*{words[1]}*"
        words[3] = f"**{words[3]} {words[4]}**"
        words[4] = ""
        words[6] = f"`{words[6]}`"
        words[-2] = f"[{words[-2]}](https://example.org/{number})"
        line = " ".join(word for word in words if word)
        prefix = "> " if number % 7 == 0 else "- " if number % 5 == 0 else ""
        blocks.append(prefix + line)
    return "\n\n".join(block for block in blocks if block)


def _structured_book(folder: Path) -> tuple[Path, str]:
    """A library holding the book as Markdown: its home and the document's id."""
    source = folder / "structured_book.md"
    source.write_text(_as_markdown(BOOK.read_text(encoding="utf-8")), encoding="utf-8")
    catalog = Catalog.open(folder / "structured-home")
    (entry,) = catalog.add([source]).added
    return folder / "structured-home", entry.id


def _structure_opening(home: Path, doc_id: str, runs: int) -> tuple[float, ...]:
    """Time what opening the structured book costs the UI thread for its structure:
    reading it from beside the text, with the index the reader draws from."""
    from reader.layout.structure_marks import StructureMarks
    from service.workspace import Workspace

    workspace = Workspace(Catalog.open(home))
    document = workspace.catalog.load(doc_id)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        structure = workspace.kept_structure(document)
        assert structure, "the structure was not kept when the book was added"
        StructureMarks.build(structure)
        times.append((time.perf_counter() - began) * 1000)
    return tuple(times)


async def _measure(home: Path, doc_id: str, frames: int) -> _Found:
    from reader.app import make_app
    from reader.widgets.document_view import DocumentView
    from service.workspace import Workspace

    app = make_app(Workspace(Catalog.open(home)), open_id=doc_id)
    async with app.run_test(size=(120, FRAME_LINES + 2)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(DocumentView)
        text_length = len(view.document.text)
        view.move_to_offset(text_length // 2)
        await pilot.pause()
        start, end = view.visible_span
        highlights, matches = _word_marks(view.document.text, start, end)
        view.set_marks(highlights, layer=MarkLayer.HIGHLIGHTS)
        times: list[float] = []
        for _ in range(frames):
            view.set_marks(matches, layer=MarkLayer.MATCHES)  # new marks: nothing drawn is reused
            began = time.perf_counter()
            for y in range(FRAME_LINES):
                view.render_line(y)
            times.append((time.perf_counter() - began) * 1000)
        # What a real search costs the UI thread besides drawing: lighting its matches. The
        # book's highlights are added to those in view, and each search replaces the
        # matches; every mark of every layer is indexed again each time.
        view.set_marks(
            highlights + _marks_in(0, text_length, 300, 40, HIGHLIGHT, seed=4),
            layer=MarkLayer.HIGHLIGHTS,
        )
        whole = matches + _marks_in(0, text_length, 1000, 15, MATCH, seed=3)
        rebuild: list[float] = []
        for _ in range(max(3, frames // 10)):
            began = time.perf_counter()
            view.set_marks(whole, layer=MarkLayer.MATCHES)
            rebuild.append((time.perf_counter() - began) * 1000)
        return _Found(
            tuple(times), tuple(rebuild), view.view_height, len(highlights) + len(matches)
        )


def frame(workspace: Workspace, frames: int) -> list[Figure]:
    """Time `frames` full frames of the 3 MB book with 600 marks in view, as plain text
    and as structured Markdown."""
    documents = workspace.documents
    workspace.forget_position(documents.home, documents.book)
    found = asyncio.run(_measure(documents.home, documents.book, frames))
    home, structured = _structured_book(workspace.folder)
    in_markdown = asyncio.run(_measure(home, structured, frames))
    opening = _structure_opening(home, structured, max(3, frames // 10))
    return [
        at_most(
            "frame.draw",
            f"full frame ({FRAME_LINES} lines of `render_line`), 3 MB book, "
            f"{found.in_view} highlights and matches in view, nothing cached",
            "ms",
            found.frame_ms,
            FRAME_TARGET_MS,
            note=f"view height {found.view_height} lines",
        ),
        information(
            "frame.set_marks",
            "lighting 1,000 matches and 300 highlights (`set_marks`), 3 MB book",
            "ms",
            found.set_marks_ms,
            "on the UI thread after each search; no target of its own",
        ),
        at_most(
            "frame.draw_structured",
            f"full frame ({FRAME_LINES} lines), the book as Markdown with structure in every "
            f"paragraph, {in_markdown.in_view} highlights and matches in view, nothing cached",
            "ms",
            in_markdown.frame_ms,
            FRAME_TARGET_MS,
            note=f"view height {in_markdown.view_height} lines",
        ),
        information(
            "frame.open_structured",
            "opening the book as Markdown: its structure and drawing index read from "
            "beside the text (UI thread)",
            "ms",
            opening,
            "kept when added; read as JSON and flattened at each opening before: ~650 ms",
        ),
    ]
