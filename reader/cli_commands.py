"""The commands of `newsreader COMMAND`: each reads its arguments, asks the `Workspace`,
and prints what happened. None of them imports Textual."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from library.catalog import SORT_KEYS
from library.sanitize import one_line
from reader.cli_config import cmd_config, cmd_open
from reader.cli_output import PROG, CommandError, UsageError, out, print_json, warn
from service.workspace import AddOutcome, ListedDocument, Workspace

ADDED_DETAIL_INDENT = " " * 11
"""Lines about one added document line up under its id."""


def _listed_json(listed: ListedDocument) -> dict[str, Any]:
    return {
        **listed.entry.to_json(),
        "progress": round(listed.progress or 0.0, 4),
        "highlights": listed.highlights,
    }


def cmd_add(workspace: Workspace, args: argparse.Namespace) -> int:
    if any(not path.strip() for path in args.paths):
        # `Path("")` is the current folder: an empty argument would import all of it.
        raise UsageError(f"{PROG} add: an empty path names no file or folder")
    outcomes: list[AddOutcome] = []
    if "-" in args.paths:  # one document from standard input, as cat reads it
        outcomes.append(workspace.add_text(_standard_input()))
    from library.add_batches import STEPS_PER_FILE
    from library.web_address import is_web_address

    # A web address stays a string: a Path would fold its `//`.
    paths = [p if is_web_address(p) else Path(p) for p in args.paths if p != "-"]
    if paths:
        from reader.cli_progress import ProgressLine

        progress = ProgressLine("Adding files", unit="files", steps_per_item=STEPS_PER_FILE)
        try:
            outcomes.append(workspace.add(paths, progress=progress.tell, refresh=args.refresh))
        finally:
            progress.done()
    failed = problems = touched = False
    for outcome in outcomes:
        _print_added(outcome)
        for path, message in outcome.result.failed:
            warn(f"skipped {path}: {message}" if message and path not in message else message)
        for problem in outcome.problems:
            warn(problem)
        failed = failed or bool(outcome.result.failed)
        problems = problems or bool(outcome.problems)
        touched = touched or bool(outcome.touched)
    if problems:
        return 1
    if not failed:
        return 0
    return 1 if not touched else 3


def _standard_input() -> bytes:
    """What standard input holds, up to a byte more than a document may have (so that a
    larger one is refused in one sentence, not read whole)."""
    from library.textfile import MAX_BYTES

    stream = sys.stdin.buffer if sys.stdin is not None else None
    return stream.read(MAX_BYTES + 1) if stream is not None else b""


def _print_added(outcome: AddOutcome) -> None:
    """A row per document the add named; what happened to its highlights under it."""
    result = outcome.result
    details: dict[str, list[str]] = {}
    for doc_id, count in outcome.restored:
        details.setdefault(doc_id, []).append(f"its {count} earlier highlight(s) are back")
    for doc_id, report in outcome.anchors:
        details.setdefault(doc_id, []).append(report.sentence())
    for label, entries in (
        ("added", result.added),
        ("updated", result.updated),
        ("unchanged", result.unchanged),
    ):
        for entry in entries:
            out(sys.stdout, f"{label:9}  {entry.id}  {one_line(entry.title)}\n")
            for detail in details.pop(entry.id, ()):
                out(sys.stdout, f"{ADDED_DETAIL_INDENT}{detail}\n")
    for doc_id, told in details.items():  # a document the add did not list (none today)
        for detail in told:
            out(sys.stdout, f"{ADDED_DETAIL_INDENT}{doc_id}  {detail}\n")


def cmd_list(workspace: Workspace, args: argparse.Namespace) -> int:
    from reader.cli_rows import ListRow, terminal_width

    listing = workspace.listing(sort=next(key for key in SORT_KEYS if key == args.sort))
    whole = bool(listing)
    listing, narrowed_to = _narrowed_listing(workspace, listing, args)
    if args.json:
        print_json([_listed_json(listed) for listed in listing])
        return 0
    if not whole:
        sys.stdout.write("The library is empty. Add documents with: newsreader add PATH\n")
        return 0
    if not listing:
        sys.stdout.write(f"No documents {narrowed_to}.\n")
        return 0
    width = terminal_width() if sys.stdout.isatty() else None
    for listed in listing:
        e = listed.entry
        row = ListRow(e.id, e.date, e.reading_minutes, listed.progress, e.title, e.source)
        out(sys.stdout, row.line(width) + "\n")
    return 0


def _narrowed_listing(
    workspace: Workspace, listing: tuple[ListedDocument, ...], args: argparse.Namespace
) -> tuple[tuple[ListedDocument, ...], str]:
    """The documents `list --unread` and `list --feed` keep, and what they were narrowed
    to, for the sentence saying none are (``not read yet, from the feed "Gazette"``)."""
    told: list[str] = []
    if args.feed is not None:
        from service.feeds import feed_scope

        scope = feed_scope(workspace.feeds, (listed.entry for listed in listing), args.feed)
        listing = tuple(listed for listed in listing if scope.holds(listed.entry))
        told.append(f"from the feed {one_line(scope.name)!r}")
    if args.unread:
        from library.list_scope import is_unread

        listing = tuple(listed for listed in listing if is_unread(listed.progress))
        told.insert(0, "left to read")
    return listing, ", ".join(told) or "here"


def cmd_show(workspace: Workspace, args: argparse.Namespace) -> int:
    entry = workspace.catalog.resolve(args.id)
    text = workspace.catalog.text(entry.id)
    if args.json:
        value = _listed_json(workspace.describe(entry.id))
        value["text"] = text
        print_json(value)
        return 0
    out(sys.stdout, text)
    if sys.stdout.isatty() and not text.endswith("\n"):
        sys.stdout.write("\n")  # for the prompt's sake; piped output is exactly the text
    return 0


def cmd_search(workspace: Workspace, args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError(f"{PROG} search: --limit must be at least 1")
    from reader.cli_progress import ProgressLine

    doc_ids = [workspace.catalog.resolve(args.doc).id] if args.doc else None
    progress = ProgressLine("Building the search index")
    try:
        search = workspace.text_search(doc_ids, progress=progress.tell)
    finally:
        progress.done()
    for warning in search.warnings:
        warn(warning)
    hits = search.find(args.query, args.limit)
    for entry in search.unreadable:
        warn(f"{entry.id} was not searched: its text cannot be read.")
    if args.json:
        print_json(
            [
                {
                    "document_id": hit.document_id,
                    "title": hit.title,
                    "start": hit.match.start,
                    "end": hit.match.end,
                    "score": round(hit.match.score, 1),
                    "context": search.context(hit),
                }
                for hit in hits
            ]
        )
        return 0
    if not hits:
        sys.stderr.write(f"{PROG}: no matches for {one_line(args.query)!r}\n")
        return 1
    from reader.cli_rows import SEARCH_CONTEXT_INDENT, SearchRow, terminal_width

    width = terminal_width() if sys.stdout.isatty() else None
    context_width = 80 if width is None else max(12, width - len(SEARCH_CONTEXT_INDENT))
    for hit in hits:
        context = search.context(hit, width=context_width)
        row = SearchRow(hit.document_id, hit.match.start, hit.match.score, hit.title, context)
        out(sys.stdout, row.lines(width))
    return 0


def cmd_remove(workspace: Workspace, args: argparse.Namespace) -> int:
    removal = workspace.remove(workspace.catalog.resolve(args.id).id)
    out(sys.stdout, f"removed  {removal.entry.id}  {one_line(removal.entry.title)}\n")
    if removal.kept:
        out(
            sys.stdout,
            f"its {removal.kept} highlight(s) are kept in annotations/removed/ and come back "
            "if the document is added again\n",
        )
    return 0


def cmd_highlight(workspace: Workspace, args: argparse.Namespace) -> int:
    from annotations.model import Color
    from service.quotes import AmbiguousQuote, EmptyQuote, NoSuchPlace, QuoteNotFound
    from service.workspace import AlreadyHighlighted

    entry = workspace.catalog.resolve(args.id)
    try:
        highlight = workspace.highlight_quote(
            entry.id,
            args.quote,
            nth=args.nth,
            note=args.note,
            color=Color(args.color),
            tags=args.tag,
        )
    except EmptyQuote as err:
        raise UsageError(f"{PROG} highlight: {err}") from err
    except NoSuchPlace as err:
        raise UsageError(
            f"{PROG} highlight: --nth must be from 1 to {err.count} for this quote"
        ) from err
    except AmbiguousQuote as err:
        raise UsageError(f"{PROG} highlight: {err}; pick one with --nth N") from err
    except (QuoteNotFound, AlreadyHighlighted) as err:
        raise CommandError(str(err)) from err
    span = f"{highlight.start}-{highlight.end}"
    out(sys.stdout, f"{highlight.id}  {span}  {one_line(highlight.quote)}\n")
    return 0


def cmd_notes(workspace: Workspace, args: argparse.Namespace) -> int:
    doc_id = workspace.catalog.resolve(args.id).id if args.id else None
    if args.json and not args.search:
        sys.stdout.write(workspace.highlights_json(doc_id))
        return 0
    highlights = workspace.highlights(doc_id)
    any_highlight = bool(highlights)
    if args.search:
        from library.filtering import filter_ranked  # rapidfuzz: only for a search

        fields = [h.search_text for h in highlights]
        highlights = tuple(highlights[i] for i in filter_ranked(args.search, fields))
    if args.json:
        from annotations.record_json import records_json

        sys.stdout.write(records_json(highlights))
        return 0
    if not highlights and args.search and any_highlight:
        sys.stderr.write(f"{PROG}: no highlight matches {one_line(args.search)!r}\n")
        return 1
    if not highlights:
        sys.stdout.write("No highlights yet.\n")
        return 0
    from annotations.model import AnchorStatus

    titles = workspace.titles({h.document_id for h in highlights})
    shown_document = None
    for h in workspace.as_read(highlights):
        if h.document_id != shown_document:
            shown_document = h.document_id
            title = one_line(titles.get(h.document_id, "(removed document)"))
            out(sys.stdout, f"{h.document_id}  {title}\n")
        tags = f"  #{' #'.join(h.tags)}" if h.tags else ""
        status = "" if h.status is AnchorStatus.EXACT else f"  [{h.status}]"
        out(sys.stdout, f"  {h.id[:8]}  {h.color}{status}{tags}\n")
        out(sys.stdout, f"    > {one_line(h.quote)}\n")
        for line in h.note.splitlines():
            out(sys.stdout, f"      {line}\n")
    return 0


JSON_FILE_NAMES = {"json": "newsreader-notes.json", "w3c": "newsreader-notes.w3c.json"}
"""The file `export --format json|w3c -o DIR` writes into the folder DIR."""


def cmd_export(workspace: Workspace, args: argparse.Namespace) -> int:
    ids = [workspace.catalog.resolve(i).id for i in args.ids] or None
    output = Path(args.output).expanduser() if args.output else None
    if args.format in ("json", "w3c"):
        data = workspace.export_data("json" if args.format == "json" else "w3c", ids)
        if output is None:
            sys.stdout.write(data if data.endswith("\n") else data + "\n")
        else:
            into_folder = output.is_dir() or _ends_in_slash(args.output)
            target = output / JSON_FILE_NAMES[args.format] if into_folder else output
            write_output_file(target, data)
            sys.stderr.write(f"{PROG}: wrote {target}\n")
        return 0
    if output is None and ids is not None and len(ids) == 1:
        sys.stdout.write(workspace.markdown_of(ids[0]))
        return 0
    if output is not None and not _ends_in_slash(args.output) and _names_a_file(output):
        if ids is None or len(ids) != 1:
            raise CommandError(
                f"{output} names a file, and the notes of several documents are written one "
                "Markdown file each into a folder: name one document, or give -o a folder."
            )
        _write_markdown_file(workspace, ids[0], output)
        return 0
    if output is not None and not output.exists():
        _require_folder(output.parent, output)
    result = workspace.export_markdown(ids, output)
    first, *rest = result.messages
    out(sys.stdout, first + "\n")
    for message in rest:
        warn(message)
    return 0


def _write_markdown_file(workspace: Workspace, doc_id: str, output: Path) -> None:
    """``export ID -o FILE.md``: a plain file (or a new one, or one a link points to) is
    written as an export folder's are, keeping what the user wrote in it and backing up
    their other edits; a device or a pipe is simply written into."""
    real = _plain_file_of(output)
    if real is None:
        write_output_file(output, workspace.markdown_of(doc_id))
        sys.stderr.write(f"{PROG}: wrote {output}\n")
        return
    change = workspace.export_markdown_file(doc_id, real)
    sys.stderr.write(
        f"{PROG}: wrote {output}\n" if change.written else f"{PROG}: {output} is up to date\n"
    )
    if change.backup is not None:
        warn(
            f"{output} had changes outside its notes region; the old file was kept as "
            f"{change.backup}."
        )


def _names_a_file(output: Path) -> bool:
    """Whether `export -o OUTPUT` of Markdown names one file rather than a folder: an
    existing file (or device, or pipe), or a new path ending in ``.md``."""
    if output.exists():
        return not output.is_dir()
    return output.suffix.lower() in (".md", ".markdown")


def _ends_in_slash(path: str) -> bool:
    """Whether `path` is written as a folder (``notes/``): `Path` would drop the slash."""
    return path.endswith(("/", os.sep))


def _require_folder(folder: Path, target: Path) -> None:
    """Refuse to write `target` when its folder is missing: `-o` never makes folders on
    the way to what it names, so that a mistyped path is told, not created."""
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise CommandError(f"{target} cannot be written: the folder {folder} {what}.")


def write_output_file(target: Path, data: str) -> None:
    """Write `data` to the file `-o` named, never replacing what is not a plain file.

    A link to a file is followed (the link stays, the file it points to is replaced
    atomically); a device, a pipe or a socket (`/dev/stdout`, a named pipe) is written
    into, as a shell redirection would; a new or plain file is replaced atomically. A
    folder on the way that does not exist is an error, never created.
    """
    from library.safe_files import atomic_write_text

    real = _plain_file_of(target)
    if real is None:
        with target.open("w", encoding="utf-8") as special:
            special.write(data)
        return
    atomic_write_text(real, data)


def _plain_file_of(target: Path) -> Path | None:
    """The file `-o TARGET` replaces (the one a link points to, or TARGET, new or plain),
    its folder checked to exist; None when TARGET is a device, a pipe or a socket, to be
    written into rather than replaced."""
    import stat

    try:
        mode = target.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # told below, in one sentence
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        return None
    real = target.resolve() if target.is_symlink() else target
    _require_folder(real.parent, target)
    return real


def cmd_import_notes(workspace: Workspace, args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    try:
        result = workspace.import_notes_file(path)
    # A file that is not an export is no mistake of the command line's (status 2): the
    # command could not do what was asked (status 1).
    except UnicodeDecodeError as err:
        raise CommandError(f"import-notes: {path} is not a UTF-8 text file") from err
    except ValueError as err:
        raise CommandError(f"import-notes: {err}") from err
    for message in result.messages:
        out(sys.stdout, message + "\n")
    if not result.skipped:
        return 0
    # As a partial `add`: 3 when some highlights came in (or were there) and some did not.
    return 3 if result.added or result.updated or result.unchanged else 1


def cmd_feed(workspace: Workspace, args: argparse.Namespace) -> int:
    from reader.cli_feeds import cmd_feed as run_feed  # the feeds' modules: for them only

    return run_feed(workspace, args)


def cmd_refresh(workspace: Workspace, args: argparse.Namespace) -> int:
    from reader.cli_feeds import cmd_refresh as run_refresh

    return run_refresh(workspace, args)


COMMANDS: dict[str, Callable[[Workspace, argparse.Namespace], int]] = {
    "add": cmd_add,
    "list": cmd_list,
    "show": cmd_show,
    "search": cmd_search,
    "highlight": cmd_highlight,
    "notes": cmd_notes,
    "export": cmd_export,
    "import-notes": cmd_import_notes,
    "remove": cmd_remove,
    "feed": cmd_feed,
    "refresh": cmd_refresh,
    "config": cmd_config,
    "open": cmd_open,
}
"""Every command by its name on the command line."""
