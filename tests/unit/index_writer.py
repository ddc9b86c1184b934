"""A separate process that adds and changes documents in a library whose search index exists.

Used by `test_text_index.py`, which kills it with SIGKILL at a random moment, or searches
while it runs. Every add goes through `Workspace.add`, so the index is written after each
one (as `newsreader add` does). Each round is announced on stdout, flushed at once: ``a N``
just before the add, ``A N`` once it returned.

Run: ``python index_writer.py HOME --rounds N --prefix P [--start-file PATH]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from service.workspace import Workspace  # noqa: E402

BATCH = 6
"""Files per add: the index is written in one transaction per add."""


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def article(prefix: str, number: int, version: int) -> str:
    """A text whose one rare word names it: `{prefix}mark{number}v{version}`."""
    body = "The ferry left the harbour at dawn while the gulls circled overhead. " * 40
    return f"Report {number}\n\n{prefix}mark{number}v{version} {body}\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--prefix", default="w")
    parser.add_argument("--start-file", type=Path, default=None)
    args = parser.parse_args()
    folder = args.home.parent / f"sources-{args.prefix}"
    folder.mkdir(parents=True, exist_ok=True)
    workspace = Workspace.open(args.home)
    say("ready")
    while args.start_file is not None and not args.start_file.exists():
        time.sleep(0.005)
    for number in range(args.rounds):
        paths = []
        for slot in range(BATCH):
            # Every other round rewrites the files of the round before: updates, not adds.
            item = number * BATCH + slot if number % 2 == 0 else (number - 1) * BATCH + slot
            path = folder / f"{args.prefix}-{item}.txt"
            path.write_text(article(args.prefix, item, number), encoding="utf-8")
            paths.append(path)
        say(f"a {number}")
        workspace.add(paths)
        say(f"A {number}")


if __name__ == "__main__":
    main()
