"""The first rows of a large library, kept so that the next start can show them at once.

Listing 50,000 documents reads every catalog shard and takes the better part of a second
(a thousand, a tenth of the app's start); a person starting the app wants the newest
titles on screen in a blink. After each full
listing of a large library, its first rows (in the order it was sorted) are written to
``library-head.json`` in the library home; at the next start they are shown straight away
while the whole library is listed in the background and then takes their place.

The file is a cache, never the truth: rows that another copy removed meanwhile may show
for that moment (opening one says the document is gone), a damaged or foreign file is
ignored, and losing it costs one slower start.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from library.entries import entry_from_record
from library.safe_files import atomic_write_bytes
from service.workspace import ListedDocument

HEAD_FILE = "library-head.json"
"""The file in the library home."""

HEAD_ROWS = 200
"""How many rows are kept: more than any screen shows."""

LARGE_LIBRARY = 200
"""From this many documents on, a library is listed in the background behind its head.
Listing a thousand documents is some 25 ms of reading and checking records: a tenth of
the app's start, before its first frame; below this, it is less than a frame."""

_VERSION = 1


@dataclass(frozen=True, slots=True)
class ListingHead:
    """The first rows of the library in one order, and how many documents it held."""

    sort: str
    total: int
    rows: tuple[ListedDocument, ...]


def save_head(home: Path, sort: str, rows: Sequence[ListedDocument], total: int) -> None:
    """Keep the first rows of a listing of `total` documents in `sort` order (only for a
    large library; a small one is listed at once and its head file is removed)."""
    path = home / HEAD_FILE
    if total < LARGE_LIBRARY:
        path.unlink(missing_ok=True)
        return
    data = {
        "version": _VERSION,
        "sort": sort,
        "total": total,
        "rows": [
            {
                **row.entry.to_json(),
                "progress": row.progress,
                "highlights": row.highlights,
            }
            for row in rows[:HEAD_ROWS]
        ],
    }
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    atomic_write_bytes(path, encoded, durable=False)


def load_head(home: Path, sort: str) -> ListingHead | None:
    """The head kept for `sort`, or None when there is none to trust (a small library,
    another order, a damaged or foreign file)."""
    try:
        data = json.loads((home / HEAD_FILE).read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("version") != _VERSION:
        return None
    total, rows = data.get("total"), data.get("rows")
    if data.get("sort") != sort or type(total) is not int or not isinstance(rows, list):
        return None
    read: list[ListedDocument] = []
    for row in rows[:HEAD_ROWS]:
        head_row = _row(row)
        if head_row is not None:
            read.append(head_row)
    return ListingHead(sort, total, tuple(read))


def _row(row: object) -> ListedDocument | None:
    if not isinstance(row, dict) or not isinstance(row.get("id"), str):
        return None
    record = dict(row)
    doc_id = record.pop("id")
    progress = record.pop("progress", None)
    highlights = record.pop("highlights", 0)
    entry = entry_from_record(doc_id, record)
    if entry is None:
        return None
    if type(progress) not in (int, float) or not 0 <= progress <= 1:
        progress = None
    if type(highlights) is not int or highlights < 0:
        highlights = 0
    return ListedDocument(entry, progress, highlights)
