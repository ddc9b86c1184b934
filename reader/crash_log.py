"""Crash logs: what an unexpected error leaves behind, so the app never ends without a word.

An app started as a terminal's (or a tmux pane's) only command takes its terminal with it
when it ends: a traceback printed on the way out is gone before anyone reads it. So the
error is written to a file in the library folder first (the traceback, the version, the
time, the platform and what was on screen), and the command line ends with one line
saying where that file is. No local variable is written: they hold the text of documents.
"""

from __future__ import annotations

import platform
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from library.sanitize import one_line

CRASH_LOG_PREFIX = "crash-"
"""Crash logs are ``crash-<time>.log`` in the library folder."""


def _version_of(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def crash_report(error: BaseException, when: datetime, context: str = "") -> str:
    """The text of a crash log: what happened, when, on what, and the traceback."""
    lines = [
        f"newsreader {_version_of('newsreader')} stopped on an unexpected error",
        f"time: {when.isoformat(timespec='seconds')}",
        f"python: {platform.python_version()} ({sys.executable})",
        f"textual: {_version_of('textual')}, rich: {_version_of('rich')}",
        f"platform: {platform.platform()}",
    ]
    if context:
        lines.append(context)
    lines.append("")
    lines.extend(traceback.format_exception(error))
    return "\n".join(line.rstrip("\n") for line in lines) + "\n"


def write_crash_log(folder: Path, error: BaseException, context: str = "") -> Path | None:
    """Write the crash log of `error` in `folder` (else in the temporary folder, should the
    library's refuse it) and return its path; None when it could be written nowhere.

    Args:
        folder: The library folder.
        error: The error no handler caught.
        context: A line or two on the app's state (screen, size, keys), if known.
    """
    when = datetime.now(UTC)
    text = crash_report(error, when, context)
    stamp = when.strftime("%Y%m%d-%H%M%S")
    for where in (folder, Path(tempfile.gettempdir())):
        for attempt in range(100):
            suffix = f"-{attempt}" if attempt else ""
            path = where / f"{CRASH_LOG_PREFIX}{stamp}{suffix}.log"
            try:
                with path.open("x", encoding="utf-8", errors="backslashreplace") as log:
                    log.write(text)
            except FileExistsError:
                continue
            except OSError:
                break  # this folder cannot take it: try the next
            return path
    return None


def crash_sentence(error: BaseException, log: Path | None) -> str:
    """The one line the command line ends with after a crash (`warn` names the program)."""
    what = one_line(f"{type(error).__name__}: {error}")
    if len(what) > 120:
        what = what[:119] + "…"
    if log is None:
        return f"stopped on an unexpected error ({what}); no crash log could be written."
    return f"stopped on an unexpected error ({what}); the details are in {log}"
