"""A helper process for tests/safety/test_many_highlights.py: the app, its highlights slow.

Usage::

    slow_highlights.py [--app-answers-no-signals] --library HOME ID

Runs ``newsreader --library HOME ID`` with every read of a document's highlights held up
for an hour, as a read of millions of them would be: what the app does meanwhile (show
the text, end at SIGTERM, save the reading place, restore the terminal) is what is tested.

With ``--app-answers-no-signals`` the app's own answer to SIGTERM (set up once it is
mounted) is never set up: the moment between the terminal being taken over and the app
being mounted, stretched for as long as the test needs.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from annotations.model import Highlight  # noqa: E402
from annotations.store import AnnotationStore  # noqa: E402
from reader.cli import main  # noqa: E402

_real_for_document = AnnotationStore.for_document


def _slow_for_document(store: AnnotationStore, document_id: str) -> tuple[Highlight, ...]:
    time.sleep(3600)
    return _real_for_document(store, document_id)


def _refuse(*_: object) -> None:
    raise NotImplementedError  # what the app meets where signals cannot be handled


if __name__ == "__main__":
    AnnotationStore.for_document = _slow_for_document  # type: ignore[method-assign,assignment]
    arguments = sys.argv[1:]
    if arguments[:1] == ["--app-answers-no-signals"]:
        arguments = arguments[1:]
        asyncio.SelectorEventLoop.add_signal_handler = _refuse  # type: ignore[method-assign,assignment]
    sys.exit(main(arguments))
