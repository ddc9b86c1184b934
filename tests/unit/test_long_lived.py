"""A large listing is made with the collector paused and then frozen out of its way, and
what was garbage before is collected, not frozen."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from reader.long_lived import made_long_lived


class _Node:
    def __init__(self) -> None:
        self.other: object = self


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    running = gc.isenabled()
    yield
    gc.unfreeze()
    if running:
        gc.enable()


def test_what_the_block_makes_is_frozen_and_the_collector_runs_again() -> None:
    gc.enable()
    made: list[object] = []
    with made_long_lived():
        assert not gc.isenabled()  # no collection walks the listing while it grows
        frozen_before = gc.get_freeze_count()
        made.extend([index] for index in range(1000))
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen_before + 1000


def test_garbage_from_before_is_collected_not_frozen() -> None:
    gc.enable()
    loop = _Node()
    gone = weakref.ref(loop)
    del loop  # cyclic garbage now: only the collector can free it
    with made_long_lived():
        pass
    assert gone() is None


def test_a_paused_collector_stays_paused() -> None:
    """The app starts with the collector paused until its first frame: a listing made
    meanwhile does not start it early."""
    gc.disable()
    with made_long_lived():
        pass
    assert not gc.isenabled()
