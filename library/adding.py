"""Planning an add: which files a list of paths names, and what becomes of each file.

`collect_files` expands folders into the text files they hold; `AddPlan` decides, for
each parsed file, whether it is new, a changed version of a document already in the
library, or already there. Nothing here writes: `Catalog.add` plans once on a snapshot
of the catalog (so text files can be written without holding the lock) and again under
the lock, on the fresh catalog, before it commits.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from library.entries import Entry, entry_from_record
from library.reading_time import reading_minutes
from library.storage import Record

if TYPE_CHECKING:
    from library.parse import Parsed
    from library.structure import Structure

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".epub", ".html", ".htm", ".xhtml"})
"""File endings picked up inside folders; a file named explicitly is tried whatever its name."""

ID_LENGTH = 12
"""Hex digits in a document id: the start of the sha256 of its text when first added."""


# --- which files -------------------------------------------------------------------------


def collect_files(paths: Iterable[Path], *, home: Path) -> list[tuple[str, Path | str]]:
    """Expand folders, in the order given; each file once, the library's own folder never.

    Returns:
        ``(path as given, file)`` for each file to read (its links followed), or
        ``(path as given, one-sentence reason)`` for each path that cannot be added: a
        missing one, a link loop, a folder that cannot be read or holds no text file, a
        file whose name is not valid UTF-8 (the catalog could not record it).
    """
    found: list[tuple[str, Path | str]] = []
    seen: set[Path] = set()
    skip = home.resolve()

    def take(given: str, path: Path) -> None:
        if not _is_utf8(given):
            shown = _escaped_name(given)
            found.append((shown, f"{shown} was not added: its name {_NOT_UTF8}"))
            return
        try:
            resolved = path.resolve()
        except (RuntimeError, OSError):  # a symlink loop, a vanished folder
            found.append((given, f"{given} cannot be read: it is a symbolic link loop."))
            return
        if not resolved.exists():
            # A link only the kernel can follow, such as /dev/stdin to "pipe:[1234]":
            # read the path as given, and name it as given.
            resolved = path.absolute()
        if not _is_utf8(str(resolved)):
            target = _escaped_name(str(resolved))
            found.append(
                (given, f"{given} was not added: it leads to {target}, whose name {_NOT_UTF8}")
            )
            return
        if resolved not in seen:
            seen.add(resolved)
            found.append((given, resolved))

    for path in paths:
        typed = str(path)
        given = _escaped_name(typed)
        path = Path(path).expanduser()
        if path.is_dir():
            _take_folder(given, path, skip, take, found)
        elif path.exists():
            take(typed, path)
        elif path.is_symlink():
            found.append((given, f"{given} cannot be read: it is a broken or looping link."))
        else:
            found.append((given, f"There is no file or folder at {given}."))
    return found


def _take_folder(
    given: str,
    folder: Path,
    skip: Path,
    take: Callable[[str, Path], None],
    found: list[tuple[str, Path | str]],
) -> None:
    """Take the text files of `folder`, and report the folders below it that cannot be read."""
    files, unreadable = text_files_under(folder, skip=skip)
    for problem in unreadable:
        found.append((_escaped_name(problem.folder), problem.sentence()))
    if not files and not unreadable:
        reason = f"No text files (.txt, .text, .md, .markdown) were found in {given}."
        found.append((given, reason))
    for file in files:
        take(str(file), file)


@dataclass(frozen=True, slots=True)
class UnreadableFolder:
    """A folder met while looking for text files, whose content could not be listed."""

    folder: str
    """The folder, as the walk reached it from the path the user gave."""
    reason: str
    """The operating system's words, such as ``permission denied``."""

    def sentence(self) -> str:
        """The one sentence telling the user, naming the folder."""
        return f"{_escaped_name(self.folder)} cannot be read: {self.reason}."


def text_files_under(folder: Path, *, skip: Path) -> tuple[list[Path], list[UnreadableFolder]]:
    """Return the text files in `folder` and below, sorted, without hidden ones.

    A folder that cannot be listed (no permission, gone meanwhile) is not silently left
    out: it is returned too, so the user hears which part of the tree was not read.

    Args:
        folder: Where to look.
        skip: A folder (resolved) never entered: the library's own home.

    Returns:
        The files, and the folders that could not be read.
    """
    found: list[Path] = []
    unreadable: list[UnreadableFolder] = []

    def note(err: OSError) -> None:
        where = err.filename if err.filename is not None else folder
        unreadable.append(UnreadableFolder(os.fsdecode(where), _reason(err)))

    for directory, subfolders, names in os.walk(folder, onerror=note):
        current = Path(directory)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".") and _resolved_or_none(current / name) != skip
        )
        found.extend(
            current / name
            for name in names
            if not name.startswith(".") and Path(name).suffix.lower() in TEXT_SUFFIXES
        )
    found.sort(key=lambda p: p.relative_to(folder).parts)
    unreadable.sort(key=lambda problem: Path(problem.folder).parts)
    return found, unreadable


def _reason(err: OSError) -> str:
    """The operating system's words for `err`, to end a sentence: ``permission denied``."""
    return (err.strerror or type(err).__name__).rstrip(".").lower()


def _is_utf8(name: str) -> bool:
    """Tell whether a path (as Python decodes file names) came from valid UTF-8 bytes.

    Bytes that are not UTF-8 come back as lone surrogates, which no JSON file can store.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _escaped_name(name: str) -> str:
    """`name` with the bytes that are not UTF-8 shown as ``\\xNN``, so it can be printed."""
    return os.fsencode(name).decode("utf-8", errors="backslashreplace")


_NOT_UTF8 = "is not valid UTF-8, so the library cannot record it; rename the file and add it again."


def _resolved_or_none(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return None


# --- what becomes of each file -----------------------------------------------------------


class AddPlan:
    """Decides, for each parsed file, whether it is new, changed or already there.

    Each decision updates the plan as if it had been stored, so the same file twice in
    one add, or two files with the same text, are decided as the library would see them.
    """

    def __init__(self, records: dict[str, Record], documents_folder: Path, now: str) -> None:
        """Start a plan over the catalog's records.

        Args:
            records: The catalog's document records, by id.
            documents_folder: Where the texts are, to notice a lost text file.
            now: The time the add happens (``added``/``updated`` of what changes).
        """
        self.documents_folder = documents_folder
        self.entries: dict[str, Entry] = {}
        for doc_id, record in records.items():
            entry = entry_from_record(doc_id, record)
            if entry is not None:
                self.entries[doc_id] = entry
        self.taken = set(records)
        self.by_path = {e.path: e.id for e in self.entries.values() if e.path is not None}
        self.by_hash = {e.content_hash: e.id for e in self.entries.values()}
        self.texts: dict[str, tuple[str, str]] = {}
        """Text files to write: id → (text, content hash)."""
        self.structures: dict[str, Structure] = {}
        """The structure of each text to write (empty for plain text): id → structure."""
        self.raw_pages: dict[str, bytes] = {}
        """The web page each text to write was extracted from, if any: id → page."""
        self.changed: dict[str, Entry] = {}
        """Entries to store: id → entry."""
        self.added: dict[str, Entry] = {}
        self.updated: dict[str, Entry] = {}
        self.unchanged: dict[str, Entry] = {}
        self.previous_hashes: dict[str, str] = {}
        self.now = now

    def decide(self, path: str | None, parsed: Parsed, content_hash: str) -> None:
        """Classify one parsed file, updating the plan as if it had been stored."""
        known_id = self.by_path.get(path) if path is not None else None
        if known_id is not None:
            self._changed_file(known_id, path, parsed, content_hash)
            return
        same_text = self.by_hash.get(content_hash)
        if same_text is not None:
            self._same_text(self.entries[same_text], path, parsed)
            return
        doc_id = new_id(parsed.text, content_hash, self.taken)
        entry = entry_for(doc_id, path, parsed, content_hash, self.now, self.now)
        self._store(entry, parsed)
        self.by_hash[content_hash] = doc_id
        self.added[doc_id] = entry

    def _changed_file(
        self, known_id: str, path: str | None, parsed: Parsed, content_hash: str
    ) -> None:
        """A file already in the library: unchanged, or a new version of its document."""
        old = self.entries[known_id]
        if old.content_hash == content_hash:
            self._same_text(old, path, parsed)
            return
        entry = entry_for(known_id, path, parsed, content_hash, old.added, self.now, old.feed)
        self._store(entry, parsed)
        self.by_hash.pop(old.content_hash, None)
        self.by_hash[content_hash] = known_id
        if known_id in self.added:  # the same file twice in one batch, changed meanwhile
            self.added[known_id] = entry
        else:
            self.updated[known_id] = entry
            self.previous_hashes.setdefault(known_id, old.content_hash)
            self.unchanged.pop(known_id, None)

    def _same_text(self, old: Entry, path: str | None, parsed: Parsed) -> None:
        """A file whose text is already a document's: unchanged, unless its metadata (the
        `Source:` line, the date marker, the caption, the title) differ. Those are changes
        too: the entry takes them, and the path of the file they come from, and is
        reported updated; its highlights need nothing, since the text is the same. A file
        with the text of a document added in this same add leaves it as the first gave it.
        """
        if old.id in self.added or not _metadata_differs(old, parsed):
            self._unchanged(old, parsed)
            return
        entry = entry_for(old.id, path, parsed, old.content_hash, old.added, self.now, old.feed)
        planned = old.id in self.texts
        self._store(entry, parsed)
        if not planned and (self.documents_folder / f"{old.id}.txt").exists():
            del self.texts[old.id]  # the text is stored already, exactly so
        if old.path is not None and old.path != path:
            self.by_path.pop(old.path, None)
        self.updated[old.id] = entry
        self.unchanged.pop(old.id, None)

    def _store(self, entry: Entry, parsed: Parsed) -> None:
        self.entries[entry.id] = entry
        self.changed[entry.id] = entry
        self.taken.add(entry.id)
        if entry.path is not None:
            self.by_path[entry.path] = entry.id
        self._keep_with_text(entry.id, parsed)

    def _keep_with_text(self, doc_id: str, parsed: Parsed) -> None:
        """Plan the writing of `parsed`'s text as `doc_id`'s, with what is kept beside it."""
        self.texts[doc_id] = (parsed.text, self.entries[doc_id].content_hash)
        self.structures[doc_id] = parsed.structure
        if parsed.raw_page is not None:
            self.raw_pages[doc_id] = parsed.raw_page

    def _unchanged(self, entry: Entry, parsed: Parsed) -> None:
        if entry.id not in self.added and entry.id not in self.updated:
            self.unchanged[entry.id] = entry
        if entry.id not in self.texts and not (self.documents_folder / f"{entry.id}.txt").exists():
            # Its text file was lost (deleted by hand, or a crash): this text restores it.
            self._keep_with_text(entry.id, parsed)


def _metadata_differs(entry: Entry, parsed: Parsed) -> bool:
    """Whether `parsed` tells of `entry`'s text differently (title, source, date, caption,
    author, address, feed)."""
    told = (
        *(parsed.title, parsed.source, parsed.date, parsed.caption),
        *(parsed.author, parsed.url, parsed.language),
    )
    known = (
        *(entry.title, entry.source, entry.date, entry.caption),
        *(entry.author, entry.url, entry.language),
    )
    return told != known or (parsed.feed is not None and parsed.feed != entry.feed)


def entry_for(
    doc_id: str,
    path: str | None,
    parsed: Parsed,
    content_hash: str,
    added: str,
    now: str,
    feed: str | None = None,
) -> Entry:
    """The catalog entry of a parsed file stored under `doc_id`; a document that came
    through a feed keeps naming it (`feed`) when its file is added again by hand."""
    words = parsed.words
    return Entry(
        id=doc_id,
        title=parsed.title,
        source=parsed.source,
        date=parsed.date,
        caption=parsed.caption,
        words=words,
        reading_minutes=reading_minutes(words),
        path=path,
        added=added,
        content_hash=content_hash,
        updated=now,
        author=parsed.author,
        url=parsed.url,
        feed=parsed.feed or feed,
        language=parsed.language,
    )


def new_id(text: str, content_hash: str, taken: set[str]) -> str:
    """Return the id for new text: its hash prefix, or a variant if that is already used."""
    doc_id = content_hash[:ID_LENGTH]
    attempt = 0
    while doc_id in taken:
        attempt += 1
        salted = f"{attempt}\n{text}".encode()
        doc_id = hashlib.sha256(salted).hexdigest()[:ID_LENGTH]
    return doc_id
