"""The name of a library's search index file (`library.text_index`), apart from the index:
an add or a remove asks whether the library has one before anything else, and importing
the index (SQLite, the text normalisation) for that question took ~30 ms of every add.

Pure standard library: nothing at all.
"""

from __future__ import annotations

INDEX_FILE = "search.sqlite"
"""The index's file in the library home (with `-wal` and `-shm` beside it while in use)."""
