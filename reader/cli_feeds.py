"""The feed commands: `feed add|list|remove|import|export` and `refresh`. Like the other
commands, each asks the `Workspace` and prints what happened; none imports Textual."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from library.sanitize import one_line
from reader.cli_output import PROG, CommandError, UsageError, out, print_json, warn
from service.workspace import Workspace

if TYPE_CHECKING:
    from service.feeds import RefreshReport

FEED_ACTIONS = ("add", "list", "remove", "import", "export")
"""The subcommands of `feed`."""


def add_feed_parsers(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Make the parsers of `feed` and `refresh` with `command(name, description)`."""
    feed = command("feed", "Follow feeds (RSS, Atom): add, list, remove, import, export.")
    actions = feed.add_subparsers(dest="action", required=True, metavar="ACTION")
    # `--library` after the action too; not given there, it must not undo one given
    # before it (`feed --library X list`): a subparser's default would.
    after_action = argparse.ArgumentParser(add_help=False)
    after_action.add_argument("--library", metavar="DIR", default=argparse.SUPPRESS)

    def action(name: str, text: str) -> argparse.ArgumentParser:
        return actions.add_parser(name, help=text, description=text, parents=[after_action])

    add = action("add", "Follow a feed: its address, or a page that names one.")
    add.add_argument("url", metavar="URL")
    listed = action("list", "List the feeds followed.")
    listed.add_argument("--json", action="store_true", help="print a JSON array")
    remove = action("remove", "Stop following a feed (its documents stay).")
    remove.add_argument("id", metavar="ID", help="a feed id, a unique prefix, or its address")
    imported = action("import", "Follow the feeds an OPML file lists (nothing is fetched).")
    imported.add_argument("file", metavar="FILE")
    exported = action("export", "Write the feeds followed as OPML 2.0 (stdout, or -o FILE).")
    exported.add_argument("-o", "--output", metavar="FILE", help="write to FILE")

    refresh = command(
        "refresh",
        "Fetch the feeds (default: all) and add their new entries, each with its full "
        "article. One line per feed on stderr; exits 1 if any feed failed.",
    )
    refresh.add_argument("feeds", nargs="*", metavar="FEED", help="feed ids or addresses")
    refresh.add_argument("--json", action="store_true", help="print what was added as JSON")
    refresh.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="give up on a feed or page after this long (default: 30)",
    )


def cmd_feed(workspace: Workspace, args: argparse.Namespace) -> int:
    actions: dict[str, Callable[[Workspace, argparse.Namespace], int]] = {
        "add": _feed_add,
        "list": _feed_list,
        "remove": _feed_remove,
        "import": _feed_import,
        "export": _feed_export,
    }
    return actions[args.action](workspace, args)


def _feed_add(workspace: Workspace, args: argparse.Namespace) -> int:
    from library.web_address import is_web_address

    if not is_web_address(args.url):
        raise UsageError(f"{PROG} feed add: {one_line(args.url)!r} is not an http or https address")
    subscription = workspace.follow_feed(args.url.strip())
    feed = subscription.feed
    label = "following" if subscription.new else "already following"
    out(sys.stdout, f"{label}  {feed.id}  {one_line(feed.title)}  {feed.url}\n")
    if subscription.found_on is not None:
        out(sys.stdout, f"(named by the page {subscription.found_on})\n")
    return 0


def _feed_list(workspace: Workspace, args: argparse.Namespace) -> int:
    feeds = workspace.feeds.feeds()
    if args.json:
        print_json([feed.to_json() for feed in feeds])
        return 0
    if not feeds:
        sys.stdout.write(f"No feeds yet. Follow one with: {PROG} feed add URL\n")
        return 0
    for feed in feeds:
        out(sys.stdout, f"{feed.id}  {one_line(feed.title)}  {feed.url}\n")
    return 0


def _feed_remove(workspace: Workspace, args: argparse.Namespace) -> int:
    feed = workspace.feeds.remove(workspace.feeds.resolve(args.id).id)
    out(sys.stdout, f"removed  {feed.id}  {one_line(feed.title)} (its documents stay)\n")
    return 0


def _feed_import(workspace: Workspace, args: argparse.Namespace) -> int:
    from library.clock import utc_now
    from library.opml import read_opml

    path = Path(args.file).expanduser()
    listed = read_opml(path.read_bytes(), str(path))
    if not listed:
        raise CommandError(f"{path} lists no http or https feed.")
    done = workspace.feeds.add_many(
        ((f.url, f.title or urlsplit(f.url).hostname or f.url, f.site) for f in listed),
        utc_now(),
    )
    new = sum(1 for _, is_new in done if is_new)
    for feed, is_new in done:
        label = "following" if is_new else "already following"
        out(sys.stdout, f"{label}  {feed.id}  {one_line(feed.title)}  {feed.url}\n")
    sys.stderr.write(f"{PROG}: {new} new feed(s) of {len(done)} in {path}\n")
    return 0


def _feed_export(workspace: Workspace, args: argparse.Namespace) -> int:
    from library.opml import ListedFeed, write_opml
    from reader.cli_commands import write_output_file

    document = write_opml(ListedFeed(f.url, f.title, f.site) for f in workspace.feeds.feeds())
    if args.output is None:
        sys.stdout.write(document)
        return 0
    target = Path(args.output).expanduser()
    write_output_file(target, document)
    sys.stderr.write(f"{PROG}: wrote {target}\n")
    return 0


def cmd_refresh(workspace: Workspace, args: argparse.Namespace) -> int:
    from library.fetch import Limits
    from service.feeds import RefreshProgress

    if args.timeout is not None and not args.timeout > 0:
        raise UsageError(f"{PROG} refresh: --timeout must be more than 0 seconds")
    limits = Limits.within(args.timeout) if args.timeout is not None else None
    if not args.feeds and not workspace.feeds.feeds():
        raise CommandError(f"No feeds are followed yet; follow one with: {PROG} feed add URL")

    def tell(progress: RefreshProgress) -> None:
        outcome = progress.latest
        where = f"[{progress.done}/{progress.total}] {one_line(outcome.feed.title)}"
        if outcome.failed:
            warn(f"{where} ({outcome.feed.id}): {outcome.sentence()}")
        elif outcome.not_modified:
            sys.stderr.write(f"{where}: not changed\n")
        else:
            sys.stderr.write(f"{where}: {len(outcome.added)} new\n")
        sys.stderr.flush()

    report = workspace.refresh_feeds(args.feeds, limits=limits, progress=tell)
    if args.json:
        print_json(_refresh_json(report))
    else:
        for entry in report.added:
            out(sys.stdout, f"{'added':9}  {entry.id}  {one_line(entry.title)}\n")
    for problem in report.problems:
        warn(problem)
    return 1 if report.failed or report.problems else 0


def _refresh_json(report: RefreshReport) -> dict[str, Any]:
    return {
        "added": [entry.to_json() for entry in report.added],
        "feeds": [
            {
                "id": outcome.feed.id,
                "title": outcome.feed.title,
                "url": outcome.feed.url,
                "added": len(outcome.added),
                "not_modified": outcome.not_modified,
                "error": outcome.sentence() or None,
            }
            for outcome in report.feeds
        ],
    }
