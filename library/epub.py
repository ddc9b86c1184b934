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
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from library.parse import Parsed, readable_stem
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
            title, creator, date, publisher = _metadata(opf)
            paragraphs = [
                paragraph
                for chapter in _chapters(book, opf, posixpath.dirname(package))
                for paragraph in _chapter_paragraphs(chapter)
            ]
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
    return Parsed(
        title or readable_stem(path),
        publisher,
        date,
        None,
        "\n\n".join(paragraphs),
        author=creator or None,
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


def _metadata(opf: ElementTree.Element) -> tuple[str, str, str | None, str | None]:
    """Title, creator, date (ISO, when valid) and publisher of the book."""
    found: dict[str, str] = {}
    for element in opf.iter():
        key = _local(element.tag)
        if key in ("title", "creator", "date", "publisher") and key not in found:
            text = " ".join("".join(element.itertext()).split())
            if text:
                found[key] = text
    return (
        found.get("title", ""),
        found.get("creator", ""),
        _iso_date(found.get("date", "")),
        found.get("publisher"),
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


def _chapter_paragraphs(markup: str) -> list[str]:
    blocks = _Blocks()
    blocks.feed(markup)
    blocks.close()
    return blocks.paragraphs


class _Blocks(HTMLParser):
    """Collects the text of a chapter as paragraphs, one per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self._flush()
        elif tag == "br":
            self._parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() == "br":
            self._parts.append("\n")
        elif tag.lower() in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._parts.append(data.replace("\n", " "))

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        lines = (_SPACES.sub(" ", line).strip() for line in "".join(self._parts).split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            self.paragraphs.append(text)
        self._parts = []
