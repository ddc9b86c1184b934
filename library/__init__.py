"""Documents: reading files, parsing them into `Document`s, the catalog and its store.

Pure Python: nothing here imports Textual or Rich.
"""
