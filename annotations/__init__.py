"""Highlights and notes: the model, anchoring, the store, export and import.

Pure Python: nothing here imports Textual or Rich.
"""
