"""The notes folder in the app: set from the palette ("Set the notes folder…"), then a
highlight made with `h` is mirrored into it by the app's background writer."""

from __future__ import annotations

from pathlib import Path

from library.catalog import Catalog
from reader.app import make_app
from reader.screens.dialogs import AskTextScreen
from reader.screens.reader import ReaderScreen
from service.workspace import Workspace
from tests.ui.conftest import SIZE


async def test_the_palette_sets_the_notes_folder_and_highlights_are_mirrored(
    ferry: tuple[Catalog, str], tmp_path: Path
) -> None:
    catalog, doc_id = ferry
    vault = tmp_path / "vault"
    workspace = Workspace(catalog)
    app = make_app(workspace, open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"notes folder")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AskTextScreen)
        await pilot.press(*str(vault), "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert catalog.setting("export-folder") == str(vault) and vault.is_dir()
        await pilot.press("h")
        await pilot.pause()
        assert workspace.close_mirror() == ()  # what the thread had pending is written
    (notes,) = vault.glob("*.md")
    assert "The ferry left at dawn." in notes.read_text(encoding="utf-8")
    assert f"newsreader://open?doc={doc_id}&highlight=" in notes.read_text(encoding="utf-8")


async def test_a_notes_folder_that_cannot_be_is_refused_in_one_sentence(
    ferry: tuple[Catalog, str], tmp_path: Path
) -> None:
    catalog, _ = ferry
    taken = tmp_path / "a-file"
    taken.write_text("x", encoding="utf-8")
    app = make_app(Workspace(catalog))
    told: list[str] = []
    app.notify = lambda message, **_: told.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_set_notes_folder()
        await pilot.pause()
        await pilot.press(*str(taken), "enter")
        await pilot.pause()
        assert f"{taken} is a file, not a folder." in told
    assert catalog.setting("export-folder") is None
