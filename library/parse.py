"""Read a file from disk and turn it into a title, metadata and body text.

Plain text is the main format, with the conventions of the news corpus: an optional
leading ` date YYYY-MM-DD ` marker, an optional last line `Source: NAME`, a photo caption
glued to its credit before the article, and usually no title line. Markdown files take
their title from front matter or the first `#` heading. Anything that cannot be read as
text is refused with `UnreadableFile`, whose message is one sentence for the user.
"""

from __future__ import annotations

import codecs
import datetime
import math
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from library.segment import sentence_spans

MAX_BYTES = 100 * 1024 * 1024
"""The largest file accepted as a document."""

TITLE_LENGTH = 90
"""A title derived from the first sentence is cut at a word boundary near this length."""

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
"""File name suffixes read as Markdown."""


class UnreadableFile(ValueError):
    """A file that cannot become a document. `str(err)` is one sentence for the user."""


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


# --- Decoding ---------------------------------------------------------------------------

_SAMPLE_BYTES = 64 * 1024
_BOMS = (
    # Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control bytes that never appear in text, not even in text full of escape sequences:
# everything below 0x20 but tab, newline, vertical tab, form feed, carriage return, ESC.
_BINARY_CONTROLS = bytes(b for b in range(0x20) if b not in b"\t\n\x0b\x0c\r\x1b")
_NOT_BINARY_CONTROLS = bytes(b for b in range(256) if b not in _BINARY_CONTROLS)
_CONTROL_CHARS = re.compile("[" + re.escape(_BINARY_CONTROLS.decode("ascii")) + "]")

# What Western European text in cp1252 or Latin-1 is made of, beyond ASCII: accented
# letters, typographic punctuation and a few symbols.
_WESTERN_LETTERS = "À-ÖØ-öø-ÿŒœŠšŽžŸƒ"
_WESTERN_SYMBOLS = "\u00a0¡¢£¤¥¦§¨©ª«¬\u00ad®¯°±²³´µ¶·¸¹º»¼½¾¿×÷‚„…†‡ˆ‰‹›“”‘’•–—˜™€"
_NON_WESTERN = re.compile(f"[^\x00-\x7f{_WESTERN_LETTERS}{_WESTERN_SYMBOLS}]")
_WESTERN_LETTER = re.compile(f"[{_WESTERN_LETTERS}]")
_ASCII_LETTER = re.compile("[A-Za-z]")
# A symbol wedged between two letters ("Za¿ó³æ") betrays a text in another code page;
# an apostrophe or a middle dot ("it’s", "l·l") is normal.
_SYMBOL_INSIDE_WORD = re.compile(
    f"(?<=[A-Za-z{_WESTERN_LETTERS}])[{_WESTERN_SYMBOLS.replace('’', '').replace('·', '')}]"
    f"(?=[A-Za-z{_WESTERN_LETTERS}])"
)


def decode_bytes(data: bytes, name: str) -> str:
    """Return the text held in `data`, with line endings made ``\\n``.

    A byte-order mark is obeyed; otherwise UTF-8, then UTF-16 without a mark, then
    Windows-1252/Latin-1, then whatever charset-normalizer recognises.

    Raises:
        UnreadableFile: `data` is empty, blank, binary or not text in any known encoding.
    """
    if not data:
        raise UnreadableFile(f"{name} is empty.")
    text = _decode(data, name)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    sample = text[:_SAMPLE_BYTES]
    if len(_CONTROL_CHARS.findall(sample)) * 10 > len(sample):
        raise UnreadableFile(f"{name} looks like a binary file, not text.")
    if not text.strip():
        raise UnreadableFile(f"{name} has nothing but blank space in it.")
    return text


def _decode(data: bytes, name: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                if bom == codecs.BOM_UTF32_LE:
                    continue  # perhaps UTF-16 LE text that begins with a NUL character
                # The mark declares the encoding: keep the text, mark the bad bytes.
                return data.decode(encoding, errors="replace")
    sample = data[:_SAMPLE_BYTES]
    utf16 = _utf16_without_bom(sample)
    if utf16 is not None:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            pass
    if _looks_binary(sample):
        raise UnreadableFile(f"{name} looks like a binary file, not text.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8", errors="replace")
    damaged = replaced.count("\ufffd")
    well_formed = len(replaced) - len(replaced.encode("ascii", errors="ignore")) - damaged
    if well_formed >= 4 * damaged:
        return replaced  # UTF-8 with a few damaged bytes, as in a cut or spliced file
    western = _western(data)
    if western is not None:
        return western
    if damaged * 100 <= len(replaced):
        return replaced  # ASCII with a few stray bytes: better marked than guessed at
    # Imported here: it is needed for few files and takes longer to import than the rest.
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFile(f"{name} could not be decoded as text in any known encoding.")
    return str(best)


def _utf16_without_bom(sample: bytes) -> str | None:
    """Name the UTF-16 byte order of `sample` when its NUL bytes clearly show one."""
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    pairs = len(sample) // 2
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls * 10 >= pairs * 4 and even_nuls * 20 <= pairs:
        return "utf-16-le"
    if even_nuls * 10 >= pairs * 4 and odd_nuls * 20 <= pairs:
        return "utf-16-be"
    return None


def _looks_binary(sample: bytes) -> bool:
    """Tell whether `sample`, the start of a file, is binary data rather than text.

    NUL bytes are the surest sign, yet a stray one is tolerated in text: only repeated
    NULs near the start (as in every file header) or more than one in a thousand count.
    """
    nuls = sample.count(0)
    if nuls >= 2 and (nuls * 1000 >= len(sample) or sample[:1024].count(0) >= 2):
        return True
    controls = len(sample.translate(None, _NOT_BINARY_CONTROLS))
    return controls * 10 > len(sample)


def _western(data: bytes) -> str | None:
    """Decode `data` as Windows-1252 (which extends Latin-1) if it reads as such.

    charset-normalizer often mistakes short English or French text for another single
    byte code page, so the far more common Western one is tried first and accepted when
    its high characters are sparse, plausible, and sit where they belong.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None  # bytes cp1252 leaves undefined: C1 controls in Latin-1, not text
    sample = text[: 1024 * 1024]
    if _NON_WESTERN.search(sample) or _SYMBOL_INSIDE_WORD.search(sample):
        return None
    accented = len(_WESTERN_LETTER.findall(sample))
    plain = len(_ASCII_LETTER.findall(sample))
    # In Western languages accented letters are a minority; text in Cyrillic or Greek
    # code pages decodes here as words made of nothing else.
    return text if accented * 3 <= plain else None


# --- Reading files ----------------------------------------------------------------------


def read_file(path: Path) -> str:
    """Return the text of the file at `path`.

    Raises:
        UnreadableFile: the file is missing, a folder, too large, unreadable or not text.
    """
    name = path.name or str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile(f"{name} is a folder, not a file.")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"{name} is not a regular file.")
        _check_size(name, info.st_size)
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise UnreadableFile(f"{name} does not exist.") from err
    except PermissionError as err:
        raise UnreadableFile(f"{name} cannot be read: permission denied.") from err
    except IsADirectoryError as err:
        raise UnreadableFile(f"{name} is a folder, not a file.") from err
    except OSError as err:
        reason = (err.strerror or type(err).__name__).rstrip(".").lower()
        raise UnreadableFile(f"{name} cannot be read: {reason}.") from err
    _check_size(name, len(data))  # it may have grown since
    return decode_bytes(data, name)


def _check_size(name: str, size: int) -> None:
    if size > MAX_BYTES:
        megabytes = math.ceil(size / (1024 * 1024))
        limit = MAX_BYTES // (1024 * 1024)
        raise UnreadableFile(
            f"{name} is {megabytes} MB; newsreader reads documents up to {limit} MB."
        )


def load_file(path: Path) -> Parsed:
    """Read and parse the file at `path`; Markdown if its suffix says so.

    Raises:
        UnreadableFile: the file cannot be read, or holds no text to read.
    """
    raw = read_file(path)
    return parse_text(
        raw,
        markdown=path.suffix.lower() in MARKDOWN_SUFFIXES,
        fallback_title=readable_stem(path),
        name=path.name or str(path),
    )


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
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if markdown:
        parsed = _parse_markdown(raw, fallback_title)
    else:
        parsed = _parse_plain(raw, fallback_title)
    if not parsed.text:
        raise UnreadableFile(f"{name or 'The document'} has no text to read.")
    return parsed


def _parse_plain(raw: str, fallback_title: str) -> Parsed:
    date, raw = _take_date(raw)
    lines = raw.split("\n")
    source = _take_source(lines)
    blocks = _blocks(lines)
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


def _take_date(raw: str) -> tuple[str | None, str]:
    """Remove a leading ` date YYYY-MM-DD ` marker; return its date if it is a real one.

    An impossible date (``2022-13-45``) is still a marker, not prose: it is removed too.
    """
    match = _DATE_MARKER.match(raw)
    if match is None:
        return None, raw
    year, month, day = (int(group) for group in match.groups())
    return _valid_date(year, month, day), raw[match.end() :]


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

    Also returns, for each paragraph, whether it was a block of one line with more text
    after it: the only kind of paragraph that can be a title line.
    """
    paragraphs: list[str] = []
    lone: list[bool] = []
    last = len(blocks) - 1
    if _is_hard_wrapped(blocks):
        indent = min(_indent(line) for block in blocks for line in block)
        single_block = len(blocks) == 1
        for number, block in enumerate(blocks):
            for paragraph in _reflow(block, indent, split_at_short_lines=single_block):
                paragraphs.append(paragraph)
                lone.append(len(block) == 1 and number < last)
        return paragraphs, lone
    for number, block in enumerate(blocks):
        alone = len(block) == 1 and number < last
        for line in block:
            paragraph = line.strip()
            if paragraph:
                paragraphs.append(paragraph)
                lone.append(alone)
    return paragraphs, lone


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


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


def _reflow(block: list[str], indent: int, *, split_at_short_lines: bool) -> list[str]:
    """Join the wrapped lines of `block` into paragraphs.

    A block whose every line is indented beyond the text around it (verse, code, a
    table) keeps its lines, unless they read as wrapped prose: lines that go on in
    lowercase. When the whole document is one block, a short line that ends a sentence
    ends a paragraph.
    """
    if (
        len(block) > 1
        and all(_indent(line) > indent for line in block)
        and sum(1 for line in block[1:] if line.lstrip()[0].islower()) * 2 < len(block) - 1
    ):
        common = min(_indent(line) for line in block)
        return ["\n".join(line[common:].rstrip() for line in block).strip()]
    width = max(len(line) for line in block)
    paragraphs: list[str] = []
    parts: list[str] = []
    for line in block:
        text = line.strip()
        if parts and parts[-1].endswith("-") and parts[-1][-2:-1].isalnum():
            parts[-1] += text  # a word or dash broken across lines: "well-\nknown"
        elif parts and parts[-1].endswith("--"):
            parts[-1] += text
        else:
            parts.append(text)
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

_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\n(?:(?P<body>.*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL
)
_FRONT_KEY = re.compile(r"(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*")
_FRONT_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ].*)?")
_HEADING = re.compile(r"[ ]{0,3}#[ \t]+(?P<title>.*?)(?:[ \t]+#+)?[ \t]*")
_FENCE = re.compile(r"[ ]{0,3}(?:```|~~~)")
_MARKDOWN_LEAD = re.compile(r"\A(?:[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d+[.)][ \t]+))+")
_MARKDOWN_INLINE = re.compile(r"[*_`]+")


def _parse_markdown(raw: str, fallback_title: str) -> Parsed:
    fields: dict[str, str] = {}
    match = _FRONT_MATTER.match(raw)
    if match is not None:
        fields = _front_matter_fields(match.group("body") or "")
        raw = raw[match.end() :]
    lines = raw.split("\n")
    heading = _first_heading(lines)
    title = " ".join(fields.get("title", "").split())
    if heading is not None:
        index, heading_title = heading
        if not title:
            title = heading_title
            del lines[index]
        elif index == _first_content_line(lines) and heading_title.lower() == title.lower():
            del lines[index]  # the same title twice, as notes apps write it
    paragraphs = [_markdown_block(block) for block in _blocks(lines)]
    paragraphs = [paragraph for paragraph in paragraphs if paragraph]
    if not title:
        lead = _MARKDOWN_LEAD.sub("", paragraphs[0]) if paragraphs else ""
        title = _title_from_text(_MARKDOWN_INLINE.sub("", lead), fallback_title)
    source = " ".join(fields.get("source", "").split()) or None
    date = None
    date_match = _FRONT_DATE.fullmatch(fields.get("date", "").strip())
    if date_match is not None:
        year, month, day = (int(group) for group in date_match.groups())
        date = _valid_date(year, month, day)
    return Parsed(title, source, date, None, "\n\n".join(paragraphs))


def _front_matter_fields(body: str) -> dict[str, str]:
    """Read the top-level `key: value` pairs of YAML front matter (a simple subset)."""
    fields: dict[str, str] = {}
    lines = body.split("\n")
    for index, line in enumerate(lines):
        match = _FRONT_KEY.fullmatch(line)
        if match is None:
            continue
        key = match.group("key").lower()
        value = match.group("value") or ""
        if value in ("|", ">", "|-", ">-", "|+", ">+"):
            following = []
            for more in lines[index + 1 :]:
                if more and not more[0].isspace():
                    break
                following.append(more.strip())
            value = " ".join(part for part in following if part)
        fields.setdefault(key, _yaml_scalar(value))
    return fields


def _yaml_scalar(value: str) -> str:
    """Unquote a YAML scalar written on one line."""
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        inner = value[1:-1]
        return re.sub(r"\\(.)", lambda escaped: escaped.group(1), inner)
    comment = value.find(" #")
    return value[:comment].rstrip() if comment >= 0 else value


def _first_heading(lines: list[str]) -> tuple[int, str] | None:
    """Find the first level-one `#` heading outside code fences: its line and text."""
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced and line.lstrip(" ").startswith("#"):
            match = _HEADING.fullmatch(line)
            if match is not None and match.group("title").strip():
                return index, " ".join(match.group("title").split())
    return None


def _first_content_line(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if line.strip():
            return index
    return -1


def _markdown_block(block: list[str]) -> str:
    """Keep a Markdown block's lines as they are, without their common indentation."""
    common = min(_indent(line) for line in block)
    return "\n".join(line[common:].rstrip() for line in block).strip()
