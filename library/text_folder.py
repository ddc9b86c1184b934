"""The documents folder: one text file per document, and the upkeep that keeps it whole.

Texts are written before the catalog names them and deleted after it stops naming them,
so a crash never leaves an entry without its text — only, at worst, a file nobody names.
A changed document's new text waits beside the old one (``<id>.<hash>.next``) until the
catalog records the change; then it is swapped in. What a process killed midway leaves
behind is finished or tidied away the next time the library is opened.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from library.catalog_shards import DOCUMENTS_TABLE
from library.document_files import (
    AddRegistry,
    find_leftovers,
    folder_names,
    remove_files,
    texts_of_no_content,
)
from library.entries import Entry, entry_from_record
from library.safe_files import (
    WRITE_PIECE,
    StoreError,
    atomic_write_bytes,
    atomic_write_text,
    fsync_directory,
    move_into_place,
    reason_of,
    sync_file,
    write_in_pieces,
)
from library.sanitize import short_title
from library.storage import Record

if TYPE_CHECKING:
    from library.adding import AddPlan
    from library.catalog_shards import CatalogShards


SYNC_WORKERS = 16
"""How many texts an add makes durable at once."""

SPANS_AT_ADD_FROM = 100_000
"""Texts of at least this many characters have their sentences split at add time. A
news article (a few thousand characters) splits in well under a millisecond when it is
opened, while splitting and caching ten thousand of them at add time took a third of
the add; a long document is worth it (3 MB take some 70 ms)."""


class TextFolder:
    """The texts of one library, kept in step with the catalog that names them."""

    def __init__(self, folder: Path, catalog: CatalogShards, adds: AddRegistry) -> None:
        """Args:
        folder: The documents folder.
        catalog: The catalog's records: their lock orders every change to the folder.
        adds: The adds running now, whose files are not leftovers.
        """
        self.folder = folder
        self._catalog = catalog
        self._adds = adds

    def text_path(self, doc_id: str) -> Path:
        """Where the text of `doc_id` is stored (the id must be a safe file name)."""
        return self.folder / f"{doc_id}.txt"

    def staged_path(self, doc_id: str, content_hash: str) -> Path:
        """Where the new text of a changed document waits until the catalog names it."""
        return self.folder / f"{doc_id}.{content_hash[:16]}.next"

    def write_text(self, target: Path, text: str, entry: Entry, *, durable: bool = True) -> None:
        """Write one document's text atomically (`durable` as for `atomic_write_bytes`).

        Raises:
            StoreError: It could not be written; the message names the file it came from
                and the file that could not be written.
        """
        try:
            atomic_write_text(target, text, sync_directory=False, durable=durable)
        except OSError as err:
            raise _not_written(target, entry, err) from err

    def write_new(
        self,
        plan: AddPlan,
        before: dict[str, Record],
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, str]:
        """Write the texts of the plan's new documents, outside the catalog's lock, and
        their sentence spans; return id → content hash written.

        All are written first and fsync'd after, one after the other, before the catalog
        names any (see `sync_file`). `progress` is told of each text as it is written,
        and again as it is on disk. Should one fail, those written are deleted again.

        Raises:
            StoreError: A text could not be written (the message names it).
        """
        written: dict[str, str] = {}
        try:
            if plan.texts:
                self._make_folder()
            for doc_id, (text, content_hash) in plan.texts.items():
                if doc_id in before:
                    continue  # a changed document: its new text is staged under the lock
                target = self.text_path(doc_id)
                written[doc_id] = content_hash
                # A long text is split into sentences now, once, so that opening it is
                # instant; its structure too, so it never parses its source again.
                if len(text) >= SPANS_AT_ADD_FROM:
                    self._write_new_text_and_spans(target, text, content_hash, plan.entries[doc_id])
                else:
                    self._write_new_text(target, text, plan.entries[doc_id])
                self._keep_structure(target, content_hash, plan, doc_id)
                self._keep_raw_page(target, plan, doc_id)
                if progress is not None:
                    progress(1)
            from concurrent.futures import ThreadPoolExecutor  # (and logging): for adds only

            # Several at a time: each fsync waits on the disk without holding the GIL, and
            # the file system commits the waiting ones together (2-3x fewer seconds).
            with ThreadPoolExecutor(max_workers=SYNC_WORKERS) as pool:
                durable = pool.map(
                    lambda doc_id: self._make_durable(self.text_path(doc_id), plan.entries[doc_id]),
                    list(written),
                )
                for _ in durable:
                    if progress is not None:
                        progress(1)
        except StoreError:
            self.discard_unnamed(written)  # nothing was added: nor do its files stay
            raise
        if written:
            fsync_directory(self.folder)
        return written

    def _make_folder(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(
                f"Nothing was added: the documents folder {self.folder} cannot be made: "
                f"{reason_of(err).lower()}."
            ) from err

    def _write_new_text(self, target: Path, text: str, entry: Entry) -> None:
        """Write the text of a document the catalog does not name yet, straight into its
        file (made durable later, by `_make_durable`).

        No temporary file and rename are needed: until the catalog names the id, nobody
        reads the file, and a crash halfway leaves a file the next open tidies away as a
        leftover of this registered add. A file already there (the same text added by
        another copy, or left by a crash) is never written over in place: it is replaced
        atomically, as before, so a reader never sees it half written.

        Raises:
            StoreError: As for `write_text`.
        """
        # An ASCII text is encoded a piece at a time as it is written: a 100 MB text
        # encoded whole is 100 MB more at the moment an add holds the most. Any other is
        # encoded first, so that a text that cannot be encoded never leaves a file.
        data = None if text.isascii() else text.encode("utf-8")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(target, flags, 0o600)
        except FileExistsError:
            self.write_text(target, text, entry, durable=False)
            return
        except OSError as err:
            raise _not_written(target, entry, err) from err
        try:
            if data is not None:
                write_in_pieces(fd, data)
            else:
                for start in range(0, len(text), WRITE_PIECE):
                    write_in_pieces(fd, text[start : start + WRITE_PIECE].encode("ascii"))
        except OSError as err:
            # Left for `discard_unnamed`, which deletes it only if no record names it.
            raise _not_written(target, entry, err) from err
        finally:
            os.close(fd)

    def _write_new_text_and_spans(
        self, target: Path, text: str, content_hash: str, entry: Entry
    ) -> None:
        """`_write_new_text`, while the text's sentence spans are found and kept.

        The write waits on the disk (the kernel slows a writer down when much is waiting
        to go to disk, as after a few large adds: a second or more for 100 MB), and waits
        without holding the interpreter's lock, so it is done on a thread of its own while
        the sentences are found. Should the process die between the two, the spans are a
        leftover of this registered add, tidied at the next open.

        Raises:
            StoreError: As for `write_text`.
        """
        from concurrent.futures import ThreadPoolExecutor  # (and logging): for adds only

        from library.document import Spans  # (with the structure model): adds only
        from library.segment_scan import text_bounds_soon  # (its patterns): long texts only
        from library.spancache import write_spans

        spans_path = target.with_suffix(".spans")
        # The sentences of a long text's second half are found by a forked child, begun
        # before the writer's thread starts (see `text_bounds_soon`).
        with text_bounds_soon(text) as bounds, ThreadPoolExecutor(max_workers=1) as writer:
            writing = writer.submit(self._write_new_text, target, text, entry)
            paragraphs, sentences = bounds()
            with suppress(OSError):  # a cache that cannot be written is made again later
                write_spans(spans_path, content_hash, Spans(*paragraphs), Spans(*sentences))
        writing.result()

    def write_late(
        self, final: AddPlan, current: dict[str, Record], late: dict[str, tuple[str, str]]
    ) -> dict[str, tuple[str, str]]:
        """Write the texts a commit needs, under the catalog's lock; return those staged.

        A changed document keeps its old text until the catalog names the new one: the
        new text waits beside it, and `finish_updates` swaps it in after the commit (then,
        or at the next open should the process die). Its new structure is written now:
        it names the text it belongs to, so until the swap (or, should the commit fail,
        ever) the old text finds it stale and makes its own again.
        """
        staged: dict[str, tuple[str, str]] = {}
        for doc_id, (text, content_hash) in late.items():
            if doc_id in current:
                staged[doc_id] = (text, content_hash)
                target = self.staged_path(doc_id, content_hash)
            else:
                target = self.text_path(doc_id)
            self.write_text(target, text, final.entries[doc_id])
            self._keep_structure(self.text_path(doc_id), content_hash, final, doc_id)
            self._keep_raw_page(self.text_path(doc_id), final, doc_id)
        if late:
            fsync_directory(self.folder)
        return staged

    def _keep_structure(
        self, text_path: Path, content_hash: str, plan: AddPlan, doc_id: str
    ) -> None:
        """Write the structure of a text about to be named (see `keeps_structure`); one
        that cannot be written is made again when the document is opened."""
        # Imported here, by an add: the commands that only read (show, notes, highlight)
        # open the catalog, and these modules were some 5 ms of each of them.
        from library.structure import NO_STRUCTURE
        from library.structure_files import keeps_structure, structure_path, write_structure

        structure = plan.structures.get(doc_id, NO_STRUCTURE)
        if keeps_structure(plan.entries[doc_id].path, structure):
            with suppress(OSError):
                write_structure(structure_path(text_path), content_hash, structure)

    def _keep_raw_page(self, text_path: Path, plan: AddPlan, doc_id: str) -> None:
        """Write the web page a text was extracted from beside it (``<id>.html``), so a
        later extraction can be made from it.

        Raises:
            StoreError: It could not be written (the message names it): it cannot be
                made again, so the add fails as for its text.
        """
        page = plan.raw_pages.get(doc_id)
        if page is None:
            return
        target = text_path.with_suffix(".html")
        try:
            atomic_write_bytes(target, page, sync_directory=False)
        except OSError as err:
            raise _not_written(target, plan.entries[doc_id], err) from err

    def _make_durable(self, target: Path, entry: Entry) -> None:
        """Fsync a text written with ``durable=False``.

        Raises:
            StoreError: It could not be made durable (a full disk, an I/O error); the
                message names it as `write_text` does.
        """
        try:
            sync_file(target)
        except OSError as err:
            raise _not_written(target, entry, err) from err

    def delete_text(self, doc_id: str) -> None:
        """Delete a removed document's text, sentence spans, structure and raw page (gone
        already is fine)."""
        text = self.text_path(doc_id)
        text.unlink(missing_ok=True)
        for kept in (".spans", ".structure", ".html"):
            text.with_suffix(kept).unlink(missing_ok=True)

    def discard_unnamed(self, doc_ids: Iterable[str]) -> None:
        """Delete the texts of `doc_ids` that the catalog does not name, after an add
        failed midway: best effort (else they are leftovers, tidied at the next open).

        Under the catalog's lock: a text the catalog names (another copy added the same
        text meanwhile) stays, and another add still to commit writes again any text of
        its own that is gone.
        """
        with suppress(StoreError), self._catalog.transaction() as db:
            records = db.table(DOCUMENTS_TABLE).records()
            for doc_id in doc_ids:
                if doc_id not in records:
                    self.delete_text(doc_id)

    def tidy(self) -> None:
        """Finish what adds and removes killed midway left, when the library is opened.

        Only when one was cut short is there anything to do, and its registration, left
        behind, says so: a library without one is not looked through (at 50,000 documents,
        listing the folder and reading every record would cost more than most commands).
        """
        if not self._adds.any_registered():
            return
        names = folder_names(self.folder)
        self.finish_updates(names)
        self._remove_leftovers()

    def finish_updates(self, names: list[str] | None = None) -> None:
        """Complete or undo updates: this process's, once committed, and those a process
        died in the middle of.

        A staged text whose hash the catalog records is swapped in (the update was
        committed); any other staged text is deleted (it never was, or a newer version
        was committed since). Done under the catalog's lock, as updates are, so a running
        update is never disturbed and an older text never replaces a newer one.
        """
        if names is None:
            names = folder_names(self.folder)
        pending = [self.folder / name for name in names if name.endswith(".next")]
        if not pending:
            return
        with self._catalog.transaction() as db:
            table = db.table(DOCUMENTS_TABLE)
            for path in pending:
                doc_id, _, rest = path.name.partition(".")
                prefix = rest.removesuffix(".next")
                record = table.record(doc_id)
                entry = entry_from_record(doc_id, record) if record is not None else None
                if entry is not None and entry.content_hash.startswith(prefix):
                    with suppress(FileNotFoundError):
                        move_into_place(path, self.text_path(doc_id), sync_directory=False)
                else:
                    path.unlink(missing_ok=True)
        fsync_directory(self.folder)

    def _remove_leftovers(self) -> None:
        """Remove the texts, spans and temporary files that adds killed midway left in the
        documents folder, and their registrations, when no add is running (see
        `library.document_files`).

        Best effort: when the catalog's lock cannot be had, they wait for the next open.
        A text whose content a record names under another id (its key edited by hand) is
        that document's text, and is kept; so are all texts while something may name
        them again (see `_texts_kept`).
        """
        with suppress(StoreError), self._catalog.transaction() as db:
            if self._adds.any_running():  # clears the registrations of the dead
                return
            current = db.table(DOCUMENTS_TABLE).records()
            if self._catalog.read_only:
                return  # a shard from a newer release may name texts in ways unknown here
            leftovers = find_leftovers(self.folder, current)
            remove_files(leftovers.derived)
            if leftovers.texts and not self._texts_kept(current):
                remove_files(texts_of_no_content(leftovers.texts, current.values()))

    def _texts_kept(self, records: dict[str, Record]) -> bool:
        """Whether texts no record names are kept: while a damaged shard lies aside, or
        while the catalog holds a record it cannot use (say, edited by hand), either may
        name them, and the user may mend it."""
        return self._catalog.damaged_kept() or any(
            entry_from_record(doc_id, record) is None for doc_id, record in records.items()
        )


def _not_written(target: Path, entry: Entry, err: OSError) -> StoreError:
    """The one sentence for a text that could not be written: the file it came from, the
    file it was to be, and why."""
    source = entry.path if entry.path is not None else f'"{short_title(entry.title)}"'
    return StoreError(
        f"Nothing was added: the text of {source} could not be written to {target}: "
        f"{reason_of(err).lower()}."
    )
