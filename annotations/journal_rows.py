"""A journal's live records as rows of field values, read without making highlights: what
printing them as JSON (`newsreader notes ID --json`) needs.

Reading a journal whole makes a `Highlight` of every record (each field checked, then set
into its slot): with 10,000 highlights in a document that is most of the cost of
`notes --json`, which then turns each highlight back into the very values it was read
from. Here each record is checked as the whole read checks a record as this store writes
it (`annotations.model.written_values`) and kept as the tuple of its values, in the
highlight's field order; the journal's lines are parsed in one call, as one JSON array.

Like `annotations.journal_spans`, this answers only for a journal exactly as this store
writes it: its header and schema, complete lines, none blank, each a change this release
writes, every record as `to_record` writes it and of this document. Anything else returns
None, and the caller reads the journal whole, which repairs, sets aside or refuses what
needs it, and says so.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import json
from operator import itemgetter
from typing import Any

from annotations.journal_spans import is_current
from annotations.model import written_values

Row = tuple[Any, ...]
"""A highlight's field values, in declaration order (see `annotations.model.to_record`)."""

_CHANGE_KEYS = frozenset({"put", "delete"})
"""What a change line may hold."""

_BY_POSITION = itemgetter(5, 6, 10, 0)
"""A row's start, end, created time and id: `annotations.journal.by_position` of its
highlight (tests check the indexes against the model's fields)."""


def live_rows(raw: bytes, document_id: str) -> list[Row] | None:
    """The live records of the journal `raw` of `document_id` as rows, sorted as
    `annotations.journal.by_position` sorts highlights; None when the journal is not
    exactly as this store writes it (see the module docstring)."""
    if not is_current(raw):
        return None
    body = raw[raw.index(b"\n") + 1 : -1]
    if not body:
        return []
    lines = body.split(b"\n")
    if not all(lines):
        return None  # a blank line: harmless, but the whole read is the one that skips it
    try:
        changes = json.loads(b"[" + b",".join(lines) + b"]")
    except (ValueError, RecursionError):
        return None
    if len(changes) != len(lines):  # a line holding more than one value
        return None
    live: dict[str, Row] = {}
    for change in changes:
        if not _replayed(change, live, document_id):
            return None
    return sorted(live.values(), key=_BY_POSITION)


def _replayed(change: object, live: dict[str, Row], document_id: str) -> bool:
    """Apply one change to `live`; False when it is not one this store writes."""
    if type(change) is not dict or not change or not change.keys() <= _CHANGE_KEYS:
        return False
    puts = change.get("put", [])
    deletes = change.get("delete", [])
    if type(puts) is not list or type(deletes) is not list:
        return False
    if not all(type(highlight_id) is str for highlight_id in deletes):
        return False
    for highlight_id in deletes:
        live.pop(highlight_id, None)
    for record in puts:
        values = written_values(record)
        if values is None or values[1] != document_id:
            return False
        live[values[0]] = values
    return True
