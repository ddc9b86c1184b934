"""The annotation journal format, without any file: encoding, replaying, damage, compaction."""

from __future__ import annotations

import json

import pytest

from annotations.journal import (
    SCHEMA,
    Journal,
    change_line,
    header_line,
    parse,
    whole_journal,
)
from annotations.model import Highlight, edited, new_highlight, to_record

TEXT = "The ferry left at dawn. The harbour was quiet. Gulls followed the boat out to sea."


def make(start: int, end: int, document_id: str = "doc1") -> Highlight:
    return new_highlight(document_id, TEXT, start, end)


def test_the_header_names_the_kind_and_schema() -> None:
    assert json.loads(header_line()) == {"kind": "annotations", "schema": SCHEMA}
    assert header_line().endswith(b"\n") and header_line().count(b"\n") == 1


def test_a_change_is_one_line_deletes_first() -> None:
    first = make(0, 5)
    line = change_line([first], ["gone"])
    assert line.count(b"\n") == 1
    assert json.loads(line) == {"delete": ["gone"], "put": [to_record(first)]}
    assert json.loads(change_line([], ["x"])) == {"delete": ["x"]}


def test_a_lone_surrogate_is_escaped_not_lost() -> None:
    odd = edited(make(0, 5), note="broken \ud800 pair")
    line = change_line([odd])
    journal = parse(header_line() + line, "doc1")
    assert journal.highlights == {odd.id: odd}


def test_replaying_puts_and_deletes() -> None:
    first, second = make(0, 5), make(10, 20)
    changed = edited(first, note="later")
    raw = (
        header_line()
        + change_line([first, second])
        + change_line([changed])
        + change_line([], [second.id])
    )
    journal = parse(raw, "doc1")
    assert journal.highlights == {first.id: changed}
    assert journal.changes == 4
    assert journal.has_header and not journal.damaged and not journal.torn
    assert journal.good_length == journal.size == len(raw)


def test_a_torn_last_line_is_ignored_not_damage() -> None:
    first = make(0, 5)
    complete = header_line() + change_line([first])
    journal = parse(complete + b'{"put":[{"id":"ha', "doc1")
    assert journal.highlights == {first.id: first}
    assert journal.torn and not journal.damaged
    assert journal.good_length == len(complete)


def test_damaged_lines_are_counted_and_the_rest_kept() -> None:
    first, stray = make(0, 5), make(0, 5, document_id="doc2")
    raw = (
        header_line()
        + change_line([first])
        + b"not json\n"
        + b'{"reorder": ["x"]}\n'
        + change_line([stray])
    )
    journal = parse(raw, "doc1")
    assert journal.highlights == {first.id: first}
    assert journal.damaged_lines == 3
    assert journal.damage() == (
        "3 part(s) of it could not be read, the first because a line is not a JSON object"
    )


@pytest.mark.parametrize("depth", [200_000, 990, 100])
def test_a_line_nested_too_deeply_is_damage_and_the_rest_kept(depth: int) -> None:
    first, second = make(0, 5), make(6, 9)
    deep = b"[" * depth + b"]" * depth
    raw = header_line() + change_line([first]) + b'{"put":' + deep + b"}\n" + change_line([second])
    journal = parse(raw, "doc1")
    assert journal.highlights == {first.id: first, second.id: second}
    assert journal.damaged_lines == 1 and journal.changes == 2
    assert journal.damage().startswith("1 part(s) of it could not be read, the first because")


def test_a_record_of_the_wrong_kind_is_damage_named_in_words() -> None:
    first = make(0, 5)
    record = to_record(make(6, 9))
    record["start"] = record["end"] = 10**30
    raw = header_line() + change_line([first]) + json.dumps({"put": [record]}).encode() + b"\n"
    journal = parse(raw, "doc1")
    assert journal.highlights == {first.id: first} and journal.damaged_lines == 1
    assert journal.damage() == (
        "1 part(s) of it could not be read, the first because a highlight's offsets must "
        "satisfy 0 <= start <= end <= 2147483647, "
        "not 100000000000…(31 digits)..100000000000…(31 digits)"
    )


def test_a_file_without_a_good_header_is_damaged_whole() -> None:
    first = make(0, 5)
    for header in (b"", b'{"kind":"catalog","schema":1}\n', b'{"kind":"annotations"}\n'):
        journal = parse(header + change_line([first]), "doc1")
        assert journal.header_damaged and journal.highlights == {}
        assert journal.damage() == "it does not look like an annotations file"
    assert parse(b'{"kind":"annotations","schema":1}', "doc1").header_damaged  # no newline


def test_an_empty_file_is_an_empty_journal_without_a_header() -> None:
    journal = parse(b"", "doc1")
    assert journal.exists and not journal.has_header and not journal.damaged


def test_a_newer_schema_is_read_and_never_called_damaged() -> None:
    first = make(0, 5)
    raw = b'{"kind":"annotations","schema":7}\n' + change_line([first]) + b'{"reorder":1}\n'
    journal = parse(raw, "doc1")
    assert journal.newer_schema == 7
    assert journal.highlights == {first.id: first}
    assert not journal.damaged


def test_a_whole_journal_holds_each_live_highlight_once_by_position() -> None:
    late, early = make(30, 40), make(0, 5)
    raw = whole_journal([late, early])
    lines = raw.splitlines()
    assert [json.loads(line)["put"][0]["id"] for line in lines[1:]] == [early.id, late.id]
    assert parse(raw, "doc1").highlights == {early.id: early, late.id: late}


def test_applying_a_change_and_when_to_compact() -> None:
    journal = Journal()
    first, second = make(0, 5), make(10, 20)
    journal.apply({first.id: first, second.id: second}, ())
    journal.apply({}, [second.id])
    assert journal.highlights == {first.id: first}
    assert journal.changes == 3
    assert not journal.needs_compaction(slack=1)
    assert journal.needs_compaction(slack=0)
