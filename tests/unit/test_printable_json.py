"""What `--json` prints: JSON every reader reads back as it was, safe on a terminal, an
array's elements a line each."""

from __future__ import annotations

import json

from library.sanitize import printable_json


def test_an_array_is_written_one_element_to_a_line() -> None:
    rows = [{"id": "a1", "title": "First"}, {"id": "b2", "title": "Second, {with} braces"}]
    text = printable_json(rows)
    assert text.splitlines() == [
        "[",
        '{"id": "a1", "title": "First"},',
        '{"id": "b2", "title": "Second, {with} braces"}',
        "]",
    ]
    assert json.loads(text) == rows


def test_an_empty_array_and_an_object() -> None:
    assert printable_json([]) == "[]\n"
    assert printable_json({"a": [1, 2]}) == '{\n  "a": [\n    1,\n    2\n  ]\n}\n'


def test_what_a_terminal_must_not_get_is_escaped_in_either_form() -> None:
    hostile = "del\x7f c1\x9b bidi\u202e sep\u2028 cafe\u0301 \x1b[2J"
    for value in ([{"title": hostile}], {"title": hostile}, [hostile]):
        text = printable_json(value)
        assert not any(c in text for c in "\x7f\x9b\u202e\u2028\x1b")
        assert "cafe\u0301" in text  # readable text stays as it is
        assert json.loads(text) == value
