"""Importing highlights and notes: newsreader JSON or W3C Web Annotations.

`import_notes` reads either format (`annotations.notes_json`, `annotations.notes_w3c`),
re-anchors every highlight against the current text of its document, and saves what is
new or newer. Importing the same file twice changes nothing.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, TextIO

from annotations.anchor_scoring import MIN_QUOTE_SIMILARITY
from annotations.anchoring import reanchor
from annotations.json_stream import JsonStream, NotJson
from annotations.model import AnchorStatus, Highlight, from_record, share_repeated
from annotations.notes_json import FORMAT, VERSION
from annotations.notes_w3c import highlight_from_w3c, highlight_id_of, w3c_items, w3c_types
from annotations.store import AnnotationStore
from library.catalog import Catalog
from library.entries import Entry
from library.safe_files import StoreError

W3C_FORMAT = "w3c"
"""`ImportResult.format` of a W3C Web Annotations file."""

_W3C_TYPES = frozenset({"Annotation", "AnnotationCollection", "AnnotationPage"})

BATCH = 2_000
"""Highlights read, re-anchored and saved together (see `import_notes_from`)."""

NEITHER = "The file is neither a newsreader notes export nor W3C Web Annotations."

_STREAMED_PAGES = 64
"""Pages of a collection (``first``, then each ``next`` inside the one before) streamed;
deeper ones are read whole."""


@dataclass(frozen=True, slots=True)
class SkippedHighlight:
    """A highlight of an import file that was not imported, and why."""

    highlight_id: str
    """Its id as the file gives it (empty when it has none)."""
    document_id: str
    """The document it belongs to, as the file gives it (empty when unknown)."""
    reason: str
    """One plain sentence."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one `import_notes` did."""

    format: str
    """``newsreader-notes`` or ``w3c``."""
    added: tuple[Highlight, ...] = ()
    """Highlights new to the library, as saved."""
    updated: tuple[Highlight, ...] = ()
    """Highlights that replaced an older version of themselves (by ``updated`` time)."""
    unchanged: tuple[Highlight, ...] = ()
    """Highlights already there, identical or newer: left as they were."""
    skipped: tuple[SkippedHighlight, ...] = ()
    """Highlights that could not be imported, each with its reason."""
    orphaned: tuple[Highlight, ...] = ()
    """Among `added` and `updated`: those that could not be found in their document's
    current text (kept, shown as orphaned, for the reader to place)."""

    @property
    def messages(self) -> tuple[str, ...]:
        """One plain sentence per thing the user should know, the summary first."""
        lines = [
            f"Imported {len(self.added)} new and {len(self.updated)} updated "
            f"highlight(s); {len(self.unchanged)} were already there"
            + (f" and {len(self.skipped)} were skipped." if self.skipped else ".")
        ]
        if self.orphaned:
            lines.append(
                f"{len(self.orphaned)} highlight(s) could not be found in the current text "
                "and are kept as orphaned."
            )
        lines.extend(
            f"Skipped {skip.highlight_id or 'a highlight'}: {skip.reason}" for skip in self.skipped
        )
        return tuple(lines)


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A highlight read from the file, before it is placed in the library."""

    highlight: Highlight
    hashes: tuple[str, ...]
    """Content hashes that may identify its document if the id is unknown here."""


def import_notes(catalog: Catalog, store: AnnotationStore, data: str) -> ImportResult:
    """Import highlights from newsreader JSON or W3C Web Annotations (detected), given as
    text; see `import_notes_from` (a file is best read with it, a piece at a time)."""
    return import_notes_from(catalog, store, io.StringIO(data))


def import_notes_from(catalog: Catalog, store: AnnotationStore, handle: TextIO) -> ImportResult:
    """Import highlights from newsreader JSON or W3C Web Annotations (detected).

    Each highlight must belong to a document of this library (by id, or else by the
    hash of its text); it is re-anchored against that document's current text, then
    added if new, saved over the stored one if its ``updated`` time is newer, and left
    alone otherwise. Highlights that cannot be read or placed are reported in `skipped`.

    The file is read as a stream (`JsonStream`) and placed `BATCH` highlights at a time,
    each batch saved with one lock and one append per document: memory holds one batch,
    never the file. A file of up to `BATCH` highlights is read whole before anything is
    saved, so one that is refused changes nothing; a bigger one found broken part-way
    keeps the batches saved before (importing the mended file again adds the rest).

    Raises:
        ValueError: The file is not JSON, not a known format, or a version this release
            cannot read (one sentence).
        StoreError: The annotations cannot be saved.
    """
    placer = _Placer(catalog, store)
    reader = _FileReader(JsonStream(handle), placer.skipped)
    try:
        batch: list[_Candidate] = []
        for candidate in reader.candidates():
            batch.append(candidate)
            if len(batch) >= BATCH:
                placer.place(batch)
                batch = []
        placer.place(batch)
    except NotJson as err:
        placed = placer.count
        after = f"; the {placed} highlight(s) before the problem were imported" if placed else ""
        raise ValueError(f"The file is not valid JSON ({err}){after}.") from err
    return placer.result(reader.kind)


# --- reading the file ---------------------------------------------------------------------


def _detect(parsed: object) -> str:
    """The format of the file: `FORMAT` or `W3C_FORMAT` (raises ValueError, one sentence)."""
    if isinstance(parsed, dict):
        fmt = parsed.get("format")
        if fmt == FORMAT:
            _check_version(parsed.get("version"))
            return FORMAT
        if fmt is not None:
            raise ValueError(f"The file's format {str(fmt)[:40]!r} is not one newsreader knows.")
        if w3c_types(parsed) & _W3C_TYPES:
            return W3C_FORMAT
    elif isinstance(parsed, list) and all(
        isinstance(item, dict) and "Annotation" in w3c_types(item) for item in parsed
    ):
        return W3C_FORMAT
    raise ValueError(NEITHER)


def _check_version(version: object) -> None:
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError("The notes file has no valid format version.")
    if version > VERSION:
        raise ValueError(
            f"The notes file was written by a newer newsreader (format version "
            f"{version}); this version reads version {VERSION}."
        )


def _newsreader_candidate(
    record: object,
    number: int,
    hashes: dict[str, str],
    skipped: list[SkippedHighlight],
    shared: dict[str, str] | None = None,
) -> _Candidate | None:
    if type(record) is dict and shared is not None:
        share_repeated(record, shared)  # the file's document ids and hashes, shared
    try:
        highlight = from_record(record)  # type: ignore[arg-type]  # checked there
    except ValueError as err:
        skipped.append(
            SkippedHighlight(
                _text_field(record, "id"),
                _text_field(record, "document_id"),
                f"Highlight {number} of the file cannot be read: {_clause(str(err))}.",
            )
        )
        return None
    known = tuple(h for h in (hashes.get(highlight.document_id), highlight.content_hash) if h)
    return _Candidate(highlight, known)


def _document_hashes(documents: object) -> dict[str, str]:
    """``document id → content hash`` from the file's list of documents."""
    hashes: dict[str, str] = {}
    if not isinstance(documents, list):
        return hashes
    for document in documents:
        if isinstance(document, dict):
            doc_id, content_hash = document.get("id"), document.get("content_hash")
            if isinstance(doc_id, str) and isinstance(content_hash, str) and content_hash:
                hashes[doc_id] = content_hash
    return hashes


def _w3c_candidate(item: object, number: int, skipped: list[SkippedHighlight]) -> _Candidate | None:
    try:
        highlight = highlight_from_w3c(item)
    except ValueError as err:
        iri = item.get("id") if isinstance(item, dict) else None
        skipped.append(
            SkippedHighlight(
                highlight_id_of(iri) if isinstance(iri, str) and iri else "",
                "",
                f"Annotation {number} of the file cannot be used: {_clause(str(err))}.",
            )
        )
        return None
    hashes = (highlight.content_hash,) if highlight.content_hash else ()
    return _Candidate(highlight, hashes)


class _FileReader:
    """Walks an import file: yields its candidates in file order, the arrays of highlights
    or annotations streamed an element at a time, everything else decoded whole.

    An array is streamed only once what it means is known (a notes file's format, version
    and documents; a W3C collection's or page's type), as the files newsreader writes
    have it; anything else is decoded whole and read as `json.loads` would have it.
    """

    def __init__(self, stream: JsonStream, skipped: list[SkippedHighlight]) -> None:
        self._stream = stream
        self._skipped = skipped
        self._number = 0
        self._hashes: dict[str, str] = {}
        self._shared: dict[str, str] = {}
        self.kind = W3C_FORMAT
        """The file's format, once known."""

    def candidates(self) -> Iterator[_Candidate]:
        stream = self._stream
        first = stream.peek()
        if first == "[":
            yield from self._annotation_list()
        elif first == "{":
            yield from self._object()
        else:
            value = stream.value()
            stream.end()
            yield from self._whole(value)

    def _whole(self, parsed: object) -> Iterator[_Candidate]:
        """A file (or what was left of it) read whole, as before any streaming."""
        self.kind = _detect(parsed)
        if self.kind == FORMAT:
            assert isinstance(parsed, dict)
            records = parsed.get("highlights")
            if not isinstance(records, list):
                raise ValueError("The notes file has no list of highlights.")
            self._hashes = _document_hashes(parsed.get("documents"))
            for record in records:
                yield from self._record(record)
        else:
            for item in w3c_items(parsed):
                yield from self._annotation(item)

    def _record(self, record: object) -> Iterator[_Candidate]:
        self._number += 1
        candidate = _newsreader_candidate(
            record, self._number, self._hashes, self._skipped, self._shared
        )
        if candidate is not None:
            yield candidate

    def _annotation(self, item: object) -> Iterator[_Candidate]:
        self._number += 1
        candidate = _w3c_candidate(item, self._number, self._skipped)
        if candidate is not None:
            yield candidate

    def _annotation_list(self) -> Iterator[_Candidate]:
        """A plain list of annotations: the first must be one; a later item that is not is
        skipped (a list read whole would be refused for it)."""
        stream = self._stream
        for _ in stream.items():
            item = stream.value()
            if not isinstance(item, dict) or "Annotation" not in w3c_types(item):
                if not self._number:
                    raise ValueError(NEITHER)
                self._number += 1
                reason = f"Item {self._number} of the file is not a W3C annotation."
                self._skipped.append(SkippedHighlight("", "", reason))
                continue
            yield from self._annotation(item)
        stream.end()

    def _object(self) -> Iterator[_Candidate]:
        stream = self._stream
        head: dict[str, Any] = {}
        streamed = False
        for key in stream.members():
            if key == "highlights" and self._knows_notes_file(head):
                streamed = True
                yield from self._streamed(self._record)
            elif key in ("items", "first") and self._knows_collection(head, key):
                streamed = True
                if key == "items":
                    yield from self._streamed(self._annotation)
                else:
                    yield from self._pages(0)
            else:
                head[key] = stream.value()
        stream.end()
        if not streamed:
            yield from self._whole(head)

    def _knows_notes_file(self, head: dict[str, Any]) -> bool:
        if head.get("format") != FORMAT or not {"version", "documents"} <= head.keys():
            return False
        _check_version(head["version"])
        self.kind = FORMAT
        self._hashes = _document_hashes(head["documents"])
        if self._stream.peek() != "[":
            raise ValueError("The notes file has no list of highlights.")
        return True

    def _knows_collection(self, head: dict[str, Any], key: str) -> bool:
        types = w3c_types(head)
        if "format" in head or "Annotation" in types:
            return False
        if key == "first":
            return "AnnotationCollection" in types and "AnnotationPage" not in types
        return bool(types & {"AnnotationCollection", "AnnotationPage"})

    def _streamed(self, each: Callable[[object], Iterator[_Candidate]]) -> Iterator[_Candidate]:
        """The elements of the array the stream is at, each read by `each`; anything but
        an array is read and ignored (as `w3c_items` ignores it)."""
        stream = self._stream
        if stream.peek() != "[":
            stream.value()
            return
        for _ in stream.items():
            yield from each(stream.value())

    def _pages(self, depth: int) -> Iterator[_Candidate]:
        """A page of a collection and the pages after it (``next``)."""
        stream = self._stream
        if stream.peek() != "{" or depth >= _STREAMED_PAGES:
            # Not a page, or pages nested deeper than any tool writes them: read whole.
            for item in w3c_items({"first": stream.value()}):
                yield from self._annotation(item)
            return
        for key in stream.members():
            if key == "items":
                yield from self._streamed(self._annotation)
            elif key == "next":
                yield from self._pages(depth + 1)
            else:
                stream.value()


def _text_field(record: object, name: str) -> str:
    value = record.get(name) if isinstance(record, dict) else None
    return value if isinstance(value, str) else ""


def _clause(sentence: str) -> str:
    """A sentence made into a clause to follow a colon: no final period, lower-case start."""
    sentence = sentence.strip().rstrip(".")
    return sentence[:1].lower() + sentence[1:] if sentence[1:2].islower() else sentence


# --- placing the highlights ---------------------------------------------------------------


class _Placer:
    """Places the candidates a batch at a time, and adds up what it did."""

    def __init__(self, catalog: Catalog, store: AnnotationStore) -> None:
        self._catalog = catalog
        self._store = store
        self._entries = {entry.id: entry for entry in catalog.entries()}
        self._text: tuple[str, str] | None = None
        """The id and text of the document placed last (an import is mostly one)."""
        self.skipped: list[SkippedHighlight] = []
        self.added: list[Highlight] = []
        self.updated: list[Highlight] = []
        self.unchanged: list[Highlight] = []

    @property
    def count(self) -> int:
        """Highlights placed so far (added, updated or found there)."""
        return len(self.added) + len(self.updated) + len(self.unchanged)

    def place(self, batch: Sequence[_Candidate]) -> None:
        """Re-anchor and save one batch: one lock and one append per document."""
        for doc_id, chosen in _by_document(self._entries, batch, self.skipped).items():
            try:
                text = self._text_of(doc_id)
            except StoreError as err:
                self.skipped.extend(
                    SkippedHighlight(h.id, doc_id, str(err)) for h in chosen.values()
                )
                continue
            placed = _anchor(tuple(chosen.values()), text, self._entries[doc_id].content_hash)
            added, updated, unchanged = self._store.save_newer(placed, _is_newer)
            self.added += added
            self.updated += updated
            self.unchanged += unchanged

    def _text_of(self, doc_id: str) -> str:
        if self._text is None or self._text[0] != doc_id:
            self._text = (doc_id, self._catalog.text(doc_id))
        return self._text[1]

    def result(self, kind: str) -> ImportResult:
        return ImportResult(
            format=kind,
            added=tuple(self.added),
            updated=tuple(self.updated),
            unchanged=tuple(self.unchanged),
            skipped=tuple(self.skipped),
            orphaned=tuple(h for h in (*self.added, *self.updated) if not h.is_placed),
        )


def _is_newer(candidate: Highlight, stored: Highlight) -> bool:
    return _newer(candidate.updated, stored.updated)


def _by_document(
    entries: dict[str, Entry],
    candidates: Sequence[_Candidate],
    skipped: list[SkippedHighlight],
) -> dict[str, dict[str, Highlight]]:
    """The candidates by the library's document they belong to, newest of each id kept.

    A document unknown by id is looked for by the hash of its text; a highlight whose
    document cannot be found is skipped.
    """
    by_hash = {entry.content_hash: entry.id for entry in entries.values()}
    by_document: dict[str, dict[str, Highlight]] = {}
    for candidate in candidates:
        highlight = candidate.highlight
        doc_id = highlight.document_id
        if doc_id not in entries:
            found = next((by_hash[h] for h in candidate.hashes if h in by_hash), None)
            if found is None:
                skipped.append(
                    SkippedHighlight(
                        highlight.id, doc_id, f"Its document {doc_id[:64]} is not in this library."
                    )
                )
                continue
            highlight = replace(highlight, document_id=found)
            doc_id = found
        chosen = by_document.setdefault(doc_id, {})
        twin = chosen.get(highlight.id)
        if twin is None or _newer(highlight.updated, twin.updated):
            chosen[highlight.id] = highlight
    return by_document


def _anchor(highlights: tuple[Highlight, ...], text: str, content_hash: str) -> list[Highlight]:
    """Place imported highlights on the document's current text.

    A highlight made on this very text (same hash) is kept exactly as it is when what it
    says holds (see `_holds_on`); any other is re-anchored from scratch (by offsets, then
    quote, then fuzzily), so no record, however written, puts a quote on text it is not.
    """
    result: list[Highlight] = list(highlights)
    pending: list[int] = []
    for index, highlight in enumerate(highlights):
        trusted = highlight.content_hash == content_hash and _holds_on(highlight, text)
        if not trusted:
            pending.append(index)
            result[index] = replace(highlight, content_hash="")
    if pending:
        found = reanchor((result[i] for i in pending), None, text, content_hash)
        for index, highlight in zip(pending, found, strict=True):
            result[index] = highlight
    return result


def _holds_on(highlight: Highlight, text: str) -> bool:
    """Whether an imported highlight's claim about `text` is true: its offsets fit, and the
    text there is its quote (found exactly) or close to it (found fuzzily: as close as
    re-anchoring itself demands). A lost highlight claims no place."""
    if highlight.end > len(text):
        return False
    if highlight.status is AnchorStatus.ORPHANED:
        return True
    there = text[highlight.start : highlight.end]
    if highlight.status is not AnchorStatus.FUZZY:
        return there == highlight.quote
    from rapidfuzz.distance import Levenshtein

    similarity = Levenshtein.normalized_similarity(there, highlight.quote)
    return bool(similarity >= MIN_QUOTE_SIMILARITY)


def _newer(candidate: str, current: str) -> bool:
    """Whether the time `candidate` is later than `current` (ISO 8601 strings)."""
    first, second = _moment(candidate), _moment(current)
    if first is not None and second is not None:
        return first > second
    return candidate > current


def _moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
