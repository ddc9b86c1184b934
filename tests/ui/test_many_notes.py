"""The notes screen with many highlights: they are read, and filtered, off the UI thread,
the screen showing at once and the newest query winning. The thresholds are lowered so a
few highlights stand for many; the speed is measured by the benchmarks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input, Static

import reader.screens.notes as notes_module
from library.catalog import Catalog
from library.filtering import FilterIndex
from reader.app import make_app
from reader.screens.notes import NotesScreen
from reader.widgets.note_list import NoteList
from service.workspace import Workspace
from tests.ui.conftest import SIZE


@pytest.fixture
def workspace(ferry: tuple[Catalog, str]) -> Workspace:
    """The ferry story with three highlights, the last one with a note."""
    catalog, doc_id = ferry
    workspace = Workspace(catalog)
    workspace.highlight_quote(doc_id, "The ferry left at dawn.")
    workspace.highlight_quote(doc_id, "Gulls followed the ferry")
    workspace.highlight_quote(doc_id, "the harbour master waited", note="islands at last")
    return workspace


def threads_of(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[bool]:
    """Record, for each call of ``owner.name``, whether it ran on the main thread."""
    on_main: list[bool] = []
    original: Callable[..., Any] = getattr(owner, name)

    def recorded(*args: Any, **kwargs: Any) -> Any:
        on_main.append(threading.current_thread() is threading.main_thread())
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, recorded)
    return on_main


def title(screen: NotesScreen) -> str:
    return str(screen.query_one("#notes-title", Static).render())


async def test_many_notes_are_read_and_filtered_off_the_ui_thread(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notes_module, "READ_AT_ONCE", 0)
    monkeypatch.setattr(notes_module, "FILTER_AT_ONCE", 0)
    reading = threads_of(monkeypatch, Workspace, "highlights")
    filtering = threads_of(monkeypatch, FilterIndex, "ranked")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        notes = app.screen
        assert isinstance(notes, NotesScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert reading == [False]
        assert len(notes.shown) == 3
        assert title(notes).startswith(" Notes · 3 highlights")
        await pilot.press("slash", *"gulls")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert filtering and not any(filtering)
        assert [h.quote for h in notes.shown] == ["Gulls followed the ferry"]
        assert "1 match for 'gulls'" in title(notes)


async def test_keys_typed_while_the_notes_are_read_filter_them_once_read(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notes_module, "READ_AT_ONCE", 0)
    monkeypatch.setattr(notes_module, "FILTER_AT_ONCE", 0)
    release = threading.Event()
    original = Workspace.highlights

    def slow(self: Workspace, doc_id: str | None = None) -> Any:
        release.wait(10)
        return original(self, doc_id)

    monkeypatch.setattr(Workspace, "highlights", slow)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        notes = app.screen
        assert isinstance(notes, NotesScreen)
        assert notes.reading and title(notes) == " Notes · reading…"
        await pilot.press("slash", *"harbour")
        assert notes.query_one("#notes-query", Input).value == "harbour"
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not notes.reading
        assert [h.note for h in notes.shown] == ["islands at last"]


async def test_the_newest_query_is_the_one_shown(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notes_module, "FILTER_AT_ONCE", 0)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        notes = app.screen
        assert isinstance(notes, NotesScreen)
        for query in ("gulls", "ferry", "harbour"):
            notes.query_one("#notes-query", Input).value = query  # each starts a worker
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [h.note for h in notes.shown] == ["islands at last"]
        assert "for 'harbour'" in title(notes)


async def test_the_notes_changed_last_are_shown_while_the_rest_are_read(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notes_module, "READ_AT_ONCE", 0)
    release = threading.Event()
    original = Workspace.highlights

    def slow(self: Workspace, doc_id: str | None = None) -> Any:
        release.wait(10)
        return original(self, doc_id)

    monkeypatch.setattr(Workspace, "highlights", slow)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        notes = app.screen
        assert isinstance(notes, NotesScreen)
        for _ in range(100):  # the first rows come from the worker, the rest held back
            if notes.shown:
                break
            await pilot.pause()
        assert notes.reading and title(notes) == " Notes · reading…"
        first = [h.quote for h in notes.shown]
        assert first == [h.quote for h in workspace.annotations.recent(1)][: len(first)]
        assert "the harbour master waited" in first
        await pilot.press("j")
        on = notes.shown[1].id
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not notes.reading and len(notes.shown) == 3
        assert title(notes).startswith(" Notes · 3 highlights")
        cursor = notes.query_one("#notes-list", NoteList).cursor
        assert cursor is not None and notes.shown[cursor].id == on  # the cursor stayed
