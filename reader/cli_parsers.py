"""The command line's parsers (argparse): one for the app's own options, one per command.

Made only when needed: a plain start of the app (`newsreader [--library DIR] [ID|PATH]`)
is read without them (`reader.cli`), so it does not wait for argparse; a command makes
only its own parser, so it does not import what the other commands' parsers need (the
catalog's sort keys, the colors, the feeds' commands).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from reader.cli_output import PROG, UsageError

USAGE = """\
newsreader [--library DIR] [PATH|ID]          open the app (PATH is added first, then opened)
       newsreader [--library DIR] COMMAND ...  (--library DIR may also come after COMMAND)

commands:
  add PATH... [--refresh]                      import files, folders and web pages
  list [--sort KEY] [--unread] [--feed F] [--json]  the documents
  show ID [--json]                             one document's text, or its metadata and text
  search QUERY [--doc ID] [--limit N] [--json] fuzzy search across documents
  highlight ID --quote TEXT [--nth N] [--note TEXT] [--color C] [--tag T]...
                                               highlight a passage (found fuzzily)
  notes [ID] [--search QUERY] [--json]         highlights and notes
  export [ID...] [--format markdown|json|w3c] [-o PATH]
                                               export notes (Markdown, JSON, W3C)
  import-notes FILE                            restore notes from a JSON or W3C export
  remove ID                                    remove a document from the library
  feed add URL | list [--json] | remove ID | import FILE.opml | export [-o FILE]
                                               follow feeds (a page naming one works too)
  refresh [FEED...] [--json] [--timeout S]     add the feeds' new entries, full articles
  config [KEY [VALUE]] [--json]                the settings (export-folder, highlight-style)
  open newsreader://open?doc=ID&highlight=HID  open the app on a note's passage

ID is a document id or a unique prefix of one. Run `newsreader COMMAND --help` for details.
A library folder that does not exist is created only by `add`, `feed add`, `feed import`
and the app.
"""

LIBRARY_HELP = "the library folder to use (default: $NEWSREADER_HOME, else the user data folder)"


def terminal_columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` finds it: $COLUMNS when it is a
    positive number, else standard output's terminal, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns or 80


class HelpLayout(argparse.HelpFormatter):
    """argparse's own help layout, its width found without importing `shutil`.

    argparse makes a formatter for every argument added (to check it can be shown), and
    each one imported `shutil` (with `bz2`, `lzma` and `fnmatch`: some 2 ms of every
    command) only to ask for the terminal's width.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = terminal_columns() - 2  # as argparse does
        super().__init__(prog, indent_increment, max_help_position, width)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are exceptions, so `main` prints them as one line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpLayout)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def top_parser() -> Parser:
    top = Parser(prog=PROG, usage=USAGE, add_help=True)
    top.add_argument("--library", metavar="DIR", help=LIBRARY_HELP)
    top.add_argument("--version", action="store_true", help="print the version and exit")
    top.add_argument("target", nargs="?", help=argparse.SUPPRESS)
    return top


MakeParser = Callable[[str, str], Parser]
"""Makes and registers the parser of one command: ``command(name, description)``."""


def command_parser(name: str) -> Parser:
    """The parser of the command `name`, made alone: the modules the other commands'
    parsers need (the catalog's sort keys, the colors, the feeds' commands) are not
    imported by a command that does not use them."""
    made: dict[str, Parser] = {}

    def command(name: str, text: str) -> Parser:
        parser = Parser(prog=f"{PROG} {name}", description=text)
        # `--library` is accepted after the command too (`list --library X`): each
        # command takes it as well, and `_run` uses it when given. (Added here, not from
        # a parent parser: making one looks its texts up again, ~1 ms of each command.)
        parser.add_argument("--library", metavar="DIR", help=LIBRARY_HELP)
        made[name] = parser
        return parser

    _PARSER_MAKERS[name](command)
    return made[name]


def _add_parser(command: MakeParser) -> None:
    add = command(
        "add",
        "Import files and folders (folders recursively) into the library: text, Markdown "
        "and EPUB books; - reads one document from standard input.",
    )
    add.add_argument("paths", nargs="+", metavar="PATH")
    add.add_argument(
        "--refresh",
        action="store_true",
        help="fetch web pages in the library again (else they are left as they are)",
    )


def _list_parser(command: MakeParser) -> None:
    from library.catalog import SORT_KEYS

    list_ = command("list", "List the documents in the library.")
    list_.add_argument("--sort", choices=SORT_KEYS, default="added")
    list_.add_argument("--json", action="store_true", help="print a JSON array")
    list_.add_argument(
        "--unread", action="store_true", help="only documents not read yet (new or begun)"
    )
    list_.add_argument(
        "--feed", metavar="NAME|ID", help="only the documents of this feed (its name or id)"
    )


def _show_parser(command: MakeParser) -> None:
    show = command("show", "Print a document's text exactly as stored.")
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true", help="print metadata and text as JSON")


def _search_parser(command: MakeParser) -> None:
    search = command("search", "Fuzzy search across the documents in the library.")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--doc", metavar="ID", help="search only this document")
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N matches")
    search.add_argument("--json", action="store_true", help="print a JSON array")


def _highlight_parser(command: MakeParser) -> None:
    from annotations.model import DEFAULT_COLOR, Color

    highlight = command("highlight", "Highlight a passage of a document, found by its text.")
    highlight.add_argument("id", metavar="ID")
    highlight.add_argument("--quote", required=True, metavar="TEXT", help="the text to mark")
    highlight.add_argument("--nth", type=int, metavar="N", help="which of several places (1-)")
    highlight.add_argument("--note", default="", metavar="TEXT", help="a note (Markdown)")
    colors = [color.value for color in Color]
    highlight.add_argument("--color", choices=colors, default=DEFAULT_COLOR.value)
    highlight.add_argument("--tag", action="append", default=[], metavar="T", help="a tag")


def _notes_parser(command: MakeParser) -> None:
    notes = command("notes", "List highlights and notes, of one document or of all.")
    notes.add_argument("id", nargs="?", metavar="ID")
    notes.add_argument("--search", metavar="QUERY", help="fuzzy filter on quote, note, tags")
    notes.add_argument("--json", action="store_true", help="print a JSON array")


def _export_parser(command: MakeParser) -> None:
    export = command(
        "export",
        "Export highlights and notes. JSON and W3C go to stdout, or to -o FILE (-o DIR: "
        "newsreader-notes.json or newsreader-notes.w3c.json in it); Markdown of one document "
        "goes to stdout or to -o FILE.md, of several into a folder (-o DIR, else the "
        "library's exports/). -o never creates the folders on its way.",
    )
    export.add_argument("ids", nargs="*", metavar="ID", help="documents (default: all)")
    export.add_argument(
        "--format",
        choices=("markdown", "json", "w3c"),
        default="markdown",
        help="default: markdown",
    )
    export.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="a file (a new one ends in .md for Markdown) or a folder",
    )


def _import_notes_parser(command: MakeParser) -> None:
    import_notes = command(
        "import-notes",
        "Restore notes from a JSON or W3C export (idempotent). Exits 3 when some highlights "
        "were skipped (each is named), 1 when all were.",
    )
    import_notes.add_argument("file", metavar="FILE")


def _remove_parser(command: MakeParser) -> None:
    remove = command(
        "remove",
        "Remove a document (its text and metadata); its highlights and reading place are "
        "kept, and come back if it is added again.",
    )
    remove.add_argument("id", metavar="ID")


def _feed_parsers(command: MakeParser) -> None:
    from reader.cli_feeds import add_feed_parsers

    add_feed_parsers(command)


def _config_parsers(command: MakeParser) -> None:
    from reader.cli_config import add_config_parsers

    add_config_parsers(command)


_PARSER_MAKERS: dict[str, Callable[[MakeParser], None]] = {
    "add": _add_parser,
    "list": _list_parser,
    "show": _show_parser,
    "search": _search_parser,
    "highlight": _highlight_parser,
    "notes": _notes_parser,
    "export": _export_parser,
    "import-notes": _import_notes_parser,
    "remove": _remove_parser,
    "feed": _feed_parsers,
    "refresh": _feed_parsers,
    "config": _config_parsers,
    "open": _config_parsers,
}
"""What makes each command's parser (`feed` and `refresh` are made together, as are
`config` and `open`)."""
