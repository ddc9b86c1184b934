"""The journals of removed documents, kept in ``annotations/removed/``, and how they merge.

Removing a document moves its journal here as ``<document id>-<YYYYMMDD-HHMMSS>.jsonl``
(``-2``, ``-3``… when that name is taken) rather than destroying it. A document can be
removed several times, and a copy of newsreader that still had it open can go on saving
into a fresh journal after another copy removed it; so when the document is added again,
*every* kept journal is merged with whatever journal it has by then (`merge_newest`), and
none is silently left behind.

`annotations.store` calls these under the document's journal lock, so no other copy
moves or writes the same files meanwhile; messages are returned, not raised, when the
problem only concerns a kept file (it then stays where it is).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from annotations.journal import SCHEMA, parse
from annotations.model import Highlight
from library.safe_files import (
    StoreError,
    damaged_message,
    fsync_directory,
    newer_release_message,
    reason_of,
    set_aside,
    time_label,
    unique_sibling,
)

REMOVED_FOLDER = "removed"
"""Inside the annotations folder: journals of removed documents, kept rather than destroyed."""

_KEPT_NAME = re.compile(
    r"(?P<document>[0-9A-Za-z_-]{1,64})-(?P<time>\d{8}-\d{6})(?:-(?P<counter>\d{1,9}))?\.jsonl"
)
"""The name `kept_name` gives: document id, removal time, and a counter for clashes."""


LABEL = "annotations file"
"""How messages name a journal (as `annotations.store` does)."""


@dataclass(frozen=True, slots=True)
class KeptJournal:
    """What one kept journal held, read to be merged."""

    path: Path
    """Where it is."""
    highlights: dict[str, Highlight]
    """The highlights it holds (the readable ones, if it is damaged)."""
    damage: str | None
    """What is wrong with it, in words for the user; None when it was read whole."""


def move_aside(journal: Path, removed_folder: Path, document_id: str) -> Path:
    """Move a document's journal into `removed_folder` under a name of its own.

    Returns:
        Where it went.

    Raises:
        StoreError: It could not be moved (it is then where it was).
    """
    try:
        removed_folder.mkdir(parents=True, exist_ok=True)
        target = unique_sibling(removed_folder, f"{document_id}-{time_label()}", journal.suffix)
        journal.replace(target)
        fsync_directory(removed_folder)
        fsync_directory(journal.parent)
    except OSError as err:
        raise StoreError(
            f"The annotations of document {document_id} could not be moved to "
            f"{removed_folder}: {reason_of(err)}."
        ) from err
    return target


def move_back(kept: Path, journal: Path, document_id: str) -> None:
    """Undo `move_aside`, for a removal that did not happen.

    Raises:
        StoreError: It could not be moved back (the message says how to recover).
    """
    try:
        kept.replace(journal)
        fsync_directory(journal.parent)
        fsync_directory(kept.parent)
    except OSError as err:
        raise StoreError(
            f"Document {document_id} was not removed, and its highlights could not be "
            f"moved back from {kept} ({reason_of(err)}); add the document again to "
            "bring them back."
        ) from err


def kept_journals(folder: Path, document_ids: Iterable[str] | None = None) -> dict[str, list[Path]]:
    """The kept journals in `folder`, by document id, oldest removal first.

    One listing of the folder, however many documents are asked about: re-adding a
    thousand files looks at it once.

    Args:
        folder: The ``removed`` folder (it may not exist).
        document_ids: Only these documents (default: every one).

    Returns:
        Document id → its kept journals, for the documents that have any.
    """
    wanted = None if document_ids is None else set(document_ids)
    try:
        names = [path.name for path in folder.iterdir()]
    except OSError:  # missing (nothing was ever removed) or unreadable: nothing to merge
        return {}
    found: dict[str, list[tuple[tuple[str, int], Path]]] = {}
    for name in names:
        match = _KEPT_NAME.fullmatch(name)
        if match is None:
            continue
        document_id = match["document"]
        if wanted is not None and document_id not in wanted:
            continue
        order = (match["time"], int(match["counter"] or 1))
        found.setdefault(document_id, []).append((order, folder / name))
    return {
        document_id: [path for _, path in sorted(paths)] for document_id, paths in found.items()
    }


def read_kept(document_id: str, paths: Sequence[Path]) -> tuple[list[KeptJournal], list[str]]:
    """Read kept journals to merge them.

    Returns:
        The journals that can be merged (a damaged one's readable part included), and one
        sentence for each left out: unreadable, or from a newer release, it stays where it
        is.
    """
    read: list[KeptJournal] = []
    problems: list[str] = []
    for path in paths:
        try:
            found = parse(path.read_bytes(), document_id)
        except OSError as err:
            problems.append(
                f"The kept {LABEL} {path} cannot be read ({reason_of(err)}); it stays where it is."
            )
            continue
        if found.newer_schema is not None:
            problems.append(
                newer_release_message(
                    LABEL, path, found.newer_schema, SCHEMA, "it stays where it is"
                )
            )
            continue
        read.append(KeptJournal(path, found.highlights, found.damage() if found.damaged else None))
    return read, problems


def discard_kept(merged: Sequence[KeptJournal]) -> list[str]:
    """Delete kept journals once merged; a damaged one is set aside instead, not deleted.

    Returns:
        One sentence for each damaged journal (where it went, what was kept).
    """
    problems: list[str] = []
    for kept in merged:
        if kept.damage is None:
            with suppress(OSError):  # left there, it is only merged again next time
                kept.path.unlink()
            continue
        try:
            aside = set_aside(kept.path, LABEL)
        except StoreError as err:
            problems.append(str(err))
            continue
        restored = f"the {len(kept.highlights)} highlight(s) that could be read were restored"
        problems.append(damaged_message(LABEL, kept.path, aside, restored, why=kept.damage))
    if merged:
        with suppress(OSError):
            fsync_directory(merged[0].path.parent)
    return problems


def merge_newest(versions: Iterable[Mapping[str, Highlight]]) -> dict[str, Highlight]:
    """Merge sets of highlights by id: for each id, the version changed last wins.

    "Changed last" is the `Highlight.updated` time (the creation time when there is none).
    On a tie, the later set in `versions` wins, so give them oldest first: the kept
    journals by removal time, then the document's current journal. Re-anchoring does not
    change `updated`, so a highlight only re-found in one set and unchanged otherwise
    keeps the newest set's place for it.
    """
    merged: dict[str, Highlight] = {}
    for highlights in versions:
        for highlight_id, highlight in highlights.items():
            known = merged.get(highlight_id)
            if known is None or _changed_at(highlight) >= _changed_at(known):
                merged[highlight_id] = highlight
    return merged


def _changed_at(highlight: Highlight) -> str:
    """When the reader last changed it: ISO 8601 UTC strings compare as times do."""
    return highlight.updated or highlight.created
