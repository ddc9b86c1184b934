"""Where a list's scroll bar shows its thumb, in whole lines.

The library list draws its bar itself, in the column it keeps at its right edge, as part
of the lines it draws anyway: a bar drawn as a widget of its own was a second frame after
each change of the rows (some 2-3 ms of the UI thread for 35 lines), and showing or hiding
it laid the whole screen out. Pure, so its arithmetic is tested on its own.
"""

from __future__ import annotations


def thumb_lines(total: int, shown: int, top: int, height: int) -> tuple[int, int]:
    """The lines ``[start, end)`` of a bar `height` lines tall that the thumb covers, for
    `shown` rows of `total` from row `top` on; ``(0, 0)`` when every row is shown.

    The thumb is as long as the part shown (one line at least), and sits at the top when
    the first row is shown and at the bottom when the last one is.
    """
    if height <= 0 or shown <= 0 or total <= shown:
        return (0, 0)
    size = min(height, max(1, round(height * shown / total)))
    last_top = total - shown
    start = round((height - size) * min(max(top, 0), last_top) / last_top)
    return (start, start + size)


def top_for(line: int, total: int, shown: int, height: int) -> int:
    """The first row to show when the bar is pressed or dragged at `line` (of `height`):
    the thumb's middle goes there."""
    if height <= 0 or total <= shown:
        return 0
    size = thumb_lines(total, shown, 0, height)[1]
    room = height - size
    if room <= 0:
        return 0
    place = min(max(line - size // 2, 0), room)
    return round(place * (total - shown) / room)
