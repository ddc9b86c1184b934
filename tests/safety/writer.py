"""A separate process that writes to a library and says which writes were acknowledged.

The safety tests run it with a real interpreter, next to the app or another copy of it,
or kill it with SIGKILL at a random moment. Every line it prints is flushed at once, so
a line that was read was written before the kill. The library is ``$NEWSREADER_HOME``.

Modes::

    writer.py cli COMMANDS.json [--start-file PATH]
        Run `newsreader` (`reader.cli.main`, in this process) once per argv list in the
        JSON file; after each prints one JSON line: {"code", "out", "err"}.

    writer.py catalog-adds SOURCE --seed N
        Until killed: write one to three new articles into SOURCE and add them in one
        `Catalog.add`. Prints ``s NAME...`` before the call and ``A ID HASH`` for each
        document once the call has returned (the add is acknowledged).

    writer.py die-in-add FILE
        Add FILE, and kill this very process with SIGKILL just before the catalog file
        is replaced: a crash at the worst moment, on purpose.

    writer.py app-saves DOC_ID QUOTES.json [--start-file PATH] [--pause SECONDS]
        Do what the app does with an open document: open DOC_ID once, then highlight
        each quote of the JSON list in the text as opened, through the same
        `DocumentAnnotations` the reader uses, and give every other one a note, pausing
        between quotes as a reader would. After each prints one JSON line: {"id",
        "note"} once saved, or {"error"}.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import signal
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from library.catalog import Catalog  # noqa: E402
from library.home import resolve_home  # noqa: E402

WORDS = (
    "harbour",
    "ferry",
    "gull",
    "breakwater",
    "tide",
    "lantern",
    "orchard",
    "ledger",
    "quay",
    "rain",
    "storm",
    "keeper",
    "island",
    "letter",
    "market",
    "bridge",
    "winter",
    "summer",
    "river",
    "signal",
    "engine",
    "station",
)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def run_commands(commands_file: Path, start_file: Path | None) -> None:
    from reader.cli import main

    commands: list[list[str]] = json.loads(commands_file.read_text("utf-8"))
    say("ready")
    if start_file is not None:
        while not start_file.exists():
            time.sleep(0.002)
    for argv in commands:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        say(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue()}))
    say("done")


def app_saves(doc_id: str, quotes_file: Path, start_file: Path | None, pause: float) -> None:
    from library.safe_files import StoreError
    from service.workspace import Workspace

    quotes: list[str] = json.loads(quotes_file.read_text("utf-8"))
    workspace = Workspace.open(resolve_home(None))
    document = workspace.catalog.load(doc_id)
    annotations = workspace.open_annotations(document).annotations
    say("ready")
    if start_file is not None:
        while not start_file.exists():
            time.sleep(0.002)
    for number, quote in enumerate(quotes):
        time.sleep(pause)
        start = document.text.index(quote)
        note = f"note {number}" if number % 2 else ""
        try:
            highlight = annotations.create(start, start + len(quote))
            if note:
                annotations.set_note(highlight, note)
        except StoreError as err:
            say(json.dumps({"error": str(err)}))
            continue
        say(json.dumps({"id": highlight.id, "note": note}))
    say("done")


def article(rng: random.Random, name: str) -> str:
    sentences = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."
        for _ in range(rng.randint(2, 8))
    ]
    return f"Article {name} of the crash test.\n\n" + " ".join(sentences) + "\n"


def catalog_adds(source: Path, seed: int) -> None:
    rng = random.Random(seed)
    catalog = Catalog.open(resolve_home(None))
    source.mkdir(parents=True, exist_ok=True)
    say("ready")
    number = 0
    while True:
        paths = []
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            number += 1
            path = source / f"w{seed}-{number}.txt"
            path.write_text(article(rng, f"{seed}-{number}"), "utf-8")
            paths.append(path)
        say("s " + " ".join(p.name for p in paths))
        result = catalog.add(paths)
        for entry in result.added:
            say(f"A {entry.id} {entry.content_hash}")


def die_in_add(file: Path) -> None:
    import library.storage as storage
    from library.safe_files import atomic_write_bytes as real_write

    def dying_write(path: Path, data: bytes, **options: Any) -> None:
        if Path(path).parent.name == "catalog":  # a shard of the catalog
            os.kill(os.getpid(), signal.SIGKILL)
        real_write(path, data, **options)

    vars(storage)["atomic_write_bytes"] = dying_write  # the name the catalog's store calls
    Catalog.open(resolve_home(None)).add([file])
    say("survived")  # never printed: the process dies before


def main() -> None:
    parser = argparse.ArgumentParser()
    modes = parser.add_subparsers(dest="mode", required=True)
    cli = modes.add_parser("cli")
    cli.add_argument("commands", type=Path)
    cli.add_argument("--start-file", type=Path, default=None)
    adds = modes.add_parser("catalog-adds")
    adds.add_argument("source", type=Path)
    adds.add_argument("--seed", type=int, default=0)
    dying = modes.add_parser("die-in-add")
    dying.add_argument("file", type=Path)
    app = modes.add_parser("app-saves")
    app.add_argument("doc_id")
    app.add_argument("quotes", type=Path)
    app.add_argument("--start-file", type=Path, default=None)
    app.add_argument("--pause", type=float, default=0.0)
    args = parser.parse_args()
    if args.mode == "cli":
        run_commands(args.commands, args.start_file)
    elif args.mode == "catalog-adds":
        catalog_adds(args.source, args.seed)
    elif args.mode == "app-saves":
        app_saves(args.doc_id, args.quotes, args.start_file, args.pause)
    else:
        die_in_add(args.file)


if __name__ == "__main__":
    main()
