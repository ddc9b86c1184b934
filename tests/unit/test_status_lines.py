"""The reader's status lines, fitted to the width they have: the start of a note, a lost
highlight's quote, and the key hints that go first when room runs out."""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotations.model import new_highlight
from reader.states.review import Review
from reader.widgets.reader_status import highlight_line, review_line, selection_line

TEXT = (
    "Gulls followed the ferry out past the breakwater and the old lighthouse keeper's "
    "cottage, whose shutters had been painted the colour of the sea."
)


@pytest.mark.parametrize("width", [160, 100, 80, 40])
def test_the_highlight_line_shows_the_start_of_the_note_and_fits(width: int) -> None:
    made = new_highlight("doc", TEXT, 0, 20)
    noted = replace(made, note="Ask the harbour master\nabout the shutters.", tags=("sea",))
    line = str(highlight_line(noted, width))
    assert len(line) <= width
    assert line.startswith(" ▌yellow highlight · ✎ Ask the")
    assert "#sea" in line
    if width >= 100:  # the note first: the key hints make room for it
        assert "Ask the harbour master about the shutters." in line
    if width >= 160:
        assert line.endswith("a note, c color, t tags, x delete")
    plain = str(highlight_line(made, width))
    assert "✎" not in plain and len(plain) <= width


@pytest.mark.parametrize("width", [100, 80])
def test_the_lost_highlight_line_keeps_its_keys_and_cuts_the_quote(width: int) -> None:
    lost = new_highlight("doc", TEXT, 0, len(TEXT))
    line = str(review_line(Review(lost, 0, 10, 0.87), width))
    assert len(line) <= width
    assert line.startswith(" Lost “Gulls followed the")
    assert "…”: best place 87% · enter accepts · esc leaves it lost" in line


def test_the_selection_line_drops_hints_from_the_least_needed() -> None:
    wide = str(selection_line(3, False, 160))
    assert wide.startswith(" Selecting 3 words · ←/→ move the end · o the other end")
    assert wide.endswith("j/k by sentence")
    narrow = str(selection_line(1, True, 60))
    assert len(narrow) <= 60 and narrow.startswith(" Selecting 1 word · ←/→ move the start")
