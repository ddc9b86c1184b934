"""The reader's plain state objects, with no app: find, selection, words, lost-highlight
review, and the place `''` goes back to."""

from __future__ import annotations

from annotations.model import new_highlight
from library.search_index import Match
from reader.layout.jumps import JumpMemory
from reader.states.find import FindState, Step
from reader.states.review import Review
from reader.states.selection import Selection
from reader.states.words import whole_words

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
    assert find.current is None
    assert find.count_label(capped=False) == "2 matches"
    assert find.count_label(capped=True) == "2+ matches"


def test_a_blank_query_clears_and_enter_decides_what_to_do() -> None:
    find = FindState()
    find.type("four")
    assert find.submit("four") == "wait"  # typed, its search not answered yet
    assert find.receive("four", (match(15),)) and find.jump_when_found
    assert not find.receive("four", (match(15),))  # a second answer changes nothing
    assert find.submit("four") == "go"  # answered already
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
    assert find.step(1, cursor=(10, 15)) == Step(1, None)
    assert find.step(-1, cursor=(10, 15)) == Step(0, None)
    assert find.step(1, cursor=(45, 50)) == Step(0, "top")  # nothing after the cursor
    assert find.step(-1, cursor=(0, 5)) == Step(2, "bottom")
    find.go(2)
    assert find.current_match == match(40)
    assert find.step(1, cursor=(38, 50)) == Step(0, "top")  # on from the match gone to
    assert find.count_label(capped=False) == "3 of 3"
    find.clear()
    assert find.step(1, cursor=(0, 5)) is None and find.query == ""


def test_enter_goes_to_the_first_match_at_or_after_the_cursor_as_less_does() -> None:
    find = FindState()
    find.type("x")
    find.receive("x", (match(40), match(0, 97.0), match(20)))  # best first: 40
    assert find.enter_step((18, 30)) == Step(1, None)  # 20, in the cursor's sentence
    assert find.enter_step((21, 30)) == Step(2, None)  # not the best (40) nor the first
    assert find.enter_step((41, 60)) == Step(0, "top")  # none after: round, and say so
    find.go(1)
    assert find.enter_step((18, 30)) == Step(2, None)  # enter again: the next, as n


def test_enter_passes_over_weak_look_alikes_of_a_typo() -> None:
    find = FindState()
    find.type("harbour mastr")
    find.receive("harbour mastr", (match(40, 96.0), match(10, 83.0)))  # best first
    assert find.enter_step((0, 5)) == Step(1, None)  # not the weak one at 10
    assert find.enter_step((41, 60)) == Step(1, "top")
    find.go(1)
    assert find.step(1, (40, 50)) == Step(0, "top")  # n walks every lit match


def test_n_goes_on_from_the_cursor_once_the_reader_moved_away_from_the_match() -> None:
    find = FindState()
    find.type("x")
    find.receive("x", (match(0), match(20), match(40)))
    find.go(0)
    assert find.step(1, cursor=(0, 10)) == Step(1, None)  # still on it: the next match
    assert find.step(1, cursor=(30, 45)) == Step(2, None)  # moved on (G, j…): from there
    assert find.step(-1, cursor=(30, 45)) == Step(1, None)


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


def test_review_gives_the_lost_quote_on_one_line() -> None:
    text = "word\nword " * 15
    lost = new_highlight("doc", text, 0, len(text) - 1)
    review = Review(lost, 0, 10, 0.8)
    assert review.quote_line() == ("word word " * 15).strip()  # the status line cuts it


def test_a_match_grows_to_whole_words_and_never_past_punctuation() -> None:
    text = "Spokeswoman Hua Chunying said: “no.”"
    start = text.index("ua Chunyin")
    assert text[slice(*whole_words(text, start, start + len("ua Chunyin")))] == "Hua Chunying"
    said = text.index("said")
    assert whole_words(text, said, said + 5) == (said, said + 5)  # "said:" ends between words
    quote = text.index("no")
    assert text[slice(*whole_words(text, quote - 1, quote + 1))] == "“no"
    accent = "cafe\u0301 au lait"  # the accent is its own code point, part of the word
    assert whole_words(accent, 0, 3) == (0, 5)


def test_o_moves_the_start_of_a_selection_by_word() -> None:
    second = (TEXT.index("Four"), TEXT.index("Seven") - 1)
    selection = Selection(second)
    assert selection.other_end() == "start"
    selection.step_word(TEXT, 1)
    assert TEXT[slice(*selection.span)] == "five six."
    for _ in range(5):
        selection.step_word(TEXT, 1)  # never past its last word
    assert TEXT[slice(*selection.span)] == "six."
    selection.step_word(TEXT, -1)
    selection.step_word(TEXT, -1)
    selection.step_word(TEXT, -1)  # and back out, past the sentence's start
    assert TEXT[slice(*selection.span)] == "three. Four five six."
    assert selection.other_end() == "end"
    selection.step_word(TEXT, -1)
    assert TEXT[slice(*selection.span)] == "three. Four five"


def test_sentence_steps_keep_an_end_moved_by_word() -> None:
    second = (TEXT.index("Four"), TEXT.index("Seven") - 1)
    selection = Selection(second)
    selection.other_end()
    selection.step_word(TEXT, 1)
    selection.extend_to((TEXT.index("Seven"), len(TEXT)))
    assert TEXT[slice(*selection.span)] == "five six. Seven eight nine."


def test_quote_quote_goes_back_and_forth_between_two_places() -> None:
    jumps = JumpMemory()
    assert jumps.back(10) is None  # no jump yet
    jumps.before_jump(100)
    assert jumps.back(500) == 100
    assert jumps.back(100) == 500
    assert not jumps.press() and jumps.press()  # the second key completes the pair
    assert not jumps.press()
    jumps.other_key()
    assert not jumps.press()
