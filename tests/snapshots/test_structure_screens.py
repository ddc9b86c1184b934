"""What structured text looks like in the reader: one snapshot per element, and marks over it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from library.catalog import Catalog
from reader.app import make_app
from service.workspace import Workspace

SIZE = (80, 14)
ELEMENTS = {
    "heading": "# Doc\n\nBefore.\n\n## Second level\n\n### Third level\n\nAfter.",
    "emphasis": "# Doc\n\nSome *emphasised* words.",
    "strong": "# Doc\n\nSome **strong** words.",
    "code": "# Doc\n\nCall `print(x)` here.",
    "link": "# Doc\n\nRead [the page](https://example.org/page) first.",
    "quote": "# Doc\n\n> A quoted passage that is long enough to wrap onto a second line here.",
    "list": "# Doc\n\n- a bullet\n- another\n\n1. first\n2. second",
    "preformatted": "# Doc\n\n```\nif x:\n    y  =  1\n```",
}


def open_markdown(tmp_path: Path, markdown: str) -> tuple[Workspace, str]:
    source = tmp_path / "doc.md"
    source.write_text(markdown, encoding="utf-8")
    catalog = Catalog.open(tmp_path / "lib")
    (entry,) = catalog.add([source]).added
    return Workspace(catalog), entry.id


@pytest.mark.parametrize("element", list(ELEMENTS))
def test_structured_element(snap_compare: Any, tmp_path: Path, element: str) -> None:
    workspace, doc_id = open_markdown(tmp_path, ELEMENTS[element])
    app = make_app(workspace, open_id=doc_id)
    assert snap_compare(app, terminal_size=SIZE, press=["G"])  # the cursor off the element


def test_cursor_highlight_and_match_draw_over_structure(snap_compare: Any, tmp_path: Path) -> None:
    markdown = "# Doc\n\nA **bold claim** and an *aside*. Then [a link](https://example.org) ends."
    workspace, doc_id = open_markdown(tmp_path, markdown)
    workspace.highlight_quote(doc_id, "bold claim and")

    async def search(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"aside")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    app = make_app(workspace, open_id=doc_id)
    assert snap_compare(app, terminal_size=SIZE, run_before=search)
