"""The two kinds of store notices every screen gives, worded and styled once."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widget import Widget

from service.workspace import Workspace

Notifier = App[Any] | Widget
"""Anything that can show a notification: the app or any screen or widget."""


def report_not_saved(node: Notifier, err: Exception) -> None:
    """Say, in one sentence, why something could not be saved; the app goes on."""
    node.notify(str(err), title="Not saved", severity="error", markup=False, timeout=12)


def tell_store_warnings(node: Notifier, workspace: Workspace) -> None:
    """Tell the user, once each, what the stores found wrong (say, a damaged file kept
    aside). Stores find some of this only when a file is first read, so screens call this
    after reading."""
    for warning in workspace.unseen_warnings():
        node.notify(warning, title="Store", severity="warning", markup=False, timeout=15)
