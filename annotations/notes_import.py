"""Importing highlights and notes: newsreader JSON or W3C Web Annotations.

`import_notes` reads either format (`annotations.notes_json`, `annotations.notes_w3c`),
re-anchors every highlight against the current text of its document, and saves what is
new or newer. Importing the same file twice changes nothing.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from annotations.anchor_scoring import MIN_QUOTE_SIMILARITY
from annotations.anchoring import reanchor
from annotations.model import AnchorStatus, Highlight, from_record
from annotations.notes_json import FORMAT, VERSION
from annotations.notes_w3c import highlight_from_w3c, highlight_id_of, w3c_items, w3c_types
from annotations.store import AnnotationStore
from library.catalog import Catalog
from library.entries import Entry
from library.safe_files import StoreError

W3C_FORMAT = "w3c"
"""`ImportResult.format` of a W3C Web Annotations file."""

_W3C_TYPES = frozenset({"Annotation", "AnnotationCollection", "AnnotationPage"})


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
    """Import highlights from newsreader JSON or W3C Web Annotations (detected).

    Each highlight must belong to a document of this library (by id, or else by the
    hash of its text); it is re-anchored against that document's current text, then
    added if new, saved over the stored one if its ``updated`` time is newer, and left
    alone otherwise. Highlights that cannot be read or placed are reported in `skipped`.

    Raises:
        ValueError: `data` is not JSON, not a known format, or a version this release
            cannot read (one sentence).
        StoreError: The annotations cannot be saved.
    """
    try:
        parsed = json.loads(data.removeprefix("\ufeff"))
    except (ValueError, RecursionError) as err:
        detail = err.msg if isinstance(err, json.JSONDecodeError) else "it is nested too deeply"
        raise ValueError(f"The file is not valid JSON ({detail}).") from err
    kind = _detect(parsed)
    skipped: list[SkippedHighlight] = []
    candidates = _read_newsreader(parsed, skipped) if kind == FORMAT else _read_w3c(parsed, skipped)
    return _place(catalog, store, kind, candidates, skipped)


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
    raise ValueError("The file is neither a newsreader notes export nor W3C Web Annotations.")


def _check_version(version: object) -> None:
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError("The notes file has no valid format version.")
    if version > VERSION:
        raise ValueError(
            f"The notes file was written by a newer newsreader (format version "
            f"{version}); this version reads version {VERSION}."
        )


def _read_newsreader(parsed: dict[str, Any], skipped: list[SkippedHighlight]) -> list[_Candidate]:
    records = parsed.get("highlights")
    if not isinstance(records, list):
        raise ValueError("The notes file has no list of highlights.")
    hashes = _document_hashes(parsed.get("documents"))
    candidates: list[_Candidate] = []
    for number, record in enumerate(records, start=1):
        try:
            highlight = from_record(record)
        except ValueError as err:
            skipped.append(
                SkippedHighlight(
                    _text_field(record, "id"),
                    _text_field(record, "document_id"),
                    f"Highlight {number} of the file cannot be read: {_clause(str(err))}.",
                )
            )
            continue
        known = tuple(h for h in (hashes.get(highlight.document_id), highlight.content_hash) if h)
        candidates.append(_Candidate(highlight, known))
    return candidates


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


def _read_w3c(parsed: object, skipped: list[SkippedHighlight]) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    for number, item in enumerate(w3c_items(parsed), start=1):
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
            continue
        hashes = (highlight.content_hash,) if highlight.content_hash else ()
        candidates.append(_Candidate(highlight, hashes))
    return candidates


def _text_field(record: object, name: str) -> str:
    value = record.get(name) if isinstance(record, dict) else None
    return value if isinstance(value, str) else ""


def _clause(sentence: str) -> str:
    """A sentence made into a clause to follow a colon: no final period, lower-case start."""
    sentence = sentence.strip().rstrip(".")
    return sentence[:1].lower() + sentence[1:] if sentence[1:2].islower() else sentence


# --- placing the highlights ---------------------------------------------------------------


def _place(
    catalog: Catalog,
    store: AnnotationStore,
    kind: str,
    candidates: Sequence[_Candidate],
    skipped: list[SkippedHighlight],
) -> ImportResult:
    entries = {entry.id: entry for entry in catalog.entries()}
    by_document = _by_document(entries, candidates, skipped)
    added: list[Highlight] = []
    updated: list[Highlight] = []
    unchanged: list[Highlight] = []
    for doc_id, chosen in by_document.items():
        try:
            text = catalog.text(doc_id)
        except StoreError as err:
            skipped.extend(SkippedHighlight(h.id, doc_id, str(err)) for h in chosen.values())
            continue
        placed = _anchor(tuple(chosen.values()), text, entries[doc_id].content_hash)
        existing = {h.id: h for h in store.for_document(doc_id)}
        to_save: list[Highlight] = []
        for highlight in placed:
            old = existing.get(highlight.id)
            if old is None:
                added.append(highlight)
                to_save.append(highlight)
            elif old != highlight and _newer(highlight.updated, old.updated):
                updated.append(highlight)
                to_save.append(highlight)
            else:
                unchanged.append(old)
        if to_save:
            store.save_many(to_save)
    return ImportResult(
        format=kind,
        added=tuple(added),
        updated=tuple(updated),
        unchanged=tuple(unchanged),
        skipped=tuple(skipped),
        orphaned=tuple(h for h in (*added, *updated) if not h.is_placed),
    )


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
