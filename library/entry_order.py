"""The orders the library is listed in, and where new documents go in a list already in
one of them.

A refresh adds documents feed after feed while the library is on screen. Listing the
whole catalog again for each feed reads every shard in a thread that takes turns with the
UI thread for the interpreter lock; placing the few new documents into the list already
shown costs a binary search each. Both must agree on the order, so both are here: the
listing sorts with a few stable passes of C-level comparisons (fast for 50,000 entries),
and a new entry finds its place by comparing the same keys, in the same precedence, one
entry at a time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, get_args

from library.entries import Entry

SortKey = Literal["added", "title", "date", "source", "length", "progress"]
"""An order the library can be listed in."""

SORT_KEYS: tuple[SortKey, ...] = get_args(SortKey)
"""The orders `sort_entries` knows, in the order the library's `s` key cycles them:
``added`` newest first, ``title`` A to Z, ``date`` newest first (undated last),
``source`` A to Z (unknown last), ``length`` shortest first, ``progress`` most read first.
Ties keep the ``added`` order."""

ProgressOf = Callable[[Entry], float]
"""How far a document was read (0.0 when never opened), for the ``progress`` order."""


def _added_key(entry: Entry) -> str:
    return entry.added


# Keys are strings where a pair would do: 50,000 strings sort in half the time pairs take,
# and a sort holds the interpreter lock from its first comparison to its last. A leading
# "\x00" puts the known before the unknown ("\x01").


def _path_key(entry: Entry) -> str:
    path = entry.path
    return "\x01" if path is None else "\x00" + path


def _title_key(entry: Entry) -> str:
    return entry.title.casefold()


def _date_key(entry: Entry) -> str:
    return entry.date or ""  # "" sorts undated last, newest first


def _source_key(entry: Entry) -> str:
    source = entry.source
    return "\x01" if source is None else "\x00" + source.casefold()


def _length_key(entry: Entry) -> int:
    return entry.words


def _primary(sort: SortKey, progress_of: ProgressOf) -> tuple[Callable[[Entry], object], bool]:
    """The key `sort` orders by before the added order, and whether it runs high to low."""
    if sort == "title":
        return _title_key, False
    if sort == "date":
        return _date_key, True
    if sort == "source":
        return _source_key, False
    if sort == "length":
        return _length_key, False
    if sort == "progress":
        return progress_of, True
    return _added_key, True  # "added": its own tie-breaker comes next, harmlessly


def _never_read(_entry: Entry) -> float:
    return 0.0


def sort_entries(
    entries: Iterable[Entry], sort: SortKey, progress_of: ProgressOf = _never_read
) -> tuple[Entry, ...]:
    """`entries` in the order `sort` names (see `SORT_KEYS`).

    Newest added first underneath every order; the documents of one add (which share its
    time) in the order their files were taken, which is their paths' order.
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"Unknown sort order {sort!r}; use one of {', '.join(SORT_KEYS)}.")
    ordered = sorted(entries, key=_path_key)
    ordered.sort(key=_added_key, reverse=True)
    if sort != "added":
        key, high_first = _primary(sort, progress_of)
        ordered.sort(key=key, reverse=high_first)  # type: ignore[arg-type]
    return tuple(ordered)


class _Place:
    """An entry's place in an order, comparable with another's: the keys of
    `sort_entries`, in its precedence and directions."""

    __slots__ = ("_added", "_high_first", "_path", "_primary")

    def __init__(self, entry: Entry, key: Callable[[Entry], object], high_first: bool) -> None:
        self._primary: Any = key(entry)  # a str, an int, a float or a tuple: comparable
        self._high_first = high_first
        self._added = entry.added
        self._path = _path_key(entry)

    def __lt__(self, other: _Place) -> bool:
        if self._primary != other._primary:
            if self._high_first:
                return bool(self._primary > other._primary)
            return bool(self._primary < other._primary)
        if self._added != other._added:
            return self._added > other._added
        return self._path < other._path


def with_new(
    listed: Sequence[Entry],
    new: Iterable[Entry],
    sort: SortKey,
    progress_of: ProgressOf = _never_read,
) -> tuple[Entry, ...]:
    """`listed` (in the order `sort`, as `sort_entries` makes it) with the entries `new`
    put in their places; an entry whose id is listed already takes its old one's place
    out. Each new entry costs a binary search, not a sort of the whole list."""
    incoming = {entry.id: entry for entry in new}
    if not incoming:
        return tuple(listed)
    rows = [entry for entry in listed if entry.id not in incoming]
    key, high_first = _primary(sort, progress_of)

    def place(entry: Entry) -> _Place:
        return _Place(entry, key, high_first)

    for entry in sort_entries(incoming.values(), sort, progress_of):
        rows.insert(bisect_right(rows, place(entry), key=place), entry)
    return tuple(rows)
