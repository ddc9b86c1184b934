"""Make untrusted text safe to draw on a terminal, one character for one.

Control characters must never reach the terminal, yet every offset into a document must
still hold, so each dangerous character is replaced by exactly one visible character.
"""

from __future__ import annotations

import json
import re

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

C1_STAND_IN = "\u2370"
"""``⍰`` (a boxed question mark): a C1 control (U+0080–U+009F) was here. Unicode has no
pictures for them, and ``�`` would read as a decoding error, which this is not."""

NEXT_LINE_STAND_IN = "\u2424"
"""``␤`` (Unicode's symbol for newline) for NEL, the one C1 control that means a line end."""

BIDI_STAND_IN = "\u21c4"
"""``⇄``: a bidirectional control (a mark, an embedding, an override or an isolate) was
here; drawn, it would reorder the text around it."""


def _replacement(char: str) -> str:
    """The visible stand-in for a dangerous character: always one character, one cell wide
    (none is East Asian "wide" or "ambiguous"), so columns and offsets still hold."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␀ for NUL
    if code == 0x7F:
        return "\u2421"  # ␡
    if code == 0x85:
        return NEXT_LINE_STAND_IN
    if code <= 0x9F:
        return C1_STAND_IN
    return BIDI_STAND_IN


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "]")
_TABLE = {
    ord(c): _replacement(c)
    for c in [chr(i) for i in range(0x20) if chr(i) not in "\n\t"]
    + [chr(0x7F)]
    + [chr(i) for i in range(0x80, 0xA0)]
    + list(_BIDI)
}


def visible(text: str) -> str:
    """Return `text` with every control character drawn as a visible stand-in.

    Newline and tab are kept. The result has exactly the length of `text`.
    """
    if _UNSAFE.search(text) is None:
        return text
    return text.translate(_TABLE)


def one_line(text: str) -> str:
    """Return `text` made visible and folded onto one line (for titles and table cells)."""
    return visible(text).replace("\n", " ").replace("\t", " ")


def short_title(title: object) -> str:
    """A title fit for a one-line message: visible, on one line, at most 40 characters
    (a record edited by hand may hold something else than a string: "untitled")."""
    text = one_line(title) if isinstance(title, str) else "untitled"
    return text if len(text) <= 40 else text[:39].rstrip() + "…"


_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\ud800-\udfff\u2028\u2029" + _BIDI + "]")
"""What JSON may carry raw but a terminal or a reader must not get: DEL, C1 controls,
lone surrogates, line and paragraph separators, bidirectional controls (C0 controls are
escaped by `json` itself)."""


def printable_json(data: object) -> str:
    """`data` as JSON that is safe to print: readable text, but no raw control or
    bidirectional characters and no lone surrogates (each written as a ``\\u`` escape,
    which every JSON reader reads back as the same character).

    An array is written one element to a line (a library's 50,000 documents, a line each:
    `grep` finds a document's whole line, and `json`'s own indenting, done in Python, took
    seconds where its compact writer takes a fraction); anything else is indented."""
    if isinstance(data, list):
        encode = json.JSONEncoder(ensure_ascii=False).encode
        text = "[\n" + ",\n".join([encode(item) for item in data]) + "\n]" if data else "[]"
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2)
    return printable_json_text(text) + "\n"


def printable_json_text(text: str) -> str:
    """JSON text (as `json.dumps` writes it with ``ensure_ascii=False``), or a part of it,
    made safe to print as `printable_json` makes it: for callers that encode in their own,
    faster, way."""
    if text.isascii() and "\x7f" not in text:
        return text  # nothing to escape, known without a pass of the pattern
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
