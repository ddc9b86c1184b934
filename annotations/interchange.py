"""Notes in and out as JSON: newsreader's own format and W3C Web Annotations.

The code lives in one module per job; the names stay importable from here for callers
written before the split:

- `annotations.notes_json`: newsreader's own JSON export (everything, lossless);
- `annotations.notes_w3c`: W3C Web Annotations, written and read back;
- `annotations.notes_import`: `import_notes`, which reads either and places each highlight.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

from annotations.notes_import import ImportResult, SkippedHighlight, import_notes
from annotations.notes_json import FORMAT, VERSION, export_json
from annotations.notes_w3c import (
    DOCUMENT_URN,
    EXTENSION,
    HIGHLIGHT_URN,
    W3C_CONTEXT,
    annotation_id,
    export_w3c,
    highlight_id_of,
    w3c_annotation,
)

__all__ = [
    "DOCUMENT_URN",
    "EXTENSION",
    "FORMAT",
    "HIGHLIGHT_URN",
    "VERSION",
    "W3C_CONTEXT",
    "ImportResult",
    "SkippedHighlight",
    "annotation_id",
    "export_json",
    "export_w3c",
    "highlight_id_of",
    "import_notes",
    "w3c_annotation",
]
