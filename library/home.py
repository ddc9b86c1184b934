"""Where the library lives: `--library DIR`, else `$NEWSREADER_HOME`, else the platform folder."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENVIRONMENT_VARIABLE = "NEWSREADER_HOME"
"""The environment variable that points at the library when `--library` is not given."""

APP_NAME = "newsreader"
"""The name platformdirs uses for the per-user data folder."""


def resolve_home(cli_value: str | None) -> Path:
    """Return the library folder to use, without creating anything.

    The first that is set and not empty wins: the `--library` value, the
    `NEWSREADER_HOME` environment variable, the platform's per-user data folder
    (`platformdirs.user_data_dir("newsreader")`, e.g. ``~/.local/share/newsreader``).
    A leading ``~`` is expanded; the result is absolute so that messages name it fully.
    """
    for candidate in (cli_value, os.environ.get(HOME_ENVIRONMENT_VARIABLE)):
        if candidate:
            return Path(candidate).expanduser().absolute()
    # Imported here: only needed when neither is given, and it is not free to import.
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)).absolute()
