"""The `newsreader` command line.

Commands that do not open the app never import Textual: it is imported only by `run_app`.
Every error reaches the user as one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from library.home import resolve_home
from library.sanitize import one_line, visible
from reader.labels import length_label, progress_label

if TYPE_CHECKING:
    from annotations.store import AnnotationStore
    from library.catalog import AddResult, Catalog, Entry

PROG = "newsreader"

USAGE = """\
newsreader [--library DIR] [PATH|ID]          open the app (PATH is added first, then opened)
       newsreader [--library DIR] COMMAND ...

commands:
  add PATH...                                  import files and folders (recursive)
  list [--sort KEY] [--json]                   the documents
  show ID [--json]                             one document's text, or its metadata and text
  search QUERY [--doc ID] [--limit N] [--json] fuzzy search across documents
  highlight ID --quote TEXT [--nth N] [--note TEXT] [--color C] [--tag T]...
                                               highlight a passage (found fuzzily)
  notes [ID] [--search QUERY] [--json]         highlights and notes
  export [ID...] [--format markdown|json|w3c] [-o PATH]
                                               export notes (Markdown, JSON, W3C)
  import-notes FILE                            restore notes from a JSON or W3C export
  remove ID                                    remove a document from the library

ID is a document id or a unique prefix of one. Run `newsreader COMMAND --help` for details.
"""


class UsageError(Exception):
    """A mistake in the command line itself; exits with status 2."""


class CommandError(Exception):
    """A command that could not do what was asked; exits with status 1."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are exceptions, so `main` prints them as one line."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _top_parser() -> _Parser:
    top = _Parser(prog=PROG, usage=USAGE, add_help=True)
    top.add_argument("--library", metavar="DIR", help="the library folder to use")
    top.add_argument("--version", action="store_true", help="print the version and exit")
    top.add_argument("target", nargs="?", help=argparse.SUPPRESS)
    return top


def _command_parsers() -> dict[str, _Parser]:
    """A parser for each command (made only when a command is given: the app needs none)."""
    commands: dict[str, _Parser] = {}

    def command(name: str, text: str) -> _Parser:
        parser = _Parser(prog=f"{PROG} {name}", description=text)
        commands[name] = parser
        return parser

    add = command("add", "Import files and folders (folders recursively) into the library.")
    add.add_argument("paths", nargs="+", metavar="PATH")

    from library.catalog import SORT_KEYS

    list_ = command("list", "List the documents in the library.")
    list_.add_argument("--sort", choices=SORT_KEYS, default="added")
    list_.add_argument("--json", action="store_true", help="print a JSON array")

    show = command("show", "Print a document's text exactly as stored.")
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true", help="print metadata and text as JSON")

    search = command("search", "Fuzzy search across the documents in the library.")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--doc", metavar="ID", help="search only this document")
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N matches")
    search.add_argument("--json", action="store_true", help="print a JSON array")

    from annotations.model import COLORS, DEFAULT_COLOR, Color

    highlight = command("highlight", "Highlight a passage of a document, found by its text.")
    highlight.add_argument("id", metavar="ID")
    highlight.add_argument("--quote", required=True, metavar="TEXT", help="the text to mark")
    highlight.add_argument("--nth", type=int, metavar="N", help="which of several places (1-)")
    highlight.add_argument("--note", default="", metavar="TEXT", help="a note (Markdown)")
    highlight.add_argument("--color", choices=COLORS, default=DEFAULT_COLOR, type=Color)
    highlight.add_argument("--tag", action="append", default=[], metavar="T", help="a tag")

    notes = command("notes", "List highlights and notes, of one document or of all.")
    notes.add_argument("id", nargs="?", metavar="ID")
    notes.add_argument("--search", metavar="QUERY", help="fuzzy filter on quote, note, tags")
    notes.add_argument("--json", action="store_true", help="print a JSON array")

    export = command(
        "export",
        "Export highlights and notes. JSON and W3C go to stdout unless -o is given; Markdown "
        "of one document goes to stdout, of several into the export folder (-o, or the "
        "library's exports/).",
    )
    export.add_argument("ids", nargs="*", metavar="ID", help="documents (default: all)")
    export.add_argument(
        "--format",
        choices=("markdown", "json", "w3c"),
        default="markdown",
        help="default: markdown",
    )
    export.add_argument("-o", "--output", metavar="PATH", help="file (json, w3c) or folder")

    import_notes = command("import-notes", "Restore notes from a JSON or W3C export (idempotent).")
    import_notes.add_argument("file", metavar="FILE")

    remove = command("remove", "Remove a document (its text, metadata and reading position).")
    remove.add_argument("id", metavar="ID")
    return commands


def _split_global(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split argv into the global part and the command part (from the command name on)."""
    from_command = list(argv)
    head: list[str] = []
    commands = set(COMMANDS)
    while from_command:
        arg = from_command[0]
        if arg in commands:
            return head, from_command
        head.append(from_command.pop(0))
        if arg == "--library" and from_command:
            head.append(from_command.pop(0))
    return head, []


def _out(stream: TextIO, text: str) -> None:
    """Write untrusted text, made visible when it goes to a terminal."""
    stream.write(visible(text) if stream.isatty() else text)


def _entry_dict(entry: Entry, progress: float, highlights: int) -> dict[str, Any]:
    return {**entry.to_json(), "progress": round(progress, 4), "highlights": highlights}


def _print_json(value: object) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _warn(message: str) -> None:
    sys.stderr.write(f"{PROG}: {one_line(message)}\n")


def _open_catalog(library: str | None) -> Catalog:
    from library.catalog import Catalog

    catalog = Catalog.open(resolve_home(library))
    for warning in catalog.warnings:
        _warn(warning)
    return catalog


def _refresh_updated(catalog: Catalog, result: AddResult) -> None:
    """Re-find the highlights of every document an add changed, and say what happened."""
    if not result.updated:
        return
    from annotations.upkeep import refresh_anchors

    store = _annotation_store(catalog)
    for entry in result.updated:
        report = refresh_anchors(store, entry.id, catalog.text(entry.id), entry.content_hash)
        if report.checked:
            _out(sys.stdout, f"           {entry.id}  {report.sentence()}\n")


def _restore_added(catalog: Catalog, result: AddResult) -> None:
    """Bring back the highlights of documents that were removed and are now added again."""
    if not result.added:
        return
    store = _annotation_store(catalog)
    for entry in result.added:
        restored = store.restore_document(entry.id)
        if restored:
            _out(
                sys.stdout, f"           {entry.id}  its {restored} earlier highlight(s) are back\n"
            )


def cmd_add(catalog: Catalog, args: argparse.Namespace) -> int:
    result = catalog.add(Path(p) for p in args.paths)
    _restore_added(catalog, result)
    _refresh_updated(catalog, result)
    for label, entries in (
        ("added", result.added),
        ("updated", result.updated),
        ("unchanged", result.unchanged),
    ):
        for entry in entries:
            _out(sys.stdout, f"{label:9}  {entry.id}  {one_line(entry.title)}\n")
    for path, message in result.failed:
        _warn(f"skipped {path}: {message}" if message and path not in message else message)
    if not result.failed:
        return 0
    return 1 if not (result.added or result.updated or result.unchanged) else 3


def _annotation_store(catalog: Catalog) -> AnnotationStore:
    from annotations.store import AnnotationStore

    store = AnnotationStore(catalog.home)
    return store


def _warn_store(store: AnnotationStore) -> None:
    for warning in store.warnings:
        _warn(warning)


def cmd_list(catalog: Catalog, args: argparse.Namespace) -> int:
    entries = catalog.entries(sort=args.sort)
    store = _annotation_store(catalog)
    counts = store.counts()
    _warn_store(store)
    states = catalog.all_reading_states()
    progress = {e.id: states[e.id].progress if e.id in states else None for e in entries}
    if args.json:
        _print_json([_entry_dict(e, progress[e.id] or 0.0, counts.get(e.id, 0)) for e in entries])
        return 0
    if not entries:
        sys.stdout.write("The library is empty. Add documents with: newsreader add PATH\n")
        return 0
    for e in entries:
        date = e.date or "          "
        source = f"  ({one_line(e.source)})" if e.source else ""
        line = (
            f"{e.id}  {date}  {length_label(e.reading_minutes):>7}"
            f"  {progress_label(progress[e.id]):>4}"
            f"  {one_line(e.title)}{source}\n"
        )
        _out(sys.stdout, line)
    return 0


def cmd_show(catalog: Catalog, args: argparse.Namespace) -> int:
    entry = catalog.resolve(args.id)
    text = catalog.text(entry.id)
    if args.json:
        state = catalog.reading_state(entry.id)
        value = _entry_dict(
            entry, state.progress, _annotation_store(catalog).counts().get(entry.id, 0)
        )
        value["text"] = text
        _print_json(value)
        return 0
    _out(sys.stdout, text)
    if sys.stdout.isatty() and not text.endswith("\n"):
        sys.stdout.write("\n")  # for the prompt's sake; piped output is exactly the text
    return 0


def cmd_search(catalog: Catalog, args: argparse.Namespace) -> int:
    from library.search import context_snippet, search_documents

    if args.limit < 1:
        raise UsageError(f"{PROG} search: --limit must be at least 1")
    entries = (catalog.resolve(args.doc),) if args.doc else catalog.entries()
    titles = {e.id: e.title for e in entries}
    texts = {e.id: catalog.text(e.id) for e in entries}
    found = search_documents(texts.items(), args.query, args.limit)
    rows = [
        {
            "document_id": doc_id,
            "title": titles[doc_id],
            "start": match.start,
            "end": match.end,
            "score": round(match.score, 1),
            "context": context_snippet(texts[doc_id], match.start, match.end),
        }
        for doc_id, match in found
    ]
    if args.json:
        _print_json(rows)
        return 0
    if not rows:
        sys.stderr.write(f"{PROG}: no matches for {one_line(args.query)!r}\n")
        return 1
    for row in rows:
        _out(
            sys.stdout,
            f"{row['document_id']}  {row['start']:>8}  {row['score']:5.1f}  "
            f"{one_line(str(row['title']))[:40]}\n    {one_line(str(row['context']))}\n",
        )
    return 0


def cmd_remove(catalog: Catalog, args: argparse.Namespace) -> int:
    entry = catalog.remove(catalog.resolve(args.id).id)
    kept = _annotation_store(catalog).remove_document(entry.id)
    _out(sys.stdout, f"removed  {entry.id}  {one_line(entry.title)}\n")
    if kept:
        _out(
            sys.stdout,
            f"its {len(kept)} highlight(s) are kept in annotations/removed/ and come back "
            "if the document is added again\n",
        )
    return 0


def _find_quote(text: str, quote: str, nth: int | None) -> tuple[int, int]:
    """Where `quote` is in `text`: exact places first, else the best fuzzy place."""
    if not quote.strip():
        raise UsageError(f"{PROG} highlight: the quote is empty")
    places: list[tuple[int, int]] = []
    at = text.find(quote)
    while at >= 0 and quote:
        places.append((at, at + len(quote)))
        at = text.find(quote, at + 1)
    if not places:
        from library.search import SearchIndex

        found = SearchIndex(text).find(quote, limit=10, threshold=85.0)
        if found:
            best = found[0].score
            places = sorted((m.start, m.end) for m in found if m.score >= best - 0.5)
    if not places:
        raise CommandError(f"The quote {one_line(quote)!r} is not in the document.")
    if nth is not None:
        if not 1 <= nth <= len(places):
            raise UsageError(
                f"{PROG} highlight: --nth must be from 1 to {len(places)} for this quote"
            )
        return places[nth - 1]
    if len(places) > 1:
        from library.search import context_snippet

        where = "; ".join(
            f"{i}: {context_snippet(text, s, e, width=40)!r}"
            for i, (s, e) in enumerate(places[:5], 1)
        )
        if len(places) > 5:
            where += "; …"
        raise UsageError(
            f"{PROG} highlight: the quote is in {len(places)} places ({where}); "
            "pick one with --nth N"
        )
    return places[0]


def cmd_highlight(catalog: Catalog, args: argparse.Namespace) -> int:
    from annotations.model import new_highlight

    entry = catalog.resolve(args.id)
    text = catalog.text(entry.id)
    start, end = _find_quote(text, args.quote, args.nth)
    store = _annotation_store(catalog)
    for existing in store.for_document(entry.id):
        if (existing.start, existing.end) == (start, end) and existing.is_placed:
            raise CommandError(f"That passage is highlighted already (id {existing.id}).")
    highlight = new_highlight(
        entry.id,
        text,
        start,
        end,
        color=args.color,
        note=args.note,
        tags=args.tag,
        content_hash=entry.content_hash,
    )
    store.save(highlight)
    _out(sys.stdout, f"{highlight.id}  {start}-{end}  {one_line(highlight.quote)}\n")
    return 0


def cmd_notes(catalog: Catalog, args: argparse.Namespace) -> int:
    from annotations.model import AnchorStatus
    from library.filtering import filter_ranked

    store = _annotation_store(catalog)
    if args.id:
        highlights = store.for_document(catalog.resolve(args.id).id)
    else:
        highlights = store.all()
    _warn_store(store)
    if args.search:
        fields = [f"{h.quote} {h.note} {' '.join(h.tags)}" for h in highlights]
        highlights = tuple(highlights[i] for i in filter_ranked(args.search, fields))
    if args.json:
        from annotations.model import to_record

        _print_json([to_record(h) for h in highlights])
        return 0
    if not highlights:
        sys.stdout.write("No highlights yet.\n")
        return 0
    titles = {e.id: e.title for e in catalog.entries()}
    shown_document = None
    for h in highlights:
        if h.document_id != shown_document:
            shown_document = h.document_id
            title = one_line(titles.get(h.document_id, "(removed document)"))
            _out(sys.stdout, f"{h.document_id}  {title}\n")
        tags = f"  #{' #'.join(h.tags)}" if h.tags else ""
        status = "" if h.status is AnchorStatus.EXACT else f"  [{h.status}]"
        _out(sys.stdout, f"  {h.id[:8]}  {h.color}{status}{tags}\n")
        _out(sys.stdout, f"    > {one_line(h.quote)}\n")
        for line in h.note.splitlines():
            _out(sys.stdout, f"      {line}\n")
    return 0


def cmd_export(catalog: Catalog, args: argparse.Namespace) -> int:
    from annotations.export import export_markdown, markdown_for_document
    from annotations.interchange import export_json, export_w3c
    from library.storage import atomic_write_text

    store = _annotation_store(catalog)
    ids = [catalog.resolve(i).id for i in args.ids] or None
    if args.format in ("json", "w3c"):
        exporter = export_json if args.format == "json" else export_w3c
        data = exporter(catalog, store, ids)
        if args.output:
            target = Path(args.output).expanduser()
            if target.is_dir():
                target = target / f"newsreader-notes.{args.format}.json"
            atomic_write_text(target, data)
            sys.stderr.write(f"{PROG}: wrote {target}\n")
        else:
            sys.stdout.write(data if data.endswith("\n") else data + "\n")
        return 0
    if ids is not None and len(ids) == 1 and not args.output:
        sys.stdout.write(markdown_for_document(catalog, store, ids[0]))
        return 0
    folder = Path(args.output).expanduser() if args.output else catalog.exports_folder
    result = export_markdown(catalog, store, ids, folder)
    first, *rest = result.messages
    _out(sys.stdout, first + "\n")
    for message in rest:
        _warn(message)
    return 0


def cmd_import_notes(catalog: Catalog, args: argparse.Namespace) -> int:
    from annotations.interchange import import_notes

    path = Path(args.file).expanduser()
    try:
        data = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(f"{PROG} import-notes: {path} is not a UTF-8 text file") from err
    try:
        result = import_notes(catalog, _annotation_store(catalog), data)
    except ValueError as err:
        raise UsageError(f"{PROG} import-notes: {err}") from err
    for message in result.messages:
        _out(sys.stdout, message + "\n")
    return 0


COMMANDS: dict[str, Callable[[Catalog, argparse.Namespace], int]] = {
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


def run_app(library: str | None, target: str | None) -> int:
    """Open the app, first adding `target` when it is a path, then opening it."""
    catalog = _open_catalog(library)
    open_id: str | None = None
    if target is not None:
        path = Path(target).expanduser()
        if path.exists():
            result = catalog.add([path])
            if result.failed:
                raise CommandError(result.failed[0][1])
            _refresh_updated(catalog, result)
            touched = result.added + result.updated + result.unchanged
            if len(touched) == 1:
                open_id = touched[0].id
        elif "/" in target or "." in target:
            raise CommandError(f"There is no file at {target}, and no document has that id.")
        else:
            open_id = catalog.resolve(target).id

    # Starting Textual makes a few hundred thousand objects that live as long as the app,
    # and the collector would walk them all (a full collection: ~30 ms) just before the
    # first frame. So it waits until that frame is drawn, then leaves those objects out of
    # every later collection, so that none of them can stall a key either.
    gc.disable()
    try:
        from reader.app import make_app

        app = make_app(catalog, open_id=open_id, after_first_frame=_collect_from_now_on)
        app.run()
    finally:
        gc.enable()
    return app.return_code or 0


def _collect_from_now_on() -> None:
    """Freeze what start-up made (see `run_app`) and let the collector run again."""
    gc.freeze()
    gc.enable()


def _expected_errors() -> tuple[type[Exception], ...]:
    """Errors that are the user's to fix, told in one line (imported only when one happens:
    the parser's patterns take a few milliseconds to compile, and starting needs none)."""
    from library.catalog import AmbiguousId, UnknownDocument
    from library.parse import UnreadableFile
    from library.storage import StoreError

    return (CommandError, UnknownDocument, AmbiguousId, UnreadableFile, StoreError)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character
        reconfigure = getattr(stream, "reconfigure", None)  # gets a stand-in, not a crash
        if reconfigure is not None:
            reconfigure(errors="replace")
    try:
        head, rest = _split_global(args_list)
        options, extra = _top_parser().parse_known_args(head)
        if extra:
            if options.target is not None and not Path(options.target).exists():
                names = ", ".join(COMMANDS)
                raise UsageError(f"{PROG}: unknown command {options.target!r} (commands: {names})")
            raise UsageError(f"{PROG}: unexpected arguments: {' '.join(extra)}")
        if options.version:
            from importlib.metadata import version

            sys.stdout.write(f"{PROG} {version('newsreader')}\n")
            return 0
        if not rest:
            return run_app(options.library, options.target)
        if options.target is not None:
            raise UsageError(f"{PROG}: unexpected argument {options.target!r} before {rest[0]!r}")
        args = _command_parsers()[rest[0]].parse_args(rest[1:])
        catalog = _open_catalog(options.library)
        return COMMANDS[rest[0]](catalog, args)
    except UsageError as err:
        sys.stderr.write(f"{one_line(str(err))}\n")
        return 2
    except _expected_errors() as err:  # evaluated only when something was raised
        _warn(str(err))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except RuntimeError as err:  # `~name` for a user that does not exist, among others
        _warn(f"{err}.".replace("..", "."))
        return 1
    except OSError as err:
        _warn(f"{err.strerror or err}: {err.filename}" if err.filename else str(err))
        return 1
    except Exception as err:  # noqa: BLE001 - the last line of defence: never a traceback
        _warn(f"unexpected error ({type(err).__name__}): {err}")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
