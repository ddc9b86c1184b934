"""The command line, timed as a person waits for it: wall time of the whole process."""

from __future__ import annotations

import time

from bench.figures import Figure, at_most
from bench.workspace import Workspace

LIST_TARGET_MS = 300.0
ADD_TARGET_S = 10.0


def list_and_add(workspace: Workspace, list_runs: int, add_runs: int) -> list[Figure]:
    """`newsreader list` over 1,000 documents, and `newsreader add` of 1,000 articles."""
    library = workspace.library_1000
    listed: list[float] = []
    for _ in range(list_runs):
        began = time.perf_counter()
        workspace.newsreader("list", home=library)
        listed.append((time.perf_counter() - began) * 1000)
    added: list[float] = []
    for run in range(add_runs):
        home = workspace.new_home(f"add-{run}")
        began = time.perf_counter()
        workspace.newsreader("add", str(workspace.generated.folder), home=home)
        added.append(time.perf_counter() - began)
    return [
        at_most(
            "cli.list",
            "`newsreader list` over 1,000 documents, wall",
            "ms",
            listed,
            LIST_TARGET_MS,
        ),
        at_most(
            "cli.add",
            "`newsreader add` of 1,000 articles into an empty library, wall",
            "s",
            added,
            ADD_TARGET_S,
        ),
    ]
