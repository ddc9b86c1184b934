"""The store with many highlights: the sorted highlights kept across saves, a record read
the quick way means what it means read the long way, and an import's batch saved whole."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.journal import LINE_RECORDS, by_position
from annotations.model import Highlight, edited, from_record, new_highlight, to_record
from annotations.store import AnnotationStore

TEXT = "The lighthouse keeper logged every ship that passed. " * 40
LATER = datetime(2031, 1, 1, tzinfo=UTC)


def _some(count: int, seed: int) -> list[Highlight]:
    rng = random.Random(seed)
    spans = [(start, start + rng.randint(1, 30)) for start in rng.sample(range(1500), count)]
    return [new_highlight("doc1", TEXT, start, end) for start, end in spans]


def test_the_sorted_highlights_stay_right_across_saves_and_deletes(tmp_path: Path) -> None:
    store = AnnotationStore(tmp_path / "lib")
    store.save_many(_some(300, seed=1))
    rng = random.Random(2)
    for step, fresh in enumerate(_some(200, seed=3)):
        stored = store.for_document("doc1")  # sorted, and kept sorted from here on
        assert list(stored) == sorted(stored, key=by_position)
        if step % 3 == 0:
            store.delete("doc1", rng.choice(stored).id)
        elif step % 3 == 1:
            moved = rng.choice(stored)
            store.save(replace(moved, start=max(0, moved.start - 7)))
        else:
            store.save(fresh)
    stored = store.for_document("doc1")
    assert list(stored) == sorted(stored, key=by_position)
    assert stored == AnnotationStore(tmp_path / "lib").for_document("doc1")


FIELD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.lists(st.text(max_size=4), max_size=3),
    st.sampled_from(["yellow", "green", "fuzzy", "orphaned", "exact", " a  b ", "a\nb"]),
)


@settings(max_examples=300, deadline=None)
@given(changes=st.dictionaries(st.sampled_from(list(to_record(_some(1, 0)[0]))), FIELD_VALUES))
def test_a_record_means_the_same_read_the_quick_way_or_the_long_way(
    changes: dict[str, Any],
) -> None:
    record = {**to_record(_some(1, 0)[0]), **changes}

    def read(given: Any) -> Highlight | str:
        try:
            return from_record(given)
        except ValueError as err:
            return str(err)

    # A dict with every field takes the quick way; the same record as another kind of
    # mapping always takes the long one.
    assert read(dict(record)) == read(MappingProxyType(record))


def test_an_import_batch_is_saved_with_one_append_in_lines_of_at_most_a_thousand(
    tmp_path: Path,
) -> None:
    store = AnnotationStore(tmp_path / "lib")
    first = _some(1200, seed=5)
    added, updated, unchanged = store.save_newer(first, lambda new, old: new.updated > old.updated)
    assert (len(added), updated, unchanged) == (1200, [], [])
    journal = store.journal_path("doc1")
    lines = journal.read_bytes().splitlines()
    assert [len(json.loads(line).get("put", [])) for line in lines] == [0, LINE_RECORDS, 200]
    newer = edited(first[0], note="newer", now=LATER)
    again = store.save_newer(
        [newer, first[1], replace(first[2], note="older", updated="2000-01-01T00:00:00.000Z")],
        lambda new, old: new.updated > old.updated,
    )
    assert again == ([], [newer], [first[1], first[2]])
    assert store.get("doc1", first[0].id) == newer
