"""A document with very many highlights: it opens with its text first, shows every highlight
(in the text and in the panel, which moves with j/k), SIGTERM ends the app cleanly while
they are being read, and importing a large notes file keeps every record in bounded memory.

Sizes are modest so each test runs in seconds; the speed at 10,000 and 100,000 highlights
is measured by the benchmarks (`python -m bench --only annotations`), never here.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.model import Highlight, new_highlight
from annotations.store import AnnotationStore
from library.catalog import Catalog
from reader.app import make_app
from reader.layout.marks import MarkLayer
from reader.screens.reader import READ_IN_THREAD, ReaderScreen
from reader.widgets.document_view import DocumentView
from reader.widgets.highlight_list import HighlightList
from service.workspace import Workspace
from tests.e2e.terminal import Terminal
from tests.safety.support import REPO

SIZE = (120, 36)
SENTENCE = "Sentence number {n} tells of the harbour and the ferry that left at dawn. "


def _library(tmp_path: Path, sentences: int) -> tuple[Catalog, str, str]:
    """A library of one long document; returns it, the document id and its text."""
    catalog = Catalog.open(tmp_path / "lib")
    source = tmp_path / "long.txt"
    paragraphs = (
        "".join(SENTENCE.format(n=n * 5 + i) for i in range(5)).strip()
        for n in range(sentences // 5)
    )
    source.write_text("Many highlights\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    doc_id = catalog.add([source]).added[0].id
    return catalog, doc_id, catalog.text(doc_id)


def _highlight_every_sentence(catalog: Catalog, doc_id: str, text: str) -> list[Highlight]:
    """A highlight on every sentence's "harbour", every tenth with a note."""
    content_hash = catalog.entry(doc_id).content_hash
    highlights = []
    at = text.find("harbour")
    count = 0
    while at >= 0:
        highlights.append(
            new_highlight(
                doc_id,
                text,
                at,
                at + len("harbour"),
                note="a note" if count % 10 == 0 else "",
                content_hash=content_hash,
            )
        )
        count += 1
        at = text.find("harbour", at + 1)
    AnnotationStore(catalog.home).save_many(highlights)
    return highlights


async def test_a_document_with_many_highlights_shows_them_all_and_the_panel_moves_with_j_k(
    tmp_path: Path,
) -> None:
    catalog, doc_id, text = _library(tmp_path, 4000)
    highlights = _highlight_every_sentence(catalog, doc_id, text)
    assert AnnotationStore(catalog.home).journal_bytes(doc_id) > READ_IN_THREAD
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        for _ in range(200):  # the highlights are read in a thread: wait for them
            if len(screen.annotations.highlights) == len(highlights):
                break
            await pilot.pause(0.05)
        assert {h.id for h in screen.annotations.highlights} == {h.id for h in highlights}
        view = screen.query_one(DocumentView)
        first = highlights[0]
        runs = list(view._marks.runs(first.start, first.end))  # noqa: SLF001 - what is drawn
        assert runs and runs[0][2] == (first.color,)
        await pilot.press("tab")
        rows = screen.query_one(HighlightList)
        assert rows.row_count == len(highlights)
        start = rows.cursor
        assert start is not None
        await pilot.press("j", "j", "down")
        assert rows.cursor == start + 3
        await pilot.press("k", "up")
        assert rows.cursor == start + 1
        await pilot.press("G")
        assert rows.cursor == len(highlights) - 1
        await pilot.press("enter")
        assert screen.annotations.highlights[-1].start in range(*view.cursor_span or (0, 0))
        screen.query_one(DocumentView).clear_marks(MarkLayer.HIGHLIGHTS)


def _terminal_output(terminal: Terminal) -> list[bytes]:
    """Keep every byte the program writes (the screen keeps only what shows)."""
    written: list[bytes] = []
    feed = terminal.stream.feed

    def keep(data: bytes) -> None:
        written.append(data)
        feed(data)

    terminal.stream.feed = keep  # type: ignore[method-assign]
    return written


@pytest.mark.slow
@pytest.mark.parametrize(
    "before_mount", [False, True], ids=["highlights-being-read", "app-not-yet-mounted"]
)
def test_sigterm_ends_the_app_cleanly_while_the_highlights_are_still_being_read(
    tmp_path: Path, before_mount: bool
) -> None:
    catalog, doc_id, text = _library(tmp_path, 4000)
    _highlight_every_sentence(catalog, doc_id, text)
    env = {**os.environ, "NEWSREADER_HOME": str(catalog.home), "PYTHONPATH": str(REPO)}
    helper = Path(__file__).with_name("slow_highlights.py")
    argv = [sys.executable, str(helper), "--library", str(catalog.home), doc_id]
    if before_mount:  # the app's own answer to SIGTERM is not set up yet
        argv.insert(2, "--app-answers-no-signals")
    terminal = Terminal(argv, env, columns=100, lines=30)
    try:
        written = _terminal_output(terminal)
        # The text is on screen while reading the highlights takes (here) an hour.
        terminal.wait_for("Sentence number 0 tells", timeout=30)
        os.kill(terminal.pid, signal.SIGTERM)
        assert terminal.wait_exit(timeout=30) == 0
    finally:
        terminal.close()
    output = b"".join(written)
    assert output.rstrip().endswith(b"\x1b[?1049l") or b"\x1b[?1049l" in output[-4096:]
    state = Catalog.open(catalog.home).reading_state(doc_id)
    assert state.opened is not None  # the reading place was saved on the way out


def _notes_file(path: Path, catalog: Catalog, doc_id: str, text: str, count: int) -> None:
    """A newsreader notes export of `count` highlights of `doc_id`, written as a stream."""
    content_hash = catalog.entry(doc_id).content_hash
    step = max(1, (len(text) - 200) // count)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"format": "newsreader-notes", "version": 1, "documents": [')
        out.write(json.dumps({"id": doc_id, "content_hash": content_hash}))
        out.write('], "highlights": [')
        for n in range(count):
            start = n * step
            record = new_highlight(doc_id, text, start, start + 20, content_hash=content_hash)
            out.write(("," if n else "") + json.dumps(_record(record)))
        out.write("]}")


def _record(highlight: Highlight) -> dict[str, object]:
    from annotations.model import to_record

    return to_record(highlight)


PEAK_SCRIPT = """
import resource, sys, tracemalloc
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from service.workspace import Workspace
workspace = Workspace.open(Path(sys.argv[1]))
tracemalloc.start()
result = workspace.import_notes_file(Path(sys.argv[2]))
kept, peak = tracemalloc.get_traced_memory()
print(len(result.added), kept, peak)
"""


@pytest.mark.slow
def test_importing_a_large_file_keeps_every_record_in_bounded_memory(tmp_path: Path) -> None:
    catalog, doc_id, text = _library(tmp_path, 4000)
    notes = tmp_path / "notes.json"
    count = 30_000
    _notes_file(notes, catalog, doc_id, text, count)
    done = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, str(catalog.home), str(notes), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    added, kept, peak = (int(word) for word in done.stdout.split())
    assert added == count
    assert len(AnnotationStore(catalog.home).for_document(doc_id)) == count
    # Beyond what it keeps (the highlights saved, in the store and in the result), the
    # import held a batch of records at a time: never the file, nor copies of it parsed.
    assert peak - kept < notes.stat().st_size


def test_a_big_file_broken_part_way_keeps_what_came_before_and_says_so(tmp_path: Path) -> None:
    from annotations.notes_import import BATCH

    catalog, doc_id, text = _library(tmp_path, 1000)
    notes = tmp_path / "notes.json"
    _notes_file(notes, catalog, doc_id, text, 2 * BATCH)
    whole = notes.read_text(encoding="utf-8")
    notes.write_text(whole[: len(whole) * 3 // 4], encoding="utf-8")  # cut off mid-way
    workspace = Workspace(catalog)
    with pytest.raises(ValueError) as caught:
        workspace.import_notes_file(notes)
    message = str(caught.value)
    assert message.startswith("The file is not valid JSON (")
    assert f"the {BATCH} highlight(s) before the problem were imported." in message
    assert "\n" not in message
    assert len(AnnotationStore(catalog.home).for_document(doc_id)) == BATCH
    notes.write_text(whole, encoding="utf-8")  # mended: importing again adds the rest
    result = workspace.import_notes_file(notes)
    assert (len(result.added), len(result.unchanged)) == (BATCH, BATCH)
