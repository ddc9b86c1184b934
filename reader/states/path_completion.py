"""Tab completion of a typed path, as a shell does it (no UI here).

`tab` completes the name being typed as far as the names that fit agree (their common
prefix), lists them when several are left, and ends a folder with `/`. What was typed is
kept as typed (`~/Doc` completes to `~/Documents/`, as bash keeps the `~`); only the
listing reads the folder `~` names. Hidden names are offered only once a `.` is typed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CANDIDATES_KEPT = 200
"""At most this many candidates are listed (a folder of thousands lists the first)."""


@dataclass(frozen=True, slots=True)
class Completion:
    """What `tab` made of a typed path."""

    text: str
    """The field's new text: the typed path, completed as far as it can be."""
    candidates: tuple[str, ...] = ()
    """The names that fit, when more than one does (folders end in `/`), sorted."""
    more: int = 0
    """How many more names fit than `candidates` holds."""


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # links followed: a link to a folder is a folder
    except OSError:
        return False


def complete_path(typed: str) -> Completion:
    """Complete `typed` as a shell's `tab` would (see the module's docstring)."""
    if typed.startswith("~") and "/" not in typed:
        # A home folder, `~` or `~name`: completed with its `/`, if there is one.
        try:
            found = Path(typed).expanduser().is_dir()
        except RuntimeError:  # `~name` for a user that does not exist
            found = False
        return Completion(typed + "/" if found else typed)
    head, slash, partial = typed.rpartition("/")
    head += slash
    try:
        # The folder typed (with `~` as the shell reads it), else the current one.
        with os.scandir(Path(head).expanduser() if head else ".") as listing:
            fitting = sorted(
                entry.name + ("/" if _is_folder(entry) else "")
                for entry in listing
                if entry.name.startswith(partial)
                and (partial.startswith(".") or not entry.name.startswith("."))
            )
    except (OSError, RuntimeError):  # unreadable, or `~name` of no user
        return Completion(typed)
    if not fitting:
        return Completion(typed)
    if len(fitting) == 1:
        return Completion(head + fitting[0])
    common = os.path.commonprefix(fitting)
    kept = tuple(fitting[:CANDIDATES_KEPT])
    return Completion(head + max(common, partial, key=len), kept, len(fitting) - len(kept))
