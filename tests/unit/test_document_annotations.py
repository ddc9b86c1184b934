"""One open document's highlights: making, finding, editing, deleting and undoing them."""

from __future__ import annotations

import pytest

from annotations.document_annotations import DocumentAnnotations
from annotations.model import Color, Highlight

TEXT = "One sentence here. Another sentence there. A third one at the end."


class MemoryStore:
    """A `HighlightStore` in a dict, counting writes."""

    def __init__(self) -> None:
        self.saved: dict[str, Highlight] = {}
        self.writes = 0

    def for_document(self, document_id: str) -> tuple[Highlight, ...]:
        return tuple(h for h in self.saved.values() if h.document_id == document_id)

    def save(self, highlight: Highlight) -> Highlight | None:
        self.writes += 1
        before = self.saved.get(highlight.id)
        self.saved[highlight.id] = highlight
        return before

    def delete(self, document_id: str, highlight_id: str) -> Highlight | None:
        self.writes += 1
        return self.saved.pop(highlight_id, None)


def open_document(store: MemoryStore | None = None) -> tuple[DocumentAnnotations, MemoryStore]:
    store = store or MemoryStore()
    return DocumentAnnotations(store, "doc", TEXT, "hash"), store


def span_of(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def test_create_trims_whitespace_and_saves_at_once() -> None:
    annotations, store = open_document()
    start, end = span_of("Another sentence there.")
    made = annotations.create(start - 1, end + 1)  # with the spaces around it
    assert (made.start, made.end) == (start, end) and made.quote == "Another sentence there."
    assert made.content_hash == "hash"
    assert store.saved == {made.id: made}
    with pytest.raises(ValueError, match="no text there"):
        annotations.create(start - 1, start)


def test_find_exact_next_and_previous_skip_lost_highlights() -> None:
    annotations, store = open_document()
    first = annotations.create(*span_of("One sentence here."))
    third = annotations.create(*span_of("A third one"))
    assert annotations.find(*span_of("here")) == first
    assert annotations.exact(*span_of("One sentence here.")) == first
    assert annotations.exact(*span_of("One sentence")) is None
    assert annotations.next_after(first.end) == third
    assert annotations.previous_before(third.start) == first
    from dataclasses import replace

    from annotations.model import AnchorStatus

    store.save(replace(first, status=AnchorStatus.ORPHANED))
    annotations.reload()
    assert annotations.placed == (third,)
    assert len(annotations.highlights) == 2
    assert annotations.find(*span_of("here")) is None
    assert annotations.previous_before(third.start) is None


def test_edits_then_undo_walk_back_one_change_at_a_time() -> None:
    annotations, store = open_document()
    made = annotations.create(*span_of("Another sentence there."))
    noted = annotations.set_note(made, "why it matters")
    colored = annotations.cycle_color(noted)
    assert colored.color is Color.GREEN and colored.note == "why it matters"
    tagged = annotations.set_tags(colored, ("a", " a ", "b"))
    assert tagged.tags == ("a", "b")
    annotations.delete(tagged)
    assert annotations.highlights == ()
    undone = [annotations.undo() for _ in range(5)]
    assert [change.what for change in undone if change] == [
        "delete",
        "tags",
        "color",
        "note",
        "highlight",
    ]
    assert annotations.highlights == () and store.saved == {}
    assert annotations.undo() is None


def test_a_failed_undo_can_be_tried_again() -> None:
    annotations, store = open_document()
    annotations.create(*span_of("One sentence here."))

    def refuse(document_id: str, highlight_id: str) -> Highlight | None:
        raise OSError("disk full")

    store.delete = refuse  # type: ignore[method-assign]
    with pytest.raises(OSError):
        annotations.undo()
    del store.delete  # the class's own method again
    change = annotations.undo()
    assert change is not None and change.what == "highlight"


def test_an_empty_one_holds_nothing_and_refuses_changes() -> None:
    from annotations.model import new_highlight

    closed = DocumentAnnotations.empty("doc")
    assert closed.highlights == () and closed.find(0, 10) is None
    with pytest.raises(ValueError, match="no text"):
        closed.create(0, 10)
    elsewhere = new_highlight("doc", TEXT, 0, 3)
    with pytest.raises(ValueError, match="closed"):
        closed.replace(elsewhere, elsewhere)
