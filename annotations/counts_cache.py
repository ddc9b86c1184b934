"""How many highlights each document has, remembered so the library list need not read them.

``annotations/counts-cache.json`` holds, for each journal, its highlight count and the
`StatKey` the journal had when it was counted. It is only a cache: an entry is used only
while its journal's key is unchanged, and a missing, stale, damaged or lost cache costs
a re-read of some journals, never a wrong count. So it takes no lock and its writes skip
the folder fsync.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from library.safe_files import StatKey, atomic_write_bytes

COUNTS_CACHE = "counts-cache.json"
"""The cache's file name, inside the annotations folder."""

CACHE_SCHEMA = 1
"""The layout of the cache file; a cache of any other layout is ignored (and rebuilt)."""


@dataclass(frozen=True, slots=True)
class CountedJournal:
    """One journal's count, and the state of the journal when it was counted."""

    count: int
    """Its live highlights."""
    key: StatKey
    """Its stat key then: the count holds while the journal still has this key."""


def read_counts_cache(folder: Path) -> dict[str, CountedJournal]:
    """The cached counts by document id; empty when there is no usable cache."""
    try:
        data = json.loads((folder / COUNTS_CACHE).read_bytes())
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or data.get("schema") != CACHE_SCHEMA:
        return {}
    return {
        document_id: CountedJournal(entry[0], (entry[1], entry[2], entry[3]))
        for document_id, entry in files.items()
        if isinstance(entry, list)
        and len(entry) == 4
        and all(isinstance(n, int) and not isinstance(n, bool) for n in entry)
    }


def write_counts_cache(folder: Path, counted: dict[str, CountedJournal]) -> None:
    """Replace the cache with `counted` (atomically; failures are ignored: it is a cache)."""
    files = {document_id: [c.count, *c.key] for document_id, c in counted.items()}
    payload = json.dumps({"schema": CACHE_SCHEMA, "files": files}, separators=(",", ":"))
    with suppress(OSError):
        if folder.is_dir():
            atomic_write_bytes(folder / COUNTS_CACHE, payload.encode("utf-8"), sync_directory=False)
