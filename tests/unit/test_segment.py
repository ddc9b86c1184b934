"""Paragraph and sentence boundaries, word counts and reading time."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from library import forked_work, segment
from library.reading_time import reading_minutes
from library.segment import count_words, paragraph_spans, sentence_spans
from tests.forking import note_forks


def sentences_of(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text, paragraph_spans(text))]


# --- Paragraphs ---------------------------------------------------------------------------


def test_paragraphs_are_separated_by_one_blank_line() -> None:
    text = "First paragraph.\n\nSecond one\nwith two lines.\n\nThird."
    spans = paragraph_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "First paragraph.",
        "Second one\nwith two lines.",
        "Third.",
    ]


def test_paragraphs_tolerate_extra_blank_lines_and_spaces() -> None:
    text = "\n\n  One.  \n\n\n \t \n\nTwo.\n\n"
    assert [text[a:b] for a, b in paragraph_spans(text)] == ["One.", "Two."]


def test_text_without_blank_lines_is_one_paragraph() -> None:
    assert paragraph_spans("Just one.") == ((0, 9),)


def test_blank_text_has_no_paragraphs() -> None:
    assert paragraph_spans("") == ()
    assert paragraph_spans(" \n\n \n") == ()


# --- Sentences ----------------------------------------------------------------------------


def test_simple_sentences() -> None:
    text = "It rained. Did it stop? No! It went on… All day."
    assert sentences_of(text) == ["It rained.", "Did it stop?", "No!", "It went on…", "All day."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Biden met Ms. Psaki and Dr. Lee on St. Mark's Day. They talked.",
            ["Mr. Biden met Ms. Psaki and Dr. Lee on St. Mark's Day.", "They talked."],
        ),
        (
            "The U.S. President spoke at the U.N. Charter event. Then he left.",
            ["The U.S. President spoke at the U.N. Charter event.", "Then he left."],
        ),
        (
            "The call was requested by the U.S. The Chinese side agreed.",
            ["The call was requested by the U.S.", "The Chinese side agreed."],
        ),
        (
            "They met on Nov. 15, 2021, and again on Jan. 3. It went well.",
            ["They met on Nov. 15, 2021, and again on Jan. 3.", "It went well."],
        ),
        (
            "Bring fruit, e.g. Apples or pears, i.e. Whatever is ripe. Thanks.",
            ["Bring fruit, e.g. Apples or pears, i.e. Whatever is ripe.", "Thanks."],
        ),
        (
            "The book by J. R. R. Tolkien sold well. Readers loved it.",
            ["The book by J. R. R. Tolkien sold well.", "Readers loved it."],
        ),
        (
            "“We have made clear our concerns.” She paused. “Any questions?” he asked.",
            ["“We have made clear our concerns.”", "She paused.", "“Any questions?” he asked."],
        ),
        (
            '"Heavens! what a virulent attack!" replied the prince. He sat down.',
            ['"Heavens! what a virulent attack!" replied the prince.', "He sat down."],
        ),
        (
            "He waited... and waited. Nothing... Then a knock.",
            ["He waited... and waited.", "Nothing...", "Then a knock."],
        ),
        (
            "Prices rose 3.5 percent in 2021. Wages did not (at least not yet.) Sad.",
            ["Prices rose 3.5 percent in 2021.", "Wages did not (at least not yet.)", "Sad."],
        ),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert sentences_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天下雨。明天晴天！真的吗？是的。", ["今天下雨。", "明天晴天！", "真的吗？", "是的。"]),
        ("雨が降った。傘を忘れた！どうしよう？", ["雨が降った。", "傘を忘れた！", "どうしよう？"]),
        ("「もう帰る。」彼は言った。", ["「もう帰る。」", "彼は言った。"]),
        ("彼は来た。 Then he left. 終わり。", ["彼は来た。", "Then he left.", "終わり。"]),
        ("本日は晴天なり．明日も晴れ．", ["本日は晴天なり．", "明日も晴れ．"]),
        ("半角の句点｡次の文｡", ["半角の句点｡", "次の文｡"]),
        ("値は３．５です。以上。", ["値は３．５です。", "以上。"]),
        ("バージョン1．2が出た。", ["バージョン1．2が出た。"]),
    ],
)
def test_chinese_and_japanese_full_stops_end_sentences(text: str, expected: list[str]) -> None:
    assert sentences_of(text) == expected


def test_sentences_never_cross_paragraphs() -> None:
    text = "No ending here\n\nMr.\n\nLast one. Really"
    assert sentences_of(text) == ["No ending here", "Mr.", "Last one.", "Really"]


def test_line_breaks_inside_a_paragraph_are_whitespace() -> None:
    text = "The sea is wide.\n  And the night is long,\nso keep it trimmed."
    assert sentences_of(text) == ["The sea is wide.", "And the night is long,\nso keep it trimmed."]


def test_untrimmed_paragraph_spans_are_trimmed() -> None:
    text = "   One. Two.   "
    assert sentence_spans(text, ((0, len(text)),)) == ((3, 7), (8, 12))


def test_empty_and_blank_paragraphs_have_no_sentences() -> None:
    assert sentence_spans("   ", ((0, 3),)) == ()
    assert sentence_spans("", ()) == ()


# --- Words --------------------------------------------------------------------------------


def test_count_words() -> None:
    assert count_words("") == 0
    assert count_words("  one\ttwo\nthree — four  ") == 5


@pytest.mark.parametrize(
    ("words", "minutes"), [(0, 1), (1, 1), (230, 1), (344, 1), (345, 2), (2300, 10)]
)
def test_reading_minutes(words: int, minutes: int) -> None:
    assert reading_minutes(words) == minutes


# --- Properties ---------------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("ab XYZ.!?…\"'”“’‘()[]\n\t\u00a0\u2028\x1b\x00éÉß0123456789。！？．｡「」雨３")
    + ["Mr.", "U.S.", "e.g.", "Nov.", "J.", "...", ".”", "\n\n", "\n \n", " "]
)
_TEXT = st.lists(_ALPHABET, max_size=80).map("".join) | st.text(max_size=200)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_sentence_spans_tile_each_paragraph(text: str) -> None:
    paragraphs = paragraph_spans(text)
    sentences = sentence_spans(text, paragraphs)
    previous_end = 0
    for start, end in sentences:
        assert previous_end <= start < end
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end
    for par_start, par_end in paragraphs:
        inside = [(a, b) for a, b in sentences if par_start <= a and b <= par_end]
        assert inside, "every paragraph holds a sentence"
        covered = {i for a, b in inside for i in range(a, b)}
        visible = {i for i in range(par_start, par_end) if not text[i].isspace()}
        assert visible <= covered
    for start, end in sentences:
        assert any(a <= start and end <= b for a, b in paragraphs)


_LINE = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\n"), min_size=1
).filter(lambda line: line == line.strip() and line != "")
_PARAGRAPH = st.lists(_LINE, min_size=1, max_size=3).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PARAGRAPH, max_size=6))
def test_paragraph_spans_give_back_the_parts(parts: list[str]) -> None:
    text = "\n\n".join(parts)
    assert [text[a:b] for a, b in paragraph_spans(text)] == parts


@given(_TEXT)
def test_paragraphs_are_ordered_and_trimmed(text: str) -> None:
    previous_end = 0
    for start, end in paragraph_spans(text):
        assert previous_end <= start < end
        assert text[start:end] == text[start:end].strip()
        previous_end = end


# --- The one-pass scan gives the sentences of the rule as first written ---------------------

_REFERENCE_CANDIDATE = re.compile(
    rf"(?=[.!?…{segment._CJK_STOPS}])"
    rf"(?P<end>(?:[.!?…]++[{segment._CLOSERS}]*+(?=\s)"
    rf"|[{segment._CJK_STOPS}]++[{segment._CLOSERS}]*+))"
    rf"\s*+(?=[{segment._OPENERS}]*+(?P<next>[^\sa-z]))",
)


def _reference_continues(text: str, match: re.Match[str]) -> bool:
    """The rule for a candidate ending, word for word as it was before the fast paths."""
    following = match.group("next")
    if following.islower():
        return True
    punctuation = match.group("end").rstrip(segment._CLOSERS)
    if punctuation == "．":
        return following.isdigit()
    if punctuation != ".":
        return False
    period = match.start("end")
    before = text[max(0, period - 40) : period].rsplit(None, 1)
    if period == 0 or not before or text[period - 1].isspace():
        return False
    word = before[-1].lstrip(segment._OPENERS)
    key = word.lower()
    if key in segment._NEVER_FINAL:
        return True
    if key in segment._FINAL_BEFORE_CAPITAL:
        return following.isdigit() or not following.isalpha()
    if segment._INITIALISM.fullmatch(word) is None:
        return False
    if len(word) == 1:
        return word.isupper()
    next_word = text[match.end() : match.end() + 24].split(None, 1)
    closing = segment._OPENERS + segment._CLOSERS + ",;:"
    opener = next_word[0].strip(closing).lower() if next_word else ""
    return opener not in segment._SENTENCE_OPENERS


def _reference_sentences(text: str) -> list[tuple[int, int]]:
    """Each paragraph scanned on its own, as the segmenter first did."""
    found: list[tuple[int, int]] = []
    for par_start, par_end in paragraph_spans(text):
        start, end = segment._trim(text, par_start, par_end)
        for match in _REFERENCE_CANDIDATE.finditer(text, start, end):
            if not _reference_continues(text, match):
                found.append((start, match.end("end")))
                start = match.end()
        found.append((start, end))
    return found


_ABBREVIATED = st.sampled_from(
    sorted(segment._NEVER_FINAL | segment._FINAL_BEFORE_CAPITAL)
    + ["said", "Moscow", "kept", "art", "heart", "St", "İst", "x-etc", "(Mr", "A.B", "U.S"]
)
_WORDS = st.lists(
    _ABBREVIATED.map(lambda word: word + ".")
    | _ABBREVIATED.map(str.capitalize)
    | _ALPHABET
    | st.sampled_from([" ", " ", "\n\n", "3", "The", "the", "“", "”", ". ", "? "]),
    max_size=60,
).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(_WORDS | _TEXT)
def test_sentences_are_those_of_each_paragraph_scanned_on_its_own(text: str) -> None:
    assert list(sentence_spans(text, paragraph_spans(text))) == _reference_sentences(text)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.integers(1, 9), st.booleans())
def test_words_counted_a_piece_at_a_time_are_those_split_finds(
    text: str, piece: int, halves: bool
) -> None:
    """Also in two halves (the second one's counted by a forked child in a long text:
    here, with no fork, after the first)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segment, "_COUNTED_AT_ONCE", piece)
        patch.setattr(forked_work, "may_fork", lambda: False)
        if halves:
            patch.setattr(segment, "SPLIT_FROM", 0)
        assert count_words(text) == len(text.split())


def test_words_of_a_long_text_are_counted_in_two_processes() -> None:
    text = "One two  three,\tfour\n\nfive — six " * 400
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segment, "_COUNTED_AT_ONCE", 1000)
        patch.setattr(segment, "SPLIT_FROM", 10_000)
        forked = note_forks(patch)
        assert count_words(text) == len(text.split())
    assert forked == [True]
