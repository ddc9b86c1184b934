"""How many highlights each document has, remembered so the library list need not read them.

``annotations/counts-cache.json`` holds, for each journal, its highlight count and the
`StatKey` the journal had when it was counted. It is only a cache: an entry is used only
while its journal's key is unchanged, and a missing, stale, damaged or lost cache costs
a re-read of some journals, never a wrong count. So it takes no lock and its writes skip
the folder fsync.

Being a cache, it is checked rather than trusted, and rebuilt when wrong, without a word
to the user (nothing of theirs is in it):

- the file carries the sha256 of its entries (`check`), so a cache changed by anything
  but newsreader (a hand edit, a bad disk) is not used at all;
- an entry whose numbers could not be true (a negative count, or more highlights than a
  journal of that size can hold) is dropped, and its journal counted again.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from library.safe_files import StatKey, atomic_write_bytes

COUNTS_CACHE = "counts-cache.json"
"""The cache's file name, inside the annotations folder."""

CACHE_SCHEMA = 2
"""The layout of the cache file; a cache of any other layout is ignored (and rebuilt).
Schema 2 added the `check` digest."""

MIN_HIGHLIGHT_BYTES = 50
"""Fewer bytes than any highlight takes in a journal: each live highlight has a record of
its own, and the smallest, ``{"id":"a","document_id":"b","quote":"c","start":0,"end":1}``,
is 58 bytes. So a journal of N bytes holds at most N // 50 highlights."""


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
    except (OSError, ValueError, RecursionError):  # RecursionError: ``[[[[…`` nested too deep
        return {}
    if not isinstance(data, dict) or data.get("schema") != CACHE_SCHEMA:
        return {}
    files = data.get("files")
    if not isinstance(files, dict) or not _checks_out(files, data.get("check")):
        return {}
    return {
        document_id: CountedJournal(entry[0], (entry[1], entry[2], entry[3]))
        for document_id, entry in files.items()
        if _is_possible(entry)
    }


def write_counts_cache(folder: Path, counted: dict[str, CountedJournal]) -> None:
    """Replace the cache with `counted` (atomically; failures are ignored: it is a cache)."""
    files = {document_id: [c.count, *c.key] for document_id, c in counted.items()}
    payload = {"schema": CACHE_SCHEMA, "check": check(files), "files": files}
    with suppress(OSError):
        if folder.is_dir():
            encoded = json.dumps(payload, separators=(",", ":")).encode("utf-8")
            atomic_write_bytes(folder / COUNTS_CACHE, encoded, sync_directory=False)


def check(files: dict[str, Any]) -> str:
    """The digest of the cache's entries, as the file records it: the sha256 of their
    compact JSON with sorted keys (the same for the entries written and read back)."""
    encoded = json.dumps(files, separators=(",", ":"), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(encoded.encode("ascii")).hexdigest()


def _checks_out(files: dict[str, Any], recorded: object) -> bool:
    """Whether `recorded` is the digest of `files` (entries nested deeper than the encoder
    can follow were not written by newsreader: they do not)."""
    try:
        return recorded == check(files)
    except (ValueError, RecursionError):
        return False


def _is_possible(entry: object) -> bool:
    """Whether a cache entry ``[count, inode, size, mtime_ns]`` could describe a journal:
    whole numbers, none negative but the time, and no more highlights than fit its size."""
    if not isinstance(entry, list) or len(entry) != 4:
        return False
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in entry):
        return False
    count, inode, size, _ = (int(n) for n in entry)
    return inode >= 0 and size >= 0 and 0 <= count <= size // MIN_HIGHLIGHT_BYTES
