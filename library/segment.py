"""Split stored text into paragraphs and sentences, and count its words.

The reader moves by sentence and by paragraph, so both must be found quickly even in a
book of several megabytes. Everything here is regex-driven and works on offsets into the
text, never on copies, so spans can be used directly as `Document` offsets.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable
from typing import TypeVar

from library.document import Span

_T = TypeVar("_T")

# One or more blank lines (lines holding nothing but spaces or tabs) end a paragraph.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*")

# A place where a sentence may end: terminal punctuation, any closing quotes or brackets,
# whitespace, then the first visible character of what follows (kept in `next`). The
# sentence itself ends after group `end`; the next one starts at the match's end.
# Chinese and Japanese put no space after a full stop (`。`, `！`, `？`, the fullwidth `．`
# and the halfwidth `｡`), so after those the whitespace is optional.
_CLOSERS = "\"'”’»)\\]」』）】〕〉》〗〙〛"
_OPENERS = "\"'“‘«(\\[¿¡「『（【〔〈《〖〘〚"
_CJK_STOPS = "。！？．｡"
# A following ASCII lowercase letter means the sentence goes on ("“Why?” he asked"); it
# is ruled out here, in the regex engine, because it is by far the most common case.
_STOPS = f".!?…{_CJK_STOPS}"
_CANDIDATE = re.compile(
    # A stop first, then the rest of its run by its kind: a pattern that opens with a set
    # of characters lets the engine skip from one such character to the next, three times
    # as fast as trying the whole pattern at every place (a 100 MB book: seconds).
    rf"(?P<end>[{_STOPS}]"
    rf"(?:(?<=[.!?…])[.!?…]*+[{_CLOSERS}]*+(?=\s)"
    rf"|(?<=[{_CJK_STOPS}])[{_CJK_STOPS}]*+[{_CLOSERS}]*+))"
    rf"\s*+(?=[{_OPENERS}]*+(?P<next>[^\sa-z]))",
)

# Abbreviations after which a period never ends a sentence (titles before a name,
# Latin shorthands that are always followed by more of the same sentence).
_NEVER_FINAL = frozenset(
    ("mr", "mrs", "ms", "messrs", "mme", "mlle", "dr", "prof", "st", "mt", "ft", "gen")
    + ("sen", "rep", "gov", "lt", "col", "capt", "cpt", "sgt", "cmdr", "adm", "maj", "rev")
    + ("hon", "pres", "supt", "insp", "det", "atty", "fr", "sra", "srta")
    + ("e.g", "eg", "i.e", "ie", "cf", "viz", "vs", "v", "approx", "ca")
)

# Abbreviations that end a sentence only when a capitalised word follows them, and never
# before a number: "Nov. 15", "No. 5", but "... and so on, etc. The next ...".
_FINAL_BEFORE_CAPITAL = frozenset(
    ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
    + ("no", "nos", "vol", "vols", "fig", "figs", "p", "pp", "ch", "sec", "art", "op", "ed", "eds")
    + ("etc", "al", "inc", "corp", "co", "ltd", "llc", "plc", "bros", "jr", "sr", "esq")
)

# Words that usually open a sentence: after an initialism such as "U.S." a capitalised
# word is most often a name ("U.S. President"), unless it is one of these.
_SENTENCE_OPENERS = frozenset(
    ("a", "an", "the", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its")
    + ("their", "our", "my", "your", "this", "that", "these", "those", "there", "here")
    + ("but", "and", "or", "so", "yet", "however", "meanwhile", "still", "then", "now")
    + ("when", "while", "what", "why", "how", "who", "where", "if", "as", "after", "before")
    + ("in", "on", "at", "for", "from", "by", "with", "some", "many", "most", "all", "no")
    + ("not", "one", "two", "both", "mr", "mrs", "ms", "dr")
)

_INITIALISM = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")
"""Letters each followed by a period, minus the last period: "U.S", "J", "a.m"."""


def paragraph_spans(text: str) -> tuple[Span, ...]:
    """Return the span of each paragraph of `text`, trimmed of surrounding whitespace.

    Stored text separates paragraphs with exactly one blank line; more blank lines (or
    lines of spaces) are tolerated, and text without any is one paragraph.
    """
    spans: list[Span] = []
    start = 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        _add_trimmed(text, start, brk.start(), spans)
        start = brk.end()
    _add_trimmed(text, start, len(text), spans)
    return tuple(spans)


def _add_trimmed(text: str, start: int, end: int, spans: list[Span]) -> None:
    """Append `(start, end)` to `spans` without its outer whitespace, unless it is blank."""
    start, end = _trim(text, start, end)
    if start < end:
        spans.append((start, end))


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text: str, paragraphs: tuple[Span, ...]) -> tuple[Span, ...]:
    """Return the span of each sentence of `text`, paragraph by paragraph.

    Sentences never cross a paragraph, never overlap and are trimmed: the whitespace
    between two sentences belongs to neither. Every paragraph with any visible text
    holds at least one sentence, and together they cover all of its visible characters.
    """
    starts, ends = sentence_bounds(text, paragraphs)
    return tuple(zip(starts, ends, strict=True))


def sentence_bounds(text: str, paragraphs: Iterable[Span]) -> tuple[array[int], array[int]]:
    """The starts and ends of `sentence_spans`, as two arrays: a 100 MB text has over a
    million sentences, which as tuples take a hundred megabytes more than as arrays.

    The paragraphs are separated by whitespace, as `paragraph_spans` gives them. The text
    is scanned for sentence ends in one pass over all of them, not one pass each: a long
    book has hundreds of thousands of paragraphs, and starting a scan costs as much as
    finding a sentence end.
    """
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    add_start, add_end = starts.append, ends.append
    trimmed = [
        span
        for span in (
            # (`paragraph_spans` gives them trimmed: most need only this look)
            (s, e)
            if s < e and not text[s].isspace() and not text[e - 1].isspace()
            else _trim(text, s, e)
            for s, e in paragraphs
        )
        if span[0] < span[1]
    ]
    if not trimmed:
        return starts, ends
    index = 0
    start, end = trimmed[0]
    for match in _CANDIDATE.finditer(text, start, trimmed[-1][1]):
        at = match.start()
        while at >= end:  # past the paragraph: its last sentence ends with it
            add_start(start)
            add_end(end)
            index += 1
            start, end = trimmed[index]
        # Not a sentence end: between paragraphs, before the last one's end (nothing of
        # the paragraph follows it), or the sentence goes on.
        if at < start or match.start("next") >= end or _continues(text, match):
            continue
        add_start(start)
        add_end(match.end("end"))
        start = match.end()
    add_start(start)
    add_end(end)
    for start, end in trimmed[index + 1 :]:
        add_start(start)
        add_end(end)
    return starts, ends


_ABBREVIATION_ENDINGS = frozenset(
    key[-3:] for key in _NEVER_FINAL | _FINAL_BEFORE_CAPITAL if len(key) >= 3
)
"""The last three letters of each abbreviation of three letters or more: a word whose last
three letters are none of these is no abbreviation (nor an initialism), and most words
before a period are told apart by this one look."""


def _continues(text: str, match: re.Match[str]) -> bool:
    """Tell whether the sentence goes on past this candidate ending."""
    following = match.group("next")
    if following.islower():
        # "Heavens! what an attack!", "“Why?” he asked", "e.g. this" — one sentence.
        return True
    ending = match.group("end")
    if ending != ".":
        punctuation = ending.rstrip(_CLOSERS)
        if punctuation == "．":
            return following.isdigit()  # a fullwidth decimal point: "３．５"
        if punctuation != ".":
            return False
    period = match.start("end")
    if period == 0 or text[period - 1].isspace():
        return False
    tail = text[period - 3 : period] if period >= 3 else ""
    if tail.isascii() and tail.isalpha() and tail.lower() not in _ABBREVIATION_ENDINGS:
        return False  # "said.", "Moscow.": a word, not an abbreviation
    word = text[max(0, period - 40) : period].rsplit(None, 1)[-1].lstrip(_OPENERS)
    key = word.lower()
    if key in _NEVER_FINAL:
        return True
    if key in _FINAL_BEFORE_CAPITAL:
        return following.isdigit() or not following.isalpha()
    if _INITIALISM.fullmatch(word) is None:
        return False
    if len(word) == 1:
        # An initial: "J. R. Tolkien", "George W. Bush".
        return word.isupper()
    # "U.S. President" goes on; "... said the U.S. The talks ..." does not.
    next_word = text[match.end() : match.end() + 24].split(None, 1)
    opener = next_word[0].strip(_OPENERS + _CLOSERS + ",;:").lower() if next_word else ""
    return opener not in _SENTENCE_OPENERS


_COUNTED_AT_ONCE = 1 << 18
"""Words are counted 256 KiB of text at a time: `str.split` on a whole 100 MB text makes
some 17 million strings at once (a gigabyte), a piece at a time only a few. Pieces of a
mebibyte counted half as fast: each of the piece's copies (encoded, marked, as a number,
shifted) was memory new to the process, each page of it a fault; a quarter of that size
is taken from, and given back to, memory the process already has."""

_SPACE_BYTES = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "
"""The bytes `str.split` splits at (the ASCII ones among its whitespace)."""
_WORD_BYTE = bytes.maketrans(
    bytes(range(256)), bytes(0 if byte in _SPACE_BYTES else 1 for byte in range(256))
)
"""Makes every whitespace byte 0 and every other byte 1: read as one (little-endian)
integer, a word then starts at each byte 1 whose byte before is 0, which a shift, a mask
and a count of bits find for a mebibyte at once (faster than `bytes.count` of two bytes,
which stops at most of a text's bytes)."""
_NON_ASCII_SPACE = re.compile(r"[^\S\x00-\x7f]")


SPLIT_FROM = 1 << 23
"""Texts of at least this many characters have most of their words counted by a forked
child (see `library.forked_work`) while the rest are counted here."""


def count_words(text: str) -> int:
    """Return the number of whitespace-separated words in `text` (as `str.split` counts)."""
    return count_words_beside(text, lambda: None, here=0.5)[0]


def count_words_beside(text: str, beside: Callable[[], _T], *, here: float) -> tuple[int, _T]:
    """`count_words(text)`, and what `beside()` returns: of a long text, the words from
    the share `here` of it on are counted by a forked child meanwhile, so that work done
    here beside the count (hashing the text, say) finishes with the child's."""
    if len(text) <= _COUNTED_AT_ONCE:
        return len(text.split()), beside()
    cut = text.find(" ", int(len(text) * here)) if len(text) >= SPLIT_FROM else -1
    if cut == -1:
        return _words_between(text, 0, len(text)), beside()
    from library.forked_work import ForkedWork  # (pickle): for long texts only

    # No word goes over the space at `cut`: the two parts' counts add up.
    with ForkedWork(_words_between, text, cut, len(text)) as rest:
        done_beside = beside()
        return _words_between(text, 0, cut) + rest.result(), done_beside


def _words_between(text: str, start: int, end: int) -> int:
    """`count_words(text[start:end])`, counted a piece at a time."""
    count = 0
    in_word = False
    for at in range(start, end, _COUNTED_AT_ONCE):
        piece = text[at : min(at + _COUNTED_AT_ONCE, end)]
        if not piece.isascii() and _NON_ASCII_SPACE.search(piece) is not None:
            words = len(piece.split())  # a space beyond ASCII: counted as split counts
        else:
            marked = piece.encode("utf-8", "surrogatepass").translate(_WORD_BYTE)
            bits = int.from_bytes(marked, "little")
            words = (bits & ~(bits << 8)).bit_count()
        if in_word and not piece[0].isspace():
            words -= 1  # a word cut in two by the piece's start was counted already
        count += words
        in_word = not piece[-1].isspace()
    return count
