"""Text as search compares it, with the way back to the original offsets.

Search compares *normalised* text: case-folded, accents and invisible format characters
dropped, compatibility forms decomposed, curly quotes made straight, every dash and
hyphen and every run of whitespace turned into one space (so `anti aircraft` finds
`anti-aircraft`, and `call - a` finds `call — a`). Normalising can change the length of
a text (`'İ'`, `'ß'`, `'ﬁ'`, combining accents, collapsed whitespace), so a
`NormalizedText` keeps compact offset maps that lead every normalised position back to
the original text: a match found in the normalised copy is always shown, highlighted and
jumped to in the text the reader sees.

Folding a 3 MB book takes tens of milliseconds, in a worker thread: it is done block by
block with a few C-level string calls per block, pausing in between (see `Pacer`) so the
UI thread never waits long for the GIL.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from library.document import Span
from library.offsets import OffsetMap
from library.pacing import Pacer

MASK = "\uffff"
"""A character normalised text never holds (`fold_char` turns it into U+FFFD): the
approximate search writes it over text already matched."""

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_QUOTES = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
}
# Every character `str.isspace` accepts lies below U+3001.
_SEPARATORS = frozenset(_DASHES) | frozenset(c for c in map(chr, range(0x3001)) if c.isspace())
_ASCII_SEPARATORS = tuple(sorted(c for c in _SEPARATORS if c.isascii() and c != " "))
_ASCII_BYTES = bytes(range(128))
_SPACE_RUN = re.compile("  +")


# --- folding one character -------------------------------------------------------------


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _simple_fold(char: str) -> str:
    """Separators to a space, curly quotes straight, the mask character kept out."""
    if char in _SEPARATORS:
        return " "
    if char == MASK:
        return "\ufffd"
    return _QUOTES.get(char, char)


def _fold_lowered(char: str) -> str:
    """Fold one character that `str.lower` already produced."""
    if char in _SEPARATORS or char in _QUOTES or char == MASK:
        return _simple_fold(char)
    if unicodedata.category(char) == "Cf":  # soft hyphen, zero-width space, BOM, bidi marks
        return ""
    folded = _strip_marks(_strip_marks(char).casefold())
    return "".join(_simple_fold(c) for c in folded)


@cache
def fold_char(char: str) -> str:
    """What one original character becomes in normalised text: zero, one or more chars.

    Defined as "lower-case, then fold each resulting character" so that the fast path of
    `_fold_text` (one `str.lower` over the whole text) agrees with it character by
    character. Only `'İ'` lower-cases to two characters; its second one, a combining
    dot, is dropped here.
    """
    return "".join(_fold_lowered(c) for c in char.lower())


_ASCII_TABLE = str.maketrans({i: fold_char(chr(i)) for i in range(128)})


# --- normalising a whole text ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A text as search compares it, with the way back to the original offsets."""

    text: str
    """The normalised text: folded, separators collapsed to single spaces."""
    folding: OffsetMap
    """Maps the folded (not yet collapsed) text back to the original."""
    collapsing: OffsetMap
    """Maps `text` back to the folded text."""

    def to_original(self, start: int, end: int) -> Span:
        """Return the span of the original text that `text[start:end]` came from.

        `start < end` is required. Accents and zero-width characters that follow the
        last character are included.
        """
        folded_start = self.collapsing.locate(start)[0]
        folded_end = self.collapsing.locate(end - 1)[1]
        if not self.folding:
            return folded_start, folded_end
        return self.folding.locate(folded_start)[0], self.folding.locate(folded_end - 1)[1]

    def splits_a_character(self, start: int, end: int) -> bool:
        """Tell whether `text[start:end]` begins or ends inside one character's folding.

        True for a match of `s` on the second half of `'ß'` (folded `ss`): its original
        span would be the whole `'ß'`, which is not what was asked for.
        """
        if not self.folding:
            return False
        folded_start = self.collapsing.locate(start)[0]
        folded_end = self.collapsing.locate(end - 1)[1]
        first = self.folding.locate(folded_start)[2]
        last = self.folding.locate(folded_end - 1)[3]
        return not (first and last)


_BLOCK = 1 << 18
"""Characters folded per step: small enough that no single C call holds the GIL long."""


def _fold_block(block: str) -> tuple[str, set[str]]:
    """Fold each character of `block` that folds to exactly one character.

    Returns the folded block, as long as `block`, and the characters left for the caller
    to patch by position: those that fold to none or several characters.
    """
    if block.isascii():
        return block.translate(_ASCII_TABLE), set()
    # Distinct non-ASCII characters, cheaply: drop the ASCII bytes of the UTF-8 form.
    others = set(
        block.encode("utf-8", "surrogatepass")
        .translate(None, _ASCII_BYTES)
        .decode("utf-8", "surrogatepass")
    )
    # `str.translate` is slow on non-ASCII text, `lower` is not: lower-case the block in
    # one call, then patch up what `lower` does not do by one `replace` per distinct
    # character. `'İ'` must not lower to two characters.
    folded = block.replace("\u0130", "I") if "\u0130" in others else block
    folded = folded.lower()
    for separator in _ASCII_SEPARATORS:
        if separator in folded:
            folded = folded.replace(separator, " ")
    lowered_forms = {"i" if c == "\u0130" else c.lower() for c in others}
    if "\u03a3" in others:
        lowered_forms.add("\u03c2")  # `lower` writes a final sigma at the end of a word
    irregular: set[str] = set()
    for char in others:
        target = fold_char(char)
        if len(target) != 1 or fold_char(target) != target:
            irregular.add(char)
    for lowered in lowered_forms:
        if lowered.isascii():
            continue
        target = fold_char(lowered)
        # A target that would itself be replaced later is left to the caller instead.
        if len(target) == 1 and fold_char(target) == target and target != lowered:
            folded = folded.replace(lowered, target)
    return folded, irregular


def _fold_text(text: str, pace: Callable[[], None]) -> tuple[str, OffsetMap]:
    """Fold every character of `text`; return the folded text and its offset map."""
    folding = OffsetMap()
    blocks: list[str] = []
    positions: list[int] = []
    for base in range(0, len(text), _BLOCK):
        block = text[base : base + _BLOCK]
        folded_block, irregular = _fold_block(block)
        blocks.append(folded_block)
        if irregular:
            positions.extend(base + pos for pos in sorted(_positions_of(block, irregular)))
        pace()
    folded = "".join(blocks)
    if not positions:
        return folded, folding
    # Characters that fold to zero or several characters: patch them in by position.
    pieces: list[str] = []
    out = 0
    previous = 0
    for number, pos in enumerate(positions):
        if number % 1024 == 0:
            pace()
        pieces.append(folded[previous:pos])
        out += pos - previous
        target = fold_char(text[pos])
        if not target:
            folding.swallow(out, pos)
        elif len(target) > 1:
            folding.add(out, out + len(target), pos, pos + 1)
        pieces.append(target)
        out += len(target)
        previous = pos + 1
    pieces.append(folded[previous:])
    return "".join(pieces), folding


def _positions_of(text: str, chars: set[str]) -> Iterable[int]:
    if len(chars) > 16:
        pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")
        return (found.start() for found in pattern.finditer(text))
    positions: list[int] = []
    for char in chars:
        pos = text.find(char)
        while pos != -1:
            positions.append(pos)
            pos = text.find(char, pos + 1)
    return positions


def normalize(text: str, *, pace: Callable[[], None] | None = None) -> NormalizedText:
    """Normalise `text` for searching, keeping the way back to its offsets.

    Case-folded; accents, combining marks and invisible format characters dropped;
    compatibility forms decomposed (`ﬁ` is `fi`); curly quotes straight; every dash,
    hyphen and whitespace character a space, and every run of spaces one space.
    `pace` is called every so often (see `Pacer`).
    """
    pace = pace or Pacer()
    folded, folding = _fold_text(text, pace)
    collapsing = OffsetMap()
    pieces: list[str] = []
    previous = 0
    out = 0
    for number, run in enumerate(_SPACE_RUN.finditer(folded)):
        start, end = run.span()
        pieces.append(folded[previous : start + 1])
        out += start + 1 - previous
        collapsing.add(out - 1, out, start, end)
        previous = end
        if number % 256 == 0:
            pace()
    if not pieces:
        return NormalizedText(folded, folding, collapsing)
    pieces.append(folded[previous:])
    return NormalizedText("".join(pieces), folding, collapsing)


def normalize_query(query: str) -> str:
    """Return `query` as search compares it: normalised, without outer spaces."""
    return normalize(query).text.strip(" ")
