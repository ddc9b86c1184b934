"""The commands of `newsreader COMMAND`: each reads its arguments, asks the `Workspace`,
and prints what happened. None of them imports Textual."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from library.catalog import SORT_KEYS
from library.sanitize import one_line
from reader.cli_output import PROG, CommandError, UsageError, out, print_json, warn
from reader.labels import length_label, progress_label
from service.workspace import ListedDocument, Workspace

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
    outcome = workspace.add(Path(p) for p in args.paths)
    result = outcome.result
    for doc_id, count in outcome.restored:
        out(
            sys.stdout,
            f"{ADDED_DETAIL_INDENT}{doc_id}  its {count} earlier highlight(s) are back\n",
        )
    for doc_id, report in outcome.anchors:
        out(sys.stdout, f"{ADDED_DETAIL_INDENT}{doc_id}  {report.sentence()}\n")
    for label, entries in (
        ("added", result.added),
        ("updated", result.updated),
        ("unchanged", result.unchanged),
    ):
        for entry in entries:
            out(sys.stdout, f"{label:9}  {entry.id}  {one_line(entry.title)}\n")
    for path, message in result.failed:
        warn(f"skipped {path}: {message}" if message and path not in message else message)
    for problem in outcome.problems:
        warn(problem)
    if outcome.problems:
        return 1
    if not result.failed:
        return 0
    return 1 if not outcome.touched else 3


def cmd_list(workspace: Workspace, args: argparse.Namespace) -> int:
    listing = workspace.listing(sort=next(key for key in SORT_KEYS if key == args.sort))
    if args.json:
        print_json([_listed_json(listed) for listed in listing])
        return 0
    if not listing:
        sys.stdout.write("The library is empty. Add documents with: newsreader add PATH\n")
        return 0
    for listed in listing:
        e = listed.entry
        date = e.date or "          "
        source = f"  ({one_line(e.source)})" if e.source else ""
        line = (
            f"{e.id}  {date}  {length_label(e.reading_minutes):>7}"
            f"  {progress_label(listed.progress):>4}"
            f"  {one_line(e.title)}{source}\n"
        )
        out(sys.stdout, line)
    return 0


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
    doc_ids = [workspace.catalog.resolve(args.doc).id] if args.doc else None
    search = workspace.text_search(doc_ids)
    for entry in search.unreadable:
        warn(f"{entry.id} was not searched: its text cannot be read.")
    hits = search.find(args.query, args.limit)
    rows = [
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
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        sys.stderr.write(f"{PROG}: no matches for {one_line(args.query)!r}\n")
        return 1
    for row in rows:
        out(
            sys.stdout,
            f"{row['document_id']}  {row['start']:>8}  {row['score']:5.1f}  "
            f"{one_line(str(row['title']))[:40]}\n    {one_line(str(row['context']))}\n",
        )
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
    from library.filtering import filter_ranked

    highlights = workspace.highlights(workspace.catalog.resolve(args.id).id if args.id else None)
    if args.search:
        fields = [h.search_text for h in highlights]
        highlights = tuple(highlights[i] for i in filter_ranked(args.search, fields))
    if args.json:
        from annotations.model import to_record

        print_json([to_record(h) for h in highlights])
        return 0
    if not highlights:
        sys.stdout.write("No highlights yet.\n")
        return 0
    from annotations.model import AnchorStatus

    titles = workspace.titles()
    shown_document = None
    for h in highlights:
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


def cmd_export(workspace: Workspace, args: argparse.Namespace) -> int:
    ids = [workspace.catalog.resolve(i).id for i in args.ids] or None
    if args.format in ("json", "w3c"):
        data = workspace.export_data("json" if args.format == "json" else "w3c", ids)
        if args.output:
            target = Path(args.output).expanduser()
            if target.is_dir():
                target = target / f"newsreader-notes.{args.format}.json"
            write_output_file(target, data)
            sys.stderr.write(f"{PROG}: wrote {target}\n")
        else:
            sys.stdout.write(data if data.endswith("\n") else data + "\n")
        return 0
    if ids is not None and len(ids) == 1 and not args.output:
        sys.stdout.write(workspace.markdown_of(ids[0]))
        return 0
    folder = Path(args.output).expanduser() if args.output else None
    if folder is not None and folder.exists() and not folder.is_dir():
        if ids is None or len(ids) != 1:
            raise CommandError(
                f"{folder} is not a folder: the notes of several documents are written one "
                "Markdown file each into a folder (or name one document to write it there)."
            )
        write_output_file(folder, workspace.markdown_of(ids[0]))
        sys.stderr.write(f"{PROG}: wrote {folder}\n")
        return 0
    result = workspace.export_markdown(ids, folder)
    first, *rest = result.messages
    out(sys.stdout, first + "\n")
    for message in rest:
        warn(message)
    return 0


def write_output_file(target: Path, data: str) -> None:
    """Write `data` to the file `-o` named, never replacing what is not a plain file.

    A link to a file is followed (the link stays, the file it points to is replaced
    atomically); a device, a pipe or a socket (`/dev/stdout`, a named pipe) is written
    into, as a shell redirection would; a new or plain file is replaced atomically.
    """
    import stat

    from library.safe_files import atomic_write_text

    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with target.open("w", encoding="utf-8") as special:
            special.write(data)
        return
    atomic_write_text(target.resolve() if target.is_symlink() else target, data)


def cmd_import_notes(workspace: Workspace, args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    try:
        data = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(f"{PROG} import-notes: {path} is not a UTF-8 text file") from err
    try:
        result = workspace.import_notes(data)
    except ValueError as err:
        raise UsageError(f"{PROG} import-notes: {err}") from err
    for message in result.messages:
        out(sys.stdout, message + "\n")
    return 0


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
}
"""Every command by its name on the command line."""
