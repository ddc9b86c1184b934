"""Highlights as W3C Web Annotations (JSON-LD), written and read back.

`export_w3c` follows the Web Annotation Data Model. The file is one
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

Reading (`w3c_items`, `highlight_from_w3c`) also takes annotations written by other
tools: a collection, a page, a list, or a single annotation; whatever they leave out
gets a safe default (see `highlight_from_w3c`).

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote

from annotations.model import (
    COLORS,
    DEFAULT_COLOR,
    STATUSES,
    AnchorStatus,
    Color,
    Highlight,
    timestamp,
)
from annotations.notes_json import selection
from annotations.store import AnnotationStore
from library.catalog import Catalog
from library.sanitize import printable_json

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
DOCUMENT_URN = "urn:newsreader:document:"
HIGHLIGHT_URN = "urn:newsreader:highlight:"
EXTENSION = "newsreader:"
"""Prefix of newsreader's own properties on a W3C annotation."""

_UUID_URN = "urn:uuid:"
_ID_NAMESPACE = uuid.UUID("6f1d3c3e-5c7a-4f0e-9d2b-7a0b8e4c1f5a")
"""Namespace of ids derived from imported annotations that have no usable id."""

_HEX_UUID = re.compile(r"[0-9a-f]{32}")
_MAX_PAGES = 10_000
"""How many pages of a collection are followed (a loop of ``next`` links ends there)."""


# --- writing ------------------------------------------------------------------------------


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
    _, highlights = selection(catalog, store, doc_ids)
    items = [w3c_annotation(h) for h in highlights]
    data = {
        "@context": W3C_CONTEXT,
        "id": f"{_UUID_URN}{uuid.uuid4()}",
        "type": "AnnotationCollection",
        "label": "newsreader highlights and notes",
        "generated": timestamp(now),
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }
    return printable_json(data)


def w3c_annotation(highlight: Highlight) -> dict[str, Any]:
    """Return one highlight as a W3C Web Annotation (a JSON-ready dict)."""
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
    bodies = _bodies(highlight)
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
    annotation[EXTENSION + "color"] = highlight.color.value
    annotation[EXTENSION + "status"] = highlight.status.value
    if highlight.score is not None:
        annotation[EXTENSION + "score"] = highlight.score
    if highlight.content_hash:
        annotation[EXTENSION + "contentHash"] = highlight.content_hash
    return annotation


def _bodies(highlight: Highlight) -> list[dict[str, Any]]:
    """The note as a ``commenting`` body, then each tag as a ``tagging`` body."""
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
    return bodies


def annotation_id(highlight_id: str) -> str:
    """Return the IRI of a highlight: ``urn:uuid:...`` for newsreader's (uuid4 hex) ids."""
    if _HEX_UUID.fullmatch(highlight_id):
        return f"{_UUID_URN}{uuid.UUID(hex=highlight_id)}"
    return HIGHLIGHT_URN + quote(highlight_id, safe="")


def highlight_id_of(iri: str) -> str:
    """Return the highlight id an annotation IRI stands for (the inverse of `annotation_id`).

    Other IRIs (from other tools) give a stable id derived from the IRI, so importing
    the same annotation again finds the same highlight.
    """
    if iri.startswith(_UUID_URN):
        try:
            return uuid.UUID(iri[len(_UUID_URN) :]).hex
        except ValueError:
            pass
    elif iri.startswith(HIGHLIGHT_URN) and len(iri) > len(HIGHLIGHT_URN):
        return unquote(iri[len(HIGHLIGHT_URN) :])
    return uuid.uuid5(_ID_NAMESPACE, iri).hex


# --- reading ------------------------------------------------------------------------------


def w3c_types(item: Mapping[str, Any]) -> set[str]:
    """The ``type`` (or ``@type``) of a JSON-LD object, as a set of names."""
    kind = item.get("type", item.get("@type"))
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def w3c_items(parsed: object) -> list[Any]:
    """The annotations of a collection, a page, a list or a single annotation."""
    if isinstance(parsed, list):
        return parsed
    if not isinstance(parsed, dict):
        return []
    types = w3c_types(parsed)
    if "Annotation" in types:
        return [parsed]
    if "AnnotationPage" in types:
        items = parsed.get("items")
        return items if isinstance(items, list) else []
    found: list[Any] = []
    page = parsed.get("first")
    seen = 0
    while isinstance(page, dict) and seen < _MAX_PAGES:
        items = page.get("items")
        if isinstance(items, list):
            found.extend(items)
        page = page.get("next")
        seen += 1
    if isinstance(parsed.get("items"), list):
        found.extend(parsed["items"])
    return found


@dataclass(frozen=True, slots=True)
class _Quote:
    """What an annotation's selectors say about the passage."""

    exact: str
    prefix: str
    suffix: str
    position: tuple[int, int] | None
    """``(start, end)`` from a usable ``TextPositionSelector``; None without one."""


def highlight_from_w3c(item: object) -> Highlight:
    """Rebuild a highlight from one annotation.

    What only newsreader writes (color, anchor status, score, content hash) is taken when
    valid; an annotation from another tool is re-anchored from scratch (nothing says its
    offsets hold), and one without a usable position is orphaned until placed.

    Raises:
        ValueError: The annotation cannot be used (a clause, to follow "because").
    """
    if not isinstance(item, dict):
        raise ValueError("it is not a JSON object")
    target = _first_target(item.get("target"))
    source = target.get("source")
    if not isinstance(source, str) or not source.startswith(DOCUMENT_URN):
        raise ValueError("its target is not a newsreader document")
    document_id = source[len(DOCUMENT_URN) :]
    passage = _quote_of(_as_list(target.get("selector")))
    start, end = passage.position or (0, 0)
    notes, tags = _notes_and_tags(item)
    status, score, content_hash = _anchor_fields(item, placed=start != end)
    created = _string_or_empty(item.get("created"))
    color = item.get(EXTENSION + "color")
    return Highlight(
        id=_highlight_id(item.get("id"), document_id, passage),
        document_id=document_id,
        quote=passage.exact,
        prefix=passage.prefix,
        suffix=passage.suffix,
        start=start,
        end=end,
        color=Color(color) if color in COLORS else DEFAULT_COLOR,
        note="\n\n".join(notes),
        tags=tuple(tags),
        created=created,
        updated=_string_or_empty(item.get("modified")) or created,
        status=status,
        score=score,
        content_hash=content_hash,
    )


def _first_target(target: object) -> dict[str, Any]:
    for candidate in _as_list(target):
        if isinstance(candidate, dict) and "selector" in candidate:
            return candidate
    raise ValueError("its target has no selector")


def _quote_of(selectors: list[Any]) -> _Quote:
    """The passage from the first quote selector and the first position selector."""
    quote_selector = _first_selector(selectors, "TextQuoteSelector")
    if quote_selector is None:
        raise ValueError("it has no TextQuoteSelector")
    exact = quote_selector.get("exact")
    if not isinstance(exact, str) or not exact:
        raise ValueError("its TextQuoteSelector has no exact text")
    return _Quote(
        exact=exact,
        prefix=_string_or_empty(quote_selector.get("prefix")),
        suffix=_string_or_empty(quote_selector.get("suffix")),
        position=_position_of(_first_selector(selectors, "TextPositionSelector")),
    )


def _first_selector(selectors: list[Any], kind: str) -> dict[str, Any] | None:
    return next((s for s in selectors if isinstance(s, dict) and s.get("type") == kind), None)


def _position_of(selector: dict[str, Any] | None) -> tuple[int, int] | None:
    if selector is None:
        return None
    start, end = selector.get("start"), selector.get("end")
    if isinstance(start, int) and isinstance(end, int) and _is_int(start) and _is_int(end):
        return (start, end) if 0 <= start <= end else None
    return None


def _notes_and_tags(item: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The textual bodies: ``tagging`` ones are tags, all others notes (plus ``bodyValue``)."""
    notes: list[str] = []
    tags: list[str] = []
    motivation = item.get("motivation")
    default_purpose = motivation if motivation == "tagging" else "commenting"
    for body in _as_list(item.get("body")):
        value = body.get("value") if isinstance(body, dict) else None
        if not isinstance(value, str):
            continue
        purpose = body.get("purpose", default_purpose)
        if purpose == "tagging" or (isinstance(purpose, list) and "tagging" in purpose):
            tags.append(value)
        else:
            notes.append(value)
    body_value = item.get("bodyValue")
    if isinstance(body_value, str) and body_value:
        notes.append(body_value)
    return notes, tags


def _anchor_fields(item: dict[str, Any], *, placed: bool) -> tuple[AnchorStatus, float | None, str]:
    """``(status, score, content hash)``, trusted only as far as they can be."""
    status = item.get(EXTENSION + "status")
    score = item.get(EXTENSION + "score")
    content_hash = _string_or_empty(item.get(EXTENSION + "contentHash"))
    if status not in STATUSES:
        # Not written by newsreader: nothing says the offsets hold, so re-anchoring looks.
        status, content_hash = AnchorStatus.EXACT, ""
    if not placed:
        if status != AnchorStatus.ORPHANED.value:
            content_hash = ""  # it claims a place it does not give: re-anchoring looks
        # (An orphan written by newsreader, with the hash of the text it was lost on, stays
        # one on that very text: placed anew by its quote, a '.' would land on any stop.)
        status = AnchorStatus.ORPHANED
    anchor_status = AnchorStatus(status)
    if anchor_status is not AnchorStatus.FUZZY or not _is_score(score):
        return anchor_status, None, content_hash
    return anchor_status, score, content_hash


def _highlight_id(iri: object, document_id: str, passage: _Quote) -> str:
    """The id from the annotation's IRI, or else one derived from what it marks."""
    if isinstance(iri, str) and iri:
        return highlight_id_of(iri)
    start, end = passage.position or (0, 0)
    content = json.dumps(
        [document_id, passage.exact, passage.prefix, passage.suffix, start, end],
        ensure_ascii=True,
    )
    return uuid.uuid5(_ID_NAMESPACE, content).hex


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _string_or_empty(value: object) -> str:
    return value if isinstance(value, str) else ""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_score(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
