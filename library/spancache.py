"""A document's paragraph and sentence spans, kept beside its text so opening is instant.

Splitting 3 MB of text into sentences takes ~70 ms; reading the spans back takes ~1 ms.
The cache is derived data: it names the text it was made from (content hash) and the
segmenter's version, and anything that does not match is simply made again.
"""

from __future__ import annotations

import contextlib
import operator
import sys
from array import array
from pathlib import Path

from library.document import Spans
from library.safe_files import atomic_write_bytes

MAGIC = b"NRSPANS"
SEGMENTER_VERSION = 1
"""Bump when `library.segment` splits differently, so old caches are made again."""

_HEADER = len(MAGIC) + 1 + 64  # magic, version byte, sha256 hex of the text


def compute_spans(text: str) -> tuple[Spans, Spans]:
    """Paragraph and sentence spans of `text` (as `library.segment` splits it)."""
    from library.segment_scan import text_bounds  # (its patterns): only when not kept

    paragraphs, sentences = text_bounds(text)
    return Spans(*paragraphs), Spans(*sentences)


def _spans(values: array[int]) -> Spans:
    """Spans from interleaved offsets (start, end, start, end, …)."""
    return Spans(values[0::2], values[1::2])


def read_spans(path: Path, content_hash: str) -> tuple[Spans, Spans] | None:
    """The spans cached at `path` for the text `content_hash`, or None if absent or stale."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    expected = MAGIC + bytes([SEGMENTER_VERSION]) + content_hash.encode("ascii")
    if len(data) < _HEADER + 8 or data[:_HEADER] != expected:
        return None
    values = array("q")
    try:
        values.frombytes(data[_HEADER:])
    except ValueError:
        return None
    if sys.byteorder != "little":
        values.byteswap()
    count = values[0] if values else -1
    if count < 0 or 1 + 4 * count > len(values) or (len(values) - 1) % 2:
        return None
    paragraphs = _spans(values[1 : 1 + 2 * count])
    sentences = _spans(values[1 + 2 * count :])
    if not (_in_order(paragraphs) and _in_order(sentences)):
        return None  # damaged: made again, never trusted
    return paragraphs, sentences


def _in_order(spans: Spans) -> bool:
    """Whether `spans` are ranges of a text, in order, none overlapping the next: what
    the reader relies on, and the cache is written without waiting for the disk. It costs
    about 4 ms for the 3 MB book's 31,000 sentences (one pass each, in `map`), paid at
    each opening; reading the cache alone takes about 1 ms."""
    starts, ends = spans.starts, spans.ends
    return (
        (not starts or starts[0] >= 0)
        and all(map(operator.le, starts, ends))
        and all(map(operator.le, ends[:-1], starts[1:]))
    )


def _interleave(values: array[int], at: int, spans: Spans) -> None:
    """Put `spans` into `values` from `at` on: start, end, start, end, …"""
    stop = at + 2 * len(spans)
    values[at:stop:2] = spans.starts
    values[at + 1 : stop : 2] = spans.ends


def write_spans(path: Path, content_hash: str, paragraphs: Spans, sentences: Spans) -> None:
    """Cache the spans of the text `content_hash` at `path` (atomically).

    The offsets are put in place in one array and written after the header as they lie
    in memory: a 100 MB text has a million sentences, 19 MB of offsets, and each copy of
    them (the array grown, turned to bytes, joined to the header) took ~15 ms.
    """
    values = array("q", bytes(8)) * (1 + 2 * (len(paragraphs) + len(sentences)))
    values[0] = len(paragraphs)
    _interleave(values, 1, paragraphs)
    _interleave(values, 1 + 2 * len(paragraphs), sentences)
    if sys.byteorder != "little":
        values.byteswap()
    header = MAGIC + bytes([SEGMENTER_VERSION]) + content_hash.encode("ascii")
    # Not fsync'd: a cache a crash leaves empty or stale is made again (see `read_spans`).
    atomic_write_bytes(
        path, memoryview(values).cast("B"), head=header, sync_directory=False, durable=False
    )


def load_spans(path: Path, text: str, content_hash: str) -> tuple[Spans, Spans]:
    """The spans of `text`: from the cache when it is current, else computed and cached.

    A cache that cannot be written (read-only library, full disk) is not an error.
    """
    cached = read_spans(path, content_hash)
    if cached is not None and all(not s or s.ends[-1] <= len(text) for s in cached):
        return cached
    paragraphs, sentences = compute_spans(text)
    with contextlib.suppress(OSError):
        write_spans(path, content_hash, paragraphs, sentences)
    return paragraphs, sentences
