"""The names of the notes files, and finding a document's file again by its id.

Obsidian takes a file's name for the note's title, so a file is named after the
document's title, short (at most `MAX_NAME_CHARS` characters, cut at a word) and safe on
every system: none of the characters Windows, macOS or Obsidian's links refuse, no
control characters, no leading dot, no trailing dot or space, no name Windows reserves
(``CON``, ``LPT1``…). Two documents of the same title get names apart by a few characters
of the second one's id.

The name is only how a file starts: the file is found again by the document id in its
front matter (``newsreader: …``, or ``document_id: …`` in files written before), anywhere
in the folder, so a file the user renamed or moved into a subfolder is updated where it
is. Folders whose name starts with a dot (``.obsidian``, ``.trash``) are not looked in.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from annotations.markdown_files import document_id_of, is_old_name

MAX_NAME_CHARS = 60
"""The longest title part of a file name, in characters (before ``.md``)."""

SHORTEST_CUT = 20
"""A title is cut at a word only when that keeps at least this many characters."""

NOTE_SUFFIX = ".md"

UNTITLED = "Untitled"
"""The name of a document whose title leaves nothing usable."""

HEAD_BYTES = 16384
"""How much of a file is read to find its front matter's id."""

_REFUSED = re.compile(
    r'[\\/:*?"<>|#^\[\]\x00-\x1f\x7f-\x9f'
    r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
"""Characters no file name holds: Windows's and macOS's reserved ones, what Obsidian's
links cannot name (``# ^ [ ] |``), control and bidirectional characters."""
_SPACES = re.compile(r"\s+")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{n}" for n in "123456789¹²³"}
    | {f"lpt{n}" for n in "123456789¹²³"}
)
_MAX_NAME_BYTES = 240
"""Names are capped at 255 bytes on most systems; a suffix and ``.md`` must still fit."""


def title_stem(title: str) -> str:
    """The start of a file name for a document titled `title` (see the module docstring)."""
    text = _SPACES.sub(" ", _REFUSED.sub(" ", unicodedata.normalize("NFC", title))).strip()
    text = text.lstrip(". ")
    if len(text) > MAX_NAME_CHARS:
        cut = text[: MAX_NAME_CHARS + 1].rfind(" ")
        text = text[:cut] if cut >= SHORTEST_CUT else text[:MAX_NAME_CHARS]
    while len(text.encode("utf-8")) > _MAX_NAME_BYTES:
        text = text[:-1]
    text = text.rstrip(". -")
    if not text:
        return UNTITLED
    if text.split(".")[0].strip().casefold() in _WINDOWS_RESERVED:
        return f"{text} (note)"
    return text


def note_name(title: str) -> str:
    """The file name a document titled `title` is given when its file is made."""
    return title_stem(title) + NOTE_SUFFIX


def free_name(folder: Path, title: str, doc_id: str) -> Path:
    """A path in `folder` for a new file of document `doc_id`: its title's name, or, when
    another file has that name (in any case), the name with a few characters of the id."""
    stem = title_stem(title)
    taken = _names_in(folder)
    candidates = [stem, *(f"{stem} ({doc_id[:size]})" for size in (6, 12))]
    for candidate in candidates:
        if (candidate + NOTE_SUFFIX).casefold() not in taken:
            return folder / (candidate + NOTE_SUFFIX)
    number = 2
    while f"{stem} ({number}){NOTE_SUFFIX}".casefold() in taken:
        number += 1
    return folder / f"{stem} ({number}){NOTE_SUFFIX}"


def _names_in(folder: Path) -> set[str]:
    try:
        return {entry.name.casefold() for entry in os.scandir(folder)}
    except OSError:
        return set()


def exported_id(path: Path) -> str | None:
    """The id of the document `path` is the notes file of (None: it is none of ours)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None
    return document_id_of(head.decode("utf-8", errors="replace"))


class NoteFiles:
    """The notes files of one folder, found by their document's id.

    A file's place is remembered once found; a place that no longer holds the document's
    file (renamed, moved, deleted) sends the search through the folder again.
    """

    def __init__(self, folder: Path, *, trust_scan: bool = False) -> None:
        """The notes files of `folder`. With `trust_scan`, a document not found by one
        search of the folder is taken to have no file (an export that holds the folder
        for a moment); otherwise each miss searches it again (a mirror that lives long)."""
        self.folder = folder
        self._known: dict[str, Path] = {}
        self._trust_scan = trust_scan
        self._scanned = False

    def find(self, doc_id: str, title: str) -> Path | None:
        """The file of document `doc_id`, wherever it is in the folder, if it has one."""
        for candidate in (self._known.get(doc_id), self.folder / note_name(title)):
            if candidate is not None and exported_id(candidate) == doc_id:
                self._known[doc_id] = candidate
                return candidate
        if not (self._trust_scan and self._scanned):
            self._scan()
        return self._known.get(doc_id)

    def place(self, doc_id: str, title: str) -> Path:
        """Where document `doc_id`'s file is, or is to be made.

        A file still bearing the long name exports gave it before (its title's slug and
        its id) is renamed to today's short name on the way, as no person chose it.
        """
        found = self.find(doc_id, title)
        if found is None:
            path = free_name(self.folder, title, doc_id)
        elif found.parent == self.folder and is_old_name(found.name, doc_id):
            path = free_name(self.folder, title, doc_id)
            try:
                found.rename(path)
            except OSError:
                path = found  # it is updated where it is
        else:
            path = found
        self._known[doc_id] = path
        return path

    def forget(self, doc_id: str) -> None:
        """Forget where the file of `doc_id` was (it was deleted)."""
        self._known.pop(doc_id, None)

    def _scan(self) -> None:
        """Search the folder (and its subfolders, but not hidden ones) for our files."""
        found: dict[str, Path] = {}
        for root, folders, files in os.walk(self.folder):
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or not name.casefold().endswith(NOTE_SUFFIX):
                    continue
                path = Path(root) / name
                doc_id = exported_id(path)
                if doc_id is not None:
                    found.setdefault(doc_id, path)
        self._known = found
        self._scanned = True
