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
from itertools import chain
from pathlib import Path

from library.page_language import language_tag
from library.segment import count_words, sentence_spans
from library.structure import NO_STRUCTURE, Structure
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", count_words(self.text))


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
    handed_over = [read_file(path, shown_as=name)]
    return _parse(
        handed_over,
        markdown=path.suffix.lower() in MARKDOWN_SUFFIXES,
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
_SENTENCE_ENDING = ".!?:;\"'”’»)…"
_TITLE_LINE_MAX = 100
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
    whole text is let go of once it is split into lines: a 100 MB file is never held as
    text, lines, paragraphs and the result at once.
    """
    raw = handed_over.pop()
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if markdown:
        parsed = _parse_markdown(raw, fallback_title)
    else:
        date, lines = _plain_lines(raw)
        del raw  # a long text is held as its lines from here on, not twice
        parsed = _parse_plain(date, lines, fallback_title)
    if not parsed.text:
        raise UnreadableFile(f"{name or 'The document'} has no text to read.")
    return parsed


def _plain_lines(raw: str) -> tuple[str | None, list[str]]:
    """The date of a leading ` date YYYY-MM-DD ` marker, and the lines after it."""
    date, end = _take_date(raw)
    lines = raw.split("\n")
    if end:
        marker = raw[:end]
        del lines[: marker.count("\n")]
        lines[0] = lines[0][end - (marker.rfind("\n") + 1) :]
    return date, lines


def _parse_plain(date: str | None, lines: list[str], fallback_title: str) -> Parsed:
    source = _take_source(lines)
    blocks = _blocks(lines)
    del lines  # the blocks hold the lines now; `_paragraphs` lets go of each in turn
    paragraphs, lone = _paragraphs(blocks)
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


def _take_source(lines: list[str]) -> str | None:
    """Remove a last non-empty line `Source: NAME` from `lines` and return NAME."""
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip():
            match = _SOURCE_LINE.fullmatch(lines[index])
            if match is None:
                return None
            del lines[index]
            return match.group(1)
    return None


def _blocks(lines: list[str]) -> list[list[str]]:
    """Group `lines` into runs of non-blank lines (blank-line separated blocks)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line and not line.isspace():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _paragraphs(blocks: list[list[str]]) -> tuple[list[str], list[bool]]:
    """Turn blocks into paragraphs: reflowed when hard-wrapped, else one per line.

    Each block is emptied once its paragraphs are made, so that a long text's lines are
    not all held beside all its paragraphs.

    Also returns, for each paragraph, whether it was a block of one line with more text
    after it: the only kind of paragraph that can be a title line.
    """
    paragraphs: list[str] = []
    lone: list[bool] = []
    last = len(blocks) - 1
    if _is_hard_wrapped(blocks):
        lines = list(chain.from_iterable(blocks))
        indent = _least_indent(lines)
        margin = max(map(len, map(str.rstrip, lines)))
        single_block = len(blocks) == 1
        del lines
        for number, block in enumerate(blocks):
            reflowed = _reflow(block, indent, margin, split_at_short_lines=single_block)
            for paragraph in reflowed:
                paragraphs.append(paragraph)
                lone.append(len(block) == 1 and number < last)
            block.clear()  # a book's lines are let go of as its paragraphs are made
        return paragraphs, lone
    for number, block in enumerate(blocks):
        alone = len(block) == 1 and number < last
        for line in block:
            paragraph = line.strip()
            if paragraph:
                paragraphs.append(paragraph)
                lone.append(alone)
        block.clear()
    return paragraphs, lone


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _least_indent(lines: list[str]) -> int:
    """The smallest indentation of `lines`: 0 as soon as one line starts at the margin,
    as nearly every text has in its first lines (a book has millions of lines)."""
    if any(not line[:1].isspace() for line in lines):
        return 0
    return min(map(_indent, lines))


def _is_hard_wrapped(blocks: list[list[str]]) -> bool:
    """Tell whether the lines of `blocks` were wrapped at a fixed width.

    Looks at every line that is not the last of its block: in wrapped text those are
    nearly all short and most of them stop in the middle of a sentence; in text with one
    paragraph per line they are long, or they end sentences.
    """
    inner = [line.rstrip() for block in blocks if len(block) > 1 for line in block[:-1]]
    if len(inner) < (3 if len(blocks) == 1 else 2):
        return False
    short = sum(1 for line in inner if len(line) <= _TITLE_LINE_MAX)
    unfinished = sum(1 for line in inner if line[-1] not in _SENTENCE_ENDING)
    return short * 10 >= len(inner) * 8 and unfinished * 2 >= len(inner)


# A rule (`---`, `***`, `* * *`, `___`, `===`) and a `key: value` line (a name of one to
# three words, a colon, maybe a value; not `https://`) are lines of their own, not prose.
_RULE_LINE = re.compile(r"[ \t]*([-*_=~—])(?:[ \t]*\1){2,}[ \t]*")
_RULE_MARKS = frozenset("-*_=~—")
_FIELD_LINE = re.compile(r"[ \t]*[^\W\d_][\w'’.-]*(?:[ \t]+[\w'’.-]+){0,2}:(?!//)(?:[ \t].*)?")


def _reflow(block: list[str], indent: int, margin: int, *, split_at_short_lines: bool) -> list[str]:
    """Join the wrapped lines of `block` into paragraphs.

    A block whose every line is indented beyond the text around it (verse, code, a
    table) keeps its lines, unless they read as wrapped prose: lines that go on in
    lowercase. When the whole document is one block, a short line that ends a sentence
    ends a paragraph. A line break next to a rule or a `key: value` line is kept (see
    `_keeps_break`); `margin` is the length of the document's longest line.
    """
    if (
        len(block) > 1
        and all(_indent(line) > indent for line in block)
        and sum(1 for line in block[1:] if line.lstrip()[0].islower()) * 2 < len(block) - 1
    ):
        common = min(_indent(line) for line in block)
        return ["\n".join(line[common:].rstrip() for line in block).strip()]
    width = max(map(len, block))
    paragraphs: list[str] = []
    parts: list[str] = []
    previous = ""
    previous_special = False
    for line in block:
        text = line.strip()
        # Only a line with a colon or starting with a rule's mark can keep its break: the
        # cheap test spares a million calls in a long book.
        special = ":" in text or text[0] in _RULE_MARKS
        if parts and (special or previous_special) and _keeps_break(previous, line, margin):
            parts[-1] += "\n" + text
        elif parts and parts[-1][-1] == "-" and _joins_after_dash(parts[-1][-2:-1]):
            parts[-1] += text  # a word or dash broken across lines: "well-\nknown", "--"
        else:
            parts.append(text)
        previous = line
        previous_special = special
        if (
            split_at_short_lines
            and text[-1] in _SENTENCE_ENDING
            and len(line.rstrip()) * 4 < width * 3
        ):
            paragraphs.append(" ".join(parts))
            parts = []
    if parts:
        paragraphs.append(" ".join(parts))
    return paragraphs


def _joins_after_dash(before_dash: str) -> bool:
    """Whether a line ending in a dash after `before_dash` (a character, or nothing) goes
    on in the next line without a space: a word broken at its hyphen, or a ``--`` dash."""
    return before_dash == "-" or before_dash.isalnum()


def _keeps_break(before: str, after: str, margin: int) -> bool:
    """Whether the line break between `before` and `after` is a real one, not a soft wrap.

    A rule is never joined to its neighbours; two `key: value` lines in a row are a list
    of fields; and a `key: value` line next to a line that stops well short of the
    margin was broken on purpose (prose wrapped at the margin reaches it).
    """
    # Most lines are neither: a rule starts with one of its marks and a field holds a
    # colon, and these two tests are a tenth of the time of the patterns.
    if (before.lstrip()[:1] in _RULE_MARKS and _RULE_LINE.fullmatch(before)) or (
        after.lstrip()[:1] in _RULE_MARKS and _RULE_LINE.fullmatch(after)
    ):
        return True
    field_before = ":" in before and _FIELD_LINE.fullmatch(before) is not None
    field_after = ":" in after and _FIELD_LINE.fullmatch(after) is not None
    if not (field_before or field_after):
        return False
    short_before = len(before.rstrip()) * 4 < margin * 3
    return (field_before and field_after) or short_before


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
