"""Highlights as the JSON array `newsreader notes --json` prints, written fast.

`library.sanitize.printable_json` of the records (`annotations.model.to_record`) is the
format: one record a line, as ``json.dumps`` writes each, made safe to print. Encoding
record by record costs some 5 µs a highlight (a dict made, fifteen keys written): tens of
milliseconds for a document of 10,000. `records_json` writes the very same text with the
C encoder doing the work a column at a time: each field's values, for all the highlights
at once, go through one `json.dumps` call with a newline between items. JSON
escapes every newline inside a string (``\\n``), so splitting that text at its newlines
gives back each value encoded exactly as `json.dumps` encodes it inside the array; the
values are then set into the one-line layout, which for these flat records is fixed.
What must not reach a terminal raw is escaped as `printable_json` escapes it, a column at a
time, and only in a column that holds more than plain ASCII (DEL included): ids, times and
hashes never need it. Tests compare the two on hostile text.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from annotations.model import AnchorStatus, Color, Highlight, field_values, to_record
from library.sanitize import printable_json, printable_json_text

_TEXT_FIELDS = (
    "id",
    "document_id",
    "quote",
    "prefix",
    "suffix",
    "note",
    "created",
    "updated",
    "content_hash",
)
"""The fields that hold text, encoded a column at a time."""

_LAYOUT = (
    "id",
    "document_id",
    "quote",
    "prefix",
    "suffix",
    "start",
    "end",
    "color",
    "note",
    "tags",
    "created",
    "updated",
    "status",
    "score",
    "content_hash",
)
"""The fields of a record in the order `to_record` gives them, which this module writes."""

_FIELD_SEPARATOR = ", "
"""Between the fields of a record, and the tags of a list, as `json.dumps` writes them."""


def records_json(highlights: Sequence[Highlight]) -> str:
    """Return ``printable_json([to_record(h) for h in highlights])``, written fast."""
    if _fields() != _LAYOUT:
        # A field was added to the model: the slow way is right until this learns it.
        return printable_json([to_record(h) for h in highlights])
    return rows_json(list(map(field_values, highlights)))


def rows_json(rows: Sequence[Sequence[Any]]) -> str:
    """`records_json` of the highlights whose field values, in declaration order, are
    `rows` (from highlights, or from records as `annotations.journal_rows` reads them:
    a color, a status and tags as their text and a list write as the members and the
    tuple do)."""
    if _fields() != _LAYOUT:
        return printable_json([dict(zip(_fields(), row, strict=True)) for row in rows])
    if not rows:
        return printable_json([])
    columns = dict(zip(_LAYOUT, zip(*rows, strict=True), strict=True))
    encoded = {name: _encoded(list(columns[name])) for name in _TEXT_FIELDS}
    encoded["start"] = list(map(repr, columns["start"]))
    encoded["end"] = list(map(repr, columns["end"]))
    encoded["color"] = list(map(_ENUM_JSON.__getitem__, columns["color"]))
    encoded["status"] = list(map(_ENUM_JSON.__getitem__, columns["status"]))
    encoded["score"] = list(map(_score, columns["score"]))
    encoded["tags"] = _tags_column(columns["tags"])
    # One record's text is one %-format (in C), its layout fixed: keys hold no "%".
    template = "{" + _FIELD_SEPARATOR.join(json.dumps(name) + ": %s" for name in _LAYOUT) + "}"
    records = [template % row for row in zip(*(encoded[name] for name in _LAYOUT), strict=True)]
    return "[\n" + ",\n".join(records) + "\n]\n"


def _fields() -> tuple[str, ...]:
    """The model's fields, in declaration order."""
    return tuple(field.name for field in fields(Highlight))


_ENUM_JSON: dict[object, str] = {
    member: json.dumps(member.value) for kind in (Color, AnchorStatus) for member in kind
}
"""Each color and anchor status as its record's JSON writes it."""


def _score(score: float | None) -> str:
    """A score as `json` writes it (an int stays an int, as a hand-written record has it)."""
    if score is None:
        return "null"
    return float.__repr__(score) if type(score) is float else repr(score)


def _encoded(values: list[object]) -> list[str]:
    """Each of `values` as `json.dumps` (``ensure_ascii=False``) encodes it inside a list:
    one call of the C encoder for the whole column (see the module docstring)."""
    if not values:
        return []
    text = json.dumps(values, ensure_ascii=False, separators=("\n", ":"))
    if not text.isascii() or "\x7f" in text:  # what may need escaping to be printed
        text = printable_json_text(text)
    return text[1:-1].split("\n")


def _tags_column(tag_lists: Sequence[Sequence[str]]) -> list[str]:
    """Each highlight's tags as its record shows them: ``[]``, or ``["a", "b"]``."""
    encoded = iter(_encoded([tag for tags in tag_lists for tag in tags]))
    column = []
    for tags in tag_lists:
        if not tags:
            column.append("[]")
            continue
        column.append("[" + _FIELD_SEPARATOR.join(next(encoded) for _ in tags) + "]")
    return column
