"""Pure fuzzy search figures, from `bench.search_bench` (reused as it is)."""

from __future__ import annotations

from bench import search_bench
from bench.figures import Figure, at_most, information
from bench.workspace import BOOK


def search(runs: int) -> list[Figure]:
    """The slowest query's median, the index build, and the UI thread's longest stall."""
    found = search_bench.run(BOOK, runs)
    queries = found["queries"]
    slowest = max(queries, key=lambda row: row["ms"])
    stalled = max(queries, key=lambda row: row["stall_ms"])
    return [
        at_most(
            "search.query",
            f"pure search, top 10 with offsets, slowest of {len(queries)} queries "
            "(3 MB book, index built)",
            "ms",
            (slowest["ms"],),
            search_bench.QUERY_TARGET_MS,
            note=f"slowest: {slowest['label']} {slowest['query']!r}; "
            f"median of {runs} runs per query",
        ),
        information(
            "search.build",
            "search index build (3 MB book), once per document per session",
            "ms",
            (found["build_ms"],),
            f"search_bench's own budget ≤ {search_bench.BUILD_TARGET_MS:g} ms",
        ),
        at_most(
            "search.stall",
            "longest main-thread stall while a search runs in a thread",
            "ms",
            (stalled["stall_ms"],),
            search_bench.STALL_TARGET_MS,
            note=f"scheduling noise here (a thread holding no GIL): "
            f"{found['stall_noise_ms']:.1f} ms; worst: {stalled['label']}",
        ),
    ]
