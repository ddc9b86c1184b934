"""Markdown export of highlights and notes: one file per document, and an index.

This module is the workflow: read each document from the catalog, place its highlights
on its current text, render the file and write it over any earlier export. The parts
live beside it, one job each:

- `annotations.markdown_escape`: literal text (titles, quotes), YAML values, tags, ids;
- `annotations.markdown_notes`: the user's Markdown (notes, the notes region) made safe;
- `annotations.markdown_render`: one document's file, and the index;
- `annotations.markdown_names`: file names, and finding a document's file by its id;
- `annotations.markdown_files`: writing over an earlier export.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from annotations.anchoring import reanchor
from annotations.markdown_files import FileChange, Renderer, write_generated
from annotations.markdown_names import NoteFiles
from annotations.markdown_render import (
    ExportDocument,
    QuoteStyle,
    render_index,
    render_markdown,
)
from annotations.model import Highlight, timestamp
from annotations.store import AnnotationStore
from library.catalog import Catalog
from library.safe_files import StoreError, fsync_directory
from library.segment import paragraph_spans

INDEX_NAME = "index.md"
"""The file linking every document of a multi-document export."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What one `export_markdown` did."""

    folder: Path
    """The folder the files went to."""
    files: tuple[Path, ...] = ()
    """One Markdown file per exported document, in the order the documents were given."""
    index: Path | None = None
    """The index file, when several documents were exported."""
    written: tuple[Path, ...] = ()
    """Files actually (re)written; the others in `files` were already up to date."""
    backups: tuple[tuple[Path, Path], ...] = ()
    """``(file, backup)`` for each file that had changes of the user's outside its notes
    region (or was not one of ours): the old file was copied to ``backup`` first."""
    skipped: tuple[tuple[str, str], ...] = ()
    """``(document id, one-sentence reason)`` for each document that was not exported."""

    @property
    def messages(self) -> tuple[str, ...]:
        """One plain sentence per thing the user should know, the first saying where."""
        count = len(self.files)
        noun = "document" if count == 1 else "documents"
        if count == 0:
            lines = [f"Nothing was exported to {self.folder}."]
        elif self.index is not None:
            lines = [f"Exported {count} {noun} to {self.folder} (index: {self.index})."]
        else:
            lines = [f"Exported the notes to {self.files[0]}."]
        for path, backup in self.backups:
            lines.append(
                f"{path} had changes outside its notes region; the old file was kept as {backup}."
            )
        for doc_id, reason in self.skipped:
            lines.append(f"Document {doc_id} was not exported: {_unsentence(reason)}.")
        return tuple(lines)


def load_export_document(catalog: Catalog, doc_id: str) -> tuple[ExportDocument, str]:
    """Return what the export needs of one document, and its text (no sentence split).

    Raises:
        UnknownDocument, MissingText: From the catalog (one-sentence messages).
    """
    entry = catalog.entry(doc_id)
    text = catalog.text(doc_id)
    document = ExportDocument(
        id=entry.id,
        title=entry.title,
        source=entry.source,
        date=entry.date,
        content_hash=entry.content_hash,
        paragraphs=paragraph_spans(text),
        length=len(text),
        author=entry.author,
        url=entry.url,
    )
    return document, text


def current_highlights(
    store: AnnotationStore, document: ExportDocument, text: str
) -> tuple[Highlight, ...]:
    """The document's highlights as they fall on its current text (not saved back),
    each quoting the words it covers there (see `Highlight.as_read`)."""
    placed = reanchor(store.for_document(document.id), None, text, document.content_hash)
    return tuple(highlight.as_read(text) for highlight in placed)


def markdown_for_document(
    catalog: Catalog,
    store: AnnotationStore,
    doc_id: str,
    *,
    now: datetime | None = None,
    style: QuoteStyle = "quote",
) -> str:
    """Return the Markdown of one document's notes, for printing (``export ID`` to stdout).

    The notes region is empty: this is not tied to any file.

    Raises:
        UnknownDocument, MissingText: The document is not in the library or has no text.
    """
    document, text = load_export_document(catalog, doc_id)
    highlights = current_highlights(store, document, text)
    return render_markdown(document, highlights, exported=timestamp(now), style=style)


def export_markdown_file(
    catalog: Catalog,
    store: AnnotationStore,
    doc_id: str,
    path: Path,
    *,
    now: datetime | None = None,
    style: QuoteStyle = "quote",
) -> FileChange:
    """Write one document's notes to the Markdown file `path` (``export ID -o FILE.md``),
    as into an export folder: what the user wrote between the notes markers is kept, and
    a file edited elsewhere (or not one of ours) is backed up first.

    Raises:
        UnknownDocument, MissingText: The document is not in the library or has no text.
        StoreError: The file cannot be read or written (the message names it).
    """
    document, text = load_export_document(catalog, doc_id)
    highlights = current_highlights(store, document, text)
    render = renderer(document, highlights, style)
    return write_generated(path, document.id, render, timestamp(now))


@dataclass(slots=True)
class _Progress:
    """What an export has done so far (see `ExportResult`)."""

    files: list[Path]
    written: list[Path]
    backups: list[tuple[Path, Path]]
    skipped: list[tuple[str, str]]
    listed: list[tuple[ExportDocument, Path, int]]

    def record(self, path: Path, change: FileChange) -> None:
        if change.written:
            self.written.append(path)
        if change.backup is not None:
            self.backups.append((path, change.backup))


def export_markdown(
    catalog: Catalog,
    store: AnnotationStore,
    doc_ids: Iterable[str] | None,
    folder: Path,
    *,
    now: datetime | None = None,
    style: QuoteStyle = "quote",
) -> ExportResult:
    """Write one Markdown file per document into `folder`, and an index when several.

    Args:
        catalog: The library.
        store: Its annotations.
        doc_ids: Full document ids (resolve prefixes first); each is exported even
            without highlights ("No highlights yet."). None exports every document that
            has highlights.
        folder: Where the files go (created if needed), e.g. `catalog.exports_folder`.
        now: The export time (default: now).
        style: How a highlight's words are written.

    A document's file is found again by the id in its front matter, wherever the user
    moved it in the folder and whatever they renamed it (`annotations.markdown_names`),
    and keeps the user's notes region; see `annotations.markdown_files` for backups.
    Documents that cannot be read are skipped and reported.

    Raises:
        StoreError: A file cannot be written (the message names it).
    """
    folder = Path(folder)
    exported = timestamp(now)
    files = NoteFiles(folder, trust_scan=True)
    progress = _Progress([], [], [], [], [])
    for doc_id in _wanted(catalog, store, doc_ids):
        try:
            document, text = load_export_document(catalog, doc_id)
            highlights = current_highlights(store, document, text)
        except (StoreError, ValueError) as err:
            progress.skipped.append((doc_id, str(err)))
            continue
        path = files.place(document.id, document.title)
        render = renderer(document, highlights, style)
        progress.record(path, write_generated(path, document.id, render, exported))
        progress.files.append(path)
        progress.listed.append((document, path, len(highlights)))
    index: Path | None = None
    if len(progress.listed) > 1:
        index = folder / INDEX_NAME
        progress.record(
            index, write_generated(index, None, _index_renderer(folder, progress.listed), exported)
        )
    if progress.written:
        with contextlib.suppress(OSError):  # the files themselves were fsynced
            fsync_directory(folder)
    return ExportResult(
        folder=folder,
        files=tuple(progress.files),
        index=index,
        written=tuple(progress.written),
        backups=tuple(progress.backups),
        skipped=tuple(progress.skipped),
    )


def _wanted(catalog: Catalog, store: AnnotationStore, doc_ids: Iterable[str] | None) -> list[str]:
    """The documents to export: those given (once each), or all that have highlights."""
    if doc_ids is not None:
        return list(dict.fromkeys(doc_ids))
    counts = store.counts()
    return [entry.id for entry in catalog.entries("title") if counts.get(entry.id)]


def renderer(
    document: ExportDocument, highlights: Sequence[Highlight], style: QuoteStyle = "quote"
) -> Renderer:
    """The document's Markdown as a function of the user's notes and the export time."""

    def render(notes: str, exported: str) -> str:
        return render_markdown(
            document, highlights, exported=exported, user_notes=notes, style=style
        )

    return render


def _index_renderer(folder: Path, listed: Sequence[tuple[ExportDocument, Path, int]]) -> Renderer:
    """The index as a function of the user's notes and the export time."""

    def render(notes: str, exported: str) -> str:
        return render_index(folder, listed, exported=exported, user_notes=notes)

    return render


def _unsentence(text: str) -> str:
    """A sentence made into a clause to follow a colon: no final period, lower-case start."""
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text
