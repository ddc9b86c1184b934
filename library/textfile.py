"""A file on disk read as text: the size limit, the encoding, and what is not text.

Documents come from anywhere: UTF-8 with or without a byte-order mark, UTF-16 from
Windows tools, Windows-1252 or Latin-1 from old archives, now and then a binary file
picked by mistake. Each is decoded as what it most likely is, or refused with
`UnreadableFile`, whose message is one sentence for the user; line endings come out as
``\\n`` whatever the file used, so every offset counts one character per line break.
"""

from __future__ import annotations

import codecs
import math
import re
import stat
import unicodedata
from pathlib import Path

MAX_BYTES = 100 * 1024 * 1024
"""The largest file accepted as a document."""


class UnreadableFile(ValueError):
    """A file that cannot become a document. `str(err)` is one sentence for the user."""


# --- decoding ---------------------------------------------------------------------------

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

# A Western letter or sign in UTF-8 read as cp1252: "Ã" or "Â" (the first byte of U+0080 to
# U+00FF) before a character made of a continuation byte, or "â€" (the start of U+2000 to
# U+203F: dashes, quotes, the ellipsis). Text written in cp1252 has no such pairs.
_CONTINUATIONS = bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")
_UTF8_READ_AS_CP1252 = re.compile(f"[ÂÃ][{re.escape(_CONTINUATIONS)}]|â€")
# Characters beyond ASCII that UTF-8 decoding gave (not the U+FFFD of a bad byte).
_NON_ASCII_RUN = re.compile("[^\x00-\x7f\ufffd]+")


def decode_bytes(data: bytes, name: str, *, trailing_newlines: bool = True) -> str:
    """Return the text held in `data`, with line endings made ``\\n``.

    A byte-order mark is obeyed; otherwise UTF-8, then UTF-16 without a mark, then
    Windows-1252/Latin-1, then whatever charset-normalizer recognises.

    Args:
        data: The bytes.
        name: How messages name them.
        trailing_newlines: Whether the newlines ending a long UTF-8 text are kept. A
            reader that drops them anyway (plain text's paragraphs) says False: the text
            is then decoded without them, where stripping them after would copy it all.

    Raises:
        UnreadableFile: `data` is empty, blank, binary or not text in any known encoding.
    """
    if not data:
        raise UnreadableFile(f"{name} is empty.")
    end = len(data) if trailing_newlines else _end_without_newlines(data)
    text = _decode(data, name, end)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    sample = text[:_SAMPLE_BYTES]
    if len(_CONTROL_CHARS.findall(sample)) * 10 > len(sample):
        raise UnreadableFile(f"{name} looks like a binary file, not text.")
    if text.isspace():  # (not `strip`: a copy of a 100 MB text, to test it)
        raise UnreadableFile(f"{name} has nothing but blank space in it.")
    return text


def _end_without_newlines(data: bytes) -> int:
    """Where `data` ends once the newline bytes ending it are left out, if what is left is
    long enough that every test of `decode_bytes` sees the same (its samples hold at most
    `_SAMPLE_BYTES` characters of four bytes at most); else its length."""
    end = len(data)
    while end > 4 * _SAMPLE_BYTES:
        start = max(end - 4096, 0)
        kept = len(data[start:end].rstrip(b"\n"))
        if kept:
            return max(start + kept, 4 * _SAMPLE_BYTES)
        end = start
    return len(data)


def _decode(data: bytes, name: str, end: int | None = None) -> str:
    """Decode `data` as the most likely encoding (see `decode_bytes`); valid UTF-8 only
    up to `end`, the rest being newlines (see `_end_without_newlines`)."""
    text = _decode_marked(data)
    if text is not None:
        return text
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
        if end is None or end == len(data):
            return data.decode("utf-8")
        return str(memoryview(data)[:end], "utf-8")  # (no copy of the bytes kept)
    except UnicodeDecodeError:
        pass
    return _decode_damaged_or_legacy(data, name)


def _decode_marked(data: bytes) -> str | None:
    """Decode `data` as its byte-order mark says, or return None if it has none."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                if bom == codecs.BOM_UTF32_LE:
                    continue  # perhaps UTF-16 LE text that begins with a NUL character
                # The mark declares the encoding: keep the text, mark the bad bytes.
                return data.decode(encoding, errors="replace")
    return None


def _decode_damaged_or_legacy(data: bytes, name: str) -> str:
    """Decode `data`, which is not valid UTF-8: UTF-8 with a few damaged bytes, a
    Western code page, or whatever charset-normalizer recognises."""
    replaced = data.decode("utf-8", errors="replace")
    damaged = replaced.count("\ufffd")
    well_formed = len(replaced) - len(replaced.encode("ascii", errors="ignore")) - damaged
    if well_formed >= 4 * damaged:
        return replaced  # UTF-8 with a few damaged bytes, as in a cut or spliced file
    western = _western(data)
    if western is not None:
        return western
    if damaged * 2 < len(replaced) and _has_typed_utf8(replaced):
        # Mostly UTF-8, with pieces pasted from files in other code pages: what is UTF-8
        # reads right and the rest is marked, where guessing one single-byte code page for
        # the whole file would garble the UTF-8 ("CafĂ©").
        return replaced
    if damaged * 100 <= len(replaced):
        return replaced  # ASCII with a few stray bytes: better marked than guessed at
    # Imported here: it is needed for few files and takes longer to import than the rest.
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFile(f"{name} could not be decoded as text in any known encoding.")
    return str(best)


def _has_typed_utf8(replaced: str) -> bool:
    """Tell whether text decoded from UTF-8 with replacement holds a character someone
    typed in UTF-8, rather than two bytes of another code page that happen to form one.

    Such characters are letters, marks, numbers, punctuation or symbols that no replaced
    byte touches: in a file written in another code page, a chance UTF-8 sequence mostly
    sits among other bytes of that code page, which are not UTF-8. One such character
    alone counts only if a Western writer types it (cp1252 has it: "é", "—"), for two
    bytes of another code page can pass for one character of a rarer script (German "ß…"
    in cp1252 reads as UTF-8 U+07C5, koi8-r "её" as "ţ").
    """
    for match in _NON_ASCII_RUN.finditer(replaced):
        start, end = match.span()
        if "\ufffd" in replaced[max(start - 1, 0) : start] + replaced[end : end + 1]:
            continue
        run = match.group()
        if not all(unicodedata.category(char)[0] in "LMNPS" for char in run):
            continue
        if len(run) > 1 or run.encode("cp1252", errors="ignore"):
            return True
    return False


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
    its high characters are sparse, plausible, and sit where they belong, and none of them
    is UTF-8 read as cp1252 ("Ã©" for "é": then the file mixes UTF-8 with another encoding).
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None  # bytes cp1252 leaves undefined: C1 controls in Latin-1, not text
    sample = text[: 1024 * 1024]
    if (
        _NON_WESTERN.search(sample)
        or _SYMBOL_INSIDE_WORD.search(sample)
        or _UTF8_READ_AS_CP1252.search(sample)
    ):
        return None
    accented = len(_WESTERN_LETTER.findall(sample))
    plain = len(_ASCII_LETTER.findall(sample))
    # In Western languages accented letters are a minority; text in Cyrillic or Greek
    # code pages decodes here as words made of nothing else.
    return text if accented * 3 <= plain else None


# --- reading files ----------------------------------------------------------------------


def read_file(path: Path, *, shown_as: str | None = None, trailing_newlines: bool = True) -> str:
    """Return the text of the file at `path` (see `read_bytes`), decoded (see
    `decode_bytes`, also for `trailing_newlines`).

    Raises:
        UnreadableFile: the file cannot be read (see `read_bytes`), or is not text.
    """
    name = shown_as or path.name or str(path)
    return decode_bytes(
        read_bytes(path, shown_as=shown_as), name, trailing_newlines=trailing_newlines
    )


def read_bytes(path: Path, *, shown_as: str | None = None) -> bytes:
    """Return the bytes of the file at `path`, checked as a document's file is.

    Args:
        path: The file to read (links already followed, as a rule).
        shown_as: How messages name the file: what the user typed, such as
            ``/dev/stdin``, rather than where its links lead (``/dev/null``). By default
            the file's name.

    Raises:
        UnreadableFile: the file is missing, a folder, too large or unreadable.
    """
    name = shown_as or path.name or str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile(f"{name} is a folder, not a file.")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"{name} is not a regular file.")
        check_size(name, info.st_size)
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
    check_size(name, len(data))  # it may have grown since
    return data


def check_size(name: str, size: int) -> None:
    """Refuse a document larger than `MAX_BYTES`, in one sentence naming it."""
    if size > MAX_BYTES:
        megabytes = math.ceil(size / (1024 * 1024))
        limit = MAX_BYTES // (1024 * 1024)
        raise UnreadableFile(
            f"{name} is {megabytes} MB; newsreader reads documents up to {limit} MB."
        )
