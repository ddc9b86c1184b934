"""A separate process that saves highlights and says which saves have returned.

Used by `test_annotation_store.py`, which runs it with a real interpreter and either
kills it with SIGKILL at a random moment or lets it finish, then checks the journals.

Each change is announced twice on stdout, flushed at once: in lower case just before
the store is called (the change may or may not land), in upper case once the call has
returned (the change must be on disk)::

    s <highlight id> <version>    S <highlight id> <version>    saving
    d <highlight id>              D <highlight id>              deleting
                                  C <highlight id>              not saved (span taken)

Run: ``python crash_writer.py HOME --seed N [--count N] [--documents a,b]
[--start-file PATH] [--compact-slack N] [--command-line]``. Without ``--count`` it runs
until killed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from annotations.model import Highlight, new_highlight  # noqa: E402
from annotations.store import AnnotationStore  # noqa: E402

TEXT = (
    "Rain drummed on the tin roof of the station while the night train waited. "
    "A conductor walked the platform twice, checking doors that were already shut. "
    "Somewhere a radio played an old song about leaving, and nobody turned it off. "
) * 4


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def make(rng: random.Random, document_id: str, version: int) -> Highlight:
    start = rng.randrange(len(TEXT) - 40)
    end = start + rng.randint(5, 40)
    # Now and then a long note, so that one line spans several pages of the file.
    note = f"v{version}" + ("x" * rng.choice((0, 0, 0, 9000)))
    return new_highlight(document_id, TEXT, start, end, note=note)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=0, help="saves to make; 0: until killed")
    parser.add_argument("--documents", default="doc-a,doc-b")
    parser.add_argument("--start-file", type=Path, default=None)
    parser.add_argument("--compact-slack", type=int, default=4)
    parser.add_argument("--only-saves", action="store_true")
    parser.add_argument(
        "--command-line",
        action="store_true",
        help="only new highlights, each saved as `newsreader highlight` saves one: a fresh "
        "store, the span checked first (C <id>: not saved, the span was taken)",
    )
    args = parser.parse_args()
    if args.command_line:
        command_line_saves(args)
        return

    rng = random.Random(args.seed)
    documents = args.documents.split(",")
    store = AnnotationStore(args.home, compact_slack=args.compact_slack)
    say("ready")
    if args.start_file is not None:
        while not args.start_file.exists():
            time.sleep(0.001)
    live: dict[str, Highlight] = {}
    saves = 0
    while not args.count or saves < args.count:
        roll = rng.random()
        if args.only_saves or roll < 0.55 or not live:
            highlight = make(rng, rng.choice(documents), 1)
            say(f"s {highlight.id} 1")
            store.save(highlight)
            say(f"S {highlight.id} 1")
            live[highlight.id] = highlight
            saves += 1
        elif roll < 0.70:
            batch = [make(rng, rng.choice(documents), 1) for _ in range(rng.randint(2, 5))]
            for highlight in batch:
                say(f"s {highlight.id} 1")
            store.save_many(batch)
            for highlight in batch:
                say(f"S {highlight.id} 1")
                live[highlight.id] = highlight
        elif roll < 0.85:
            old = live[rng.choice(sorted(live))]
            version = int(old.note[1:].rstrip("x")) + 1
            changed = replace(old, note=f"v{version}")
            say(f"s {changed.id} {version}")
            store.save(changed)
            say(f"S {changed.id} {version}")
            live[changed.id] = changed
        else:
            old = live.pop(rng.choice(sorted(live)))
            say(f"d {old.id}")
            store.delete(old.document_id, old.id)
            say(f"D {old.id}")
    say("done")


def command_line_saves(args: argparse.Namespace) -> None:
    """New highlights, each through a store of its own, as separate commands make them."""
    rng = random.Random(args.seed)
    documents = args.documents.split(",")
    say("ready")
    saves = 0
    while not args.count or saves < args.count:
        highlight = make(rng, rng.choice(documents), 1)
        say(f"s {highlight.id} 1")
        fresh = AnnotationStore(args.home, compact_slack=args.compact_slack)
        if fresh.save_unless_covered(highlight) is None:
            say(f"S {highlight.id} 1")
            saves += 1
        else:
            say(f"C {highlight.id}")
    say("done")


if __name__ == "__main__":
    main()
