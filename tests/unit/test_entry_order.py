"""New documents put into a list already sorted land where a sort of everything puts them."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from library.entries import Entry
from library.entry_order import SORT_KEYS, SortKey, sort_entries, with_new


def _entry(
    n: int,
    *,
    title: str = "t",
    source: str | None = None,
    date: str | None = None,
    words: int = 100,
    path: str | None = None,
    added: str = "2024-01-01T00:00:00Z",
) -> Entry:
    return Entry(
        id=f"{n:012x}",
        title=title,
        source=source,
        date=date,
        caption=None,
        words=words,
        reading_minutes=1,
        path=path,
        added=added,
        content_hash="h",
        updated=added,
    )


_entries = st.builds(
    _entry,
    st.integers(0, 10**9),
    title=st.sampled_from(["Apple", "apple", "Banana", "cherry", "Éclair", ""]),
    source=st.sampled_from([None, "Harbour News", "harbour news", "Zed"]),
    date=st.sampled_from([None, "2024-01-02", "2023-05-06", "2024-01-02T10:00"]),
    words=st.integers(0, 5),
    path=st.one_of(st.none(), st.sampled_from(["/a.txt", "/b.txt", "/c/d.txt"])),
    added=st.sampled_from(["2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00Z"]),
)


def _places(entries: tuple[Entry, ...], sort: SortKey, progress: dict[str, float]) -> list[object]:
    """What decides each row's place (rows equal in all of it may come in any order)."""
    keys: dict[str, Callable[[Entry], object]] = {
        "added": lambda e: None,
        "title": lambda e: e.title.casefold(),
        "date": lambda e: e.date or "",
        "source": lambda e: (e.source is None, (e.source or "").casefold()),
        "length": lambda e: e.words,
        "progress": lambda e: progress.get(e.id, 0.0),
    }
    key = keys[sort]
    return [(key(e), e.added, e.path is None, e.path or "") for e in entries]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_entries, max_size=30, unique_by=lambda e: e.id),
    st.lists(_entries, max_size=8, unique_by=lambda e: e.id),
    st.sampled_from(SORT_KEYS),
    st.dictionaries(st.sampled_from([f"{n:012x}" for n in range(5)]), st.floats(0, 1)),
)
def test_new_entries_land_where_a_whole_sort_puts_them(
    old: list[Entry], new: list[Entry], sort: SortKey, progress: dict[str, float]
) -> None:
    new_ids = {entry.id for entry in new}
    old = [entry for entry in old if entry.id not in new_ids]

    def progress_of(entry: Entry) -> float:
        return progress.get(entry.id, 0.0)

    listed = sort_entries(old, sort, progress_of)
    merged = with_new(listed, new, sort, progress_of)
    whole = sort_entries([*old, *new], sort, progress_of)
    assert sorted(e.id for e in merged) == sorted(e.id for e in whole)
    assert _places(merged, sort, progress) == _places(whole, sort, progress)


def test_a_new_entry_with_a_listed_id_replaces_the_old_one() -> None:
    old = _entry(1, title="Old title", added="2024-01-01T00:00:00Z")
    other = _entry(2, title="Other", added="2024-02-01T00:00:00Z")
    newer = _entry(1, title="New title", added="2024-03-01T00:00:00Z")
    merged = with_new(sort_entries([old, other], "added"), [newer], "added")
    assert merged == (newer, other)


def test_the_added_order_puts_the_newest_first_and_one_adds_files_by_path() -> None:
    first = _entry(1, path="/b.txt", added="2024-01-01T00:00:00Z")
    second = _entry(2, path="/a.txt", added="2024-01-01T00:00:00Z")
    newest = _entry(3, path=None, added="2024-05-01T00:00:00Z")
    listed = sort_entries([first, second], "added")
    assert listed == (second, first)
    assert with_new(listed, [newest], "added") == (newest, second, first)


def test_an_unknown_order_is_refused_in_one_sentence() -> None:
    try:
        sort_entries([], "colour")  # type: ignore[arg-type]
    except ValueError as err:
        assert "Unknown sort order 'colour'" in str(err)
    else:
        raise AssertionError("no error")
