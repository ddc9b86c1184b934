"""Re-anchoring finds the passage the edits made of a highlight, in whole words, or keeps
the highlight as lost: never half a word, never a neighbour.

The edits are those of the anchoring benchmark (`bench.anchoring_edits`), which also
gives the truth: where each passage went, from the edit script.
"""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.anchoring import reanchor
from annotations.model import AnchorStatus, Highlight, new_highlight
from annotations.passage_alignment import starts_mid_word
from bench.anchoring_edits import EditedText, Passage, Pick, Truth, allowed_changes
from tests.unit.test_anchoring import ARTICLE

HARBOUR = (
    "Officials said there was no structural damage to the harbour wall, though two boats "
    "broke their moorings."
)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def highlight_of(text: str, quote: str) -> Highlight:
    start = text.index(quote)
    return new_highlight("doc1", text, start, start + len(quote), content_hash=digest(text))


def covered(text: str, highlight: Highlight) -> str:
    return text[highlight.start : highlight.end]


# --- the example of the issue, and its neighbours ------------------------------------------


def test_words_inserted_in_highlighted_passages_widen_them_to_the_edited_passages() -> None:
    quotes = (
        "no structural damage",
        "there was no structural damage to the harbour wall",
        "two boats broke their moorings",
    )
    highlights = [highlight_of(HARBOUR, quote) for quote in quotes]
    edited = HARBOUR.replace("no structural", "no major structural").replace(
        "two boats", "two small boats"
    )
    for old_text in (None, HARBOUR):
        found = reanchor(highlights, old_text, edited, digest(edited))
        assert [covered(edited, h) for h in found] == [
            "no major structural damage",
            "there was no major structural damage to the harbour wall",
            "two small boats broke their moorings",
        ]
        for highlight in found:
            assert highlight.status is AnchorStatus.FUZZY
            assert highlight.score is not None and highlight.score >= 0.8


def test_a_word_deleted_at_the_start_of_a_passage_narrows_it() -> None:
    highlight = highlight_of(HARBOUR, "no structural damage to the harbour wall")
    edited = HARBOUR.replace("was no structural", "was structural")
    [found] = reanchor([highlight], None, edited, digest(edited))
    assert covered(edited, found) == "structural damage to the harbour wall"


def test_a_word_inserted_just_before_a_passage_stays_outside_it() -> None:
    highlight = highlight_of(HARBOUR, "no structural damage")
    edited = HARBOUR.replace("there was no", "there was really no").replace("wall,", "wall;")
    [found] = reanchor([highlight], None, edited, digest(edited))
    assert covered(edited, found) == "no structural damage"


def test_an_edited_passage_is_preferred_to_a_copy_of_its_words_elsewhere() -> None:
    sentence = "and came into line with the rest of the forces."
    text = f"The first battalion held the ridge {sentence}\n\nLater the second one {sentence}"
    start = text.index("with the rest", text.index("second"))
    highlight = new_highlight("doc1", text, start, start + len("with the rest of the forces"))
    edited = text[:start] + text[start + len("with ") :]
    [found] = reanchor([highlight], text, edited, digest(edited))
    assert found.start > edited.index("second")
    assert covered(edited, found) == "the rest of the forces"


def test_a_replaced_word_is_lost_rather_than_placed_on_its_neighbour() -> None:
    text = "Where she is all is joy, hope, light: the other half is everything where she is not."
    highlight = highlight_of(text, "other")
    edited = text.replace("the other half", "the either instead half")
    [found] = reanchor([highlight], text, edited, digest(edited))
    assert found.status is AnchorStatus.ORPHANED


def test_a_quote_that_began_inside_a_word_keeps_beginning_there() -> None:
    highlight = highlight_of(HARBOUR, "ructural damage to the harbour")
    edited = HARBOUR.replace("to the harbour", "to the old harbour")
    [found] = reanchor([highlight], None, edited, digest(edited))
    assert covered(edited, found) == "ructural damage to the old harbour"


# --- properties ------------------------------------------------------------------------------


WORDS = ("major", "small", "quietly", "brave", "newly", "zephyr", "amber", "so")


def _drawing(data: st.DataObject) -> Pick:
    return lambda low, high: data.draw(st.integers(low, high))


def _passage(doc: EditedText, pick: Pick, shortest: int, longest: int) -> Passage:
    """A passage of whole words inside one paragraph."""
    while True:
        first = pick(0, len(doc.tokens) - 1)
        _, paragraph_last = doc.paragraph_of(first)
        last = min(paragraph_last, first + pick(shortest, longest) - 1)
        if last - first + 1 >= shortest and doc.has_word(first) and doc.has_word(last):
            return Passage(first, last, pick(0, 1) == 1)


def _edit_inside(doc: EditedText, passage: Passage, pick: Pick, count: int) -> None:
    for _ in range(count):
        at = pick(passage.first, passage.last)
        kind = pick(0, 2)
        if kind == 0 and passage.last > passage.first:
            doc.insert_word(pick(passage.first + 1, passage.last), WORDS[pick(0, len(WORDS) - 1)])
        elif kind == 1:
            doc.delete_word(at)
        else:
            doc.replace_word(at, WORDS[pick(0, len(WORDS) - 1)])


def _placed_honestly(text: str, found: Highlight, truth: Truth) -> bool:
    """On some of the passage's words, starting and ending between words."""
    touches = any(found.start < end and start < found.end for start, end in truth.pieces)
    return (
        touches and not starts_mid_word(text, found.start) and not starts_mid_word(text, found.end)
    )


def _reanchored(doc: EditedText, passage: Passage) -> tuple[Highlight, Highlight]:
    start, end = doc.span_of(passage)
    highlight = new_highlight("doc1", ARTICLE, start, end, content_hash=digest(ARTICLE))
    doc.apply()
    [found] = reanchor([highlight], ARTICLE, doc.new_text, digest(doc.new_text))
    return highlight, found


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_a_fifth_of_a_passages_words_changed_it_is_found_exactly(data: st.DataObject) -> None:
    pick = _drawing(data)
    doc = EditedText(ARTICLE)
    passage = _passage(doc, pick, 5, 20)
    size = passage.last - passage.first + 1
    _edit_inside(doc, passage, pick, pick(1, allowed_changes(size)))
    if pick(0, 1):
        doc.change_punctuation(pick(passage.first, passage.last))
    if pick(0, 1):
        doc.rewrap(passage.first, pick(0, 1) * 40)
    _, found = _reanchored(doc, passage)
    truth = doc.truth(passage)
    assert truth.survives
    assert found.is_placed, (
        covered(doc.new_text, found),
        doc.new_text[truth.starts[0] : truth.ends[0]],
    )
    assert found.start in truth.starts and found.end in truth.ends, (
        covered(doc.new_text, found),
        doc.new_text[truth.starts[0] : truth.ends[0]],
    )


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_after_any_edits_a_highlight_is_on_its_passage_or_lost(data: st.DataObject) -> None:
    pick = _drawing(data)
    doc = EditedText(ARTICLE)
    passage = _passage(doc, pick, 1, 30)
    _edit_inside(doc, passage, pick, pick(0, 4))
    for _ in range(pick(0, 4)):
        kind = pick(0, 4)
        near = min(len(doc.tokens) - 1, max(0, passage.first + pick(-12, 12)))
        if kind == 0:
            doc.move_sentence(near, pick(0, len(doc.tokens) - 1))
        elif kind == 1:
            doc.remove_paragraph(near)
        elif kind == 2:
            doc.change_quotes(near)
        elif kind == 3:
            doc.replace_word(near, WORDS[pick(0, len(WORDS) - 1)])
        else:
            doc.delete_word(near)
    highlight, found = _reanchored(doc, passage)
    assert (found.id, found.quote) == (highlight.id, highlight.quote)
    if found.is_placed:
        assert _placed_honestly(doc.new_text, found, doc.truth(passage)), covered(
            doc.new_text, found
        )
