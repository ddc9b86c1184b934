"""`JsonStream` reads what `json.loads` reads, however the file is cut into chunks."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.json_stream import JsonStream, NotJson

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _walk(stream: JsonStream) -> Any:
    """Read a whole document through `items`/`members`, the way the importer does."""
    first = stream.peek()
    if first == "[":
        return [stream.value() for _ in stream.items()]
    if first == "{":
        return {key: stream.value() for key in stream.members()}
    return stream.value()


@settings(max_examples=200, deadline=None)
@given(value=JSON_VALUES, chunk=st.integers(1, 16), indent=st.sampled_from([None, 2]))
def test_a_stream_reads_what_json_loads_reads(value: Any, chunk: int, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    stream = JsonStream(io.StringIO(text), chunk=chunk)
    assert _walk(stream) == json.loads(text)
    stream.end()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "Expecting property name enclosed in double quotes"),
        ("[1,", "Expecting value"),
        ('{"a" 1}', "Expecting ':' delimiter"),
        ("[1 2]", "Expecting ',' delimiter"),
        ('"unterminated', "Unterminated string starting at"),
        ("[" * 100_000, "it is nested too deeply"),
    ],
)
def test_broken_json_is_told_as_the_decoder_tells_it(text: str, message: str) -> None:
    stream = JsonStream(io.StringIO(text), chunk=3)
    with pytest.raises(NotJson) as caught:
        _walk(stream)
        stream.end()
    assert str(caught.value).startswith(message)
