"""An error no handler catches ends the app with a crash log in the library folder and one
line on the terminal saying where it is (a terminal that closes with the app, such as a
tmux pane, takes a printed traceback with it)."""

from __future__ import annotations

from pathlib import Path

import pytest

import reader.app
import reader.cli
from library.catalog import Catalog
from reader.app import NewsreaderApp, make_app
from reader.cli import main
from reader.screens.library import LibraryScreen
from service.workspace import Workspace
from tests.ui.conftest import SIZE


class Boom(RuntimeError):
    """The error the tests make happen."""


def crash_logs(folder: Path) -> list[Path]:
    return sorted(folder.glob("crash-*.log"))


async def test_an_uncaught_error_leaves_a_crash_log_in_the_library_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_sort(self: LibraryScreen) -> None:
        raise Boom("the sort went wrong")

    monkeypatch.setattr(LibraryScreen, "action_cycle_sort", broken_sort)
    catalog = Catalog.open(tmp_path / "lib")
    app = make_app(Workspace(catalog))
    with pytest.raises(Boom):  # Pilot hands the app's error on to the test
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("s")
            await pilot.pause()
    (log,) = crash_logs(catalog.home)
    assert app.crash is not None
    error, written = app.crash
    assert isinstance(error, Boom) and written == log
    text = log.read_text(encoding="utf-8")
    assert text.startswith("newsreader ")
    assert "time: 20" in text and "python: 3." in text and "textual: " in text
    assert "screens: LibraryScreen; terminal: 120x36" in text
    assert "Traceback (most recent call last)" in text
    assert "Boom: the sort went wrong" in text and "broken_sort" in text


def test_the_command_line_ends_with_one_line_naming_the_crash_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "lib"
    log = library / "crash-20260101-000000.log"

    class CrashedApp:
        return_code = 1
        crash = (Boom("the sort went wrong"), log)

        def run(self) -> None:
            pass

    monkeypatch.setattr(reader.cli, "terminal_attached", lambda: True)
    monkeypatch.setattr(reader.app, "make_app", lambda *_, **__: CrashedApp())
    assert main(["--library", str(library)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == (
        "newsreader: stopped on an unexpected error (Boom: the sort went wrong); "
        f"the details are in {log}"
    )


def test_an_error_outside_the_app_is_logged_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "lib"

    def failing_app(*_: object, **__: object) -> NewsreaderApp:
        raise Boom("no driver")

    monkeypatch.setattr(reader.cli, "terminal_attached", lambda: True)
    monkeypatch.setattr(reader.app, "make_app", failing_app)
    assert main(["--library", str(library)]) == 1
    (log,) = crash_logs(library)
    assert "Boom: no driver" in log.read_text(encoding="utf-8")
    assert capsys.readouterr().err.splitlines()[-1].endswith(f"the details are in {log}")


def test_a_library_folder_that_refuses_the_log_sends_it_to_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.crash_log import write_crash_log

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    log = write_crash_log(tmp_path / "no such folder", Boom("x"))
    assert log is not None and log.parent == tmp_path
    again = write_crash_log(tmp_path / "no such folder", Boom("y"))
    assert again is not None and again != log  # never one over another
