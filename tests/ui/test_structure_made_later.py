"""A Markdown document added before structure was kept beside its text opens at once,
plain, and is drawn with its structure once a thread has made it (and kept it)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from library.catalog import Catalog
from library.document import Document
from library.structure import Kind
from library.structure_files import structure_path
from reader.app import make_app
from reader.screens.reader import ReaderScreen
from reader.widgets.document_view import DocumentView
from service.workspace import Workspace

FIXTURES = Path(__file__).parent.parent / "fixtures" / "docs"


async def test_structure_missing_is_made_in_a_thread_and_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = Path(shutil.copy(FIXTURES / "every_element.md", tmp_path / "every.md"))
    catalog = Catalog.open(tmp_path / "lib")
    (entry,) = catalog.add([source]).added
    kept = structure_path(catalog.text_path(entry.id))
    kept.unlink()  # as a document added by an older release has it
    released = threading.Event()
    made_by = Workspace.with_structure

    def slow(workspace: Workspace, document: Document) -> Document:
        released.wait(timeout=5)  # a book's parse, taking its time
        return made_by(workspace, document)

    monkeypatch.setattr(Workspace, "with_structure", slow)
    app = make_app(Workspace(catalog), open_id=entry.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        view = reader.query_one(DocumentView)
        assert "strong words" in view.document.text
        assert not view.document.structure  # shown at once, plain
        released.set()
        for _ in range(200):
            if view.document.structure:
                break
            await pilot.pause(0.02)
        kinds = {span.kind for span in view.document.structure.spans}
        assert kinds == set(Kind)
        assert reader.document.structure == view.document.structure
        assert kept.is_file()
