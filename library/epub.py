"""Reading EPUB books into a document: metadata, and the chapters' text in reading order.

An EPUB is a zip archive: ``META-INF/container.xml`` names the package file (OPF), whose
metadata gives the title, creator, date and publisher, whose manifest lists the files,
and whose spine gives the reading order of the (X)HTML chapters. Each chapter's blocks
(headings, paragraphs, list items, quotes) become paragraphs of the document's text, a
heading a paragraph of its own, so the reader moves by them and the table of contents
finds chapter headings.

Read with `zipfile` and the standard library's XML and HTML parsers: the usual Python
EPUB library is AGPL. A book whose text is encrypted (DRM) is refused in one sentence;
only font obfuscation, which leaves the text readable, is let through. The archive is a
file of the user's and may be hostile: sizes are checked before anything is unpacked, and
XML is parsed without fetching or expanding anything external.
"""

from __future__ import annotations

import datetime
import posixpath
import re
import zipfile
from bisect import bisect_right
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from library.page_language import language_tag
from library.parse import Parsed, readable_stem
from library.structure import Kind, Structure, StructureSpan
from library.textfile import MAX_BYTES, UnreadableFile

EPUB_SUFFIX = ".epub"

_CONTAINER = "META-INF/container.xml"
_ENCRYPTION = "META-INF/encryption.xml"
_FONT_OBFUSCATION = frozenset(
    {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}
)
"""Encryption methods that only scramble embedded fonts; the text stays readable."""
_CHAPTER_TYPES = frozenset({"application/xhtml+xml", "text/html", "application/xml"})
_MAX_UNPACKED = 4 * MAX_BYTES
"""The most a book may unpack to (text, pictures and all): a bound on a zip bomb."""

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "blockquote",
        "pre",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "figcaption",
        "dt",
        "dd",
        "tr",
        "table",
        "hr",
    }
)
_SKIPPED = frozenset({"head", "script", "style", "title", "svg", "math", "nav"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def read_epub(path: Path, *, shown_as: str | None = None) -> Parsed:
    """The document in the EPUB book at `path`.

    Raises:
        UnreadableFile: it is not an EPUB book, is damaged, is protected by DRM, or
            holds no text (one sentence, naming the file as `shown_as`, else its name).
    """
    name = shown_as or path.name or str(path)
    try:
        with zipfile.ZipFile(path) as book:
            _check_archive(book, name)
            package = _package_path(book, name)
            opf = _parse_xml(book.read(package), name)
            title, creator, date, publisher, language = _metadata(opf)
            paragraphs, spans = _book_paragraphs(book, opf, posixpath.dirname(package))
    except zipfile.BadZipFile as err:
        raise UnreadableFile(f"{name} is not an EPUB book (not a zip archive).") from err
    except (KeyError, RuntimeError, NotImplementedError) as err:
        raise UnreadableFile(f"{name} is a damaged EPUB book: {err}.") from err
    except OSError as err:
        reason = (err.strerror or type(err).__name__).rstrip(".").lower()
        raise UnreadableFile(f"{name} cannot be read: {reason}.") from err
    if not paragraphs:
        raise UnreadableFile(f"{name} has no text to read.")
    byline = f"By {creator}" if creator else None
    if byline is not None:
        paragraphs.insert(0, byline)  # shown under the title, as a book's title page has it
        spans = [(k, a + 1, s, b + 1, e, level, v) for k, a, s, b, e, level, v in spans]
    return Parsed(
        title or readable_stem(path),
        publisher,
        date,
        None,
        "\n\n".join(paragraphs),
        author=creator or None,
        language=language,
        structure=_structure(paragraphs, spans),
    )


def _book_paragraphs(
    book: zipfile.ZipFile, opf: ElementTree.Element, folder: str
) -> tuple[list[str], list[_BookSpan]]:
    """Every chapter's paragraphs in reading order, and their spans."""
    paragraphs: list[str] = []
    spans: list[_BookSpan] = []
    for chapter in _chapters(book, opf, folder):
        found, found_spans = _chapter_paragraphs(chapter)
        base = len(paragraphs)
        spans.extend((k, a + base, s, b + base, e, lv, v) for k, a, s, b, e, lv, v in found_spans)
        paragraphs.extend(found)
    return paragraphs, spans


def _structure(paragraphs: list[str], spans: list[_BookSpan]) -> Structure:
    """The spans placed in the text the paragraphs make, joined by blank lines."""
    offsets = []
    at = 0
    for paragraph in paragraphs:
        offsets.append(at)
        at += len(paragraph) + 2
    return Structure.of(
        StructureSpan(kind, offsets[first] + start, offsets[last] + end, level, value)
        for kind, first, start, last, end, level, value in spans
    )


def _check_archive(book: zipfile.ZipFile, name: str) -> None:
    """Refuse a book too large to unpack, or whose text is encrypted."""
    if sum(info.file_size for info in book.infolist()) > _MAX_UNPACKED:
        limit = _MAX_UNPACKED // (1024 * 1024)
        raise UnreadableFile(f"{name} unpacks to more than {limit} MB; it is not read.")
    if _ENCRYPTION in book.namelist():
        encryption = _parse_xml(book.read(_ENCRYPTION), name)
        methods = {
            element.get("Algorithm", "")
            for element in encryption.iter()
            if _local(element.tag) == "EncryptionMethod"
        }
        if methods - _FONT_OBFUSCATION:
            raise UnreadableFile(
                f"{name} is protected by DRM (its text is encrypted); newsreader cannot read it."
            )


def _parse_xml(data: bytes, name: str) -> ElementTree.Element:
    """Parse an XML file of the book; an internal DTD (entity tricks) is refused."""
    if b"<!DOCTYPE" in data[:2048] and b"<!ENTITY" in data:
        raise UnreadableFile(f"{name} is a damaged EPUB book: it declares XML entities.")
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as err:
        raise UnreadableFile(f"{name} is a damaged EPUB book: {err}.") from err


def _local(tag: str) -> str:
    """A tag without its namespace: ``{http://…}title`` → ``title``."""
    return tag.rpartition("}")[2]


def _package_path(book: zipfile.ZipFile, name: str) -> str:
    container = _parse_xml(book.read(_CONTAINER), name)
    for element in container.iter():
        if _local(element.tag) == "rootfile" and element.get("full-path"):
            return str(element.get("full-path"))
    raise UnreadableFile(f"{name} is a damaged EPUB book: it names no package file.")


def _metadata(
    opf: ElementTree.Element,
) -> tuple[str, str, str | None, str | None, str | None]:
    """Title, creator, date (ISO, when valid), publisher and language (a BCP 47 tag, when
    valid) of the book."""
    found: dict[str, str] = {}
    for element in opf.iter():
        key = _local(element.tag)
        if key in ("title", "creator", "date", "publisher", "language") and key not in found:
            text = " ".join("".join(element.itertext()).split())
            if text:
                found[key] = text
    return (
        found.get("title", ""),
        found.get("creator", ""),
        _iso_date(found.get("date", "")),
        found.get("publisher"),
        language_tag(found.get("language")),
    )


def _iso_date(text: str) -> str | None:
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match is None:
        return None
    try:
        return datetime.date(*(int(group) for group in match.groups())).isoformat()
    except ValueError:
        return None


def _chapters(book: zipfile.ZipFile, opf: ElementTree.Element, folder: str) -> Iterator[str]:
    """The text of each (X)HTML file of the spine, in reading order."""
    manifest: dict[str, tuple[str, str]] = {}
    spine: list[str] = []
    for element in opf.iter():
        key = _local(element.tag)
        if key == "item" and element.get("id") and element.get("href"):
            href = posixpath.normpath(posixpath.join(folder, str(element.get("href"))))
            manifest[str(element.get("id"))] = (href, element.get("media-type", ""))
        elif key == "itemref" and element.get("idref") and element.get("linear") != "no":
            spine.append(str(element.get("idref")))
    for idref in spine:
        href, media_type = manifest.get(idref, ("", ""))
        if href and media_type in _CHAPTER_TYPES:
            yield book.read(href).decode("utf-8", errors="replace")


def _chapter_paragraphs(markup: str) -> tuple[list[str], list[_BookSpan]]:
    """A chapter's paragraphs, and its spans (paragraph numbers counted from its first)."""
    blocks = _Blocks()
    blocks.feed(markup)
    blocks.close()
    return blocks.paragraphs, blocks.spans


_BookSpan = tuple[Kind, int, int, int, int, int, str]
"""``(kind, first paragraph, start in it, last paragraph, end in it, level, value)``."""

_INLINE = {
    "em": Kind.EMPHASIS,
    "i": Kind.EMPHASIS,
    "cite": Kind.EMPHASIS,
    "strong": Kind.STRONG,
    "b": Kind.STRONG,
    "code": Kind.CODE,
    "kbd": Kind.CODE,
    "tt": Kind.CODE,
    "a": Kind.LINK,
}
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_TOKEN = re.compile(r"[^ \t\r\f\v\u00a0\n]+")


class _Blocks(HTMLParser):
    """Collects the text of a chapter as paragraphs, one per block element, and the
    structure over them: headings, quotes and list items over whole paragraphs,
    emphasis, strong, code and web links inside them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.spans: list[_BookSpan] = []
        self._parts: list[str] = []
        self._length = 0
        self._skipping = 0
        self._inline: list[tuple[str, Kind, int, str]] = []
        """Inline elements open: (tag, kind, start in the block's raw text, link target)."""
        self._closed: list[tuple[Kind, int, int, str]] = []
        """Inline spans of the block being read, in its raw text."""
        self._containers: list[tuple[str, int, int, str]] = []
        """Quotes and list items open: (tag, first paragraph, depth, marker)."""
        self._numbers: list[int | None] = []
        """For each list open, the number of its last item (None: bulleted)."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self._flush()
            self._open_block(tag)
        elif tag == "br":
            self._add("\n")
        elif tag in ("ol", "ul"):
            self._flush()
            self._numbers.append(0 if tag == "ol" else None)
        elif tag in _INLINE:
            target = dict(attrs).get("href") or "" if tag == "a" else ""
            if tag != "a" or target.lower().startswith(("http://", "https://", "mailto:")):
                self._inline.append((tag, _INLINE[tag], self._length, target.strip()))

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            level = _HEADINGS.get(tag)
            first = len(self.paragraphs)
            self._flush()
            if level is not None and len(self.paragraphs) > first:
                end = len(self.paragraphs[-1])
                self.spans.append((Kind.HEADING, first, 0, first, end, level, ""))
            self._close_block(tag)
        elif tag in ("ol", "ul"):
            self._flush()
            if self._numbers:
                self._numbers.pop()
        elif tag in _INLINE:
            for index in range(len(self._inline) - 1, -1, -1):
                opened, kind, start, target = self._inline[index]
                if opened == tag:
                    del self._inline[index]
                    if self._length > start:
                        self._closed.append((kind, start, self._length, target))
                    break

    def _open_block(self, tag: str) -> None:
        if tag == "blockquote":
            depth = 1 + sum(1 for opened in self._containers if opened[0] == "blockquote")
            self._containers.append((tag, len(self.paragraphs), depth, ""))
        elif tag == "li":
            marker = "•"
            if self._numbers and self._numbers[-1] is not None:
                self._numbers[-1] = (self._numbers[-1] or 0) + 1
                marker = f"{self._numbers[-1]}."
            depth = max(1, len(self._numbers))
            self._containers.append((tag, len(self.paragraphs), depth, marker))

    def _close_block(self, tag: str) -> None:
        if tag not in ("blockquote", "li"):
            return
        for index in range(len(self._containers) - 1, -1, -1):
            opened, first, depth, marker = self._containers[index]
            if opened == tag:
                del self._containers[index:]
                last = len(self.paragraphs) - 1
                if last >= first:
                    kind = Kind.QUOTE if tag == "blockquote" else Kind.LIST_ITEM
                    end = len(self.paragraphs[last])
                    self.spans.append((kind, first, 0, last, end, depth, marker))
                return

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() == "br":
            self._add("\n")
        elif tag.lower() in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._add(data.replace("\n", " "))

    def _add(self, piece: str) -> None:
        self._parts.append(piece)
        self._length += len(piece)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        raw = "".join(self._parts)
        lines = (_SPACES.sub(" ", line).strip() for line in raw.split("\n"))
        text = "\n".join(line for line in lines if line)
        closed = self._closed + [(k, start, len(raw), v) for _, k, start, v in self._inline]
        if text:
            self.paragraphs.append(text)
            if closed:
                self._keep_inline(raw, text, closed)
        self._parts = []
        self._length = 0
        self._closed = []
        self._inline = [(tag, kind, 0, target) for tag, kind, _, target in self._inline]

    def _keep_inline(self, raw: str, text: str, closed: list[tuple[Kind, int, int, str]]) -> None:
        """Keep the inline spans of the paragraph just flushed, mapped from its raw text
        onto `text` (white space made one, lines trimmed) word by word."""
        words = [(m.start(), m.end()) for m in _TOKEN.finditer(raw)]
        starts: list[int] = []
        pieces: list[str] = []
        length = 0
        for index, (start, end) in enumerate(words):
            if index:
                gap = "\n" if "\n" in raw[words[index - 1][1] : start] else " "
                pieces.append(gap)
                length += 1
            starts.append(length)
            pieces.append(raw[start:end])
            length += end - start
        if "".join(pieces) != text:
            return  # white space this mapping does not know: the paragraph stays plain
        paragraph = len(self.paragraphs) - 1
        word_starts = [start for start, _ in words]
        for kind, raw_start, raw_end, target in closed:
            first = bisect_right(word_starts, raw_start) - 1
            if first < 0 or words[first][1] <= raw_start:
                first += 1  # starts in the space before a word: from that word
            last = bisect_right(word_starts, raw_end - 1) - 1
            if first > last or first >= len(words):
                continue
            start = starts[first] + max(0, raw_start - words[first][0])
            end = starts[last] + min(raw_end, words[last][1]) - words[last][0]
            if end > start:
                self.spans.append((kind, paragraph, start, paragraph, end, 0, target))
