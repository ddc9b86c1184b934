"""Work split over a forked child, watched by the tests of the passes that split it."""

from __future__ import annotations

import pytest

from library import forked_work


def note_forks(patch: pytest.MonkeyPatch, *, may_fork: bool = True) -> list[bool]:
    """Let `ForkedWork` fork (or not) whatever the machine, and note, for each result
    asked for, whether a child did the work: the list returned fills as they are."""
    patch.setattr(forked_work, "may_fork", lambda: may_fork)
    forked: list[bool] = []
    original = forked_work.ForkedWork.result

    def noted(work: forked_work.ForkedWork[object]) -> object:
        forked.append(work.forked)
        return original(work)

    patch.setattr(forked_work.ForkedWork, "result", noted)
    return forked
