"""`str.find` over a long text, a stretch at a time, handing the GIL over in between.

A search runs in a worker thread while the UI thread draws. `str.find` holds the GIL for
its whole scan: a query absent from a 3 MB book holds it some 3 ms, from a 100 MB text a
tenth of a second, and the UI waits that long. Scanning a stretch of `STRETCH`
characters at a time, with the pacer called between stretches, keeps each wait short;
what is found is exactly what one `str.find` finds.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from collections.abc import Callable

STRETCH = 1 << 18
"""Characters scanned per `str.find` call (a fraction of a millisecond)."""


def paced_find(text: str, sub: str, start: int, pace: Callable[[], None]) -> int:
    """`text.find(sub, start)` (`start` at least 0), calling `pace` between stretches of
    the scan."""
    if not sub:
        return text.find(sub, start)
    start = max(start, 0)
    reach = len(sub) - 1  # an occurrence may begin in one stretch and end in the next
    while start < len(text):
        found = text.find(sub, start, start + STRETCH + reach)
        if found != -1:
            return found
        start += STRETCH
        if start < len(text):
            pace()
    return -1
