"""Writing a file of a Markdown export over an earlier one (and the names files had
before: `safe_slug`; today's names and finding a file by its id are
`annotations.markdown_names`).

Exporting again into the same folder keeps
what the user wrote between the notes-region markers; if anything *outside* the region
changed since (or the file is not one of ours), the old file is first copied to
``NAME.md.bak-<time>`` and the caller is told. A file whose content would not change
(apart from the export time) is not rewritten at all.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from annotations.markdown_notes import user_notes_of
from annotations.markdown_render import fingerprint, machine_fields
from library.safe_files import StoreError, atomic_write_bytes

MAX_SLUG_BYTES = 80
"""The longest title part of a file name, in UTF-8 bytes (names are capped at 255)."""

Renderer = Callable[[str, str], str]
"""A generated file as a function of the user's notes region and the export time."""

_SLUG_JUNK = re.compile(r"[\W_]+")
_SAFE_ID = re.compile(r"[^0-9A-Za-z_-]+")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
)
_HASH_LINE = re.compile(r'^generated_hash: "([0-9a-f]*)"\n', re.MULTILINE)
"""Where files written before the machine comment kept their hash."""
_DOCUMENT_ID_LINE = re.compile(r'^(?:newsreader|document_id): "([^"\\\n]*)"$', re.MULTILINE)


# --- names --------------------------------------------------------------------------------


def safe_slug(title: str, doc_id: str) -> str:
    """Return the file name stem exports gave a document before: ``<title words>-<id>``.

    The Markdown file is ``safe_slug(...) + ".md"``. Only letters, digits and ``-`` are
    kept (so no ``/``, ``\\``, ``..``, control characters or leading dot can appear),
    lower case, the title part at most `MAX_SLUG_BYTES` bytes; the document id at the end
    makes the name unique per document and keeps it clear of reserved names such as
    ``CON``. A title with nothing usable gives ``document-<id>``.
    """
    words = _SLUG_JUNK.sub("-", unicodedata.normalize("NFKC", title).casefold()).strip("-")
    words = _cut_utf8(words, MAX_SLUG_BYTES).strip("-")
    if not words or words in _WINDOWS_RESERVED:
        words = "document" if not words else f"{words}-document"
    return f"{words}-{_safe_id(doc_id)}"


def _safe_id(doc_id: str) -> str:
    """The document id as it ends a file name (catalog ids are already safe)."""
    kept = _SAFE_ID.sub("", doc_id)[:64].strip("-_")
    return kept or hashlib.sha256(doc_id.encode("utf-8", "replace")).hexdigest()[:12]


def _cut_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


def is_old_name(name: str, doc_id: str) -> bool:
    """Whether `name` is the kind of name exports gave the document's file before (the
    title's slug, then its id): one no person chose, so it can be replaced."""
    return name.endswith(f"-{_safe_id(doc_id)}.md") and not name.startswith(".")


# --- writing over an earlier export -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileChange:
    """What `write_generated` did to one file."""

    written: bool
    """Whether the file was (re)written; False when it was already up to date."""
    backup: Path | None
    """Where the old file was copied first, when it had edits of the user's outside its
    notes region (or was not one of ours)."""


def write_generated(path: Path, doc_id: str | None, render: Renderer, exported: str) -> FileChange:
    """Write a generated file, keeping the user's region and backing up their edits.

    Args:
        path: The file.
        doc_id: The document the file is for (None for the index): the user's region is
            kept only from a file for the same document.
        render: Makes the file from the user's notes and the export time.
        exported: The export time.

    Raises:
        StoreError: The file cannot be read or written (the message names it).
    """
    old = _read_bytes(path)
    if old is None:
        _write(path, render("", exported).encode("utf-8"))
        return FileChange(written=True, backup=None)
    try:
        old_text = old.decode("utf-8")
    except UnicodeDecodeError:
        old_text = old.decode("utf-8", errors="replace")
        ours = False  # not what we wrote: keep the bytes in a backup
    else:
        ours = _is_ours_unchanged(old_text, doc_id)
    same_document = doc_id is None or document_id_of(old_text) == doc_id
    notes = (user_notes_of(old_text) if same_document else None) or ""
    backup: Path | None = None
    if ours:
        previous = machine_fields(old_text).get("exported")
        if previous is not None and render(notes, previous) == old_text:
            return FileChange(written=False, backup=None)
    else:
        backup = _unique_path(path.parent, f"{path.name}.bak-{time.strftime('%Y%m%d-%H%M%S')}")
        _write(backup, old)
    _write(path, render(notes, exported).encode("utf-8"))
    return FileChange(written=True, backup=backup)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise StoreError(f"The export file {path} cannot be read: {err.strerror or err}.") from err


def _front_matter(text: str) -> str:
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        return ""
    closing = text.find("\n---\n", 3)
    return text[: closing + 1] if closing >= 0 else ""


def document_id_of(text: str) -> str | None:
    """The id of the document a file was exported for (None: not an export of ours)."""
    found = _DOCUMENT_ID_LINE.search(_front_matter(text))
    return None if found is None else found.group(1)


def _stored_hash(text: str) -> str | None:
    """The generated hash a file records: in its machine comment, or (written before)
    in its front matter."""
    stored = machine_fields(text).get("generated_hash")
    if stored is not None:
        return stored
    old = _HASH_LINE.search(_front_matter(text))
    return None if old is None else old.group(1)


def _is_ours_unchanged(text: str, doc_id: str | None) -> bool:
    """Whether `text` is a file we wrote (for `doc_id`), untouched outside its region."""
    stored = _stored_hash(text)
    if stored is None:
        return False
    if doc_id is not None and document_id_of(text) != doc_id:
        return False
    return stored == fingerprint(text)


def remove_generated(path: Path, doc_id: str) -> bool:
    """Delete a document's file if nothing in it is the user's: it is ours, untouched
    outside its notes region, and that region is empty. Returns whether it was deleted.

    Raises:
        StoreError: The file cannot be read or deleted (the message names it).
    """
    old = _read_bytes(path)
    if old is None:
        return True
    try:
        text = old.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not _is_ours_unchanged(text, doc_id) or (user_notes_of(text) or "").strip():
        return False
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as err:
        raise StoreError(
            f"The export file {path} cannot be deleted: {err.strerror or err}."
        ) from err
    return True


def _write(path: Path, data: bytes) -> None:
    try:
        # An ordinary file of the user's notes: the umask's permissions, not a store's.
        atomic_write_bytes(path, data, sync_directory=False, shared=True)
    except OSError as err:
        raise StoreError(
            f"The export file {path} cannot be written: {err.strerror or err}."
        ) from err


def _unique_path(folder: Path, name: str) -> Path:
    candidate = folder / name
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = folder / f"{name}-{counter}"
    return candidate
