"""The annotation journal format: one document's highlights as an append-only JSON Lines file.

The first line is a header naming the kind and schema version (`HEADER`); each further
line is one change: ``{"put": [record, ...]}`` inserts or replaces highlights (records
as `annotations.model.to_record` makes them) and ``{"delete": [id, ...]}`` removes them;
a line with both keys says what one write left behind (the ids deleted and the ids put
never overlap). One write is one line, so a batch is saved entirely or not at all.

Why a journal: saving a highlight appends one short line, whatever the document already
holds, where rewriting a whole file costs time in proportion to its size. When the
journal records much more history than live highlights it is compacted: rewritten whole
(`whole_journal`) with one line per live highlight.

Reading never fails: `parse` replays what it understands and counts the rest. A last
line without its newline is an append cut short by a crash, never acknowledged, and is
ignored (`Journal.torn`); complete lines that cannot be understood are damage
(`Journal.damaged`), which the store answers by keeping the file aside and starting a
new one from the highlights that could be read. A line that is not JSON, is nested too
deeply for Python's parser, or holds a record with a value of the wrong kind (a number
for a quote, an offset of 10^30: see `annotations.model.from_record`) is such damage:
it costs only itself, never the rest of the journal.

Why a journal and not TinyDB (it is the store's format)? The catalog, reading positions
and settings are small files kept whole in TinyDB (`library.storage`). Highlights are
not, because saving one must cost the same with 10,000 already in the document as with
10 (at most 1.2 ×, and at most 5 ms), and TinyDB's public API cannot do that: every
write (`insert`, `update`, `remove`; an `upsert` of a new record is two of them) copies
the whole table dict twice before its `Storage` sees it. Measured with a storage that
does nothing (TinyDB 4.9, one `upsert` of a new highlight, median): 0.04 ms with 10
stored, 0.33 ms with 1,000, 3.4–4.3 ms with 10,000, before any fsync; a storage that
merely compares the old and new key sets brings it to 6–9 ms. A middleware only sees
what the table hands on (and `CachingMiddleware` delays writes, which a save that must
be on disk cannot). Cheap writes would need overriding `Table`'s private methods, which
any TinyDB release may change. So highlights use the journal directly: a save appends
one fsynced line, and its own work costs the same with 10 or 10,000 highlights in the
document (0.29 ms both, measured with fsync left out; the fsync adds what the disk
takes).

This module reads and writes bytes, and reads or appends to one journal file when told;
`annotations.store` owns the files (it decides when, under its lock).
"""

from __future__ import annotations

import json
import os
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.model import Highlight, from_record, share_repeated, to_record
from library.safe_files import DamagedFile, SchemaHeader, StatKey, StoreError, reason_of, stat_key

KIND = "annotations"
"""What the header of a journal says it holds."""

SCHEMA = 1
"""The journal format this code reads and writes."""

HEADER = SchemaHeader(KIND, SCHEMA)
"""The header line of every journal this release writes."""

PARSE_BATCH = 256 * 1024
"""Bytes of journal lines parsed in one call (see `_replay_fast`)."""

REORDER_LIMIT = 64
"""The most highlights a change may put for `Journal.ordered` to be kept up to date
rather than sorted again when next asked for."""

LINE_RECORDS = 1000
"""The most highlights a big batch (an import) puts in one line: a line is parsed in one
call, and a reader must never hold the GIL long for one (see `change_lines`)."""


@dataclass(slots=True)
class Journal:
    """What one read of a journal found.

    The store keeps it as its cache of the file and changes it in place after each
    append (`apply`), so a save never re-reads or copies the document's highlights.
    """

    highlights: dict[str, Highlight] = field(default_factory=dict)
    """The live highlights, by id."""
    changes: int = 0
    """How many highlight changes the file records (puts and deletes): its history size."""
    good_length: int = 0
    """Bytes up to the end of the last complete line; more on disk is a torn append."""
    size: int = 0
    """Bytes read."""
    exists: bool = False
    """Whether the file was there."""
    has_header: bool = False
    """Whether it starts with a valid header line (an empty file has none)."""
    damaged_lines: int = 0
    """Complete lines (or records) that could not be understood."""
    first_problem: str | None = None
    """Why the first refused record was refused (one sentence), when one was."""
    header_damaged: bool = False
    """The first line does not say this is an annotations journal: nothing can be trusted."""
    newer_schema: int | None = None
    """The schema of a journal from a newer release; None when it is ours."""
    key: StatKey | None = None
    """The file's stat key when it was read, if the read was consistent."""
    ordered: tuple[Highlight, ...] | None = None
    """`highlights` sorted `by_position`, once asked for; None again after a change."""

    @property
    def damaged(self) -> bool:
        """Whether anything complete in the file could not be understood."""
        return self.header_damaged or self.damaged_lines > 0

    @property
    def torn(self) -> bool:
        """Whether the file ends in an incomplete line (an append cut short by a crash)."""
        return self.size > self.good_length

    def damage(self) -> str:
        """What is wrong with a damaged journal, in words for the user."""
        if self.header_damaged:
            return "it does not look like an annotations file"
        damage = f"{self.damaged_lines} part(s) of it could not be read"
        if self.first_problem is None:
            return damage
        why = self.first_problem.rstrip(".")
        return f"{damage}, the first because {why[:1].lower()}{why[1:]}"

    def needs_compaction(self, slack: int) -> bool:
        """Whether the file records more than ``2 × live + slack`` changes."""
        return self.changes > 2 * len(self.highlights) + slack

    def apply(self, puts: Mapping[str, Highlight], deletes: Iterable[str]) -> None:
        """Change the live highlights as a line just appended says, and count the change."""
        deletes = tuple(deletes)
        self._reorder(puts, deletes)  # while the highlights replaced are still there
        for highlight_id in deletes:
            self.highlights.pop(highlight_id, None)
        self.highlights.update(puts)
        self.changes += len(puts) + len(deletes)

    def _reorder(self, puts: Mapping[str, Highlight], deletes: Iterable[str]) -> None:
        """Keep `ordered` for a change of a few highlights (a save in the reader), so the
        next read is not a sort of them all: each goes out of, or into, its place."""
        if self.ordered is None or len(puts) > REORDER_LIMIT:
            self.ordered = None
            return
        ordered = list(self.ordered)
        for highlight_id in (*deletes, *puts):
            old = self.highlights.get(highlight_id)
            if old is not None:
                at = bisect_left(ordered, by_position(old), key=by_position)
                if at < len(ordered) and ordered[at] is old:
                    del ordered[at]
                else:
                    self.ordered = None  # not where it should be: sort again when asked
                    return
        for highlight in puts.values():
            insort(ordered, highlight, key=by_position)
        self.ordered = tuple(ordered)


def by_position(highlight: Highlight) -> tuple[int, int, str, str]:
    """The order highlights are shown and compacted in: by place, then by creation."""
    return (highlight.start, highlight.end, highlight.created, highlight.id)


def newest_first(highlights: Iterable[Highlight]) -> tuple[Highlight, ...]:
    """`highlights` by change time, newest first; those changed at the same time by
    document id, then by position (one order, however they were gathered)."""
    in_place = sorted(highlights, key=lambda h: (h.document_id, *by_position(h)))
    return tuple(sorted(in_place, key=lambda h: h.updated, reverse=True))


# --- writing -------------------------------------------------------------------------------


def header_line() -> bytes:
    """The first line of a journal."""
    return _encode_line(HEADER.fields())


def change_line(puts: Iterable[Highlight], deletes: Sequence[str] = ()) -> bytes:
    """One change as one line: the ids deleted, then the highlights inserted or replaced."""
    change: dict[str, Any] = {}
    if deletes:
        change["delete"] = list(deletes)
    records = [to_record(highlight) for highlight in puts]
    if records:
        change["put"] = records
    return _encode_line(change)


def change_lines(puts: Sequence[Highlight]) -> bytes:
    """`puts` as change lines of at most `LINE_RECORDS` highlights each (an import's batch:
    a crash mid-append keeps the whole lines before it, each a complete change)."""
    return b"".join(
        change_line(puts[at : at + LINE_RECORDS]) for at in range(0, len(puts), LINE_RECORDS)
    )


def whole_journal(highlights: Iterable[Highlight]) -> bytes:
    """A complete journal holding `highlights`, one line each, by position (compaction)."""
    ordered = sorted(highlights, key=by_position)
    return header_line() + b"".join(change_line((highlight,)) for highlight in ordered)


def _encode_line(data: dict[str, Any]) -> bytes:
    """One JSON object on one line (JSON escapes every newline inside strings)."""
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        # A lone surrogate (from a hostile clipboard, say) cannot be UTF-8: escape it.
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode() + b"\n"


# --- reading -------------------------------------------------------------------------------


def parse(raw: bytes, document_id: str) -> Journal:
    """Replay a journal's lines; count what cannot be understood instead of failing.

    Args:
        raw: The file's bytes.
        document_id: The document the journal belongs to: a record of any other
            document is damage.
    """
    journal = Journal(exists=True, size=len(raw))
    journal.good_length = raw.rfind(b"\n") + 1
    if not raw.strip():
        return journal
    lines = raw[: journal.good_length].split(b"\n")[:-1]
    try:
        # Journals are created whole, header first: text without a complete first line
        # was not written by this store.
        schema = HEADER.version_of(_json_object(lines[0]) if lines else None)
    except DamagedFile:
        journal.header_damaged = True
        return journal
    journal.has_header = True
    if schema > SCHEMA:
        journal.newer_schema = schema
    body = [line for line in lines[1:] if line.strip()]  # blank lines: a hand edit, harmless
    changes = _replay_fast(body, journal.highlights, document_id)
    if changes is None:
        changes = _replay_slowly(body, journal, document_id)
    journal.changes = changes
    if journal.newer_schema is not None:
        journal.damaged_lines = 0  # a newer format is not damage; it is left alone
    return journal


def _replay_slowly(lines: list[bytes], journal: Journal, document_id: str) -> int:
    """Replay line by line, counting each line or record that cannot be used (and noting
    why the first was not); return the number of changes applied."""
    journal.highlights.clear()
    changes = 0
    problems: list[str] = []
    for line in lines:
        change = _json_object(line)
        if change is None:
            problems.append("A line is not a JSON object.")
            journal.damaged_lines += 1
            continue
        result = _replay(change, journal.highlights, document_id, problems)
        if result is None:
            problems.append("A line is not a change newsreader knows.")
            journal.damaged_lines += 1
        else:
            changes += result[0]
            journal.damaged_lines += result[1]
    journal.first_problem = problems[0] if problems else None
    return changes


def _replay_fast(lines: list[bytes], live: dict[str, Highlight], document_id: str) -> int | None:
    """Replay the lines a batch at a time, each batch one JSON parse; None when anything is
    off (then go slowly).

    A batch is about `PARSE_BATCH` bytes: the parser holds the GIL for a whole call, and a
    reader loading a big journal in a thread must leave the screen free to draw meanwhile.
    """
    changes = 0
    for batch in _batches(lines):
        try:
            changes_list = json.loads(b"[" + b",".join(batch) + b"]")
        except (ValueError, RecursionError):
            return None
        for change in changes_list:
            result = _replay(change, live, document_id)
            if result is None or result[1]:
                return None
            changes += result[0]
    return changes


def _batches(lines: list[bytes]) -> Iterator[list[bytes]]:
    """`lines` in runs of about `PARSE_BATCH` bytes (a longer line is a run of its own)."""
    batch: list[bytes] = []
    size = 0
    for line in lines:
        batch.append(line)
        size += len(line)
        if size >= PARSE_BATCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _replay(
    change: object,
    live: dict[str, Highlight],
    document_id: str,
    problems: list[str] | None = None,
) -> tuple[int, int] | None:
    """Apply one change; return ``(changes applied, records refused)`` or None if unusable.

    Why each record was refused is added to `problems`, when given.
    """
    if not isinstance(change, dict) or not change or not change.keys() <= {"put", "delete"}:
        return None
    puts = change.get("put", [])
    ids = change.get("delete", [])
    if not isinstance(puts, list) or not isinstance(ids, list):
        return None
    if not all(isinstance(highlight_id, str) for highlight_id in ids):
        return None
    for highlight_id in ids:
        live.pop(highlight_id, None)
    refused = 0
    shared = {document_id: document_id}
    for record in puts:
        if type(record) is dict:
            share_repeated(record, shared)
        try:
            highlight = from_record(record)
        except ValueError as err:
            refused += 1
            if problems is not None:
                problems.append(str(err))
            continue
        if highlight.document_id != document_id:
            refused += 1
            if problems is not None:
                problems.append("A highlight belongs to another document.")
            continue
        live[highlight.id] = highlight
    return len(ids) + len(puts) - refused, refused


def _json_object(line: bytes) -> dict[str, Any] | None:
    """One line as a JSON object; None when it is not one (a line nested too deeply for
    Python's parser, ``[[[[…`` 200,000 times, is damage like any other)."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


# --- the file ------------------------------------------------------------------------------


def read_journal(path: Path, document_id: str, label: str) -> Journal:
    """Parse the journal at `path`, noting its stat key if the read was consistent.

    Raises:
        StoreError: The file cannot be read (a missing file reads as an empty journal);
            the message names it as `label`.
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read()
            opened = os.fstat(handle.fileno())
    except FileNotFoundError:
        return Journal()
    except OSError as err:
        raise StoreError(f"The {label} {path} cannot be read: {reason_of(err)}.") from err
    journal = parse(raw, document_id)
    journal.key = stat_key(opened) if opened.st_size == len(raw) else None
    return journal


def append_lines(path: Path, lines: bytes) -> os.stat_result:
    """Append whole `lines` to the journal and fsync them; return the file's state after."""
    with path.open("ab") as handle:
        handle.write(lines)
        handle.flush()
        os.fsync(handle.fileno())
        return os.fstat(handle.fileno())
