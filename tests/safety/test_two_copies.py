"""Two running copies at once lose nothing: the app beside the command line, and two
command lines side by side.

The command line runs in real separate processes (`writer.py cli`, which calls
`reader.cli.main` once per command, exactly as the console script does, without paying
for a new interpreter per command). Nothing here is timed: the copies are started
together, overlap as much as they happen to, and afterwards every acknowledged write
must be there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from annotations.store import AnnotationStore
from library.catalog import Catalog
from reader.app import make_app
from reader.screens.reader import ReaderScreen
from reader.widgets.document_view import DocumentView
from service.workspace import Workspace
from tests.safety.support import HELPER, added_id, listing, run_cli, subprocess_env

pytestmark = pytest.mark.slow

SIZE = (100, 30)

APP_SENTENCES = 40
"""Sentences in the first paragraph, the one the app highlights."""

CLI_SENTENCES = 400
"""Sentences in the second paragraph, the one the command line highlights."""

EACH = 200
"""Highlights each of two command-line copies makes."""


def app_sentence(n: int) -> str:
    return f"The keeper wrote entry {n:03d} in the harbour log."


def cli_sentence(n: int) -> str:
    return f"Line {n:03d} of the ferry timetable was checked."


@pytest.fixture
def document(private_home: Path, tmp_path: Path) -> str:
    """A document of two paragraphs: one for the app, one for the command line."""
    path = tmp_path / "log.txt"
    first = " ".join(app_sentence(n) for n in range(APP_SENTENCES))
    second = " ".join(cli_sentence(n) for n in range(CLI_SENTENCES))
    path.write_text(f"{first}\n\n{second}\n", "utf-8")
    return added_id(run_cli("add", str(path)))


def start_writer(library: Path, commands: list[list[str]], folder: Path) -> subprocess.Popen[str]:
    """Start a command-line writer; it waits for `folder / "go"` before its first command."""
    script = folder / f"commands-{len(list(folder.glob('commands-*')))}.json"
    script.write_text(json.dumps(commands), "utf-8")
    writer = subprocess.Popen(
        [sys.executable, str(HELPER), "cli", str(script), "--start-file", str(folder / "go")],
        env=subprocess_env(library),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    return writer


def finish(writer: subprocess.Popen[str]) -> list[dict[str, Any]]:
    """Wait for a writer; return the result of each of its commands."""
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    lines = out.splitlines()
    assert lines[-1] == "done"
    return [json.loads(line) for line in lines[:-1]]


def acknowledged_highlights(results: list[dict[str, Any]]) -> set[str]:
    """Ids of the highlights whose `highlight` command said it saved them."""
    ids = set()
    for result in results:
        if result["out"] and result["code"] == 0 and not result["out"].startswith("added"):
            ids.add(result["out"].split()[0])
    return ids


def test_two_command_lines_highlighting_at_once_lose_nothing(
    private_home: Path, document: str, tmp_path: Path
) -> None:
    writers = [
        start_writer(
            private_home,
            [
                ["highlight", document, "--quote", cli_sentence(n), "--note", f"copy {copy}"]
                for n in range(copy - 1, CLI_SENTENCES, 2)  # interleaved: the same journal
            ],
            tmp_path,
        )
        for copy in (1, 2)
    ]
    (tmp_path / "go").touch()
    results = [finish(writer) for writer in writers]
    for copy in results:
        assert [r["code"] for r in copy] == [0] * EACH, [r for r in copy if r["code"]]
    acknowledged = acknowledged_highlights(results[0]) | acknowledged_highlights(results[1])
    assert len(acknowledged) == 2 * EACH
    store = AnnotationStore(private_home)
    stored = store.for_document(document)
    assert {h.id for h in stored} == acknowledged
    assert store.warnings == ()
    notes = {h.quote: h.note for h in stored}
    assert notes == {cli_sentence(n): f"copy {n % 2 + 1}" for n in range(CLI_SENTENCES)}
    rows = {row["id"]: row for row in listing(private_home)}
    assert rows[document]["highlights"] == 2 * EACH


def test_eight_copies_highlighting_the_same_words_at_once_make_one_highlight(
    private_home: Path, document: str, tmp_path: Path
) -> None:
    """The check for a passage already highlighted and the save are one step under the
    journal's lock: checked apart, all eight found nothing and saved a copy each."""
    quote = cli_sentence(7)
    writers = [
        start_writer(private_home, [["highlight", document, "--quote", quote]], tmp_path)
        for _ in range(8)
    ]
    (tmp_path / "go").touch()
    results = [result for writer in writers for result in finish(writer)]
    made = [r for r in results if r["code"] == 0]
    refused = [r for r in results if r["code"] != 0]
    assert len(made) == 1, made
    highlight_id = made[0]["out"].split()[0]
    assert [r["err"] for r in refused] == [
        f"newsreader: That passage is highlighted already (id {highlight_id}).\n"
    ] * 7
    stored = AnnotationStore(private_home).for_document(document)
    assert [h.id for h in stored if h.quote == quote] == [highlight_id]


async def test_the_app_and_the_command_line_writing_at_once_lose_nothing(
    private_home: Path, document: str, tmp_path: Path
) -> None:
    sources = tmp_path / "incoming"
    sources.mkdir()
    commands: list[list[str]] = []
    for n in range(60):
        commands.append(["highlight", document, "--quote", cli_sentence(n)])
        if n % 2 == 0:
            article = sources / f"article-{n}.txt"
            article.write_text(f"Incoming article {n} arrived while reading.\n", "utf-8")
            commands.append(["add", str(article)])
    writer = start_writer(private_home, commands, tmp_path)

    catalog = Catalog.open(private_home)
    app = make_app(Workspace(catalog), open_id=document)
    pressed = 0
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        (tmp_path / "go").touch()
        await pilot.press("h")
        pressed = 1
        # Keep highlighting (and saving the reading position) while the writer runs.
        while pressed < APP_SENTENCES and (writer.poll() is None or pressed < 12):
            await pilot.press("j", "h")
            pressed += 1
            if pressed % 5 == 0:
                screen.save_position()
        await pilot.pause()
        mine = {h.id for h in screen.annotations.highlights if h.quote.startswith("The keeper")}
        offset = screen.query_one(DocumentView).cursor_offset
        await pilot.press("q")  # leaving saves the position once more
        await pilot.pause()
    results = finish(writer)

    assert [r["code"] for r in results] == [0] * len(commands), [r for r in results if r["code"]]
    assert len(mine) == pressed
    from_cli = acknowledged_highlights(results)
    assert len(from_cli) == 60
    stored = AnnotationStore(private_home).for_document(document)
    assert {h.id for h in stored} == mine | from_cli
    assert sorted(h.quote for h in stored if h.id in mine) == sorted(
        app_sentence(n) for n in range(pressed)
    )
    # Every document the command line added is in the catalog, beside the others.
    added = {r["out"].split()[1] for r in results if r["out"].startswith("added")}
    assert len(added) == 30
    listed = {row["id"] for row in listing(private_home)}
    assert added | {document} <= listed
    assert len(listed) == 32  # the welcome guide, the log, and the thirty articles
    assert Catalog.open(private_home).reading_state(document).offset == offset
    assert offset > 0
