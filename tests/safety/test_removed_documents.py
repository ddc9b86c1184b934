"""Removing a document never hides its highlights for good.

Removing keeps a document's highlights aside, to come back when it is added again. Two
ways used to lose sight of them: a copy of newsreader that still had the document open
went on saving into a fresh journal after another copy removed it, and adding the
document again then restored nothing (a journal existed), leaving the earlier highlights
in ``annotations/removed/`` for good; and a removal the annotations refused (their lock
held by another program) left the document out of the catalog with its highlights in
place, neither removed nor listed. Now every kept journal merges back on adding (newest
change wins), and the journal goes aside before the catalog entry, under the journal's
lock, coming back if the catalog refuses.

Each copy here is its own `Workspace` on the same library, with its own caches, as a
separate process would be; the churn of real processes is `test_churn.py`.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.document_annotations import DocumentAnnotations
from annotations.kept_journals import REMOVED_FOLDER
from annotations.store import AnnotationStore
from library.catalog import Catalog, UnknownDocument
from library.safe_files import StoreLocked, StoreReadOnly
from service.workspace import AlreadyHighlighted, Workspace
from tests.safety.support import catalog_shard, run_cli

SENTENCES = 60


def sentence(n: int) -> str:
    return f"Entry {n:02d} of the harbour log was written at dawn."


@contextmanager
def library_with_log() -> Iterator[tuple[Path, Path, str]]:
    """A fresh library holding one document: ``(home, its file, its id)``."""
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "library"
        source = Path(folder) / "log.txt"
        source.write_text(" ".join(sentence(n) for n in range(SENTENCES)) + "\n", "utf-8")
        doc_id = Workspace.open(home).add([source]).touched[0]
        yield home, source, doc_id


def kept_aside(home: Path) -> list[str]:
    """The names of the files in the library's ``annotations/removed/``."""
    folder = home / "annotations" / REMOVED_FOLDER
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def notes_of(home: Path, doc_id: str | None = None) -> dict[str, str]:
    """`notes --json` of the library at `home`: highlight id → note."""
    result = run_cli("--library", str(home), "notes", *([doc_id] if doc_id else []), "--json")
    assert result.code == 0, result.err
    return {record["id"]: record["note"] for record in json.loads(result.out)}


@dataclass
class Copy:
    """One running copy of newsreader, with the document open as the reader has it."""

    workspace: Workspace
    opened: DocumentAnnotations
    text: str
    sentences: list[int] = field(default_factory=list)

    @classmethod
    def start(cls, home: Path, doc_id: str, sentences: list[int]) -> Copy:
        workspace = Workspace.open(home)
        document = workspace.catalog.load(doc_id)
        opened = workspace.open_annotations(document).annotations
        return cls(workspace, opened, document.text, sentences)

    def highlight_next(self) -> str | None:
        """Highlight the copy's next sentence in the text as opened; its id once saved."""
        if not self.sentences:
            return None
        quote = sentence(self.sentences.pop(0))
        start = self.text.index(quote)
        return self.opened.create(start, start + len(quote)).id


STEP = st.tuples(st.sampled_from(["save", "note", "remove", "add", "command"]), st.integers(0, 2))


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(STEP, min_size=1, max_size=14))
def test_any_interleaving_of_save_remove_and_add_again_loses_no_highlight(
    steps: list[tuple[str, int]],
) -> None:
    """Three copies with the document open save, note, remove, add it again and
    highlight from the command line in any order; with the document added back at the
    end, every highlight acknowledged is in `notes --json`, with its newest note."""
    with library_with_log() as (home, source, doc_id):
        copies = [Copy.start(home, doc_id, list(range(c, 45, 3))) for c in range(3)]
        command_sentences = iter(range(45, SENTENCES))
        acknowledged: dict[str, str] = {}
        for number, (action, who) in enumerate(steps):
            copy = copies[who]
            if action == "save":
                saved = copy.highlight_next()
                if saved is not None:
                    acknowledged[saved] = ""
            elif action == "note" and copy.opened.highlights:
                noted = copy.opened.set_note(copy.opened.highlights[-1], f"note {number}")
                acknowledged[noted.id] = noted.note
            elif action == "remove":
                with suppress(UnknownDocument):  # another copy removed it already
                    copy.workspace.remove(doc_id)
            elif action == "add":
                copy.workspace.add([source])
            elif action == "command":
                try:
                    made = copy.workspace.highlight_quote(doc_id, sentence(next(command_sentences)))
                except (UnknownDocument, AlreadyHighlighted):
                    continue  # refused while the document is out: never acknowledged
                acknowledged[made.id] = ""
        Workspace.open(home).add([source])
        visible = notes_of(home, doc_id)
        assert {i: visible.get(i) for i in acknowledged} == acknowledged
        assert kept_aside(home) == []


def test_a_save_after_another_copy_removed_the_document_comes_back_with_it() -> None:
    with library_with_log() as (home, source, doc_id):
        reader = Copy.start(home, doc_id, [0, 1, 2])
        before = reader.highlight_next()
        Workspace.open(home).remove(doc_id)
        after = reader.highlight_next()  # the reader does not know yet: it saves
        noted = reader.opened.set_note(reader.opened.highlights[-1], "written after")
        assert noted.id == after
        assert Workspace.open(home).add([source]).restored == ((doc_id, 1),)
        assert notes_of(home, doc_id) == {before: "", after: "written after"}


def test_every_kept_journal_comes_back_and_the_newest_change_wins() -> None:
    with library_with_log() as (home, source, doc_id):
        reader = Copy.start(home, doc_id, [0, 1])
        first = reader.highlight_next()
        reader.opened.set_note(reader.opened.highlights[0], "old note")
        Workspace.open(home).remove(doc_id)  # kept: first, with its old note
        (shown,) = reader.opened.highlights  # the reader still shows it
        reader.opened.set_note(shown, "new note")  # lands in a fresh journal
        second = reader.highlight_next()
        AnnotationStore(home).remove_document(doc_id)  # kept a second time, apart
        assert len(kept_aside(home)) == 2
        assert Workspace.open(home).add([source]).restored == ((doc_id, 2),)
        assert notes_of(home) == {first: "new note", second: ""}
        assert kept_aside(home) == []


def test_adding_a_listed_document_again_brings_back_what_was_left_aside() -> None:
    """A crash between an add and its restore leaves the document listed and its
    highlights aside: adding the file again (unchanged) finishes the job."""
    with library_with_log() as (home, source, doc_id):
        workspace = Workspace.open(home)
        made = workspace.highlight_quote(doc_id, sentence(3)).id
        workspace.annotations.remove_document(doc_id)  # as if the process died here
        assert notes_of(home, doc_id) == {}
        outcome = workspace.add([source])
        assert [e.id for e in outcome.result.unchanged] == [doc_id]
        assert outcome.restored == ((doc_id, 1),)
        assert notes_of(home, doc_id) == {made: ""}


# --- a removal that cannot finish leaves the document whole ----------------------------


def test_a_remove_that_cannot_lock_the_annotations_changes_nothing() -> None:
    with library_with_log() as (home, _source, doc_id):
        made = Workspace.open(home).highlight_quote(doc_id, sentence(5), note="kept").id
        impatient = Workspace(Catalog.open(home), AnnotationStore(home, lock_timeout=0.1))
        journal = impatient.annotations.journal_path(doc_id)
        held_elsewhere = FileLock(f"{journal}.lock")  # another program holds the annotations
        with held_elsewhere, pytest.raises(StoreLocked, match="is in use by another program"):
            impatient.remove(doc_id)
        assert doc_id in {entry.id for entry in Catalog.open(home).entries()}
        assert notes_of(home, doc_id) == {made: "kept"}
        assert Workspace.open(home).remove(doc_id).kept == 1  # and it can be removed later


def test_a_remove_the_catalog_refuses_puts_the_highlights_back() -> None:
    with library_with_log() as (home, _source, doc_id):
        made = Workspace.open(home).highlight_quote(doc_id, sentence(7), note="kept").id
        catalog_file = catalog_shard(home, doc_id)
        data = json.loads(catalog_file.read_text("utf-8"))
        data["_meta"]["store"]["schema"] = 99  # written by a newer release: read-only
        catalog_file.write_text(json.dumps(data), "utf-8")
        with pytest.raises(StoreReadOnly):
            Workspace.open(home).remove(doc_id)
        assert notes_of(home, doc_id) == {made: "kept"}
        assert kept_aside(home) == []


def test_a_remove_of_an_unknown_document_moves_nothing() -> None:
    """A journal left for a document no longer listed stays where `notes` shows it."""
    with library_with_log() as (home, _source, doc_id):
        workspace = Workspace.open(home)
        made = workspace.highlight_quote(doc_id, sentence(9)).id
        workspace.catalog.remove(doc_id)  # the catalog alone, as a crash would leave it
        with pytest.raises(UnknownDocument):
            workspace.remove(doc_id)
        assert notes_of(home) == {made: ""}
