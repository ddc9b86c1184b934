"""A helper process for tests/safety/test_many_highlights.py: the app, its highlights slow.

Usage::

    slow_highlights.py --library HOME ID

Runs ``newsreader --library HOME ID`` with every read of a document's highlights held up
for an hour, as a read of millions of them would be: what the app does meanwhile (show
the text, end at SIGTERM, save the reading place, restore the terminal) is what is tested.
"""

from __future__ import annotations

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


if __name__ == "__main__":
    AnnotationStore.for_document = _slow_for_document  # type: ignore[method-assign,assignment]
    sys.exit(main(sys.argv[1:]))
