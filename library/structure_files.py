"""A document's structure kept beside its text (``<id>.structure``), made again when stale.

The file is derived data, like the sentence spans: it names the text it belongs to
(content hash) and the version of the parsers that made it, and anything that does not
match is ignored. A stale or missing file is made again from where the text came from,
when that can still be read and still gives the same text: the raw page kept beside the
text (``<id>.html``), or the Markdown, HTML or EPUB file the document was added from. A
text whose structure cannot be made again (its file changed or is gone) is shown plain,
and an empty file notes that, so the source is not read again at every opening.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from library.safe_files import atomic_write_text
from library.structure import NO_STRUCTURE, Kind, Structure, StructureSpan
from library.textfile import UnreadableFile

if TYPE_CHECKING:
    from library.parse import Parsed

FORMAT = "newsreader-structure"
STRUCTURE_VERSION = 1
"""Bump when a parser's spans change, so that files made before are made again."""

STRUCTURED_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".xhtml", ".epub"})
"""Files whose parsing gives structure; a plain-text file never does."""


def structure_path(text_path: Path) -> Path:
    """Where the structure of the text at `text_path` is kept."""
    return text_path.with_suffix(".structure")


def write_structure(path: Path, content_hash: str, structure: Structure) -> None:
    """Keep `structure` of the text `content_hash` at `path` (atomically; not fsync'd: a
    file a crash leaves damaged is made again)."""
    record = {
        "format": FORMAT,
        "version": STRUCTURE_VERSION,
        "text": content_hash,
        "spans": [[s.kind.value, s.start, s.end, s.level, s.value] for s in structure.spans],
    }
    atomic_write_text(
        path, json.dumps(record, separators=(",", ":")), sync_directory=False, durable=False
    )


def read_structure(path: Path, content_hash: str, length: int) -> Structure | None:
    """The structure kept at `path` for the text `content_hash` of `length` code points,
    or None when there is none, or it is stale or damaged."""
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not (
        isinstance(record, dict)
        and record.get("format") == FORMAT
        and record.get("version") == STRUCTURE_VERSION
        and record.get("text") == content_hash
        and isinstance(record.get("spans"), list)
    ):
        return None
    try:
        spans = [_span(item) for item in record["spans"]]
    except (TypeError, ValueError):
        return None
    structure = Structure.of(spans)
    return structure if structure.fits(length) else None


def _span(item: object) -> StructureSpan:
    """One stored span, checked.

    Raises:
        ValueError: It is not a span.
    """
    if not isinstance(item, list) or len(item) != 5:
        raise ValueError("not a span")
    kind, start, end, level, value = item
    numbers = (kind, start, end, level)
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        raise ValueError("not a span")
    if not isinstance(value, str):
        raise ValueError("not a span")
    return StructureSpan(Kind(kind), start, end, level, value)


def rebuild_structure(text_path: Path, source: str | None, content_hash: str) -> Structure | None:
    """The structure of the text `content_hash` made again from where it came from, or
    None when nothing that gives structure is there (a plain-text file, standard input).

    The raw page kept beside the text is tried first, then the file it was added from;
    either counts only if it still gives exactly the stored text (else: no structure).
    """
    readers = _readers(text_path, source)
    if not readers:
        return None
    for read in readers:
        try:
            parsed = read()
        except (UnreadableFile, OSError):
            continue
        if hashlib.sha256(parsed.text.encode("utf-8")).hexdigest() == content_hash:
            return parsed.structure
    return NO_STRUCTURE


def _readers(text_path: Path, source: str | None) -> list[Callable[[], Parsed]]:
    """What can give the text's structure again, best first."""
    readers: list[Callable[[], Parsed]] = []
    raw_page = text_path.with_suffix(".html")
    if raw_page.is_file():
        readers.append(partial(_read_page, raw_page))
    structured = source is not None and Path(source).suffix.lower() in STRUCTURED_SUFFIXES
    if source is not None and structured and Path(source).is_file():
        readers.append(partial(_read_file, Path(source)))
    return readers


def _read_page(path: Path) -> Parsed:
    from library.web_page import parse_page  # trafilatura: only for pages

    return parse_page(path.read_bytes(), url=None, name=path.name)


def _read_file(path: Path) -> Parsed:
    from library.parse import load_file

    return load_file(path)


def load_structure(
    text_path: Path, source: str | None, content_hash: str, length: int
) -> Structure:
    """The structure of a stored text: kept beside it when current, else made again and
    kept (see `rebuild_structure`), else none.

    Args:
        text_path: Where the text is stored.
        source: The file it was added from, if any.
        content_hash: The text's sha256.
        length: The text's length in code points.
    """
    path = structure_path(text_path)
    kept = read_structure(path, content_hash, length)
    if kept is not None:
        return kept
    made = rebuild_structure(text_path, source, content_hash)
    if made is None:
        return NO_STRUCTURE
    if not made.fits(length):
        made = NO_STRUCTURE
    with contextlib.suppress(OSError):
        write_structure(path, content_hash, made)
    return made
