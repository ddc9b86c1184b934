"""`AnnotationStore.recent`: the highlights changed last, read from the journals written
last only, in the order the whole list has them (`newest_first`)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from annotations.journal import newest_first
from annotations.model import new_highlight
from annotations.store import ANNOTATIONS_FOLDER, AnnotationStore

TEXT = "The ferry left at dawn. Gulls followed it out past the harbour wall. " * 10
START = datetime(2026, 1, 1, tzinfo=UTC)


def library(home: Path, documents: int, each: int) -> None:
    """`documents` journals of `each` highlights; document n changed on day n, its
    journal written then."""
    store = AnnotationStore(home)
    for n in range(documents):
        moment = START + timedelta(days=n)
        document_id = f"doc{n:03d}"
        store.save_many(
            [new_highlight(document_id, TEXT, i * 10, i * 10 + 5, now=moment) for i in range(each)]
        )
        written = (moment + timedelta(seconds=1)).timestamp()
        os.utime(home / ANNOTATIONS_FOLDER / f"{document_id}.jsonl", (written, written))


def test_recent_reads_the_journals_written_last_only(tmp_path: Path) -> None:
    library(tmp_path, documents=30, each=4)
    store = AnnotationStore(tmp_path)
    recent = store.recent(10)
    every = newest_first(AnnotationStore(tmp_path).all())
    assert len(recent) >= 10
    assert recent == every[: len(recent)]  # the whole list's first rows, in its order
    assert len({h.document_id for h in recent}) < 30
    read = set(store._journals)  # noqa: SLF001 - which journals were read
    assert read == {f"doc{n:03d}" for n in range(27, 30)}


def test_recent_gives_everything_when_the_library_has_few(tmp_path: Path) -> None:
    library(tmp_path, documents=3, each=2)
    assert AnnotationStore(tmp_path).recent(100) == newest_first(AnnotationStore(tmp_path).all())
    assert AnnotationStore(tmp_path / "empty").recent(10) == ()


def test_a_highlight_changed_when_the_next_journal_was_written_is_not_taken_as_sure(
    tmp_path: Path,
) -> None:
    """Times are kept to the millisecond: a highlight of the next journal may carry the
    very time that journal was written, so only later ones count as sure."""
    library(tmp_path, documents=2, each=3)
    older = tmp_path / ANNOTATIONS_FOLDER / "doc000.jsonl"
    newest_time = (START + timedelta(days=1)).timestamp()
    os.utime(older, (newest_time, newest_time))  # written the moment doc001 changed
    recent = AnnotationStore(tmp_path).recent(3)
    assert recent == newest_first(AnnotationStore(tmp_path).all())  # both journals read
