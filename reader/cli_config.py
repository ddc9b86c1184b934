"""`newsreader config` (the settings) and `newsreader open URI` (a link back to a passage).

Neither imports Textual: `open` hands the app its start in `reader.cli.start_app`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from reader.cli_output import PROG, CommandError, UsageError, out, print_json

if TYPE_CHECKING:
    from annotations.links import PassageLink
    from service.workspace import Workspace

CONFIG_ACTIONS = ("list", "get", "set", "unset")


def add_config_parsers(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add the `config` and `open` commands' parsers (`command` makes one by name)."""
    config = command(
        "config",
        "Show or change the settings: `config` lists them, `config KEY` shows one, "
        "`config KEY VALUE` sets it (also `get KEY`, `set KEY VALUE`, `unset KEY`). "
        "Settings: export-folder (the notes folder every highlight change is mirrored "
        "to), highlight-style (quote, or mark for ==highlight==).",
    )
    config.add_argument("words", nargs="*", metavar="ARG", help="[list|get|set|unset] KEY VALUE")
    config.add_argument("--json", action="store_true", help="print JSON")
    open_ = command(
        "open",
        "Open the app on the passage a newsreader://open?doc=ID&highlight=HID link names "
        "(the links of the Markdown notes).",
    )
    open_.add_argument("uri", metavar="URI")


def cmd_config(workspace: Workspace, args: argparse.Namespace) -> int:
    from annotations.mirror_settings import SETTINGS, SettingProblem

    action, rest = _config_action(list(args.words))
    try:
        if action == "list":
            _expect(rest, 0, "config list")
            _print_settings(workspace, tuple(SETTINGS), as_json=args.json)
        elif action == "get":
            _expect(rest, 1, "config get KEY")
            _print_settings(workspace, (rest[0],), as_json=args.json, one=True)
        elif action == "set":
            _expect(rest, 2, "config set KEY VALUE")
            _set(workspace, rest[0], rest[1], as_json=args.json)
        else:
            _expect(rest, 1, "config unset KEY")
            _unset(workspace, rest[0], as_json=args.json)
    except SettingProblem as err:
        raise CommandError(str(err)) from err
    return 0


def _config_action(words: list[str]) -> tuple[str, list[str]]:
    """The action and its arguments: `config KEY` gets, `config KEY VALUE` sets."""
    if not words:
        return "list", []
    if words[0] in CONFIG_ACTIONS:
        return words[0], words[1:]
    return ("get" if len(words) == 1 else "set"), words


def _expect(rest: list[str], count: int, usage: str) -> None:
    if len(rest) != count:
        raise UsageError(f"{PROG} config: expected `{PROG} {usage}`")


def _print_settings(
    workspace: Workspace, names: tuple[str, ...], *, as_json: bool, one: bool = False
) -> None:
    from annotations.mirror_settings import read_setting, setting_kind

    values = {setting_kind(name).name: read_setting(workspace.catalog, name) for name in names}
    if as_json:
        print_json(next(iter(values.values())) if one else values)
        return
    for name, value in values.items():
        shown = "(not set)" if value is None else value
        out(sys.stdout, f"{name} = {shown}\n" if not one else f"{shown}\n")


def _set(workspace: Workspace, name: str, typed: str, *, as_json: bool) -> None:
    from annotations.mirror_settings import EXPORT_FOLDER, change_setting, setting_kind

    kind = setting_kind(name)
    value = change_setting(workspace.catalog, kind.name, typed)
    if as_json:
        print_json(value)
        return
    out(sys.stdout, f"{kind.name} = {value}\n")
    if kind.name == EXPORT_FOLDER:
        sys.stderr.write(
            f"{PROG}: from now on every highlight change updates its document's notes file "
            f"there; `{PROG} export` writes the notes you have now.\n"
        )


def _unset(workspace: Workspace, name: str, *, as_json: bool) -> None:
    from annotations.mirror_settings import clear_setting, read_setting, setting_kind

    kind = setting_kind(name)
    clear_setting(workspace.catalog, kind.name)
    value = read_setting(workspace.catalog, kind.name)
    if as_json:
        print_json(value)
        return
    out(sys.stdout, f"{kind.name} = {'(not set)' if value is None else value}\n")


def passage_link(uri: str) -> PassageLink:
    """The passage a ``newsreader://`` link names.

    Raises:
        UsageError: It is no such link (one sentence).
    """
    from annotations.links import parse_passage_link

    try:
        return parse_passage_link(uri)
    except ValueError as err:
        raise UsageError(f"{PROG} open: {err}") from err


def run_open(library: str | None, uri: str) -> int:
    """Open the app on the passage `uri` names (`newsreader open URI`, `newsreader URI`).

    Run outside `reader.cli`'s guard of standard output: the app draws on it.
    """
    from reader.cli import open_workspace

    passage_link(uri)  # a link that is no link is told before the library is opened
    workspace = open_workspace(library, create=False)
    return cmd_open(workspace, argparse.Namespace(uri=uri))


def cmd_open(workspace: Workspace, args: argparse.Namespace) -> int:
    from reader.cli import start_app, terminal_attached

    link = passage_link(args.uri)
    if not terminal_attached():
        raise CommandError(
            "The app needs a terminal to read keys from and to draw on, and standard input "
            "or output is not one; a link handler must start newsreader in a terminal."
        )
    entry = workspace.catalog.resolve(link.document)
    offset: int | None = None
    if link.highlight is not None:
        highlight = workspace.annotations.get(entry.id, link.highlight)
        if highlight is None:
            sys.stderr.write(
                f"{PROG}: the highlight {link.highlight} is no longer in that document; "
                "it opens at your place.\n"
            )
        elif highlight.is_placed:
            offset = highlight.start
    return start_app(workspace, entry.id, offset)
