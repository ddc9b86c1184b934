"""The reader's plain state objects, with no app: find, selection, lost-highlight review."""

from __future__ import annotations

from annotations.model import new_highlight
from library.search_index import Match
from reader.states.find import FindState, Step
from reader.states.review import Review
from reader.states.selection import Selection

TEXT = "One two three. Four five six. Seven eight nine."


def match(start: int, score: float = 100.0) -> Match:
    return Match(start=start, end=start + 3, score=score, exact=score == 100.0)


def test_find_keeps_only_the_answer_to_the_latest_query() -> None:
    find = FindState()
    assert find.type("fo") and find.type("four")
    assert not find.receive("fo", (match(15),))  # a late answer to an older query
    assert not find.in_order
    assert find.receive("four", (match(30, 80.0), match(15)))
    assert find.best_first[0].start == 30 and [m.start for m in find.in_order] == [15, 30]
    assert find.best_index == 1 and find.current is None
    assert find.count_label(capped=False) == "2 matches"
    assert find.count_label(capped=True) == "2+ matches"


def test_a_blank_query_clears_and_enter_decides_what_to_do() -> None:
    find = FindState()
    find.type("four")
    find.receive("four", (match(15),))
    assert find.submit("four") == "jump"  # answered already
    assert find.submit("five") == "search" and find.jump_when_found
    assert find.submit("  ") == "clear"
    assert not find.type(" ")
    assert find.in_order == () and find.count_label(capped=False) == ""
    find.type("zzz")
    find.receive("zzz", ())
    assert find.count_label(capped=False) == "no matches"


def test_stepping_starts_from_the_cursor_and_wraps_saying_so() -> None:
    find = FindState()
    find.type("x")
    find.receive("x", (match(0), match(20), match(40)))
    assert find.step(1, cursor=10) == Step(1, None)
    assert find.step(-1, cursor=10) == Step(0, None)
    assert find.step(1, cursor=45) == Step(0, "top")  # nothing after the cursor
    assert find.step(-1, cursor=0) == Step(2, "bottom")
    find.go(2)
    assert find.current_match == match(40)
    assert find.step(1, cursor=0) == Step(0, "top")
    assert find.count_label(capped=False) == "3 of 3"
    find.clear()
    assert find.step(1, cursor=0) is None and find.query == ""


def test_selection_grows_by_sentence_both_ways_and_by_word() -> None:
    second = (TEXT.index("Four"), TEXT.index("Seven") - 1)
    selection = Selection(second)
    selection.extend_to((TEXT.index("Seven"), len(TEXT)))
    assert TEXT[slice(*selection.span)] == "Four five six. Seven eight nine."
    selection.extend_to((0, TEXT.index("Four") - 1))
    assert TEXT[slice(*selection.span)] == "One two three. Four five six."
    assert selection.words(TEXT) == 6
    word = Selection(second)
    word.step_word(TEXT, 1)
    assert TEXT[slice(*word.span)] == "Four five six. Seven"
    word.step_word(TEXT, -1)
    word.step_word(TEXT, -1)
    assert TEXT[slice(*word.span)] == "Four five"
    for _ in range(5):
        word.step_word(TEXT, -1)  # never shrinks past its first word
    assert TEXT[slice(*word.span)] == "Four"


def test_review_shortens_a_long_quote_for_the_status_line() -> None:
    long_text = "word " * 30
    lost = new_highlight("doc", long_text, 0, len(long_text) - 1)
    review = Review(lost, 0, 10, 0.8)
    assert review.short_quote().endswith("…") and len(review.short_quote()) == 40
