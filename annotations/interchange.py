"""Notes in and out as JSON: newsreader's own format and W3C Web Annotations (PRODUCT §8).

newsreader's format (`export_json`) is everything, for restoring without loss::

    {"format": "newsreader-notes", "version": 1, "exported": "<ISO time>",
     "documents": [{"id", "title", "source", "date", "content_hash", "path"}, ...],
     "highlights": [<annotations.model.to_record(h)>, ...]}

W3C (`export_w3c`) follows the Web Annotation Data Model (JSON-LD). The file is one
``AnnotationCollection`` whose ``first`` page (an ``AnnotationPage``) holds every
annotation in ``items``; each annotation also carries its own ``@context`` so that it
stands alone when copied out::

    {"@context": "http://www.w3.org/ns/anno.jsonld",
     "id": "urn:uuid:<highlight id as a UUID>", "type": "Annotation",
     "created": ..., "modified": ...,
     "motivation": "commenting" (with a note) or "highlighting",
     "body": [{"type": "TextualBody", "value": <note>, "purpose": "commenting",
               "format": "text/markdown"},
              {"type": "TextualBody", "value": <tag>, "purpose": "tagging"}, ...],
     "target": {"source": "urn:newsreader:document:<document id>",
                "selector": [{"type": "TextQuoteSelector", "exact", "prefix", "suffix"},
                             {"type": "TextPositionSelector", "start", "end"}]},
     "newsreader:color": ..., "newsreader:status": ..., "newsreader:score": ...,
     "newsreader:contentHash": ...}

Offsets are code points of the document's stored text (``newsreader show ID``), as the
selectors' specification asks. The ``newsreader:`` properties are absolute IRIs, so
JSON-LD processors keep them without any extra context. A highlight id that is not a
UUID becomes ``urn:newsreader:highlight:<id, percent-encoded>``.

`import_notes` reads either format (and W3C annotations written by other tools: a
collection, a page, a list, or a single annotation), re-anchors every highlight against
the current text of its document, and saves what is new or newer. Importing the same
file twice changes nothing.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from annotations.anchoring import reanchor
from annotations.model import (
    COLORS,
    DEFAULT_COLOR,
    STATUSES,
    AnchorStatus,
    Highlight,
    from_record,
    timestamp,
    to_record,
)
from annotations.store import AnnotationStore
from library.catalog import Catalog, Entry
from library.storage import StoreError

FORMAT = "newsreader-notes"
"""The ``format`` of newsreader's own JSON export."""

VERSION = 1
"""The version of that format written and read here."""

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
DOCUMENT_URN = "urn:newsreader:document:"
HIGHLIGHT_URN = "urn:newsreader:highlight:"
EXTENSION = "newsreader:"
"""Prefix of newsreader's own properties on a W3C annotation."""

_ID_NAMESPACE = uuid.UUID("6f1d3c3e-5c7a-4f0e-9d2b-7a0b8e4c1f5a")
"""Namespace of ids derived from imported annotations that have no usable id."""

_HEX_UUID = re.compile(r"[0-9a-f]{32}")
_UNSAFE_JSON = re.compile(
    "[\x7f-\x9f\ud800-\udfff\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


# --- results ------------------------------------------------------------------------------


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


# --- export -------------------------------------------------------------------------------


def export_json(
    catalog: Catalog,
    store: AnnotationStore,
    doc_ids: Iterable[str] | None = None,
    *,
    now: datetime | None = None,
) -> str:
    """Return every highlight (of `doc_ids`, or of the whole library) as newsreader JSON.

    Args:
        doc_ids: Full document ids; None means the whole library (including highlights
            of documents the catalog no longer knows, so nothing is lost).
        now: The export time (default: now).

    Raises:
        UnknownDocument: One of `doc_ids` is not in the library.
    """
    entries, highlights = _selection(catalog, store, doc_ids)
    data = {
        "format": FORMAT,
        "version": VERSION,
        "exported": timestamp(now),
        "documents": [
            {
                "id": entry.id,
                "title": entry.title,
                "source": entry.source,
                "date": entry.date,
                "content_hash": entry.content_hash,
                "path": entry.path,
            }
            for entry in entries
        ],
        "highlights": [to_record(h) for h in highlights],
    }
    return _dumps(data)


def export_w3c(
    catalog: Catalog,
    store: AnnotationStore,
    doc_ids: Iterable[str] | None = None,
    *,
    now: datetime | None = None,
) -> str:
    """Return the highlights as a W3C ``AnnotationCollection`` (see the module docstring).

    Raises:
        UnknownDocument: One of `doc_ids` is not in the library.
    """
    _, highlights = _selection(catalog, store, doc_ids)
    items = [w3c_annotation(h) for h in highlights]
    data = {
        "@context": W3C_CONTEXT,
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": "AnnotationCollection",
        "label": "newsreader highlights and notes",
        "generated": timestamp(now),
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }
    return _dumps(data)


def w3c_annotation(highlight: Highlight) -> dict[str, Any]:
    """Return one highlight as a W3C Web Annotation (a JSON-ready dict)."""
    bodies: list[dict[str, Any]] = []
    if highlight.note:
        bodies.append(
            {
                "type": "TextualBody",
                "value": highlight.note,
                "purpose": "commenting",
                "format": "text/markdown",
            }
        )
    bodies.extend(
        {"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in highlight.tags
    )
    annotation: dict[str, Any] = {
        "@context": W3C_CONTEXT,
        "id": annotation_id(highlight.id),
        "type": "Annotation",
        "motivation": "commenting" if highlight.note else "highlighting",
    }
    if highlight.created:
        annotation["created"] = highlight.created
    if highlight.updated:
        annotation["modified"] = highlight.updated
    if bodies:
        annotation["body"] = bodies
    annotation["target"] = {
        "source": DOCUMENT_URN + highlight.document_id,
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": highlight.quote,
                "prefix": highlight.prefix,
                "suffix": highlight.suffix,
            },
            {"type": "TextPositionSelector", "start": highlight.start, "end": highlight.end},
        ],
    }
    annotation[EXTENSION + "color"] = highlight.color
    annotation[EXTENSION + "status"] = highlight.status
    if highlight.score is not None:
        annotation[EXTENSION + "score"] = highlight.score
    if highlight.content_hash:
        annotation[EXTENSION + "contentHash"] = highlight.content_hash
    return annotation


def annotation_id(highlight_id: str) -> str:
    """Return the IRI of a highlight: ``urn:uuid:...`` for newsreader's (uuid4 hex) ids."""
    if _HEX_UUID.fullmatch(highlight_id):
        return f"urn:uuid:{uuid.UUID(hex=highlight_id)}"
    return HIGHLIGHT_URN + quote(highlight_id, safe="")


def highlight_id_of(iri: str) -> str:
    """Return the highlight id an annotation IRI stands for (the inverse of `annotation_id`).

    Other IRIs (from other tools) give a stable id derived from the IRI, so importing
    the same annotation again finds the same highlight.
    """
    if iri.startswith("urn:uuid:"):
        try:
            return uuid.UUID(iri[len("urn:uuid:") :]).hex
        except ValueError:
            pass
    elif iri.startswith(HIGHLIGHT_URN) and len(iri) > len(HIGHLIGHT_URN):
        return unquote(iri[len(HIGHLIGHT_URN) :])
    return uuid.uuid5(_ID_NAMESPACE, iri).hex


def _selection(
    catalog: Catalog, store: AnnotationStore, doc_ids: Iterable[str] | None
) -> tuple[list[Entry], list[Highlight]]:
    if doc_ids is None:
        entries = sorted(catalog.entries(), key=lambda e: e.id)
        return entries, list(store.all())
    wanted = list(dict.fromkeys(doc_ids))
    chosen = [catalog.entry(doc_id) for doc_id in wanted]
    return chosen, [h for doc_id in wanted for h in store.for_document(doc_id)]


def _dumps(data: object) -> str:
    """JSON that is safe to print: readable text, but no raw control or bidi characters
    and no lone surrogates (all written as ``\\u`` escapes, which JSON reads back)."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


# --- import -------------------------------------------------------------------------------


@dataclass(slots=True)
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
    if kind == FORMAT:
        candidates = _read_newsreader(parsed, skipped)
    else:
        candidates = _read_w3c(parsed, skipped)
    return _place(catalog, store, kind, candidates, skipped)


def _detect(parsed: object) -> str:
    if isinstance(parsed, dict):
        fmt = parsed.get("format")
        if fmt == FORMAT:
            version = parsed.get("version")
            if not isinstance(version, int) or isinstance(version, bool) or version < 1:
                raise ValueError("The notes file has no valid format version.")
            if version > VERSION:
                raise ValueError(
                    f"The notes file was written by a newer newsreader (format version "
                    f"{version}); this version reads version {VERSION}."
                )
            return FORMAT
        if fmt is not None:
            raise ValueError(f"The file's format {str(fmt)[:40]!r} is not one newsreader knows.")
        if _w3c_types(parsed) & {"Annotation", "AnnotationCollection", "AnnotationPage"}:
            return "w3c"
    elif isinstance(parsed, list) and all(
        isinstance(item, dict) and "Annotation" in _w3c_types(item) for item in parsed
    ):
        return "w3c"
    raise ValueError("The file is neither a newsreader notes export nor W3C Web Annotations.")


def _w3c_types(item: Mapping[str, Any]) -> set[str]:
    kind = item.get("type", item.get("@type"))
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def _read_newsreader(parsed: dict[str, Any], skipped: list[SkippedHighlight]) -> list[_Candidate]:
    records = parsed.get("highlights")
    if not isinstance(records, list):
        raise ValueError("The notes file has no list of highlights.")
    hashes: dict[str, str] = {}
    documents = parsed.get("documents")
    if isinstance(documents, list):
        for document in documents:
            if isinstance(document, dict):
                doc_id, content_hash = document.get("id"), document.get("content_hash")
                if isinstance(doc_id, str) and isinstance(content_hash, str) and content_hash:
                    hashes[doc_id] = content_hash
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


def _read_w3c(parsed: object, skipped: list[SkippedHighlight]) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    for number, item in enumerate(_w3c_items(parsed), start=1):
        try:
            candidates.append(_from_w3c(item))
        except ValueError as err:
            iri = item.get("id") if isinstance(item, dict) else None
            skipped.append(
                SkippedHighlight(
                    highlight_id_of(iri) if isinstance(iri, str) and iri else "",
                    "",
                    f"Annotation {number} of the file cannot be used: {_clause(str(err))}.",
                )
            )
    return candidates


def _w3c_items(parsed: object) -> list[Any]:
    """The annotations of a collection, a page, a list or a single annotation."""
    if isinstance(parsed, list):
        return parsed
    if not isinstance(parsed, dict):
        return []
    types = _w3c_types(parsed)
    if "Annotation" in types:
        return [parsed]
    if "AnnotationPage" in types:
        items = parsed.get("items")
        return items if isinstance(items, list) else []
    pages: list[Any] = []
    page = parsed.get("first")
    seen = 0
    while isinstance(page, dict) and seen < 10_000:
        items = page.get("items")
        if isinstance(items, list):
            pages.extend(items)
        page = page.get("next")
        seen += 1
    if isinstance(parsed.get("items"), list):
        pages.extend(parsed["items"])
    return pages


def _from_w3c(item: object) -> _Candidate:
    """Rebuild a highlight from one annotation (raises ValueError, one sentence)."""
    if not isinstance(item, dict):
        raise ValueError("it is not a JSON object")
    target = _first_target(item.get("target"))
    source = target.get("source")
    if not isinstance(source, str) or not source.startswith(DOCUMENT_URN):
        raise ValueError("its target is not a newsreader document")
    document_id = source[len(DOCUMENT_URN) :]
    quote_selector: dict[str, Any] | None = None
    position_selector: dict[str, Any] | None = None
    for selector in _as_list(target.get("selector")):
        if not isinstance(selector, dict):
            continue
        kind = selector.get("type")
        if kind == "TextQuoteSelector" and quote_selector is None:
            quote_selector = selector
        elif kind == "TextPositionSelector" and position_selector is None:
            position_selector = selector
    if quote_selector is None:
        raise ValueError("it has no TextQuoteSelector")
    exact = quote_selector.get("exact")
    if not isinstance(exact, str) or not exact:
        raise ValueError("its TextQuoteSelector has no exact text")
    prefix = _string_or_empty(quote_selector.get("prefix"))
    suffix = _string_or_empty(quote_selector.get("suffix"))
    start = end = 0
    positioned = False
    if position_selector is not None:
        first, last = position_selector.get("start"), position_selector.get("end")
        if isinstance(first, int) and isinstance(last, int) and _is_int(first) and _is_int(last):
            if 0 <= first <= last:
                start, end, positioned = first, last, True

    notes: list[str] = []
    tags: list[str] = []
    motivation = item.get("motivation")
    for body in _as_list(item.get("body")):
        if not isinstance(body, dict):
            continue
        value = body.get("value")
        if not isinstance(value, str):
            continue
        purpose = body.get("purpose", motivation if motivation == "tagging" else "commenting")
        if purpose == "tagging" or (isinstance(purpose, list) and "tagging" in purpose):
            tags.append(value)
        else:
            notes.append(value)
    body_value = item.get("bodyValue")
    if isinstance(body_value, str) and body_value:
        notes.append(body_value)

    iri = item.get("id")
    if isinstance(iri, str) and iri:
        highlight_id = highlight_id_of(iri)
    else:
        content = json.dumps([document_id, exact, prefix, suffix, start, end], ensure_ascii=True)
        highlight_id = uuid.uuid5(_ID_NAMESPACE, content).hex
    created = _string_or_empty(item.get("created"))
    updated = _string_or_empty(item.get("modified")) or created
    color = item.get(EXTENSION + "color")
    status = item.get(EXTENSION + "status")
    score = item.get(EXTENSION + "score")
    content_hash = _string_or_empty(item.get(EXTENSION + "contentHash"))
    if status not in STATUSES:
        # Not written by newsreader: nothing says the offsets hold, so re-anchoring looks.
        status, content_hash = AnchorStatus.EXACT, ""
    if not positioned or start == end:
        status, content_hash = AnchorStatus.ORPHANED, ""
    if status != AnchorStatus.FUZZY or not _is_score(score):
        score = None
    highlight = Highlight(
        id=highlight_id,
        document_id=document_id,
        quote=exact,
        prefix=prefix,
        suffix=suffix,
        start=start,
        end=end,
        color=color if color in COLORS else DEFAULT_COLOR,
        note="\n\n".join(notes),
        tags=tuple(tags),
        created=created,
        updated=updated,
        status=AnchorStatus(status),
        score=score,
        content_hash=content_hash,
    )
    return _Candidate(highlight, (content_hash,) if content_hash else ())


def _first_target(target: object) -> dict[str, Any]:
    for candidate in _as_list(target):
        if isinstance(candidate, dict) and "selector" in candidate:
            return candidate
    raise ValueError("its target has no selector")


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _string_or_empty(value: object) -> str:
    return value if isinstance(value, str) else ""


def _text_field(record: object, name: str) -> str:
    value = record.get(name) if isinstance(record, dict) else None
    return value if isinstance(value, str) else ""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_score(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


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
                        highlight.id,
                        doc_id,
                        f"Its document {doc_id[:64]} is not in this library.",
                    )
                )
                continue
            highlight = replace(highlight, document_id=found)
            doc_id = found
        chosen = by_document.setdefault(doc_id, {})
        twin = chosen.get(highlight.id)
        if twin is None or _newer(highlight.updated, twin.updated):
            chosen[highlight.id] = highlight

    added: list[Highlight] = []
    updated: list[Highlight] = []
    unchanged: list[Highlight] = []
    for doc_id, chosen in by_document.items():
        entry = entries[doc_id]
        try:
            text = catalog.text(doc_id)
        except StoreError as err:
            skipped.extend(SkippedHighlight(h.id, doc_id, str(err)) for h in chosen.values())
            continue
        placed = _anchor(tuple(chosen.values()), text, entry.content_hash)
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
    orphaned = tuple(h for h in (*added, *updated) if not h.is_placed)
    return ImportResult(
        format=kind,
        added=tuple(added),
        updated=tuple(updated),
        unchanged=tuple(unchanged),
        skipped=tuple(skipped),
        orphaned=orphaned,
    )


def _anchor(highlights: tuple[Highlight, ...], text: str, content_hash: str) -> list[Highlight]:
    """Place imported highlights on the document's current text.

    A highlight made on this very text (same hash) is kept exactly as it is, provided
    its offsets fit and, when it claims to be found, the text there is its quote; any
    other is re-anchored from scratch (by offsets, then quote, then fuzzily).
    """
    result: list[Highlight] = list(highlights)
    pending: list[int] = []
    for index, highlight in enumerate(highlights):
        trusted = (
            highlight.content_hash == content_hash
            and highlight.end <= len(text)
            and (
                highlight.status in (AnchorStatus.FUZZY, AnchorStatus.ORPHANED)
                or text[highlight.start : highlight.end] == highlight.quote
            )
        )
        if not trusted:
            pending.append(index)
            result[index] = replace(highlight, content_hash="")
    if pending:
        found = reanchor((result[i] for i in pending), None, text, content_hash)
        for index, highlight in zip(pending, found, strict=True):
            result[index] = highlight
    return result


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
