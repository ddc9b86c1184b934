"""The garbage collector paused while a block makes objects that live long.

Pure standard library.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection in the block; after it, the collector runs again if it ran
    before. Objects made to last (a command's modules and opened library, a document's
    highlights read whole) hold no garbage: collections while they are made would only
    walk them again and again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
