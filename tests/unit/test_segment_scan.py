"""The whole-text scan finds exactly the paragraphs and sentences of `library.segment`."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from library import segment, segment_scan
from library.parse import parse_text
from library.segment_scan import paragraph_bounds, text_bounds, text_bounds_soon
from tests.forking import note_forks


def _by_segment(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    paragraphs = segment.paragraph_spans(text)
    starts, ends = segment.sentence_bounds(text, paragraphs)
    return list(paragraphs), list(zip(starts, ends, strict=True))


def _by_scan(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    (par_starts, par_ends), (starts, ends) = text_bounds(text)
    return list(zip(par_starts, par_ends, strict=True)), list(zip(starts, ends, strict=True))


# Every kind of character the rules look at: stops of both kinds and their runs, closers
# and openers, whitespace that is a paragraph break and whitespace that is not (a form
# feed, a no-break space, a line or paragraph separator, ASCII's separators), words
# before a full stop that are or end like abbreviations, lowercase letters beyond ASCII.
_PIECES = st.sampled_from(
    list("ab XYZ.!?…\"'”“’‘()[]\n\t\r\x0c\x0b\x1c\x1f\x85\u00a0\u2028\u2029\u3000")
    + list("éÉßа0123456789。！？．｡「」雨３")
    + ["Mr.", "U.S.", "e.g.", "Nov.", "J.", "...", ".”", "?!", "!.", "。.", ".。", "．３"]
    + ["\n\n", "\n \n", "\n\t\n", " \n\n ", "\n\x0c\n", "\n\u2028\n", "\n\n\n", "\n"]
    + ["said.", "Moscow.", "etc.", "Inc.", "art.", "heart.", "Esq.", "vols.", "mdr."]
    + ["The", "the", "He", "élan", "Ärger", "“Why?” he", "No. 5", "U.S. The"]
    + ["it.", "St.", "MS.", "co.", "Jr.", " up. ", "\u00a0me.", "(to.", "3ab."]
)
_TEXTS = st.lists(_PIECES, max_size=80).map("".join) | st.lists(_PIECES, max_size=60).map(" ".join)


@settings(max_examples=1500, deadline=None)
@given(_TEXTS | st.text(max_size=300))
def test_the_scan_splits_as_the_segmenter(text: str) -> None:
    assert _by_scan(text) == _by_segment(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "One.",
        " One. Two! \n\n\n  Three?  ",
        "He said. \n\n“Then.” She left…\nAnd so.",
        "Word.\n\x0c\nStill the same paragraph. Yes",
        "A stop at the very end.  \u2028",
        "雨。「雨」！雨．３ and. 。.Next",
        "Mr. Smith met Dr. Jones in the U.S. The talks went on, etc. The end.",
        # a full stop after a word, then ASCII, a lowercase letter beyond it, an opener
        "He left. élan. Then INC. The MRS. Jones. ETC. Ärger. «Next. (then. “What.",
        # a word of two letters: most end a sentence, abbreviations may not
        "Give it. He did it.\u2003So do I. Co. Ltd. St. Paul. pp. 5. No. 3 and MS. The end",
    ],
)
def test_the_scan_splits_as_the_segmenter_on_edge_cases(text: str) -> None:
    assert _by_scan(text) == _by_segment(text)


@settings(max_examples=600, deadline=None)
@given(_TEXTS | st.text(max_size=300), st.data())
def test_the_bounds_of_two_parts_split_at_a_paragraph_are_the_whole_texts(
    text: str, data: st.DataObject
) -> None:
    """A text is split at any paragraph's start (as in two processes, by
    `text_bounds_soon`), and the bounds of its parts joined are the whole text's."""
    whole = text_bounds(text)
    middle = data.draw(st.sampled_from([0, *whole[0][0], len(text)]))
    first, second = text_bounds(text, 0, middle), text_bounds(text, middle, len(text))
    assert segment_scan._joined_bounds(first, second) == whole


@pytest.mark.parametrize("forks", [True, False])
def test_a_long_text_is_split_in_two_processes_as_in_one(forks: bool) -> None:
    paragraph = "Mr. Reyes wrote of the wind. The tide came in late! Did it?  \n"
    text = "\n\n".join(f"{paragraph}Day {n}. 雨。「雨」！" for n in range(300))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segment_scan, "SPLIT_FROM", 1000)
        forked = note_forks(patch, may_fork=forks)
        with text_bounds_soon(text) as bounds:
            found = bounds()
    assert forked == [forks]
    assert found == text_bounds(text)


def test_paragraphs_alone_are_those_of_the_segmenter() -> None:
    text = "  a \n\n b\t\n \n\nc \n\x0c\n d \n\n"
    starts, ends = paragraph_bounds(text)
    assert list(zip(starts, ends, strict=True)) == list(segment.paragraph_spans(text))


def test_the_corpus_splits_as_the_segmenter(corpus: Path) -> None:
    for path in sorted(corpus.glob("*.txt")):
        raw = path.read_text(encoding="utf-8", errors="replace")
        stored = parse_text(raw, fallback_title=path.stem).text
        for text in (raw, stored):
            assert _by_scan(text) == _by_segment(text), path.name


def test_the_book_splits_as_the_segmenter(book: Path) -> None:
    raw = book.read_text(encoding="utf-8")
    stored = parse_text(raw, fallback_title="book").text
    for text in (raw, stored):
        assert _by_scan(text) == _by_segment(text)
