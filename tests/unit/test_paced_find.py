"""`paced_find` finds what `str.find` finds, and a search hands the GIL over while it
scans a long text for a query it does not hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from library import paced_find as paced_module
from library import search_index
from library.paced_find import paced_find
from library.search_index import SearchIndex


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="abc ", max_size=60),
    st.text(alphabet="abc", max_size=4),
    st.integers(0, 70),
    st.integers(1, 7),
)
def test_paced_find_finds_what_find_finds(text: str, sub: str, start: int, stretch: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paced_module, "STRETCH", stretch)
        assert paced_find(text, sub, start, lambda: None) == text.find(sub, start)


class _CountingPacer:
    calls = 0

    def __call__(self) -> None:
        _CountingPacer.calls += 1


def test_a_query_absent_from_a_long_text_is_scanned_a_stretch_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search_index, "Pacer", _CountingPacer)
    monkeypatch.setattr(paced_module, "STRETCH", 10_000)
    index = SearchIndex("the harbour and the ferry " * 40_000)  # about a megabyte
    _CountingPacer.calls = 0
    assert index.find("qz", 10) == ()  # two letters: the exact stage alone
    assert _CountingPacer.calls >= len(index.normalized.text) // 10_000 - 1
