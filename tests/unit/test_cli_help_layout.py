"""The commands' help is laid out exactly as argparse lays it out, at the width argparse
would find, though the width is found without importing `shutil`."""

from __future__ import annotations

import argparse
import os

import pytest

import reader.cli_parsers as cli_parsers
from reader.cli import COMMAND_NAMES


def every_help() -> list[str]:
    """The help of the app's options and of every command."""
    return [cli_parsers.top_parser().format_help()] + [
        cli_parsers.command_parser(name).format_help() for name in COMMAND_NAMES
    ]


@pytest.mark.parametrize("columns", [None, "50", "200", "0", "-4", "wide", "terminal"])
def test_help_is_laid_out_as_argparse_lays_it_out(
    monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    if columns == "terminal":  # no $COLUMNS: the terminal's own width
        monkeypatch.setattr(os, "get_terminal_size", lambda fd: os.terminal_size((123, 40)))
    elif columns is not None:
        monkeypatch.setenv("COLUMNS", columns)
    ours = every_help()
    monkeypatch.setattr(cli_parsers, "HelpLayout", argparse.HelpFormatter)
    assert ours == every_help()


def test_the_width_is_the_one_shutil_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    for columns in ("", "1", "77", "x"):
        monkeypatch.setenv("COLUMNS", columns)
        assert cli_parsers.terminal_columns() == shutil.get_terminal_size().columns
