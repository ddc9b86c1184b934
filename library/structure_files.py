"""A document's structure kept beside its text (``<id>.structure``), made again when stale.

The file is derived data, like the sentence spans: it names the text it belongs to
(content hash) and the version of the parsers that made it, and anything that does not
match is ignored. It is written when the document is added, so opening a document never
parses its source again; a stale or missing file (a document added by an older release)
is made again from where the text came from, when that can still be read and still gives
the same text: the raw page kept beside the text (``<id>.html``), or the Markdown, HTML
or EPUB file the document was added from. A text whose structure cannot be made again
(its file changed or is gone) is shown plain, and an empty file notes that, so the source
is not read again at every opening.

The file holds the spans as columns of numbers and the index the reader draws from
(`library.structure_index`), each an array stored as it is in memory: a structured 3 MB
book's 46,000 spans read back in a few milliseconds, where JSON took a fifth of a second
and flattening them for drawing half a second more.
"""

from __future__ import annotations

import contextlib
import operator
import sys
from array import array
from collections.abc import Callable
from functools import partial
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from library.safe_files import atomic_write_bytes
from library.structure import NO_STRUCTURE, Kind, Structure, StructureColumns
from library.structure_index import StructureIndex

if TYPE_CHECKING:
    from library.parse import Parsed

MAGIC = b"NRSTRUCT"
STRUCTURE_VERSION = 3
"""Bump when a parser's spans change, so that files made before are made again."""

STRUCTURED_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".xhtml", ".epub"})
"""Files whose parsing gives structure; a plain-text file never does."""

_HEADER = len(MAGIC) + 1 + 64  # magic, version byte, sha256 hex of the text
_SECTION_HEADER = 9  # typecode byte, count as 8 bytes little-endian
_KIND_VALUES = frozenset(kind.value for kind in Kind)


class _Damaged(ValueError):
    """A structure file that is not what this release writes."""


def structure_path(text_path: Path) -> Path:
    """Where the structure of the text at `text_path` is kept."""
    return text_path.with_suffix(".structure")


def structure_bytes(content_hash: str, structure: Structure) -> bytes:
    """What the structure file of the text `content_hash` holds (its index is made now
    if it was not already)."""
    columns = structure.columns
    index = structure.index
    sections: list[array[int]] = [
        columns.kinds,
        columns.starts,
        columns.ends,
        columns.levels,
        columns.value_ids,
        array("q", [len(value) for value in columns.values]),
        array("B", "".join(columns.values).encode("utf-8", "surrogatepass")),
        index.run_starts,
        index.run_ends,
        index.run_masks,
        index.quote_starts,
        index.quote_ends,
        index.lead_starts,
        index.lead_rows,
    ]
    parts = [MAGIC, bytes([STRUCTURE_VERSION]), content_hash.encode("ascii")]
    for section in sections:
        data = section
        if sys.byteorder != "little" and section.itemsize > 1:
            data = array(section.typecode, section)
            data.byteswap()
        parts.append(section.typecode.encode("ascii"))
        parts.append(len(section).to_bytes(8, "little"))
        parts.append(data.tobytes())
    return b"".join(parts)


def keeps_structure(source: str | None, structure: Structure) -> bool:
    """Whether a structure file is kept for a text of `structure` added from `source`:
    one that has any, and, to note that it has none, one from a file that could give
    some (else opening it would read that file again, to find nothing)."""
    return bool(structure) or (
        source is not None and Path(source).suffix.lower() in STRUCTURED_SUFFIXES
    )


def write_structure(path: Path, content_hash: str, structure: Structure) -> None:
    """Keep `structure` of the text `content_hash` at `path` (atomically; not fsync'd: a
    file a crash leaves damaged is made again)."""
    data = structure_bytes(content_hash, structure)
    atomic_write_bytes(path, data, sync_directory=False, durable=False)


def read_structure(path: Path, content_hash: str, length: int) -> Structure | None:
    """The structure kept at `path` for the text `content_hash` of `length` code points,
    or None when there is none, or it is stale or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    expected = MAGIC + bytes([STRUCTURE_VERSION]) + content_hash.encode("ascii")
    if data[:_HEADER] != expected:
        return None
    try:
        return _structure_from(_sections(memoryview(data)[_HEADER:]), length)
    except (_Damaged, ValueError, UnicodeDecodeError, IndexError):
        return None  # damaged: made again, never trusted


def _sections(data: memoryview) -> list[array[int]]:
    """The arrays stored one after the other in `data`."""
    sections: list[array[int]] = []
    at = 0
    while at < len(data):
        typecode = chr(data[at])
        if typecode not in ("B", "q"):
            raise _Damaged
        count = int.from_bytes(data[at + 1 : at + _SECTION_HEADER], "little")
        values = array(typecode)
        size = count * values.itemsize
        begin = at + _SECTION_HEADER
        if begin + size > len(data):
            raise _Damaged
        values.frombytes(data[begin : begin + size])
        if sys.byteorder != "little" and values.itemsize > 1:
            values.byteswap()
        sections.append(values)
        at = begin + size
    if len(sections) != 14:
        raise _Damaged
    return sections


def _structure_from(sections: list[array[int]], length: int) -> Structure:
    """The structure the stored `sections` hold, checked against a text of `length`.

    Raises:
        _Damaged: They are not a structure of such a text.
    """
    kinds, starts, ends, levels, value_ids, value_lengths, blob = sections[:7]
    values = _strings(value_lengths, blob.tobytes())
    count = len(kinds)
    if not (len(starts) == len(ends) == len(levels) == len(value_ids) == count):
        raise _Damaged
    if count and not (
        _KIND_VALUES.issuperset(kinds.tobytes())
        and _spans_fit(starts, ends, length, ordered=False)
        and all(map(operator.le, starts[:-1], starts[1:]))
        and min(value_ids) >= 0
        and max(value_ids) < len(values)
    ):
        raise _Damaged
    run_starts, run_ends, run_masks, quote_starts, quote_ends, lead_starts, lead_rows = sections[7:]
    if not (
        len(run_masks) == len(run_starts)
        and _spans_fit(run_starts, run_ends, length, ordered=True)
        and _spans_fit(quote_starts, quote_ends, length, ordered=True)
        and len(lead_rows) == len(lead_starts)
        and all(map(operator.lt, lead_starts[:-1], lead_starts[1:]))
        and (not lead_rows or (min(lead_rows) >= 0 and max(lead_rows) < count))
    ):
        raise _Damaged
    columns = StructureColumns(kinds, starts, ends, levels, value_ids, values)
    index = StructureIndex(
        run_starts, run_ends, run_masks, quote_starts, quote_ends, lead_starts, lead_rows
    )
    return Structure(columns, index)


def _strings(lengths: array[int], blob: bytes) -> tuple[str, ...]:
    """The strings stored as one UTF-8 `blob` and their `lengths` in code points; the
    first is ``""`` (decoded in one go, then cut)."""
    joined = blob.decode("utf-8", "surrogatepass")
    if not lengths or lengths[0] or min(lengths) < 0 or sum(lengths) != len(joined):
        raise _Damaged
    ends = list(accumulate(lengths))
    return tuple(joined[end - size : end] for size, end in zip(lengths, ends, strict=True))


def _spans_fit(starts: array[int], ends: array[int], length: int, *, ordered: bool) -> bool:
    """Whether ``starts``/``ends`` are non-empty ranges of a text of `length`; `ordered`:
    also in order, none overlapping the next (one pass each, in `map`)."""
    if len(starts) != len(ends):
        return False
    if not starts:
        return True
    if not (starts[0] >= 0 and all(map(operator.lt, starts, ends))):
        return False
    if ordered:  # then the last end is the greatest
        return ends[-1] <= length and all(map(operator.le, ends[:-1], starts[1:]))
    return max(ends) <= length


def rebuild_structure(text_path: Path, source: str | None, content_hash: str) -> Structure | None:
    """The structure of the text `content_hash` made again from where it came from, or
    None when nothing that gives structure is there (a plain-text file, standard input).

    The raw page kept beside the text is tried first, then the file it was added from;
    either counts only if it still gives exactly the stored text (else: no structure).
    """
    from library.textfile import UnreadableFile  # (its patterns): for a rebuild only

    readers = _readers(text_path, source)
    if not readers:
        return None
    for read in readers:
        try:
            parsed = read()
        except (UnreadableFile, OSError):
            continue
        if parsed.content_hash == content_hash:
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


def kept_structure(
    text_path: Path, source: str | None, content_hash: str, length: int
) -> Structure | None:
    """The structure of a stored text as far as it is known without parsing anything:
    kept beside the text, or none when nothing could give one; None when it must be
    made again (see `load_structure`), which may take seconds for a book."""
    kept = read_structure(structure_path(text_path), content_hash, length)
    if kept is not None:
        return kept
    return None if _readers(text_path, source) else NO_STRUCTURE


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
