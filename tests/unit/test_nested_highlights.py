"""Highlights inside highlights (`DocumentAnnotations.innermost`, `visit_after`,
`visit_before`): the reader acts on the innermost one under its cursor, and `]`/`[` visit
every highlight, an outer one before the ones inside it."""

from __future__ import annotations

from dataclasses import replace

from annotations.document_annotations import DocumentAnnotations
from annotations.model import AnchorStatus
from tests.unit.test_document_annotations import TEXT, MemoryStore, span_of


def test_the_innermost_highlight_under_a_span_is_the_shortest() -> None:
    annotations = DocumentAnnotations(MemoryStore(), "doc", TEXT)
    sentence = annotations.create(*span_of("Another sentence there."))
    word = annotations.create(*span_of("sentence there"))
    assert annotations.find(*span_of("Another sentence there.")) == sentence  # first start
    assert annotations.innermost(*span_of("Another sentence there.")) == word
    assert annotations.innermost(*span_of("Another")) == sentence  # the word is not there
    assert annotations.innermost(*span_of("A third")) is None


def test_brackets_visit_every_highlight_outer_before_inner() -> None:
    store = MemoryStore()
    annotations = DocumentAnnotations(store, "doc", TEXT)
    first = annotations.create(*span_of("One sentence here."))
    outer = annotations.create(*span_of("Another sentence there."))
    inner = annotations.create(*span_of("sentence there"))
    same_start = annotations.create(*span_of("Another"))
    last = annotations.create(*span_of("A third one"))
    lost = annotations.create(*span_of("at the end"))
    store.saved[lost.id] = replace(lost, status=AnchorStatus.ORPHANED)
    annotations.reload()
    order = [first, outer, same_start, inner, last]
    walked = [annotations.visit_after(None, 0)]
    while (step := annotations.visit_after(walked[-1], 0)) is not None:
        walked.append(step)
    assert walked == order  # the lost one has no place to visit
    back = [annotations.visit_before(None, len(TEXT))]
    while (step := annotations.visit_before(back[-1], 0)) is not None:
        back.append(step)
    assert back == order[::-1]
    start_of_third = TEXT.index("A third")
    assert annotations.visit_after(None, start_of_third) == last
    assert annotations.visit_before(None, start_of_third) == inner
