"""`records_json` writes exactly what `printable_json` of the records writes, however
hostile the text (quotes, backslashes, controls, lone surrogates, separators, bidi)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.model import COLORS, AnchorStatus, Highlight, to_record
from annotations.record_json import records_json
from library.sanitize import printable_json

HOSTILE = st.text(
    alphabet=st.one_of(
        st.sampled_from('"\\/\n\r\t\x00\x1b\x7f\x85\u2028\u2029\u202e\ud800\udfff%{}[],: '),
        st.characters(),
    ),
    max_size=30,
)


@st.composite
def highlights(draw: st.DrawFn) -> Highlight:
    start = draw(st.integers(0, 10**6))
    status = draw(st.sampled_from(list(AnchorStatus)))
    return Highlight(
        id=draw(HOSTILE.filter(bool)),
        document_id=draw(HOSTILE.filter(bool)),
        quote=draw(HOSTILE.filter(bool)),
        prefix=draw(HOSTILE),
        suffix=draw(HOSTILE),
        start=start,
        end=start + draw(st.integers(1, 500)),
        color=draw(st.sampled_from(COLORS)),
        note=draw(HOSTILE),
        tags=tuple(draw(st.lists(HOSTILE, max_size=4))),
        created=draw(HOSTILE),
        updated=draw(HOSTILE),
        status=status,
        score=draw(st.floats(0.0, 1.0)) if status is AnchorStatus.FUZZY else None,
        content_hash=draw(HOSTILE),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(highlights(), max_size=6))
def test_records_json_is_printable_json_of_the_records(given: list[Highlight]) -> None:
    written = records_json(given)
    assert written == printable_json([to_record(h) for h in given])
    assert json.loads(written) == [to_record(h) for h in given]


def test_no_highlights_is_an_empty_array() -> None:
    assert records_json([]) == "[]\n"
