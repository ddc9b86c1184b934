"""Where the library list's scroll bar puts its thumb, and where a press on it scrolls."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.layout.scroll_thumb import thumb_lines, top_for


def test_no_thumb_when_every_row_is_shown() -> None:
    assert thumb_lines(10, 20, 0, 20) == (0, 0)
    assert thumb_lines(20, 20, 0, 20) == (0, 0)
    assert thumb_lines(0, 20, 0, 20) == (0, 0)


def test_the_thumb_is_as_long_as_the_part_shown() -> None:
    assert thumb_lines(40, 20, 0, 20) == (0, 10)
    assert thumb_lines(40, 20, 20, 20) == (10, 20)
    assert thumb_lines(100_000, 20, 0, 20) == (0, 1)  # one line at least


@given(
    total=st.integers(1, 100_000),
    shown=st.integers(1, 200),
    height=st.integers(1, 200),
    data=st.data(),
)
def test_the_thumb_stays_in_the_bar_and_reaches_both_ends(
    total: int, shown: int, height: int, data: st.DataObject
) -> None:
    top = data.draw(st.integers(0, max(0, total - shown)))
    start, end = thumb_lines(total, shown, top, height)
    if total <= shown:
        assert (start, end) == (0, 0)
        return
    assert 0 <= start < end <= height
    assert thumb_lines(total, shown, 0, height)[0] == 0
    assert thumb_lines(total, shown, total - shown, height)[1] == height
    later = data.draw(st.integers(top, total - shown))
    assert thumb_lines(total, shown, later, height)[0] >= start  # never moves back


@given(total=st.integers(2, 100_000), shown=st.integers(1, 200), height=st.integers(1, 200))
def test_a_press_scrolls_within_the_rows(total: int, shown: int, height: int) -> None:
    last = max(0, total - shown)
    tops = [top_for(line, total, shown, height) for line in range(-2, height + 2)]
    assert all(0 <= top <= last for top in tops)
    assert tops == sorted(tops)  # lower on the bar, further down the list
    if total > shown and height - thumb_lines(total, shown, 0, height)[1] > 0:
        assert tops[-1] == last and tops[0] == 0
