"""Turn a document's text into a title, metadata and body text.

Plain text is the main format, with the conventions of the news corpus: an optional
leading ` date YYYY-MM-DD ` marker, an optional last line `Source: NAME`, a photo caption
glued to its credit before the article, and usually no title line. Markdown files take
their title from front matter or the first `#` heading. Reading the file's bytes as text
(encodings, size, binary files) is `library.textfile`'s job; anything that cannot be read
as text is refused with `UnreadableFile`, whose message is one sentence for the user.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from library.page_language import language_tag
from library.plain_paragraphs import TITLE_LINE_MAX, plain_paragraphs
from library.segment import count_words_beside, sentence_spans
from library.structure import NO_STRUCTURE, Structure
from library.text_hash import text_hash
from library.textfile import UnreadableFile, read_file

TITLE_LENGTH = 90
"""A title derived from the first sentence is cut at a word boundary near this length."""

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
"""File name suffixes read as Markdown."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """What parsing a file yields, before the library gives it an id and offsets."""

    title: str
    """The title line, front-matter title, first heading or first sentence."""
    source: str | None
    """The publication, from a last `Source: NAME` line or front matter."""
    date: str | None
    """A valid publication date as ISO ``YYYY-MM-DD``, else None."""
    caption: str | None
    """A photo caption (credit included) found before the text."""
    text: str
    """The body: stripped paragraphs joined by exactly one blank line."""
    author: str | None = None
    """Who wrote it, when the file says (front matter, a page's byline, a book's creator)."""
    url: str | None = None
    """Where it is published on the web (a page's canonical address, front matter `url`)."""
    feed: str | None = None
    """The feed it arrived through, if it came from one."""
    language: str | None = None
    """The language it says it is in, as a BCP 47 tag (``en``, ``pt-BR``), if it says."""
    structure: Structure = field(default=NO_STRUCTURE, compare=False)
    """Typed spans over `text` (headings, emphasis, links…); none for plain text."""
    raw_page: bytes | None = field(default=None, compare=False, repr=False)
    """The web page the text was extracted from, kept beside it (``<id>.html``) so a
    later extraction can be made again from it; None for anything else."""
    words: int = field(init=False, compare=False)
    """How many words `text` has, counted once here: an add needs the count more than
    once, and counting a 100 MB text takes a second."""
    content_hash: str = field(init=False, compare=False)
    """The content hash of `text` (`library.text_hash`), which an add records."""

    def __post_init__(self) -> None:
        # A long text is hashed here while a forked child counts most of its words:
        # hashing takes about as long as counting a third of them, so the two finish
        # together (one after the other, they took a fifth of a 100 MB add's time).
        words, digest = count_words_beside(self.text, partial(text_hash, self.text), here=0.35)
        object.__setattr__(self, "words", words)
        object.__setattr__(self, "content_hash", digest)


def load_file(path: Path, *, shown_as: str | None = None) -> Parsed:
    """Read and parse the file at `path`; Markdown, an EPUB book or a saved web page if its
    suffix says so.

    Args:
        path: The file.
        shown_as: How messages name the file (see `read_file`); by default its name.

    Raises:
        UnreadableFile: the file cannot be read, or holds no text to read.
    """
    name = shown_as or path.name or str(path)
    suffix = path.suffix.lower()
    if suffix == ".epub":
        from library.epub import read_epub  # a book: a zip archive, not a text file

        return read_epub(path, shown_as=name)
    if suffix in (".html", ".htm", ".xhtml"):
        from library.textfile import read_bytes
        from library.web_page import parse_page  # a saved web page: its article

        return parse_page(read_bytes(path, shown_as=name), url=None, name=name)
    markdown = suffix in MARKDOWN_SUFFIXES
    # (plain text's paragraphs drop the newlines ending it: never decoded, never copied)
    handed_over = [read_file(path, shown_as=name, trailing_newlines=markdown)]
    return _parse(
        handed_over,
        markdown=markdown,
        fallback_title=readable_stem(path),
        name=name,
    )


def parse_bytes(data: bytes, name: str) -> Parsed:
    """Parse bytes that are no file (standard input) as a plain-text file is read: size
    checked, encoding detected; `name` names them in messages.

    Raises:
        UnreadableFile: they are too many, not text, or hold no text to read.
    """
    from library.textfile import check_size, decode_bytes

    check_size(name, len(data))
    return _parse([decode_bytes(data, name)], markdown=False, fallback_title="Untitled", name=name)


def readable_stem(path: Path) -> str:
    """Return the file name of `path` without suffix, made to read like a title."""
    words = re.sub(r"[_\s]+|(?<=\S)-(?=\S)|-{2,}", " ", path.stem).split()
    if not words:
        return "Untitled"
    title = " ".join(words)
    return title[0].upper() + title[1:]


# --- Parsing ------------------------------------------------------------------------------

_DATE_MARKER = re.compile(r"\A\s*date[ \t]+([0-9]{4})-([0-9]{2})-([0-9]{2})(?=\s|\Z)[ \t]*")
_SOURCE_LINE = re.compile(r"[ \t]*Source:[ \t]*(\S.{0,199}?)\s*")
_TITLE_LINE_MAX = TITLE_LINE_MAX
_HAS_WORD = re.compile(r"\w")

# A photo caption glued to its credit: "...on Nov. 15, 2021.Susan Walsh/The Associated
# Press". The sentence end is followed, without a space, by a capital letter...
_GLUED = re.compile(r"[.!?][\"'”’)]*(?=[A-Z])")
# ...that starts one of the ways newspapers credit a picture.
_AGENCIES = (
    r"Getty\s+Images|Reuters|REUTERS|AP|AFP|EPA|EPA-EFE|Associated\s+Press|Bloomberg|"
    r"Shutterstock|Alamy|Xinhua|TASS|Sipa|PA\s+Images|PA|Pool|NurPhoto|Anadolu"
)
_CREDIT = re.compile(
    r"(?:"
    r"(?:Photo(?:graph)?|Image|Picture|Illustration|Credit|Video)s?(?:\s+by)?\s*:?\s+\S.*"
    r"|[A-Z][\w.'’&-]*(?:\s+[\w.'’&-]+){0,5}\s*/\s*[A-Z(][\w.'’&()-]*(?:\s+[\w.'’&()-]+){0,6}"
    rf"|(?:[A-Z][\w.'’-]*\s+){{0,4}}(?:{_AGENCIES})(?:\s+(?:Photos?|Images|via\s+.+))?"
    r")\s*"
)
_CREDIT_MAX = 100
_CAPTION_MIN = 20


def parse_text(
    raw: str,
    *,
    markdown: bool = False,
    fallback_title: str = "Untitled",
    name: str | None = None,
) -> Parsed:
    """Split `raw` text into title, source, date, caption and body.

    Args:
        raw: The decoded text of a document.
        markdown: Read `raw` as Markdown (front matter, `#` headings, no reflowing).
        fallback_title: The title when none can be found in the text.
        name: The file name, for the error message.

    Raises:
        UnreadableFile: nothing is left to read once the metadata is taken out.
    """
    return _parse([raw], markdown=markdown, fallback_title=fallback_title, name=name)


def _parse(
    handed_over: list[str], *, markdown: bool, fallback_title: str, name: str | None
) -> Parsed:
    """`parse_text` of the one text in `handed_over`, which it takes out of the list.

    Handed over in a list, a text read from a file has no other reference once taken
    out (an argument would be held by the caller until the call returns), so that the
    whole text is let go of once its paragraphs are made: a 100 MB file is never held as
    text, paragraphs and the result at once.
    """
    raw = handed_over.pop()
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if markdown:
        parsed = _parse_markdown(raw, fallback_title)
    else:
        date, end = _take_date(raw)
        body = [raw[end:] if end else raw]
        del raw  # a long text is held once from here on, not twice
        parsed = _parse_plain(date, body, fallback_title)
    if not parsed.text:
        raise UnreadableFile(f"{name or 'The document'} has no text to read.")
    return parsed


def _parse_plain(date: str | None, handed_over: list[str], fallback_title: str) -> Parsed:
    """The plain text in `handed_over` (taken out of the list: see `_parse`) parsed."""
    source, body = _take_source(handed_over.pop())
    handed_over.append(body)
    del body
    found = plain_paragraphs(handed_over)
    paragraphs, lone = found.pieces, found.lone
    title: str | None = None
    caption: str | None = None
    for _ in range(2):  # a title line and a caption, in either order
        if not paragraphs:
            break
        if caption is None and len(paragraphs) > 1:
            caption = _caption(paragraphs[0])
            if caption is not None:
                del paragraphs[0], lone[0]
                continue
        if title is None and lone[0] and _is_title_line(paragraphs[0]):
            title = " ".join(paragraphs[0].split())
            del paragraphs[0], lone[0]
            continue
        break
    if title is None:
        title = _title_from_text(paragraphs[0] if paragraphs else "", fallback_title)
    return Parsed(title, source, date, caption, "\n\n".join(paragraphs))


def _take_date(raw: str) -> tuple[str | None, int]:
    """Find a leading ` date YYYY-MM-DD ` marker: its date if it is a real one, and where
    the text after it starts (0 without a marker).

    An impossible date (``2022-13-45``) is still a marker, not prose: it is removed too.
    """
    match = _DATE_MARKER.match(raw)
    if match is None:
        return None, 0
    year, month, day = (int(group) for group in match.groups())
    return _valid_date(year, month, day), match.end()


def _valid_date(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _take_source(body: str) -> tuple[str | None, str]:
    """NAME of a last non-blank line `Source: NAME`, and `body` without that line."""
    filled_end = _filled_end(body)
    if not filled_end:
        return None, body
    line_start = body.rfind("\n", 0, filled_end) + 1
    line_end = body.find("\n", filled_end)
    if line_end == -1:
        line_end = len(body)
    match = _SOURCE_LINE.fullmatch(body, line_start, line_end)
    if match is None:
        return None, body
    return match.group(1), body[:line_start] + body[line_end + 1 :]


def _filled_end(text: str) -> int:
    """Where `text` ends once trailing whitespace is taken off (`len(text.rstrip())`,
    without a copy of the whole text)."""
    end = len(text)
    while end > 0:
        start = max(0, end - 4096)
        filled = len(text[start:end].rstrip())
        if filled:
            return start + filled
        end = start
    return 0


def _is_title_line(paragraph: str) -> bool:
    return (
        len(paragraph) <= _TITLE_LINE_MAX
        and paragraph[-1] not in ".,;:"
        and _HAS_WORD.search(paragraph) is not None
        and "\n" not in paragraph
    )


def _caption(paragraph: str) -> str | None:
    """Return `paragraph` as a caption if it ends with a credit glued to its last sentence.

    The credit is set off by a space: "...in Washington. Susan Walsh/The Associated Press".
    """
    if "\n" in paragraph:
        return None
    for glue in reversed(list(_GLUED.finditer(paragraph))):
        credit = paragraph[glue.end() :]
        if len(credit) > _CREDIT_MAX:
            break
        if glue.end() >= _CAPTION_MIN and _CREDIT.fullmatch(credit):
            return f"{paragraph[: glue.end()]} {credit}"
    return None


def _title_from_text(paragraph: str, fallback_title: str) -> str:
    """Return the first sentence of `paragraph`, cut at a word boundary to about 90 chars."""
    head = paragraph[: TITLE_LENGTH * 20]
    sentences = sentence_spans(head, ((0, len(head)),))
    first = head[sentences[0][0] : sentences[0][1]] if sentences else ""
    title = " ".join(first.split())
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    if len(title) > TITLE_LENGTH:
        cut = title.rfind(" ", 0, TITLE_LENGTH + 1)
        if cut < TITLE_LENGTH // 2:
            cut = TITLE_LENGTH
        title = title[:cut].rstrip(" ,;:-–—") + "…"
    return title if _HAS_WORD.search(title) else fallback_title


# --- Markdown -----------------------------------------------------------------------------

_FRONT_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ].*)?")


def _parse_markdown(raw: str, fallback_title: str) -> Parsed:
    from library.markdown_text import read_markdown  # markdown-it-py, for Markdown only

    read = read_markdown(raw)
    del raw
    fields = read.fields
    title = " ".join(fields.get("title", "").split()) or read.title or ""
    if not title:
        first_block = read.text[: read.text.find("\n\n")] if "\n\n" in read.text else read.text
        title = _title_from_text(first_block, fallback_title)
    date = None
    date_match = _FRONT_DATE.fullmatch(fields.get("date", "").strip())
    if date_match is not None:
        year, month, day = (int(group) for group in date_match.groups())
        date = _valid_date(year, month, day)
    url = _front_text(fields, "url")
    return Parsed(
        title,
        _front_text(fields, "source", "site"),
        date,
        None,
        read.text,
        author=_front_text(fields, "author"),
        url=url if url and url.lower().startswith(("http://", "https://")) else None,
        language=language_tag(_front_text(fields, "lang", "language")),
        structure=read.structure,
    )


def _front_text(fields: dict[str, str], *keys: str) -> str | None:
    """The first of front matter's `keys` that holds text, on one line."""
    for key in keys:
        value = " ".join(fields.get(key, "").split())
        if value:
            return value
    return None
