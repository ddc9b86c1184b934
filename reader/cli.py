"""The `newsreader` command line.

Commands that do not open the app never import Textual: it is imported only by `run_app`.
Every error reaches the user as one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from library.collector import collector_paused
from library.home import resolve_home
from library.sanitize import one_line
from reader.cli_output import (
    PROG,
    CommandError,
    GuardedOutput,
    OutputFailed,
    UsageError,
    silence_standard_output,
    warn,
)

if TYPE_CHECKING:
    import argparse

    from textual.app import App

    from service.workspace import Workspace

COMMAND_NAMES = (
    "add",
    "list",
    "show",
    "search",
    "highlight",
    "notes",
    "export",
    "import-notes",
    "remove",
    "feed",
    "refresh",
    "config",
    "open",
)
"""The commands, in the order `--help` lists them (each is run by `reader.cli_commands`)."""

CREATING_COMMANDS = frozenset({"add"})
CREATING_FEED_ACTIONS = frozenset({"add", "import"})
"""`feed add` and `feed import` create a library too: following feeds is a way to start."""
"""The commands that create a library folder that does not exist yet (the app does too);
every other command refuses a missing one, so a mistyped --library makes no new library."""


def _split_global(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split argv into the global part and the command part (from the command name on)."""
    from_command = list(argv)
    head: list[str] = []
    while from_command:
        arg = from_command[0]
        if arg in COMMAND_NAMES:
            return head, from_command
        head.append(from_command.pop(0))
        if arg == "--library" and from_command:
            head.append(from_command.pop(0))
    return head, []


def open_workspace(library: str | None, *, create: bool) -> Workspace:
    """Open the library `--library` (or the environment) names. A folder that does not
    exist is created when `create` is true, and the user is told; otherwise it is refused
    in one sentence, so that a mistyped path never becomes a new library."""
    from library.catalog import WELCOME_TITLE
    from service.workspace import Workspace

    home = resolve_home(library)
    existed = home.exists()
    if not existed and not create:
        raise CommandError(
            f"There is no library at {home} (no such folder); adding a document "
            f"(`{PROG} add PATH`) or starting the app creates it."
        )
    workspace = Workspace.open(home)
    if not existed:
        # Said, since the new library is not empty: its first run added the welcome guide.
        warn(f"Created a new library at {home}, with the guide {WELCOME_TITLE!r} in it.")
    for warning in workspace.unseen_warnings():
        warn(warning)
    return workspace


def _document_to_open(workspace: Workspace, target: str) -> str | None:
    """The id of the document `newsreader TARGET` opens: TARGET added first when it is a
    path (None when it named several files), else TARGET as a document id."""
    path = Path(target).expanduser()
    if path.exists():
        outcome = workspace.add([path])
        if outcome.result.failed:
            raise CommandError(outcome.result.failed[0][1])
        for problem in outcome.problems:
            warn(problem)
        touched = outcome.touched
        return touched[0] if len(touched) == 1 else None
    if "/" in target or "." in target:
        raise CommandError(f"There is no file at {target}, and no document has that id.")
    return workspace.catalog.resolve(target).id


def run_app(library: str | None, target: str | None) -> int:
    """Open the app, first adding `target` when it is a path, then opening it."""
    if target is not None and not target.strip():  # `Path("")` would be this folder
        raise UsageError(f"{PROG}: an empty path names no file or document")
    if not terminal_attached():
        raise CommandError(
            "The app needs a terminal to read keys from and to draw on, and standard input "
            "or output is not one; commands such as `newsreader list` work without it."
        )
    # A new library has no document to open by id: only a path (or nothing) makes one.
    opens_an_id = target is not None and not Path(target).expanduser().exists()
    # No collection while the library is opened either (see `start_app`): its modules
    # and records are start-up's too, frozen with the rest after the first frame.
    gc.disable()
    try:
        workspace = open_workspace(library, create=not opens_an_id)
        if target is not None and not opens_an_id:
            gc.enable()  # a folder added first makes garbage of its own
        open_id = _document_to_open(workspace, target) if target is not None else None
    except BaseException:
        gc.enable()
        raise
    return start_app(workspace, open_id)


def start_app(workspace: Workspace, open_id: str | None, offset: int | None = None) -> int:
    """Run the app on `workspace`, on the document `open_id` (at `offset`) if given."""
    # Starting Textual makes a few hundred thousand objects that live as long as the app,
    # and the collector would walk them all (a full collection: ~30 ms) just before the
    # first frame. So it waits until that frame is drawn, then leaves those objects out of
    # every later collection, so that none of them can stall a key either.
    gc.disable()
    try:
        from reader.app import make_app
        from reader.long_lived import keep_start_up_out_of_collections

        app = make_app(
            workspace,
            open_id=open_id,
            open_offset=offset,
            after_first_frame=keep_start_up_out_of_collections,
        )
        _exit_cleanly_on_signals(app)
        app.run()
    except Exception as err:  # noqa: BLE001 - outside Textual's own handling: logged too
        from reader.crash_log import write_crash_log

        _tell_crash(err, write_crash_log(workspace.catalog.home, err))
        return 1
    finally:
        gc.enable()
        for message in workspace.close_mirror():  # what the notes folder still had to do
            warn(message)
    if app.crash is not None:
        _tell_crash(*app.crash)
    return app.return_code or 0


def _tell_crash(error: BaseException, log: Path | None) -> None:
    """End with one line naming the crash log: the terminal may not keep the traceback."""
    from reader.crash_log import crash_sentence

    warn(crash_sentence(error, log))


def _exit_cleanly_on_signals(app: App[Any]) -> None:
    """Make SIGTERM and SIGHUP end the app the normal way from the moment it starts.

    The app answers them itself once mounted (saving the reading place and restoring the
    terminal); before that, the default action would kill the process with the terminal
    already taken over. Until then they ask the running app to exit, or, before it runs
    (the terminal still untouched), end the process as SIGTERM would.
    """
    import asyncio  # Textual's own: imported with the app, never by other commands
    import signal

    def ask_to_exit(number: int, frame: object) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise SystemExit(128 + number) from None
        loop.call_soon_threadsafe(app.exit)

    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, ask_to_exit)


def _expected_errors() -> tuple[type[Exception], ...]:
    """Errors that are the user's to fix, told in one line (imported only when one happens:
    the parser's patterns take a few milliseconds to compile, and starting needs none)."""
    from library.catalog import AmbiguousId, UnknownDocument
    from library.safe_files import StoreError
    from library.textfile import UnreadableFile

    # (A feed that cannot be had is an UnreadableFile; an unknown one a StoreError.)
    return (CommandError, UnknownDocument, AmbiguousId, UnreadableFile, StoreError)


def _prepare_streams() -> None:
    """A terminal that cannot show a character gets a stand-in, not a crash; a closed
    standard output or error (`>&-`) becomes the null device, so a command that changes
    something still does it, and says so where it can."""
    if sys.stdout is None:
        sys.stdout = Path(os.devnull).open("w", encoding="utf-8")  # noqa: SIM115 - for the process
    if sys.stderr is None:
        sys.stderr = Path(os.devnull).open("w", encoding="utf-8")  # noqa: SIM115 - for the process
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


CHANGING_COMMANDS = frozenset(
    {"add", "highlight", "remove", "import-notes", "export", "feed", "refresh", "config"}
)
"""Commands that change the library or write files: when only their report cannot be
written, what they did still stands, and the exit status says so."""


def terminal_attached() -> bool:
    """Whether the app has a terminal to read keys from and draw on: standard input and
    output both. Without one it would wait forever for keys that cannot come."""
    return all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout))


def _run_command(name: str, workspace: Workspace, args: argparse.Namespace) -> int:
    """Run command `name`, its standard output guarded: a report that cannot be written
    (a full disk, `>/dev/full`) is told apart from a command that failed."""
    from reader.cli_commands import COMMANDS

    real = sys.stdout
    sys.stdout = cast(TextIO, GuardedOutput(real))
    try:
        status = COMMANDS[name](workspace, args)
        sys.stdout.flush()
    except OutputFailed as err:
        silence_standard_output()
        if name in CHANGING_COMMANDS:
            warn(f"{name} was done, but what it printed could not be written ({err}).")
            return 0
        raise CommandError(f"The output could not be written ({err}).") from err
    finally:
        sys.stdout = real
        for warning in workspace.unseen_warnings():  # found while the command read files
            warn(warning)
    return status


def _plain_start(head: list[str]) -> tuple[str | None, str | None] | None:
    """``(library, target)`` of a plain start of the app, ``[--library DIR] [TARGET]``
    (in either order), read without argparse: its import and parser are a few
    milliseconds of every start. None for anything else, which argparse reads (and
    answers: help, version, an unknown option, a missing value)."""
    library: str | None = None
    target: str | None = None
    words = list(head)
    while words:
        word = words.pop(0)
        if word == "--library" and library is None and words and not words[0].startswith("-"):
            library = words.pop(0)
        elif target is None and not word.startswith("-"):
            target = word
        else:
            return None
    return library, target


def _start(library: str | None, target: str | None) -> int:
    """Open the app (on a passage, when `target` is a link to one)."""
    if target is not None and _names_a_passage(target):
        from reader.cli_config import run_open

        return run_open(library, target)
    return run_app(library, target)


def _run(args_list: list[str]) -> int:
    """Parse the command line and run the app or the command it names."""
    head, rest = _split_global(args_list)
    plain = None if rest else _plain_start(head)
    if plain is not None:
        return _start(*plain)
    with collector_paused():
        options = _parsed_head(head)
        if options.version:
            from importlib.metadata import version

            sys.stdout.write(f"{PROG} {version('newsreader')}\n")
            return 0
        if not rest:
            return _start(options.library, options.target)
        if options.target is not None:
            raise UsageError(f"{PROG}: unexpected argument {options.target!r} before {rest[0]!r}")
        name = rest[0]
        from reader.cli_parsers import command_parser

        args = command_parser(name).parse_args(rest[1:])
        library = args.library if args.library is not None else options.library
        if name == "open":
            from reader.cli_config import run_open

            return run_open(library, args.uri)
        creates = name in CREATING_COMMANDS or (
            name == "feed" and args.action in CREATING_FEED_ACTIONS
        )
        workspace = open_workspace(library, create=creates)
        import reader.cli_commands  # noqa: F401 - its modules too, before the collector runs
    return _run_command(name, workspace, args)


def _parsed_head(head: list[str]) -> argparse.Namespace:
    """The options before the command (`--library`, `--version`, a target), refused in one
    sentence when something else is there.

    The usual ``[--library DIR]`` is read as argparse reads it (`_plain_start`), without
    making the parser: its help texts alone are a few milliseconds of each command.
    """
    import argparse

    plain = _plain_start(head)
    if plain is not None:
        return argparse.Namespace(library=plain[0], version=False, target=plain[1])
    from reader.cli_parsers import top_parser

    options, extra = top_parser().parse_known_args(head)
    if extra:
        if options.target is not None and not Path(options.target).exists():
            names = ", ".join(COMMAND_NAMES)
            raise UsageError(f"{PROG}: unknown command {options.target!r} (commands: {names})")
        raise UsageError(f"{PROG}: unexpected arguments: {' '.join(extra)}")
    return options


def _names_a_passage(target: str | None) -> bool:
    """Whether `target` is a link to a passage (``newsreader://open?…``). A link has a
    colon and a document id never has one, so the module that reads links is imported
    only for a target that might be one: starting the app waits for nothing else."""
    if target is None or ":" not in target:
        return False
    from annotations.links import is_passage_uri

    return is_passage_uri(target)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line (`argv`, else the program's own arguments); returns the exit
    status."""
    status = _main(list(sys.argv[1:] if argv is None else argv))
    if argv is None:
        _leave_objects_to_the_exit()
    return status


def _leave_objects_to_the_exit() -> None:
    """Keep Python's shutdown from walking every object the command made.

    Called when `main` runs as the program itself (given no arguments: the `newsreader`
    script exits with its status). While Python unloads the modules on the way out, the
    collector goes over every live object again and again: some 10 ms of a 100 ms command.
    Frozen, they are left to the operating system, which frees the whole process at once.
    Nothing is lost by it: standard output and error are flushed all the same, every
    change was made durable (and files closed) before the command returned, and exit
    handlers still run. A caller that runs commands in its own process (the tests) passes
    them, and keeps collecting its garbage as before.
    """
    gc.freeze()


def _main(args: list[str]) -> int:
    """`main`, its every error told in one line with its exit status."""
    _prepare_streams()
    try:
        return _run(args)
    except UsageError as err:
        sys.stderr.write(f"{one_line(str(err))}\n")
        return 2
    except _expected_errors() as err:  # evaluated only when something was raised
        warn(str(err))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader of the output went away (`| head`): no error
        silence_standard_output()
        return 0
    except RuntimeError as err:  # `~name` for a user that does not exist, among others
        warn(f"{err}.".replace("..", "."))
        return 1
    except OSError as err:
        warn(f"{err.strerror or err}: {err.filename}" if err.filename else str(err))
        return 1
    except Exception as err:  # noqa: BLE001 - the last line of defence: never a traceback
        warn(f"unexpected error ({type(err).__name__}): {err}")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
