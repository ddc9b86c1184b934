"""The spans a journal holds, read without building its highlights: what "is this passage
highlighted already?" needs before the command line saves one more.

Reading a journal whole builds every highlight in it (checking each field), most of the
cost of reading it: with 10,000 highlights in a document, a `newsreader highlight` that
read it whole cost as much as listing them all. The question only needs offsets, so it is
answered in two steps, each one only when the cheaper one cannot:

1. `ever_written`: whether any record of the journal ever had the span, from its bytes.
   A record as `annotations.journal` writes it holds ``"start":S,"end":E`` in that order
   and spelling, and JSON escapes every quote inside a string, so ``"start"`` followed by
   a colon can only be a key. When every ``"start"`` of the file is such a key so
   followed, a span whose bytes are not in the file is in no record: the passage is free.
2. `placed_spans`: the live placed spans, the journal's changes replayed (deletes and
   orphans included) with each record giving only its id, offsets and status.

Either returns None when the journal is not as this store writes it (no header, another
schema, a torn or blank line, something unexpected): the caller then reads it whole,
which repairs, sets aside or refuses what needs it. A span found is never trusted as taken
without the whole read, which names the highlight that takes it.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import json
import re

from annotations.journal import HEADER, SCHEMA
from annotations.model import AnchorStatus
from library.safe_files import DamagedFile

Span = tuple[int, int]
"""``(start, end)`` of a highlight."""

ORPHANED = AnchorStatus.ORPHANED.value
"""The status of a highlight that has no place in the text (it covers nothing)."""

_ODD_OFFSETS = rb'(?!:\d+,"end":\d+[,}])'
"""After a ``"start"``: not offsets as the journal writes them (a hand edit, or a string
that reads "start"); then the bytes alone cannot say which spans are written."""


def is_current(raw: bytes) -> bool:
    """Whether `raw` is a whole journal of this release: its header first, its last line
    complete (a torn append is repaired by a whole read)."""
    if not raw.endswith(b"\n"):
        return False
    try:
        return HEADER.version_of(json.loads(raw[: raw.index(b"\n")])) == SCHEMA
    except (DamagedFile, ValueError, RecursionError):
        return False


def ever_written(raw: bytes, span: Span) -> bool | None:
    """Whether a record of the journal `raw` ever had `span` (live, replaced or deleted),
    from its bytes alone (one scan of them in C, no parsing); None when a ``"start"`` of
    it not written as this store writes it comes first (then step 2 of the module
    docstring decides).

    One scan looks for both and stops at whichever comes first (a span found means the
    same as a "cannot say" to the caller: the whole read decides). It goes through the
    whole journal only when neither is there, the usual case: two scans, one for each,
    would cost twice as much (some 4 ms more with 10,000 highlights).
    """
    start, end = span
    # "start" first, outside any group: the search then skips to each "start" in C.
    written = rb'(?P<span>:%d,"end":%d[,}])' % (start, end)
    found = re.search(b'"start"(?:' + written + b"|" + _ODD_OFFSETS + b")", raw)
    if found is None:
        return False
    return True if found.group("span") is not None else None


def placed_spans(raw: bytes, document_id: str) -> set[Span] | None:
    """The spans of the live placed highlights of the journal `raw` (of `document_id`),
    its changes replayed with each record giving only its id, offsets and status; None
    when it is not a journal `annotations.journal` would replay whole without a problem.

    A record a whole read would refuse for another field is counted here: a span found
    here may be a refused record's, so the whole read decides whether a span is taken.
    """
    if not is_current(raw):
        return None
    lines = raw.split(b"\n")[1:-1]
    try:
        changes = json.loads(b"[" + b",".join(lines) + b"]")
    except (ValueError, RecursionError):
        return None
    live: dict[str, Span | None] = {}
    for change in changes:
        if not _replay_spans(change, live, document_id):
            return None
    return {span for span in live.values() if span is not None}


def _replay_spans(change: object, live: dict[str, Span | None], document_id: str) -> bool:
    """Apply one change to `live` (id → span, None when orphaned); False when the change
    is not one a whole read would take as it is."""
    if not isinstance(change, dict) or not change or not change.keys() <= {"put", "delete"}:
        return False
    puts = change.get("put", [])
    ids = change.get("delete", [])
    if not isinstance(puts, list) or not isinstance(ids, list):
        return False
    for highlight_id in ids:
        if type(highlight_id) is not str:
            return False
        live.pop(highlight_id, None)
    for record in puts:
        if type(record) is not dict or record.get("document_id") != document_id:
            return False
        highlight_id, start, end = record.get("id"), record.get("start"), record.get("end")
        if type(highlight_id) is not str or type(start) is not int or type(end) is not int:
            return False
        live[highlight_id] = None if record.get("status") == ORPHANED else (start, end)
    return True
