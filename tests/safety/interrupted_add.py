"""A helper process for tests/safety/test_leftovers.py: an add interrupted on purpose.

Usage (NEWSREADER_HOME names the library)::

    interrupted_add.py die-writing-text FOLDER N
        Add FOLDER, and kill this very process with SIGKILL while it writes the Nth
        document text: half of it is in its file (a new text is written straight under
        its name, since no record names it yet). Texts written before it stay behind,
        and no record names them.

    interrupted_add.py pause-before-commit FOLDER GO_FILE
        Add FOLDER, but once every text is written and before the catalog records them,
        print ``written`` and wait until GO_FILE exists; then finish and print ``added ID``
        for each document added.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import library.text_folder as text_folder_module  # noqa: E402
from library.catalog import Catalog  # noqa: E402
from library.home import resolve_home  # noqa: E402


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def die_writing_text(folder: Path, fatal: int) -> None:
    real_write = text_folder_module.TextFolder._write_new_text
    texts = 0

    def dying_write(self: Any, target: Path, text: str, entry: Any) -> None:
        nonlocal texts
        texts += 1
        if texts == fatal:
            # Half of it is in its file, under its final name, when the process dies.
            target.write_text(text[: len(text) // 2], encoding="utf-8")
            os.kill(os.getpid(), signal.SIGKILL)
        real_write(self, target, text, entry)

    catalog = Catalog.open(resolve_home(None))
    text_folder_module.TextFolder._write_new_text = dying_write  # type: ignore[method-assign]
    catalog.add([folder])
    say("survived")  # never printed: the process dies before


def pause_before_commit(folder: Path, go_file: Path) -> None:
    real_fsync_directory = vars(text_folder_module)["fsync_directory"]
    paused = False

    def pausing_fsync_directory(directory: Path) -> None:
        # The add makes its new texts durable with this call, just before it commits.
        nonlocal paused
        real_fsync_directory(directory)
        if not paused:
            paused = True
            say("written")
            while not go_file.exists():
                time.sleep(0.005)

    catalog = Catalog.open(resolve_home(None))
    vars(text_folder_module)["fsync_directory"] = pausing_fsync_directory
    result = catalog.add([folder])
    for entry in result.added:
        say(f"added {entry.id}")


def main() -> None:
    mode, folder, last = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    if mode == "die-writing-text":
        die_writing_text(folder, int(last))
    else:
        pause_before_commit(folder, Path(last))


if __name__ == "__main__":
    main()
