"""How the command line writes: untrusted text made visible on a terminal, JSON, warnings,
and a standard output whose failures are told apart from the command's own."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from library.sanitize import one_line, printable_json, visible

PROG = "newsreader"


class UsageError(Exception):
    """A mistake in the command line itself; exits with status 2."""


class CommandError(Exception):
    """A command that could not do what was asked; exits with status 1."""


class OutputFailed(Exception):
    """Standard output could not be written (a full disk, a closed pipe): whatever the
    command changed is changed, only its report is lost."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error
        """The error the write met."""


class GuardedOutput:
    """Standard output for the commands: writes go through, and a failure to write is
    raised as `OutputFailed`, so `main` can tell it from a failure of the command."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as err:
            raise OutputFailed(err) from err

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as err:
            raise OutputFailed(err) from err

    def isatty(self) -> bool:
        return self._stream.isatty()


def silence_standard_output() -> None:
    """Point file descriptor 1 at the null device, so what is still buffered for an output
    that failed is dropped quietly at exit instead of failing again there."""
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
    finally:
        os.close(null)


def out(stream: TextIO | GuardedOutput, text: str) -> None:
    """Write untrusted text, made visible when it goes to a terminal."""
    stream.write(visible(text) if stream.isatty() else text)


def print_json(value: object) -> None:
    """Print `value` as indented JSON on standard output, with control and bidirectional
    characters escaped (`\\u…`), on a terminal or not: JSON readers read them back, and
    nothing raw reaches a terminal a pipe may end in."""
    sys.stdout.write(printable_json(value))


def warn(message: str) -> None:
    """One line on standard error, named after the program."""
    sys.stderr.write(f"{PROG}: {one_line(message)}\n")
