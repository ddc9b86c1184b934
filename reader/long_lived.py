"""Keeping what the app holds for long out of the garbage collector's way: what start-up
made, and a large library's listing.

Starting Textual makes a few hundred thousand objects that live as long as the app; a full
collection walks them all (~30 ms, measured), so the app freezes them once its first frame
is drawn (`keep_start_up_out_of_collections`), and no later collection, falling on a key or
a frame, walks them again.

The listing of 50,000 documents is some hundreds of thousands of objects (entries, rows,
the filter's index) that live as long as the library screen shows them. While they were
made, the collector walked them again and again: its oldest generation is collected when
a quarter more objects have survived since the last time, and at 50,000 documents each of
those collections took 50–100 ms of the one interpreter, falling on keys typed in the
filter, on frames, on the search across the library (measured with `gc.callbacks` in the
app: a full collection every ~0.4 s while the listing was made and the filter typed).

So the listing is made with the collector paused, then frozen (`gc.freeze`): later
collections never walk it. The objects of a listing refer to nothing that refers back
(entries, tuples, strings, numbers), so when a newer listing replaces it, reference
counting frees it, frozen or not. Frozen garbage that does refer back to itself is never
collected, though (a screen just closed, with its document): so the collector runs once
before, while what it walks is small (the last listing is frozen already), and what is
frozen after is what is alive plus the cyclic garbage other threads made in the moment
the listing took.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from library.collector import collector_paused


@contextmanager
def made_long_lived() -> Iterator[None]:
    """Collect what is garbage now, pause the collector while the block makes long-lived
    objects, then freeze every object there is (see the module docstring). The collector
    runs again after only if it ran before: the app starts with it paused until its first
    frame is drawn."""
    gc.collect()
    with collector_paused():
        try:
            yield
        finally:
            gc.freeze()


def keep_start_up_out_of_collections() -> None:
    """Freeze every object start-up made and let the collector run (again): called once
    the app's first frame is drawn (see the module docstring)."""
    gc.freeze()
    gc.enable()
