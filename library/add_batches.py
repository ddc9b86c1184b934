"""Reading the files of an add in batches, and telling how far it has got.

An add of a folder of fifty thousand articles must not hold all their texts at once:
files are read into batches of bounded size, and each batch is recorded (its texts
written, then the catalog) before the next one is read. An add cut short keeps the
batches it recorded. Progress is told in steps: reading a file, writing its text and
spans, and waiting for the disk each take about a third of the time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from library.adding import collect_files
from library.entries import AddResult
from library.safe_files import reason_of
from library.web_address import WebAddress, is_web_address

if TYPE_CHECKING:
    from library.parse import Parsed

BATCH_TEXT = 64 * 1024 * 1024
"""A batch holds about this many characters of text…"""
BATCH_FILES = 5_000
"""…or this many files, whichever comes first: memory holds one batch of texts, and the
catalog, written once per batch, is rewritten only a few times even for a folder of
fifty thousand articles."""
STEPS_PER_FILE = 3
"""Reading a file, writing its text, waiting for the disk."""

Batch = list[tuple[str | None, "Parsed"]]
"""Parsed files to record together: (the file's path, what it holds)."""


@dataclass(frozen=True, slots=True)
class ReadDocument:
    """A document read already, to add as a file is (a feed's entry, its article fetched
    by a refresh): no second copy of the add is needed for what is not a file."""

    where: str | None
    """Where it comes from (its article's address), recorded as a file's path is."""
    parsed: Parsed
    """What it holds."""
    given: str
    """How messages name it."""


AddSource = Path | str | ReadDocument
"""What an add takes: a file or folder, an http or https address (a string), or a
document read already."""


class AddSteps:
    """Counts the steps of an add and tells each one to a progress callback."""

    def __init__(self, files: int, progress: Callable[[int, int], None] | None) -> None:
        self.total = STEPS_PER_FILE * files
        self.done = 0
        self._progress = progress

    def advance(self, count: int = 1) -> None:
        """`count` more steps are done."""
        self.done += count
        if self._progress is not None:
            self._progress(self.done, self.total)


Found = Path | WebAddress | ReadDocument | str
"""A source of an add once found: a file, a web page, a document read already, or why
the path given cannot be added."""


def find_sources(paths: Iterable[AddSource], home: Path) -> list[tuple[str, Found]]:
    """What an add will read: the documents read already and the web pages given (an http
    or https address given as a string: a `Path` would have folded its ``//``), then the
    files `collect_files` finds (``(path as given, file)``, or ``(path as given, why it
    cannot be added)``)."""
    pages: list[tuple[str, Found]] = []
    files: list[Path] = []
    for path in paths:
        if isinstance(path, ReadDocument):
            pages.append((path.given, path))
        elif isinstance(path, str) and is_web_address(path):
            pages.append((path, WebAddress(path)))
        else:
            files.append(Path(path))
    return [*pages, *collect_files(files, home=home)]


def read_batches(
    found_files: Sequence[tuple[str, Found]],
    steps: AddSteps,
    failed: list[tuple[str, str]],
) -> Iterator[Batch]:
    """Read and parse the files `collect_files` found (and fetch the pages), a batch at
    a time.

    A file that cannot be read goes to `failed` as (path as given, one sentence), as do
    the paths `collect_files` could not take. The next batch is read only once the caller
    asks for it, and a batch is emptied then, so a caller that records each batch before
    asking holds one at a time (it must not keep the list).
    """
    from library.textfile import UnreadableFile

    batch: Batch = []
    size = 0
    for given, found in found_files:
        if isinstance(found, str):
            failed.append((given, found))
            steps.advance(STEPS_PER_FILE)
            continue
        try:
            where, parsed = _read_one(given, found)
        except UnreadableFile as err:
            failed.append((given, str(err)))
            steps.advance(STEPS_PER_FILE)
            continue
        except OSError as err:
            failed.append((given, f"The file {given} cannot be read: {reason_of(err)}."))
            steps.advance(STEPS_PER_FILE)
            continue
        steps.advance()
        batch.append((where, parsed))
        size += len(parsed.text)
        if size >= BATCH_TEXT or len(batch) >= BATCH_FILES:
            yield batch
            # Recorded by now: emptied, so that its texts are let go of before the next
            # batch is read, even while the caller's loop still names this list.
            batch.clear()
            size = 0
    if batch:
        yield batch


def _read_one(given: str, found: Path | WebAddress | ReadDocument) -> tuple[str | None, Parsed]:
    """Where a document comes from (a file's path, a page's address after redirects) and
    what it holds."""
    if isinstance(found, ReadDocument):
        return found.where, found.parsed
    if isinstance(found, WebAddress):
        from library.fetch import fetch_page
        from library.web_page import parse_page

        page = fetch_page(found.url)
        return page.url, parse_page(page.body, url=page.url, name=found.url)
    from library.parse import load_file

    return str(found), load_file(found, shown_as=given)


def combined(results: Sequence[AddResult], failed: Sequence[tuple[str, str]]) -> AddResult:
    """One result for the batches of an add."""
    added = tuple(entry for result in results for entry in result.added)
    updated = tuple(entry for result in results for entry in result.updated)
    taken = {entry.id for entry in (*added, *updated)}
    return AddResult(
        added=added,
        updated=updated,
        # The same text in two batches: added by the first, not also "unchanged".
        unchanged=tuple(
            entry for result in results for entry in result.unchanged if entry.id not in taken
        ),
        failed=tuple(failed),
        previous_hashes=tuple(pair for result in results for pair in result.previous_hashes),
    )
