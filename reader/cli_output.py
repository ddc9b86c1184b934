"""How the command line writes: untrusted text made visible on a terminal, JSON, warnings."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from library.sanitize import one_line, visible

PROG = "newsreader"


class UsageError(Exception):
    """A mistake in the command line itself; exits with status 2."""


class CommandError(Exception):
    """A command that could not do what was asked; exits with status 1."""


def out(stream: TextIO, text: str) -> None:
    """Write untrusted text, made visible when it goes to a terminal."""
    stream.write(visible(text) if stream.isatty() else text)


def print_json(value: object) -> None:
    """Print `value` as indented JSON on standard output."""
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def warn(message: str) -> None:
    """One line on standard error, named after the program."""
    sys.stderr.write(f"{PROG}: {one_line(message)}\n")
