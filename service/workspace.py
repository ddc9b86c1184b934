"""`Workspace`: one library home and every workflow on it (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from annotations.model import DEFAULT_COLOR, AnchorStatus, Color, Highlight, new_highlight
from annotations.store import AnnotationStore
from library.catalog import Catalog, SortKey
from library.entries import AddResult, Entry
from library.safe_files import StoreError
from library.text_hash import text_hash
from service.anchors import (
    NOTHING_TO_REFIND,
    AnchorReport,
    OpenedTextStore,
    refresh_anchors,
)
from service.quotes import find_quote

if TYPE_CHECKING:
    from annotations.document_annotations import DocumentAnnotations
    from annotations.export import ExportResult
    from annotations.markdown_files import FileChange
    from annotations.mirror import NotesMirror
    from annotations.notes_import import ImportResult
    from library.add_batches import AddSource
    from library.document import Document
    from library.feed_store import FeedStore
    from library.fetch import Limits
    from library.structure import Structure
    from service.feeds import RefreshProgress, RefreshReport, Subscription
    from service.library_search import LibrarySearch
    from service.text_search import TextSearch

TITLES_ONE_BY_ONE = 200
"""Up to this many documents' titles are read from their shards one by one (`titles`);
more are read with the whole catalog."""


class AlreadyHighlighted(Exception):
    """The passage asked for is highlighted already; the message is one sentence."""

    def __init__(self, existing: Highlight) -> None:
        self.existing = existing
        """The highlight that covers the passage."""
        super().__init__(f"That passage is highlighted already (id {existing.id}).")


@dataclass(frozen=True, slots=True)
class AddOutcome:
    """One add: the catalog's result, and what followed for the highlights."""

    result: AddResult
    """Which files were added, updated, already there, or could not be read."""
    restored: tuple[tuple[str, int], ...] = ()
    """``(document id, count)`` for each added document whose earlier highlights (kept
    when it was removed) came back."""
    anchors: tuple[tuple[str, AnchorReport], ...] = ()
    """``(document id, report)`` for each updated document whose highlights had to be
    found again in its new text."""
    problems: tuple[str, ...] = ()
    """One sentence for each document whose highlights could not be restored or found
    again because the store refused a write; the documents themselves were added."""

    @property
    def touched(self) -> tuple[str, ...]:
        """The ids of every document the add named: added, updated or already there."""
        result = self.result
        return tuple(e.id for e in (*result.added, *result.updated, *result.unchanged))


@dataclass(frozen=True, slots=True)
class OpenedAnnotations:
    """An opened document's highlights, and what finding them again in its text did."""

    annotations: DocumentAnnotations
    """The highlights, ready to show and change."""
    report: AnchorReport
    """What re-finding the highlights made on an earlier version of the text did."""
    problem: str | None = None
    """Why the places found could not be saved (the store refused), if so: they are
    shown, and found again the next time the document is opened."""


@dataclass(frozen=True, slots=True)
class ListedDocument:
    """A document as the library lists it."""

    entry: Entry
    """Its metadata."""
    progress: float | None
    """How far it was read (0–1: 1 once finished, and below 1 until then), or None when
    it was never opened."""
    highlights: int
    """How many highlights it has."""


@dataclass(frozen=True, slots=True)
class Removal:
    """What removing a document did."""

    entry: Entry
    """The document removed."""
    kept: int
    """How many of its highlights were kept aside, to come back if it is added again."""


class Workspace:
    """The documents and the notes of one library home, and what can be done with them.

    Both stores are opened lazily by their own classes; making a workspace reads nothing
    beyond what `Catalog.open` already read.
    """

    def __init__(self, catalog: Catalog, annotations: AnnotationStore | None = None) -> None:
        """Work on `catalog` and the annotation store of the same home (or `annotations`)."""
        self.catalog = catalog
        """The documents, their metadata, reading positions and settings."""
        self.annotations = (
            annotations if annotations is not None else self._watched_store(catalog.home)
        )
        """The highlights and notes of every document."""
        self._told: set[str] = set()
        self._feeds: FeedStore | None = None
        self._mirror: NotesMirror | None = None
        self._mirror_said: list[str] = []

    @classmethod
    def open(cls, home: Path) -> Workspace:
        """Open (creating if needed) the library at `home`.

        Raises:
            StoreError: The folder cannot be used.
        """
        return cls(Catalog.open(home))

    # -- what the user should be told

    @property
    def warnings(self) -> tuple[str, ...]:
        """One sentence per problem the stores met so far (a damaged file kept aside…)."""
        feeds = self._feeds.warnings if self._feeds is not None else ()
        return (*self.catalog.warnings, *self.annotations.warnings, *feeds, *self._mirror_said)

    def unseen_warnings(self) -> tuple[str, ...]:
        """The warnings not returned by an earlier call: each is told once. The stores
        find some problems only when a file is first read, so callers ask after reading."""
        fresh = tuple(w for w in dict.fromkeys(self.warnings) if w not in self._told)
        self._told.update(fresh)
        return fresh

    # -- documents

    def library_sort(self) -> SortKey:
        """The order the library was last listed in (`added` when none was chosen, or
        when what is stored is no order there is)."""
        from library.catalog import SORT_KEYS

        stored = self.catalog.setting("library_sort", "added")
        return stored if stored in SORT_KEYS else "added"

    def listing(self, sort: SortKey = "added") -> tuple[ListedDocument, ...]:
        """Every document in `sort` order, with its progress and highlight count."""
        entries = self.catalog.entries(sort=sort)
        counts = self.annotations.counts()
        states = self.catalog.all_reading_states()
        return tuple(
            ListedDocument(
                entry,
                states[entry.id].listed_progress if entry.id in states else None,
                counts.get(entry.id, 0),
            )
            for entry in entries
        )

    def describe(self, doc_id: str) -> ListedDocument:
        """One document as `listing` shows it (unopened documents at progress 0).

        Raises:
            UnknownDocument: No document has that id.
        """
        entry = self.catalog.entry(doc_id)
        progress = self.catalog.reading_state(doc_id).listed_progress
        return ListedDocument(entry, progress, self.annotations.counts().get(doc_id, 0))

    def add(
        self,
        paths: Iterable[AddSource],
        *,
        progress: Callable[[int, int], None] | None = None,
        refresh: bool = False,
    ) -> AddOutcome:
        """Add files and folders; bring back the highlights of documents added again, and
        re-find those of documents whose text changed.

        A web page the library holds (by the address it came from, or its canonical one)
        is not fetched again, and is `unchanged`, unless `refresh` asks for it to be (see
        `service.web_adds`). A highlight store that refuses a write does not undo the
        add: its sentence is in `AddOutcome.problems`. `progress` is told (steps done,
        steps in all) as in `Catalog.add`.
        """
        from service.web_adds import sort_known_pages

        sorted_out = sort_known_pages(self.catalog, paths, refresh=refresh)
        outcome = self._after_add(self.catalog.add(sorted_out.to_add, progress=progress))
        if not sorted_out.known:
            return outcome
        result = outcome.result
        taken = {entry.id for entry in (*result.added, *result.updated, *result.unchanged)}
        known = tuple(entry for entry in sorted_out.known if entry.id not in taken)
        return replace(outcome, result=replace(result, unchanged=(*result.unchanged, *known)))

    def add_text(self, data: bytes) -> AddOutcome:
        """Add one document from bytes read from standard input (`add -`), as `add` does
        a file: its earlier highlights come back when it was removed."""
        return self._after_add(self.catalog.add_text(data))

    def _after_add(self, result: AddResult) -> AddOutcome:
        """Bring back the highlights of documents added again; re-find those of documents
        whose text changed."""
        restored: list[tuple[str, int]] = []
        problems: list[str] = []
        # Every document the add named, not only the new ones: a crash between an earlier
        # add and this step, or a removal that could not be undone, left highlights kept
        # aside for a document that is listed; adding it again brings them back.
        named = (entry.id for entry in (*result.added, *result.updated, *result.unchanged))
        for doc_id in self.annotations.removed_documents(named):
            try:
                count = self.annotations.restore_document(doc_id)
            except StoreError as err:
                problems.append(str(err))
                continue
            if count:
                restored.append((doc_id, count))
        anchors: list[tuple[str, AnchorReport]] = []
        for entry in result.updated:
            try:
                report = self.refresh_anchors(entry.id)
            except StoreError as err:
                problems.append(str(err))
                continue
            if report.checked:
                anchors.append((entry.id, report))
        self._index_added(result)
        return AddOutcome(result, tuple(restored), tuple(anchors), tuple(problems))

    # -- feeds (the workflows are in `service.feeds`)

    @property
    def feeds(self) -> FeedStore:
        """The feeds the library follows (their file is read when first asked for)."""
        if self._feeds is None:
            from library.feed_store import FeedStore

            self._feeds = FeedStore(self.catalog.home)
        return self._feeds

    def follow_feed(self, url: str, limits: Limits | None = None) -> Subscription:
        """Follow the feed at `url`, or the one the page at `url` names (see `follow`)."""
        from service.feeds import follow

        return follow(self.feeds, url, limits)

    def refresh_feeds(
        self,
        feed_ids: Sequence[str] = (),
        *,
        limits: Limits | None = None,
        progress: Callable[[RefreshProgress], None] | None = None,
    ) -> RefreshReport:
        """Read the feeds `feed_ids` name (ids, id prefixes or addresses; default: all)
        and add their new entries (see `service.feeds.refresh`).

        Raises:
            UnknownFeed: An id names no feed.
        """
        from service.feeds import refresh

        chosen = [self.feeds.resolve(wanted) for wanted in feed_ids] or list(self.feeds.feeds())
        unique = list({feed.id: feed for feed in chosen}.values())
        return refresh(self, unique, limits=limits, progress=progress)

    def _index_added(self, result: AddResult) -> None:
        """Keep the library's search index current (searches reconcile anyway)."""
        changed = [entry.id for entry in (*result.added, *result.updated)]
        if changed:
            from service.index_hooks import index_documents

            index_documents(self.catalog, changed)

    def remove(self, doc_id: str) -> Removal:
        """Remove a document; its highlights are kept aside and come back with it, as does
        its reading place (see `Catalog.remove`).

        Raises:
            UnknownDocument: No document has that id.
            StoreError: A store refused the change.
        """
        # The journal goes aside first, under its lock, and comes back if the catalog
        # refuses: a document is never left listed without its highlights. The lock is
        # held until the catalog has answered, so no save lands in between.
        with self.annotations.removing(doc_id) as kept:
            entry = self.catalog.remove(doc_id)
        self._unindex(doc_id)
        return Removal(entry, len(kept))

    def _unindex(self, doc_id: str) -> None:
        """Drop a removed document from the search index (searches reconcile anyway)."""
        from service.index_hooks import unindex_documents

        unindex_documents(self.catalog.home, [doc_id])

    def refresh_anchors(self, doc_id: str) -> AnchorReport:
        """Re-find the highlights of `doc_id` made on an earlier version of its text.

        Raises:
            StoreError: The text cannot be read, or the store refused the change.
        """
        entry = self.catalog.entry(doc_id)
        return refresh_anchors(
            self.annotations, doc_id, self.catalog.text(doc_id), entry.content_hash
        )

    def open_annotations(self, document: Document) -> OpenedAnnotations:
        """The highlights of an opened document, re-found first if its text changed since
        they were made. A store that refuses to save the places found does not keep the
        document from opening: `OpenedAnnotations.problem` says why.

        Raises:
            StoreError: The highlights cannot be read at all.
        """
        problem: str | None = None
        try:
            report = refresh_anchors(
                self.annotations, document.id, document.text, document.content_hash
            )
        except StoreError as err:
            report, problem = NOTHING_TO_REFIND, str(err)
        # Imported here: the command line never opens a document's highlights this way.
        from annotations.document_annotations import DocumentAnnotations

        # Saved through a store that notices when another copy replaces the text while
        # it is open (see `OpenedTextStore`).
        annotations = DocumentAnnotations(
            OpenedTextStore(self.annotations, self.catalog, document),
            document.id,
            document.text,
            document.content_hash,
        )
        return OpenedAnnotations(annotations, report, problem)

    # -- search and highlights

    def text_search(
        self,
        doc_ids: Sequence[str] | None = None,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> TextSearch | LibrarySearch:
        """A search over the text of `doc_ids`, or of every document through the library's
        search index (brought in step first: `progress` and `cancelled` as for
        `LibrarySearch`)."""
        # The search code is imported only when searching.
        from service.library_search import LibrarySearch
        from service.text_search import TextSearch

        if doc_ids is None:
            return LibrarySearch(self.catalog, progress=progress, cancelled=cancelled)
        return TextSearch(self.catalog, [self.catalog.entry(doc_id) for doc_id in doc_ids])

    def highlight_quote(
        self,
        doc_id: str,
        quote: str,
        *,
        nth: int | None = None,
        note: str = "",
        color: Color = DEFAULT_COLOR,
        tags: Iterable[str] = (),
    ) -> Highlight:
        """Highlight the passage of `doc_id` that `quote` names (see `find_quote`).

        Raises:
            QuoteProblem: The quote names no passage, or several and `nth` picks none.
            AlreadyHighlighted: That very passage is highlighted already.
        """
        self.catalog.entry(doc_id)  # an unknown id is named before the text is looked for
        text = self.catalog.text(doc_id)
        start, end = find_quote(text, quote, nth)
        highlight = new_highlight(
            doc_id,
            text,
            start,
            end,
            color=color,
            note=note,
            tags=tags,
            # The hash of the very text the offsets index: the catalog's entry, read a
            # moment apart, may already name a newer text another copy is adding.
            content_hash=text_hash(text),
        )
        existing = self.annotations.save_unless_covered(highlight)
        if existing is not None:
            raise AlreadyHighlighted(existing)
        return highlight

    def highlights(self, doc_id: str | None = None) -> tuple[Highlight, ...]:
        """The highlights of `doc_id`, or of every document."""
        if doc_id is None:
            return self.annotations.all()
        return self.annotations.for_document(doc_id)

    def highlights_json(self, doc_id: str | None = None) -> str:
        """`highlights` as the JSON array `newsreader notes --json` prints, read without
        making a highlight of each record when the journal allows (see
        `AnnotationStore.records_json`)."""
        return self.annotations.records_json(doc_id)

    def as_read(self, highlights: Sequence[Highlight]) -> tuple[Highlight, ...]:
        """`highlights` with the words they cover now, for people to read.

        See `Highlight.as_read`. Only the documents of fuzzy highlights are read; one
        that cannot be read keeps the stored quote.
        """
        texts: dict[str, str | None] = {}
        shown: list[Highlight] = []
        for highlight in highlights:
            if highlight.status is AnchorStatus.FUZZY:
                if highlight.document_id not in texts:
                    try:
                        texts[highlight.document_id] = self.catalog.text(highlight.document_id)
                    except StoreError:
                        texts[highlight.document_id] = None
                text = texts[highlight.document_id]
                if text is not None:
                    highlight = highlight.as_read(text)
            shown.append(highlight)
        return tuple(shown)

    def titles(self, doc_ids: Iterable[str] | None = None) -> dict[str, str]:
        """Titles by id: of the documents `doc_ids` (those still in the library), or of
        every document. A few are read from their shards, one by one: the highlights of one
        document must not wait for the catalog of 50,000 to be read whole."""
        if doc_ids is not None:
            wanted = set(doc_ids)
            if len(wanted) <= TITLES_ONE_BY_ONE:
                from library.catalog import UnknownDocument

                found = {}
                for doc_id in wanted:
                    try:
                        found[doc_id] = self.catalog.entry(doc_id).title
                    except UnknownDocument:
                        continue  # removed since: its highlights are kept
                return found
        return {entry.id: entry.title for entry in self.catalog.entries()}

    # -- export and import

    def export_markdown(
        self, doc_ids: Sequence[str] | None = None, folder: Path | None = None
    ) -> ExportResult:
        """Write the Markdown notes of `doc_ids` (default: every annotated document) into
        `folder` (default: the notes folder when one is set, else the library's export
        folder)."""
        from annotations.export import export_markdown
        from annotations.mirror_settings import export_folder, highlight_style

        notes_folder = export_folder(self.catalog)
        target = folder or notes_folder or self.catalog.exports_folder
        ids = list(doc_ids) if doc_ids is not None else None
        style = highlight_style(self.catalog)
        if target != notes_folder:
            return export_markdown(self.catalog, self.annotations, ids, target, style=style)
        with self.mirror.holding():  # the mirror writes there too: one writer at a time
            return export_markdown(self.catalog, self.annotations, ids, target, style=style)

    def export_markdown_file(self, doc_id: str, path: Path) -> FileChange:
        """Write one document's notes to the Markdown file `path`, keeping what the user
        wrote in it as an export folder's files do (see `annotations.markdown_files`)."""
        from annotations.export import export_markdown_file
        from annotations.mirror_settings import highlight_style

        style = highlight_style(self.catalog)
        return export_markdown_file(self.catalog, self.annotations, doc_id, path, style=style)

    def markdown_of(self, doc_id: str) -> str:
        """One document's notes as the Markdown an export would write."""
        from annotations.export import markdown_for_document
        from annotations.mirror_settings import highlight_style

        style = highlight_style(self.catalog)
        return markdown_for_document(self.catalog, self.annotations, doc_id, style=style)

    def export_data(
        self, kind: Literal["json", "w3c"], doc_ids: Sequence[str] | None = None
    ) -> str:
        """The notes of `doc_ids` (default: all) as ``json`` (everything, re-importable)
        or ``w3c`` (Web Annotation JSON-LD)."""
        from annotations.notes_json import export_json
        from annotations.notes_w3c import export_w3c

        exporter = export_json if kind == "json" else export_w3c
        ids = list(doc_ids) if doc_ids is not None else None
        return exporter(self.catalog, self.annotations, ids)

    def import_notes(self, data: str) -> ImportResult:
        """Restore notes from a JSON or W3C export (importing twice adds nothing).

        Raises:
            ValueError: The data is not such an export (one sentence).
        """
        from annotations.notes_import import import_notes

        return import_notes(self.catalog, self.annotations, data)

    def import_notes_file(self, path: Path) -> ImportResult:
        """Restore notes from a JSON or W3C export file, read a piece at a time: memory
        holds a batch of its highlights, never the file (see `import_notes_from`).

        Raises:
            ValueError: The file is not such an export (one sentence).
            UnicodeDecodeError: The file is not UTF-8 text.
            OSError: The file cannot be read.
        """
        from annotations.notes_import import import_notes_from

        with path.open(encoding="utf-8") as handle:
            return import_notes_from(self.catalog, self.annotations, handle)

    # -- the notes folder (see `annotations.mirror`)

    def _watched_store(self, home: Path) -> AnnotationStore:
        """The store of `home`, telling the notes folder of every change to a highlight:
        every workflow that changes one (here, in the app, in an import) writes through
        it, so the notes folder follows them all."""
        from annotations.mirror_store import WatchedAnnotationStore

        return WatchedAnnotationStore(home, self._highlights_changed)

    def _highlights_changed(self, doc_ids: tuple[str, ...]) -> None:
        if self._mirror is None:
            from annotations.notes_folder import export_folder

            if export_folder(self.catalog) is None:
                return  # no notes folder: nothing to mirror, and no mirror to import
        self.mirror.changed(doc_ids)

    @property
    def mirror(self) -> NotesMirror:
        """The notes folder's mirror (doing nothing while no folder is set). What it has
        to say joins `warnings`, unless the app has it told otherwise."""
        if self._mirror is None:
            from annotations.mirror import NotesMirror

            self._mirror = NotesMirror(self.catalog, self.annotations, self._mirror_said.append)
        return self._mirror

    def close_mirror(self) -> tuple[str, ...]:
        """Write what the notes folder still has pending, and stop its thread; returns
        what the user should still be told."""
        if self._mirror is None:
            return ()
        said: list[str] = []
        self._mirror.close(said.append)
        return tuple(said)

    # -- structure

    def with_structure(self, document: Document) -> Document:
        """`document` with its structure (headings, emphasis, quotes, links…), read from
        beside its text, or made again from its file when stale (see
        `library.structure_files`); a plain-text document is returned as it is."""
        from dataclasses import replace

        from library.structure_files import load_structure

        structure = load_structure(
            self.catalog.text_path(document.id),
            document.path,
            document.content_hash,
            len(document.text),
        )
        return replace(document, structure=structure) if structure else document

    def kept_structure(self, document: Document) -> Structure | None:
        """`document`'s structure when known without parsing (kept beside its text, or
        none to make), or None when it must be made again by `with_structure`, which
        may take seconds for a book: better done off the UI thread."""
        from library.structure_files import kept_structure

        return kept_structure(
            self.catalog.text_path(document.id),
            document.path,
            document.content_hash,
            len(document.text),
        )
