"""What the first screen waits for: the code of what is shown only after a key (the
palette, dialogs, the contents and links pickers, the highlights panel) or after the
first frame (the notes folder's mirror) is not imported before the first frame is drawn.

Checked in a fresh interpreter: this one has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from library.catalog import Catalog

REPO = Path(__file__).resolve().parents[2]

RUN_TO_FIRST_FRAME = """
import asyncio, json, sys
from pathlib import Path

from library.catalog import Catalog
from reader.app import make_app
from service.workspace import Workspace

home, open_id = Path(sys.argv[1]), sys.argv[2] or None
loaded: list[str] = []


async def main() -> None:
    def drawn() -> None:
        loaded.extend(sorted(sys.modules))

    workspace = Workspace(Catalog.open(home))
    app = make_app(workspace, open_id=open_id, after_first_frame=drawn)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()


asyncio.run(main())
print(json.dumps(loaded))
"""

LATER_EVERYWHERE = (
    "reader.palette",
    "annotations.mirror_settings",
    "annotations.links",
    "reader.screens.dialogs",
    "textual.widgets._text_area",
    "annotations.record_json",  # the command line's `notes --json`
    "annotations.journal_rows",
    "annotations.journal_spans",  # the command line's quick save
    "annotations.kept_journals",  # removing and restoring documents
    "library.textfile",  # reading a file to add, or to rebuild a structure
)
LATER_IN_THE_READER = (
    "reader.screens.contents",
    "reader.screens.links",
    "reader.widgets.highlights_panel",
    "library.contents",
    "library.links",
    "annotations.counts_cache",  # the library's counts
)


def loaded_at_first_frame(home: Path, open_id: str = "") -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", RUN_TO_FIRST_FRAME, str(home), open_id],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "reader.screens.reader" in loaded or "reader.screens.library" in loaded
    return loaded


def test_the_reader_started_on_a_document_draws_before_its_later_parts_are_imported(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    loaded = loaded_at_first_frame(catalog.home, doc_id)
    assert "reader.screens.reader" in loaded
    assert loaded.isdisjoint(LATER_EVERYWHERE + LATER_IN_THE_READER), sorted(
        loaded.intersection(LATER_EVERYWHERE + LATER_IN_THE_READER)
    )


def test_the_library_draws_before_the_palette_and_the_mirror_are_imported(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, _ = ferry
    loaded = loaded_at_first_frame(catalog.home)
    assert "reader.screens.library" in loaded
    assert loaded.isdisjoint(LATER_EVERYWHERE), sorted(loaded.intersection(LATER_EVERYWHERE))
