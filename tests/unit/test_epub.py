"""EPUB books: metadata and chapters in spine order, headings their own paragraphs; DRM,
broken archives and zip bombs refused in one sentence. The books are made here."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from library.catalog import Catalog
from library.contents import contents
from library.epub import read_epub
from library.structure import Kind
from library.textfile import UnreadableFile
from tests.safety.support import run_cli

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf"
    media-type="application/oebps-package+xml"/></rootfiles>
</container>"""

OPF = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:title>The Lighthouse Keeper</dc:title>
    <dc:creator>Ada Marsh</dc:creator>
    <dc:date>2019-04-02T00:00:00Z</dc:date>
    <dc:publisher>Harbour Press</dc:publisher>
    <dc:language>en-gb</dc:language>
  </metadata>
  <manifest>
    <item id="two" href="text/two.xhtml" media-type="application/xhtml+xml"/>
    <item id="one" href="text/one.xhtml" media-type="application/xhtml+xml"/>
    <item id="notes" href="text/notes.xhtml" media-type="application/xhtml+xml"/>
    <item id="css" href="style.css" media-type="text/css"/>
  </manifest>
  <spine><itemref idref="one"/><itemref idref="two"/>
    <itemref idref="notes" linear="no"/></spine>
</package>"""

CHAPTER = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>ignored</title>
<style>p {{ color: red }}</style></head>
<body><h1>{heading}</h1>
<p>{first} &amp; more.</p>
<p>A line<br/>broken on purpose.</p>
<ul><li>One item</li><li>Another [bold] item</li></ul>
<script>alert("no")</script>
</body></html>"""


def write_book(path: Path, *, extra: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr("META-INF/container.xml", CONTAINER)
        book.writestr("OEBPS/content.opf", OPF)
        book.writestr(
            "OEBPS/text/one.xhtml",
            CHAPTER.format(heading="Chapter 1", first="The keeper climbed the stairs"),
        )
        book.writestr(
            "OEBPS/text/two.xhtml",
            CHAPTER.format(heading="Chapter 2", first="The storm came in at dusk"),
        )
        book.writestr("OEBPS/text/notes.xhtml", CHAPTER.format(heading="Notes", first="Aside"))
        book.writestr("OEBPS/style.css", "p { margin: 0 }")
        for name, data in (extra or {}).items():
            book.writestr(name, data)
    return path


def test_metadata_and_chapters_in_spine_order(tmp_path: Path) -> None:
    parsed = read_epub(write_book(tmp_path / "keeper.epub"))
    assert parsed.title == "The Lighthouse Keeper"
    assert parsed.source == "Harbour Press" and parsed.date == "2019-04-02"
    assert parsed.author == "Ada Marsh" and parsed.language == "en-GB"
    paragraphs = parsed.text.split("\n\n")
    assert paragraphs[:6] == [
        "By Ada Marsh",
        "Chapter 1",
        "The keeper climbed the stairs & more.",
        "A line\nbroken on purpose.",
        "One item",
        "Another [bold] item",
    ]
    assert paragraphs[6] == "Chapter 2"  # the spine's order, not the manifest's
    assert "Aside" not in parsed.text and "alert" not in parsed.text  # not linear; script
    assert "ignored" not in parsed.text and "color" not in parsed.text


def test_an_added_book_lists_its_chapters(tmp_path: Path) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    folder = tmp_path / "books"
    folder.mkdir()
    write_book(folder / "keeper.epub")
    (entry,) = catalog.add([folder]).added  # found inside a folder too
    document = catalog.load(entry.id)
    assert [h.title for h in contents(document.text, document.paragraphs)] == [
        "Chapter 1",
        "Chapter 2",
    ]
    assert entry.source == "Harbour Press"


def test_drm_is_refused_in_one_sentence_and_font_obfuscation_is_not(tmp_path: Path) -> None:
    drm = """<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
      xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>
      <enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
      </enc:EncryptedData></encryption>"""
    locked = write_book(tmp_path / "locked.epub", extra={"META-INF/encryption.xml": drm})
    with pytest.raises(UnreadableFile, match=r"^locked.epub is protected by DRM"):
        read_epub(locked)
    fonts = drm.replace(
        "http://www.w3.org/2001/04/xmlenc#aes128-cbc", "http://www.idpf.org/2008/embedding"
    )
    obfuscated = write_book(tmp_path / "fonts.epub", extra={"META-INF/encryption.xml": fonts})
    assert read_epub(obfuscated).title == "The Lighthouse Keeper"


def test_broken_books_are_refused_in_one_sentence(tmp_path: Path) -> None:
    not_zip = tmp_path / "fake.epub"
    not_zip.write_text("just text", encoding="utf-8")
    with pytest.raises(UnreadableFile, match=r"^fake.epub is not an EPUB book"):
        read_epub(not_zip)
    empty = tmp_path / "empty.epub"
    with zipfile.ZipFile(empty, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
    with pytest.raises(UnreadableFile, match=r"^empty.epub is a damaged EPUB book"):
        read_epub(empty)
    entities = tmp_path / "laughs.epub"
    bomb = '<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "aaaa">]><container>&a;</container>'
    with zipfile.ZipFile(entities, "w") as book:
        book.writestr("META-INF/container.xml", bomb)
    with pytest.raises(UnreadableFile, match=r"declares XML entities"):
        read_epub(entities)


def test_the_command_line_adds_a_book_and_says_why_it_refuses_one(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    added = run_cli("--library", str(library), "add", str(write_book(tmp_path / "k.epub")))
    assert added.code == 0 and "The Lighthouse Keeper" in added.out
    broken = tmp_path / "broken.epub"
    broken.write_bytes(b"PK\x03\x04 not really")
    refused = run_cli("--library", str(library), "add", str(broken))
    assert refused.code == 1 and refused.err.count("\n") == 1
    assert "is not an EPUB book" in refused.err


RICH_CHAPTER = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body>
<h2>Chapter   <em>One</em></h2>
<p>The  keeper <em>climbed</em> the <strong>long
stairs</strong>, read <a href="https://example.org/light">the log</a> and
<a href="two.xhtml#n1">a note</a>.</p>
<blockquote><p>Quoted words.</p><p>More of them.</p></blockquote>
<ol><li>First step</li><li>Second <code>step</code></li></ol>
</body></html>"""


def test_a_book_s_chapters_bring_their_structure_and_keep_their_text(tmp_path: Path) -> None:
    path = tmp_path / "rich.epub"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr("META-INF/container.xml", CONTAINER)
        book.writestr("OEBPS/content.opf", OPF)
        book.writestr("OEBPS/text/one.xhtml", RICH_CHAPTER)
        book.writestr("OEBPS/text/two.xhtml", CHAPTER.format(heading="Two", first="Then"))
    parsed = read_epub(path)
    text = parsed.text
    assert text.split("\n\n")[:7] == [
        "By Ada Marsh",
        "Chapter One",
        "The keeper climbed the long stairs, read the log and a note.",
        "Quoted words.",
        "More of them.",
        "First step",
        "Second step",
    ]
    found = [(s.kind, text[s.start : s.end], s.level, s.value) for s in parsed.structure.spans]
    assert (Kind.HEADING, "Chapter One", 2, "") in found
    assert (Kind.EMPHASIS, "One", 0, "") in found
    assert (Kind.EMPHASIS, "climbed", 0, "") in found
    assert (Kind.STRONG, "long stairs", 0, "") in found
    assert (Kind.LINK, "the log", 0, "https://example.org/light") in found
    assert all(value != "two.xhtml#n1" for *_, value in found)  # within the book: no link
    assert (Kind.QUOTE, "Quoted words.\n\nMore of them.", 1, "") in found
    assert (Kind.LIST_ITEM, "First step", 1, "1.") in found
    assert (Kind.LIST_ITEM, "Second step", 1, "2.") in found
    assert (Kind.CODE, "step", 0, "") in found
    assert (Kind.HEADING, "Two", 1, "") in found
    assert (Kind.LIST_ITEM, "One item", 1, "•") in found
