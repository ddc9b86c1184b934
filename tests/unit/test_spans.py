"""`Spans`: document spans held as two arrays, behaving as a sequence of tuples."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from library.document import Spans

PAIRS = ((0, 4), (5, 9), (11, 20))


def test_behaves_as_the_tuples_it_holds() -> None:
    spans = Spans.of(PAIRS)
    assert len(spans) == 3
    assert spans[1] == (5, 9)
    assert spans[-1] == (11, 20)
    assert list(spans) == list(PAIRS)
    assert spans == PAIRS
    assert spans == list(PAIRS)
    assert spans != PAIRS[:2]
    assert (5, 9) in spans
    assert spans.index((11, 20)) == 2
    assert bool(Spans.of(())) is False


def test_slices_are_spans_and_starts_are_arrays() -> None:
    spans = Spans.of(PAIRS)
    tail = spans[1:]
    assert isinstance(tail, Spans)
    assert tail == PAIRS[1:]
    assert spans.starts == array("q", [0, 5, 11])
    assert spans.ends == array("q", [4, 9, 20])


def test_equal_spans_hash_alike_and_of_is_idempotent() -> None:
    first, second = Spans.of(PAIRS), Spans.of(list(PAIRS))
    assert first == second
    assert hash(first) == hash(second)
    assert Spans.of(first) is first
    assert first.__eq__("not spans") is NotImplemented


def test_arrays_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        Spans(array("q", [1, 2]), array("q", [3]))


def test_repr_is_short() -> None:
    text = repr(Spans.of([(i, i + 1) for i in range(1000)]))
    assert text.startswith("Spans([(0, 1), (1, 2), (2, 3), …]")
    assert "count=1000" in text


@given(st.lists(st.tuples(st.integers(0, 2**40), st.integers(0, 2**40)), max_size=50))
def test_any_pairs_round_trip(pairs: list[tuple[int, int]]) -> None:
    spans = Spans.of(pairs)
    assert tuple(spans) == tuple(pairs)
    assert spans == pairs
    assert spans[::2] == pairs[::2]
