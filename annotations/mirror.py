"""The notes folder: a live mirror of every document's highlights as Markdown files.

With a notes folder set (`annotations.mirror_settings.EXPORT_FOLDER`), each change to a
document's highlights, from the app or the command line, rewrites that document's file
there (`NotesMirror.changed`, told by `annotations.mirror_store.WatchedAnnotationStore`):

- the file is found by the document id in its front matter, wherever the user moved or
  renamed it (`annotations.markdown_names`), and made under a short title-based name
  when the document has none yet;
- what the user wrote between the notes markers is kept, and a file they edited elsewhere
  is backed up before it is rewritten (`annotations.markdown_files.write_generated`);
- a document whose last highlight went has its file deleted only when nothing in it is
  the user's; otherwise the file is kept (without the highlights) and the user is told;
- every write is atomic, and made under one cross-process lock beside the library, so
  two running copies never write the same file at once. The highlights are read under
  that lock, after the change was saved: whichever copy writes last writes them all.

On the command line the file is written before the command returns; in the app a thread
writes it a moment after the change (`run_in_background`), so keys never wait for it and
a burst of changes is written once.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from annotations.export import current_highlights, load_export_document, renderer
from annotations.markdown_files import remove_generated, write_generated
from annotations.markdown_names import NoteFiles
from annotations.mirror_settings import export_folder, highlight_style
from annotations.model import timestamp
from annotations.store import AnnotationStore
from library.catalog import Catalog
from library.safe_files import CrossProcessLock, StoreError

LOCK_NAME = "notes-mirror"
"""The lock file (``notes-mirror.lock``) in the library home: held while a copy writes
into the notes folder."""

BACKGROUND_DELAY = 0.2
"""Seconds the app's mirror waits after a change for more, before writing."""

Report = Callable[[str], None]
"""Told one sentence for each thing the user should know."""


@dataclass(slots=True)
class MirrorOutcome:
    """What one round of the mirror did."""

    written: list[Path] = field(default_factory=list)
    """Files written (made or updated)."""
    removed: list[Path] = field(default_factory=list)
    """Files deleted: their document has no highlights now, and nothing was the user's."""
    messages: list[str] = field(default_factory=list)
    """One sentence per thing the user should know (a file kept, a backup, a failure)."""


class NotesMirror:
    """Keeps the notes folder's file of each changed document up to date."""

    def __init__(self, catalog: Catalog, store: AnnotationStore, report: Report) -> None:
        """Mirror the highlights of `store` for the documents of `catalog`; what the user
        should know goes to `report` (from the mirror's thread, in the app)."""
        self._catalog = catalog
        self._store = store
        self._report = report
        self._lock = CrossProcessLock(catalog.home / LOCK_NAME, "notes folder lock")
        self._files: NoteFiles | None = None
        self._pending: set[str] = set()
        self._guard = threading.Lock()
        self._wake = threading.Event()
        self._closing = False
        self._thread: threading.Thread | None = None

    # -- being told

    def changed(self, doc_ids: Iterable[str]) -> None:
        """The highlights of `doc_ids` changed: update their files (now, or in a moment
        when running in the background). Nothing happens without a notes folder; nothing
        here raises: a failure is reported."""
        if export_folder(self._catalog) is None:
            return
        with self._guard:
            self._pending.update(doc_ids)
        if self._thread is not None:
            self._wake.set()
        else:
            self._flush_reporting_failure()

    def flush(self) -> MirrorOutcome:
        """Write the files of every document changed since the last flush; report and
        return what was done."""
        with self._guard:
            doc_ids = sorted(self._pending)
            self._pending.clear()
        outcome = self.update(doc_ids) if doc_ids else MirrorOutcome()
        for message in outcome.messages:
            self._report(message)
        return outcome

    # -- the app's way: a thread that writes a moment after the changes

    def run_in_background(self, report: Report | None = None) -> None:
        """From now on write in a thread, `BACKGROUND_DELAY` after a change (reporting to
        `report` when given); `close` ends it."""
        if report is not None:
            self._report = report
        if self._thread is None:
            self._closing = False
            self._thread = threading.Thread(
                target=self._run, name="newsreader-notes-mirror", daemon=True
            )
            self._thread.start()

    def close(self, report: Report | None = None) -> None:
        """Stop the thread (if running) and write what is still pending, reporting to
        `report` when given."""
        thread = self._thread
        if thread is not None:
            self._closing = True
            self._wake.set()
            thread.join(timeout=30)
            self._thread = None
        if report is not None:
            self._report = report
        self.flush()

    def _run(self) -> None:
        while not self._closing:
            self._wake.wait()
            if self._closing:
                return  # `close` writes what is left
            # Changes come in bursts (an undo, an import): wait a moment, write once.
            time.sleep(BACKGROUND_DELAY)
            self._wake.clear()
            self._flush_reporting_failure()

    def _flush_reporting_failure(self) -> None:
        """`flush`, a failure told rather than raised: the change itself is saved, and
        must not look as if it failed because its file could not be written."""
        try:
            self.flush()
        except Exception as err:  # noqa: BLE001 - told to the user; the highlight is saved
            self._report(f"The notes folder was not updated: {_said(err)}")

    # -- writing

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Hold the notes folder's lock for the block (an export into the folder), so
        that no copy's mirror writes the same files meanwhile."""
        with self._lock.held():
            yield

    def update(self, doc_ids: Iterable[str], *, now: datetime | None = None) -> MirrorOutcome:
        """Bring the files of `doc_ids` up to date with their highlights, now."""
        outcome = MirrorOutcome()
        folder = export_folder(self._catalog)
        if folder is None:
            return outcome
        try:
            with self._lock.held():
                files = self._files_of(folder)
                for doc_id in doc_ids:
                    self._update_one(files, doc_id, timestamp(now), outcome)
        except (StoreError, OSError) as err:
            outcome.messages.append(f"The notes folder {folder} was not updated: {_said(err)}")
        return outcome

    def _files_of(self, folder: Path) -> NoteFiles:
        if self._files is None or self._files.folder != folder:
            self._files = NoteFiles(folder)
        return self._files

    def _update_one(
        self, files: NoteFiles, doc_id: str, exported: str, outcome: MirrorOutcome
    ) -> None:
        try:
            document, text = load_export_document(self._catalog, doc_id)
        except (StoreError, ValueError):
            return  # removed from the library meanwhile: its file is left as it is
        highlights = current_highlights(self._store, document, text)
        if not highlights:
            self._without_highlights(files, doc_id, document.title, exported, outcome)
            return
        path = files.place(doc_id, document.title)
        style = highlight_style(self._catalog)
        change = write_generated(path, doc_id, renderer(document, highlights, style), exported)
        if change.written:
            outcome.written.append(path)
        if change.backup is not None:
            outcome.messages.append(
                f"{path} had changes outside its notes region; the old file was kept as "
                f"{change.backup}."
            )

    def _without_highlights(
        self, files: NoteFiles, doc_id: str, title: str, exported: str, outcome: MirrorOutcome
    ) -> None:
        """The document's last highlight went: its file goes too, unless it holds
        something of the user's; then it is kept, without the highlights."""
        path = files.find(doc_id, title)
        if path is None:
            return
        if remove_generated(path, doc_id):
            files.forget(doc_id)
            outcome.removed.append(path)
            return
        document, text = load_export_document(self._catalog, doc_id)
        change = write_generated(path, doc_id, renderer(document, ()), exported)
        if change.written:
            outcome.written.append(path)
        outcome.messages.append(
            f"{path} was kept although its document has no highlights now: it holds notes "
            "of yours." + (f" The old file was kept as {change.backup}." if change.backup else "")
        )


def _said(err: Exception) -> str:
    """An error as the end of a sentence."""
    text = str(err).strip()
    return text if text.endswith(".") else text + "."
