"""The settings of the notes folder: where the Markdown notes live, and how quotes look.

Kept in the catalog's settings store (`Catalog.setting`), like the theme, so the command
line (`newsreader config`) and the app read and change the same values. Each value is
checked before it is stored, and refused in one sentence: a notes folder must be a folder
that exists or can be made, and be writable.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from annotations.notes_folder import EXPORT_FOLDER as EXPORT_FOLDER
from annotations.notes_folder import export_folder as export_folder
from library.catalog import Catalog

HIGHLIGHT_STYLE = "highlight-style"
"""How a highlight's words are written: ``quote`` (a block quote) or ``mark`` (a block
quote whose words are ``==marked==``, as Obsidian shows highlights)."""

HighlightStyle = Literal["quote", "mark"]
HIGHLIGHT_STYLES: tuple[HighlightStyle, ...] = ("quote", "mark")
DEFAULT_HIGHLIGHT_STYLE: HighlightStyle = "quote"


class SettingProblem(ValueError):
    """A setting name or value that cannot be used; the message is one sentence."""


@dataclass(frozen=True, slots=True)
class SettingKind:
    """One setting the user can change."""

    name: str
    """Its name on the command line."""
    summary: str
    """What it is, in a few words, for `config list`."""
    check: Callable[[str], str]
    """Turns what the user typed into the value stored, or raises `SettingProblem`."""
    default: str | None
    """What it is when never set (None: not set)."""


def checked_folder(typed: str) -> str:
    """The absolute path of the folder `typed` names, made when it does not exist yet.

    Raises:
        SettingProblem: It names a file, cannot be made, or cannot be written to.
    """
    text = typed.strip()
    if not text:
        raise SettingProblem("The notes folder cannot be empty (unset it instead).")
    try:
        folder = Path.cwd() / Path(text).expanduser()  # absolute, links kept
    except RuntimeError as err:  # `~name` for a user that does not exist
        raise SettingProblem(f"There is no home folder for {text.split('/')[0]}.") from err
    if folder.exists() and not folder.is_dir():
        raise SettingProblem(f"{folder} is a file, not a folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SettingProblem(f"The folder {folder} cannot be made: {err.strerror or err}.") from err
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SettingProblem(f"The folder {folder} cannot be written to.")
    return str(folder)


def checked_style(typed: str) -> str:
    """`typed` as a highlight style.

    Raises:
        SettingProblem: It is not one of `HIGHLIGHT_STYLES`.
    """
    style = typed.strip().casefold()
    if style not in HIGHLIGHT_STYLES:
        raise SettingProblem(
            f"The highlight style must be one of {', '.join(HIGHLIGHT_STYLES)}, not {typed!r}."
        )
    return style


SETTINGS: dict[str, SettingKind] = {
    kind.name: kind
    for kind in (
        SettingKind(
            EXPORT_FOLDER,
            "the notes folder every highlight change is mirrored to",
            checked_folder,
            None,
        ),
        SettingKind(
            HIGHLIGHT_STYLE,
            "quote, or mark (==highlight==) for a highlight's words",
            checked_style,
            DEFAULT_HIGHLIGHT_STYLE,
        ),
    )
}
"""Every setting `newsreader config` knows, by name, in the order it lists them."""


def setting_kind(name: str) -> SettingKind:
    """The setting called `name`.

    Raises:
        SettingProblem: No setting has that name.
    """
    kind = SETTINGS.get(name.strip())
    if kind is None:
        raise SettingProblem(
            f"There is no setting {name!r}; the settings are {', '.join(SETTINGS)}."
        )
    return kind


def read_setting(catalog: Catalog, name: str) -> str | None:
    """The value of setting `name` (its default when not set; None when it has none).

    Raises:
        SettingProblem: No setting has that name.
    """
    kind = setting_kind(name)
    value = catalog.setting(kind.name)
    return value if isinstance(value, str) and value else kind.default


def change_setting(catalog: Catalog, name: str, typed: str) -> str:
    """Check `typed` and store it as setting `name`; returns the value stored.

    Raises:
        SettingProblem: No such setting, or the value cannot be used (one sentence).
        StoreError: The settings store refused the change.
    """
    kind = setting_kind(name)
    value = kind.check(typed)
    catalog.set_setting(kind.name, value)
    return value


def clear_setting(catalog: Catalog, name: str) -> None:
    """Unset setting `name` (it is its default again).

    Raises:
        SettingProblem: No setting has that name.
        StoreError: The settings store refused the change.
    """
    catalog.set_setting(setting_kind(name).name, None)


def highlight_style(catalog: Catalog) -> HighlightStyle:
    """How the export writes a highlight's words."""
    value = catalog.setting(HIGHLIGHT_STYLE)
    return "mark" if value == "mark" else DEFAULT_HIGHLIGHT_STYLE
