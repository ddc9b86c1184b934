"""The highlight model: validation, context, tags, and records that round-trip."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.model import (
    COLORS,
    CONTEXT_LENGTH,
    STATUSES,
    Color,
    Highlight,
    edited,
    from_record,
    new_highlight,
    new_id,
    normalize_tags,
    timestamp,
    to_record,
)

TEXT = (
    "The ferry left the harbour at dawn, its horn echoing off the cliffs. "
    "Passengers huddled under blankets while gulls wheeled above the wake. "
    "By noon the island was a grey smudge on the horizon."
)
NOON = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)


def make(**changes: Any) -> Highlight:
    """A highlight of "ferry", with `changes` applied through `dataclasses.replace`."""
    highlight = new_highlight("doc1", TEXT, 4, 9, now=NOON, content_hash="abc")
    return replace(highlight, **changes) if changes else highlight


# --- new_highlight -------------------------------------------------------------------------


def test_new_highlight_takes_quote_and_context_from_the_text() -> None:
    start = TEXT.index("Passengers")
    end = TEXT.index(" while")
    highlight = new_highlight("doc1", TEXT, start, end, now=NOON, content_hash="abc")
    assert highlight.quote == "Passengers huddled under blankets"
    assert highlight.prefix == TEXT[start - CONTEXT_LENGTH : start]
    assert len(highlight.prefix) == CONTEXT_LENGTH
    assert highlight.suffix == TEXT[end : end + CONTEXT_LENGTH]
    assert (highlight.start, highlight.end) == (start, end)
    assert highlight.status == "exact" and highlight.score is None
    assert highlight.color == "yellow" and highlight.note == "" and highlight.tags == ()
    assert highlight.content_hash == "abc"


def test_context_is_shorter_at_the_edges_of_the_text() -> None:
    first = new_highlight("doc1", TEXT, 0, 3)
    assert first.prefix == "" and first.quote == "The"
    last = new_highlight("doc1", TEXT, len(TEXT) - 8, len(TEXT))
    assert last.suffix == "" and last.quote == "horizon."


def test_new_highlight_has_a_fresh_uuid_and_iso_utc_times() -> None:
    one, two = make(), make()
    assert one.id != two.id and len(one.id) == 32 and int(one.id, 16) >= 0
    assert one.created == one.updated == "2024-05-01T12:00:00.123Z"


def test_a_new_id_is_a_random_uuid_as_uuid4_writes_it() -> None:
    ids = {new_id() for _ in range(200)}
    assert len(ids) == 200
    for made in ids:
        parsed = uuid.UUID(hex=made)
        assert (parsed.hex, parsed.version, parsed.variant) == (made, 4, uuid.RFC_4122)


def test_new_highlight_without_now_uses_the_current_time() -> None:
    before = timestamp()
    highlight = new_highlight("doc1", TEXT, 0, 3)
    assert before <= highlight.created <= timestamp()


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 3), (3, 3), (5, 2), (0, len(TEXT) + 1), (len(TEXT), len(TEXT) + 1)],
)
def test_new_highlight_refuses_offsets_outside_the_text_or_empty(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="must cover some of the text"):
        new_highlight("doc1", TEXT, start, end)


def test_new_highlight_refuses_offsets_that_are_not_whole_numbers() -> None:
    with pytest.raises(ValueError, match="whole numbers"):
        new_highlight("doc1", TEXT, True, 3)
    with pytest.raises(ValueError, match="whole numbers"):
        new_highlight("doc1", TEXT, 0, 3.0)  # type: ignore[arg-type]


def test_new_highlight_takes_color_note_and_tags() -> None:
    highlight = new_highlight(
        "doc1", TEXT, 0, 3, color="pink", note="**bold** idea\nsecond line", tags=[" a ", "b"]
    )
    assert highlight.color == "pink"
    assert highlight.note == "**bold** idea\nsecond line"
    assert highlight.tags == ("a", "b")


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"color": "red"}, "color 'red' is not one of"),
        ({"status": "lost"}, "anchor status 'lost'"),
        ({"score": 1.5}, "from 0 to 1"),
        ({"score": "high"}, "must be a number"),
        ({"id": ""}, "id must not be empty"),
        ({"document_id": ""}, "document id must not be empty"),
        ({"quote": ""}, "quote must not be empty"),
        ({"note": None}, "note must be text"),
        ({"start": 9, "end": 4}, "0 <= start <= end"),
        ({"start": -2}, "0 <= start <= end"),
        ({"start": 4, "end": 4}, "at least one character"),
        ({"start": 10**30, "end": 10**30 + 5}, "end <= 2147483647"),
        ({"end": 10**400}, r"not 4\.\.100000000000…\(401 digits\)\."),
        (
            {"status": "fuzzy", "score": 10**400},
            r"from 0 to 1, not 100000000000…\(401 digits\)\.",
        ),  # no OverflowError
        ({"status": "fuzzy", "score": float("nan")}, "from 0 to 1, not nan"),
        ({"status": "fuzzy", "score": float("inf")}, "from 0 to 1, not inf"),
    ],
)
def test_invalid_fields_are_refused_with_one_sentence(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        make(**changes)
    text = str(caught.value)
    assert text.endswith(".") and text.count(". ") == 0


def test_an_orphan_may_be_empty_where_its_text_was_cut_off() -> None:
    highlight = make(start=10, end=10, status="orphaned")
    assert highlight.length == 0


def test_every_color_and_status_is_accepted() -> None:
    for color in COLORS:
        assert make(color=color).color == color
    for status in STATUSES:
        assert make(status=status).status == status


# --- tags ----------------------------------------------------------------------------------


def test_tags_are_stripped_deduplicated_and_kept_in_order() -> None:
    assert normalize_tags(["  war ", "", "peace", "war", " ", "peace ", "Peace"]) == (
        "war",
        "peace",
        "Peace",
    )


def test_whitespace_inside_a_tag_becomes_one_space() -> None:
    assert normalize_tags(["new\nyork", "a \t b"]) == ("new york", "a b")


def test_tags_are_normalised_however_the_highlight_is_made() -> None:
    assert make(tags=("x", " x", "y ")).tags == ("x", "y")
    assert edited(make(), tags=["b", "a", "b"]).tags == ("b", "a")


def test_tags_must_be_a_list_of_strings() -> None:
    with pytest.raises(ValueError, match="not as one string"):
        normalize_tags("war")
    with pytest.raises(ValueError, match="must be text"):
        normalize_tags(["ok", 3])  # type: ignore[list-item]


# --- edited and timestamp --------------------------------------------------------------------


def test_edited_changes_only_what_is_given_and_bumps_updated() -> None:
    original = make(note="first")
    later = NOON + timedelta(minutes=5)
    changed = edited(original, color=Color.BLUE, now=later)
    assert changed.color == "blue" and changed.note == "first"
    assert changed.updated == "2024-05-01T12:05:00.123Z"
    assert changed.created == original.created
    assert (changed.start, changed.end, changed.quote) == (original.start, original.end, "ferry")


def test_timestamp_converts_to_utc_and_treats_naive_times_as_utc() -> None:
    east = timezone(timedelta(hours=2))
    assert timestamp(datetime(2024, 1, 1, 14, 0, tzinfo=east)) == "2024-01-01T12:00:00.000Z"
    assert timestamp(datetime(2024, 1, 1, 12, 0)) == "2024-01-01T12:00:00.000Z"


# --- records -------------------------------------------------------------------------------


def test_record_is_plain_json_with_every_field() -> None:
    highlight = make(tags=("a", "b"), note="note", status="fuzzy", score=0.8)
    record = to_record(highlight)
    assert record["tags"] == ["a", "b"]
    assert json.loads(json.dumps(record)) == record
    assert from_record(record) == highlight


def test_from_record_fills_in_missing_optional_fields() -> None:
    highlight = from_record(
        {"id": "h1", "document_id": "doc1", "quote": "ferry", "start": 4, "end": 9}
    )
    assert highlight.color == "yellow" and highlight.note == "" and highlight.tags == ()
    assert highlight.status == "exact" and highlight.score is None
    assert highlight.prefix == highlight.suffix == highlight.content_hash == ""


def test_from_record_tolerates_nulls_and_unknown_keys() -> None:
    record = to_record(make())
    record.update(note=None, tags=None, color=None, status=None, future_field={"x": 1})
    highlight = from_record(record)
    assert highlight.note == "" and highlight.tags == () and highlight.color == "yellow"


def test_from_record_uses_created_when_updated_is_missing() -> None:
    record = to_record(make())
    del record["updated"]
    assert from_record(record).updated == record["created"]


@pytest.mark.parametrize(
    "record",
    [
        None,
        [],
        "highlight",
        {"document_id": "doc1", "quote": "x", "start": 0, "end": 1},
        {"id": "h", "document_id": "doc1", "quote": "x", "start": "0", "end": 1},
        {"id": "h", "document_id": "doc1", "quote": "x", "start": 0, "end": 1, "tags": "a,b"},
        {"id": "h", "document_id": "doc1", "quote": "x", "start": 0, "end": 1, "tags": [1]},
        {"id": "h", "document_id": "doc1", "quote": "x", "start": 0, "end": 1, "color": "red"},
        {"id": 7, "document_id": "doc1", "quote": "x", "start": 0, "end": 1},
        {"id": "h", "document_id": "doc1", "quote": "x", "start": 0, "end": 1, "score": [1]},
        {"id": "h", "document_id": "doc1", "quote": "x", "start": 0, "end": 1, "updated": 0},
        {"id": "h", "document_id": "doc1", "quote": "x", "start": 0, "end": 10**30},
        {"id": "h", "document_id": "doc1", "quote": "x", "start": 0, "end": 1, "score": 10**400},
    ],
)
def test_from_record_refuses_garbage_with_one_sentence(record: object) -> None:
    with pytest.raises(ValueError) as caught:
        from_record(record)  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.endswith(".") and "\n" not in message


_texts = st.text(st.characters(codec="utf-8"), max_size=40)
_tags = st.lists(st.text(max_size=12), max_size=5)
_times = st.datetimes(timezones=st.just(UTC)).map(timestamp)


@st.composite
def highlights(draw: st.DrawFn) -> Highlight:
    start = draw(st.integers(min_value=0, max_value=10_000))
    length = draw(st.integers(min_value=1, max_value=500))
    status = draw(st.sampled_from(STATUSES))
    return Highlight(
        id=draw(st.uuids()).hex,
        document_id=draw(st.from_regex(r"[0-9a-f]{12}", fullmatch=True)),
        quote=draw(st.text(min_size=1, max_size=60)),
        prefix=draw(_texts),
        suffix=draw(_texts),
        start=start,
        end=start + length,
        color=draw(st.sampled_from(COLORS)),
        note=draw(st.text(max_size=200)),
        tags=tuple(draw(_tags)),
        created=draw(_times),
        updated=draw(_times),
        status=status,
        score=draw(st.none() | st.floats(min_value=0.0, max_value=1.0)),
        content_hash=draw(st.from_regex(r"[0-9a-f]{0,64}", fullmatch=True)),
    )


@settings(max_examples=150, deadline=None)
@given(highlights())
def test_records_round_trip_through_json(highlight: Highlight) -> None:
    encoded = json.dumps(to_record(highlight), ensure_ascii=True)
    assert from_record(json.loads(encoded)) == highlight


@settings(max_examples=200, deadline=None)
@given(
    highlights(),
    st.lists(st.sampled_from([" a", "a ", "a\nb", "a", "a", ""]), max_size=3),
    st.sampled_from([None, 0, 1, 0.5]),
)
def test_a_record_read_the_quick_way_is_the_highlight_its_fields_make(
    highlight: Highlight, odd_tags: list[str], score: float | None
) -> None:
    """Records as newsreader writes them skip `__init__` (`_trusted`); the highlight must
    be the one `Highlight(**record)` makes, field for field and kind for kind, and a
    record that is not quite so (tags to tidy, an int score) must go the long way."""
    for record in (
        to_record(highlight),
        {**to_record(highlight), "tags": odd_tags or list(highlight.tags)},
        {**to_record(highlight), "score": score},
    ):
        quick = from_record(record)
        made = Highlight(**{**record, "tags": tuple(record["tags"])})
        assert quick == made
        for name in record:
            assert type(getattr(quick, name)) is type(getattr(made, name)), name
        assert hash(quick) == hash(made)
