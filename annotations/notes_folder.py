"""Where the notes folder is (the setting `newsreader config export-folder` changes).

Apart from the rest of the settings (`annotations.mirror_settings`, which checks and
describes them) because every change to a highlight asks it, the command line's too: a
`newsreader highlight` only needs to know there is no notes folder to update, not how a
setting is checked.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from library.catalog import Catalog

EXPORT_FOLDER = "export-folder"
"""Where every highlight change is mirrored, one Markdown file per document (unset: no
mirror, and exports go to the library's ``exports/``)."""


def export_folder(catalog: Catalog) -> Path | None:
    """The notes folder, when one is set."""
    value = catalog.setting(EXPORT_FOLDER)
    return Path(value) if isinstance(value, str) and value else None
