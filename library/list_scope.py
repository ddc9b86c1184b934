"""Narrowing a list of documents: to those not read yet, or to one feed or one source.

A reader following many feeds reads them one at a time (newsboat opens a feed and shows
its articles; `list --feed` and the library's `v` do the same). The names compared are the
ones the documents carry (`Entry.feed`, `Entry.source`), case and spacing aside, so a
narrowing works for documents whose feed is no longer followed, and for files added by
hand that name a source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from library.entries import Entry

ScopeKind = Literal["feed", "source"]
"""What a scope compares: the document's feed, or its source (publication)."""

ReadingStatus = Literal["new", "reading", "finished"]
"""Where a reader is with a document: never opened, begun, or read to its end (or marked
read with `m`)."""


def reading_status(progress: float | None) -> ReadingStatus:
    """The status of a document listed at `progress` (None: never opened; 1: finished)."""
    if progress is None:
        return "new"
    return "finished" if progress >= 1.0 else "reading"


def is_unread(progress: float | None) -> bool:
    """Whether a document listed at `progress` is still to be read (new or begun)."""
    return reading_status(progress) != "finished"


def _folded(name: str | None) -> str:
    return " ".join(name.split()).casefold() if name else ""


@dataclass(frozen=True, slots=True)
class Scope:
    """One feed's or one source's documents."""

    kind: ScopeKind
    """Whether `name` is a feed's or a source's."""
    name: str
    """The feed's or source's name, as the documents carry it."""

    def holds(self, entry: Entry) -> bool:
        """Whether `entry` is one of the scope's documents."""
        value = entry.feed if self.kind == "feed" else entry.source
        return value is not None and _folded(value) == _folded(self.name)

    def label(self) -> str:
        """``feed: The Gazette`` (the name as stored: made visible by the caller)."""
        return f"{self.kind}: {self.name}"


@dataclass(frozen=True, slots=True)
class ScopeChoice:
    """A scope a list can be narrowed to, and how much it holds."""

    scope: Scope
    """The scope."""
    documents: int
    """How many documents it holds."""
    unread: int
    """How many of them are not read yet."""


def scope_choices(
    entries: Iterable[Entry], progress: Mapping[str, float]
) -> tuple[ScopeChoice, ...]:
    """Every feed and every source the documents name, feeds first, each by name.

    A source that is also a feed's name (a feed's documents whose page names no site of
    its own) is offered once, as the feed.

    Args:
        entries: The documents.
        progress: Each opened document's listed progress, by id (missing: never opened).
    """
    counted: dict[tuple[ScopeKind, str], list[int]] = {}
    names: dict[tuple[ScopeKind, str], str] = {}
    for entry in entries:
        unread = is_unread(progress.get(entry.id))
        named: tuple[tuple[ScopeKind, str | None], ...] = (
            ("feed", entry.feed),
            ("source", entry.source),
        )
        for kind, name in named:
            if not name or not name.strip():
                continue
            key = (kind, _folded(name))
            names.setdefault(key, " ".join(name.split()))
            counts = counted.setdefault(key, [0, 0])
            counts[0] += 1
            counts[1] += unread
    feeds = {folded for kind, folded in counted if kind == "feed"}
    kept = [key for key in counted if key[0] == "feed" or key[1] not in feeds]
    kept.sort(key=lambda key: (key[0] != "feed", key[1]))
    return tuple(
        ScopeChoice(Scope(key[0], names[key]), counted[key][0], counted[key][1]) for key in kept
    )


def narrowed(
    entries: Iterable[Entry],
    *,
    scope: Scope | None = None,
    unread_only: bool = False,
    progress_of: Callable[[str], float | None] | None = None,
) -> list[Entry]:
    """The `entries` in `scope` (all if None), only the unread ones if `unread_only`
    (`progress_of` gives a document's listed progress by id), in their order."""
    kept = [entry for entry in entries if scope is None or scope.holds(entry)]
    if unread_only:
        listed = progress_of or (lambda _doc_id: None)
        kept = [entry for entry in kept if is_unread(listed(entry.id))]
    return kept
