"""JSON and W3C export, and `import_notes`: lossless round trips, idempotence, bad input."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.model import (
    COLORS,
    STATUSES,
    AnchorStatus,
    Highlight,
    edited,
    new_highlight,
    to_record,
)
from annotations.notes_import import ImportResult, import_notes
from annotations.notes_json import FORMAT, VERSION, export_json
from annotations.notes_w3c import (
    DOCUMENT_URN,
    W3C_CONTEXT,
    annotation_id,
    export_w3c,
    highlight_id_of,
)
from annotations.store import ANNOTATIONS_FOLDER, AnnotationStore
from library.catalog import Catalog, UnknownDocument

NOW = datetime(2024, 5, 2, 9, 30, tzinfo=UTC)
LATER = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)

KITE = (
    "The kite festival opened at dawn, when the wind off the bay was steady.\n\n"
    "Children ran the long strings out across the grass, and the first dragon rose.\n\n"
    "By noon the sky held a hundred shapes: fish, boats, a paper moon."
)
BRIDGE = (
    "Nobody remembered who built the footbridge over the mill stream.\n\n"
    "It creaked in winter and smelled of tar in summer, and every child crossed it daily."
)


def write(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def sources(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "sources"
    folder.mkdir()
    return [
        write(folder, "kite.txt", "Kite day", KITE),
        write(folder, "bridge.txt", "The footbridge", BRIDGE),
    ]


def open_library(home: Path, sources: list[Path]) -> tuple[Catalog, AnnotationStore, list[str]]:
    catalog = Catalog.open(home)
    result = catalog.add(sources)
    ids = [e.id for e in (*result.added, *result.unchanged)]
    by_path = {catalog.entry(i).path: i for i in ids}
    return catalog, AnnotationStore(home), [by_path[str(p.resolve())] for p in sources]


@pytest.fixture
def library(tmp_path: Path, sources: list[Path]) -> tuple[Catalog, AnnotationStore, list[str]]:
    return open_library(tmp_path / "lib", sources)


def mark(catalog: Catalog, doc_id: str, quote: str, **fields: Any) -> Highlight:
    text = catalog.text(doc_id)
    start = text.index(quote)
    fields.setdefault("now", NOW)
    return new_highlight(
        doc_id,
        text,
        start,
        start + len(quote),
        content_hash=catalog.entry(doc_id).content_hash,
        **fields,
    )


def wipe(store: AnnotationStore) -> None:
    shutil.rmtree(store.home / ANNOTATIONS_FOLDER, ignore_errors=True)


def everything(store: AnnotationStore) -> dict[str, Highlight]:
    return {h.id: h for h in store.all()}


@pytest.fixture
def marked(
    library: tuple[Catalog, AnnotationStore, list[str]],
) -> Iterator[tuple[Catalog, AnnotationStore, list[str], list[Highlight]]]:
    catalog, store, ids = library
    highlights = [
        mark(catalog, ids[0], "the first dragon rose", note="**Best** moment.", tags=["sky"]),
        mark(catalog, ids[0], "a paper moon", color="blue", tags=["moon", "paper craft"]),
        mark(catalog, ids[1], "smelled of tar in summer", note="Smell memory\n\n- tar"),
    ]
    store.save_many(highlights)
    yield catalog, store, ids, highlights


# --- JSON ---------------------------------------------------------------------------------


def test_json_export_holds_everything(
    marked: tuple[Catalog, AnnotationStore, list[str], list[Highlight]],
) -> None:
    catalog, store, ids, highlights = marked
    data = json.loads(export_json(catalog, store, now=NOW))
    assert data["format"] == FORMAT and data["version"] == VERSION
    assert data["exported"] == "2024-05-02T09:30:00.000Z"
    documents = {d["id"]: d for d in data["documents"]}
    for doc_id in ids:
        entry = catalog.entry(doc_id)
        assert documents[doc_id] == {
            "id": entry.id,
            "title": entry.title,
            "source": entry.source,
            "date": entry.date,
            "content_hash": entry.content_hash,
            "path": entry.path,
        }
    assert sorted(data["highlights"], key=lambda r: r["id"]) == sorted(
        (to_record(h) for h in highlights), key=lambda r: r["id"]
    )


def test_json_export_of_chosen_documents(
    marked: tuple[Catalog, AnnotationStore, list[str], list[Highlight]],
) -> None:
    catalog, store, ids, highlights = marked
    data = json.loads(export_json(catalog, store, [ids[1]]))
    assert [d["id"] for d in data["documents"]] == [ids[1]]
    assert [r["id"] for r in data["highlights"]] == [highlights[2].id]
    with pytest.raises(UnknownDocument):
        export_json(catalog, store, ["ffffffffffff"])


def test_json_round_trip_after_wiping_the_annotations(
    marked: tuple[Catalog, AnnotationStore, list[str], list[Highlight]],
) -> None:
    catalog, store, _, highlights = marked
    exported = export_json(catalog, store)
    wipe(store)
    assert everything(store) == {}
    result = import_notes(catalog, store, exported)
    assert result.format == FORMAT
    assert {h.id for h in result.added} == {h.id for h in highlights}
    assert result.updated == () and result.skipped == () and result.orphaned == ()
    assert everything(store) == {h.id: h for h in highlights}
    assert result.messages[0] == (
        "Imported 3 new and 0 updated highlight(s); 0 were already there."
    )

    again = import_notes(catalog, store, exported)
    assert again.added == () and again.updated == ()
    assert len(again.unchanged) == 3
    assert everything(store) == {h.id: h for h in highlights}


def test_json_import_into_a_new_library_with_the_same_documents(
    marked: tuple[Catalog, AnnotationStore, list[str], list[Highlight]],
    tmp_path: Path,
    sources: list[Path],
) -> None:
    catalog, store, _, highlights = marked
    exported = export_json(catalog, store)
    other_catalog, other_store, _ = open_library(tmp_path / "other", sources)
    result = import_notes(other_catalog, other_store, exported)
    assert len(result.added) == 3
    assert everything(other_store) == {h.id: h for h in highlights}


IDS = st.one_of(
    st.uuids().map(lambda u: u.hex),
    st.text(alphabet="abcXYZ019-_:/ %é", min_size=1, max_size=20),
)
TIMES = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat(timespec="milliseconds")),
    st.text(max_size=12),
)


@st.composite
def random_highlights(draw: st.DrawFn, texts: dict[str, tuple[str, str]]) -> list[Highlight]:
    """Highlights with random fields, anchored as they would be on `texts`."""
    made: dict[str, Highlight] = {}
    for _ in range(draw(st.integers(1, 5))):
        doc_id = draw(st.sampled_from(sorted(texts)))
        text, content_hash = texts[doc_id]
        status = draw(st.sampled_from(STATUSES))
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        if status in (AnchorStatus.EXACT, AnchorStatus.MOVED):
            quote = text[start:end]
        elif status is AnchorStatus.FUZZY:
            # Found on similar text, as re-anchoring finds it: the words there, one changed.
            start = min(start, len(text) - 8)
            end = max(end, start + 8)
            there = text[start:end]
            at = draw(st.integers(0, len(there) - 1))
            quote = (
                there[:at]
                + draw(st.characters(min_codepoint=33, max_codepoint=126))
                + there[at + 1 :]
            )
        else:
            quote = draw(st.text(min_size=1, max_size=40))
            end = draw(st.integers(start, len(text)))
        created = draw(TIMES)
        highlight = Highlight(
            id=draw(IDS),
            document_id=doc_id,
            quote=quote,
            prefix=draw(st.text(max_size=32)),
            suffix=draw(st.text(max_size=32)),
            start=start,
            end=end,
            color=draw(st.sampled_from(COLORS)),
            note=draw(st.text(max_size=80)),
            tags=tuple(draw(st.lists(st.text(min_size=1, max_size=12), max_size=4))),
            created=created,
            updated=draw(st.one_of(st.just(created), TIMES)) or created,
            status=status,
            score=draw(st.floats(0, 1)) if status is AnchorStatus.FUZZY else None,
            content_hash=content_hash,
        )
        made[highlight.id] = highlight
    return list(made.values())


@pytest.fixture(scope="module")
def shared_library(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Catalog, AnnotationStore, dict[str, tuple[str, str]]]:
    folder = tmp_path_factory.mktemp("shared")
    paths = [
        write(folder, "kite.txt", "Kite day", KITE),
        write(folder, "bridge.txt", "The footbridge", BRIDGE),
    ]
    catalog = Catalog.open(folder / "lib")
    result = catalog.add(paths)
    texts = {e.id: (catalog.text(e.id), e.content_hash) for e in result.added}
    return catalog, AnnotationStore(catalog.home), texts


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_json_round_trip_property(
    shared_library: tuple[Catalog, AnnotationStore, dict[str, tuple[str, str]]],
    data: st.DataObject,
) -> None:
    catalog, store, texts = shared_library
    wipe(store)
    highlights = data.draw(random_highlights(texts))
    store.save_many(highlights)
    exported = export_json(catalog, store)
    wipe(store)
    result = import_notes(catalog, store, exported)
    assert result.skipped == ()
    assert everything(store) == {h.id: h for h in highlights}
    again = import_notes(catalog, store, exported)
    assert again.added == () and again.updated == ()
    assert everything(store) == {h.id: h for h in highlights}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_w3c_round_trip_property(
    shared_library: tuple[Catalog, AnnotationStore, dict[str, tuple[str, str]]],
    data: st.DataObject,
) -> None:
    catalog, store, texts = shared_library
    wipe(store)
    highlights = data.draw(random_highlights(texts))
    store.save_many(highlights)
    exported = export_w3c(catalog, store)
    wipe(store)
    result = import_notes(catalog, store, exported)
    assert result.format == "w3c" and result.skipped == ()
    assert everything(store) == {h.id: h for h in highlights}
    assert import_notes(catalog, store, exported).added == ()


def test_import_keeps_the_newer_version(
    marked: tuple[Catalog, AnnotationStore, list[str], list[Highlight]],
) -> None:
    catalog, store, _, highlights = marked
    old_export = export_json(catalog, store)
    newer = edited(highlights[0], note="Changed in the app.", now=LATER)
    store.save(newer)
    result = import_notes(catalog, store, old_export)
    assert result.added == () and result.updated == ()
    assert store.get(newer.document_id, newer.id) == newer

    newer_export = export_json(catalog, store)
    store.save(highlights[0])  # the older version is back in the store
    result = import_notes(catalog, store, newer_export)
    assert [h.id for h in result.updated] == [newer.id]
    assert store.get(newer.document_id, newer.id) == newer


def test_import_skips_highlights_of_unknown_documents(
    marked: tuple[Catalog, AnnotationStore, list[str], list[Highlight]],
) -> None:
    catalog, store, _, highlights = marked
    data = json.loads(export_json(catalog, store))
    data["highlights"][0]["document_id"] = "0123456789ab"
    data["highlights"][0]["content_hash"] = "f" * 64
    data["highlights"].append({"id": "broken", "document_id": "x", "quote": "", "start": 0})
    wipe(store)
    result = import_notes(catalog, store, json.dumps(data))
    assert len(result.added) == 2
    reasons = {skip.highlight_id: skip.reason for skip in result.skipped}
    assert (
        reasons[data["highlights"][0]["id"]] == "Its document 0123456789ab is not in this library."
    )
    assert reasons["broken"].startswith("Highlight 4 of the file cannot be read: ")
    assert all(r.endswith(".") and "\n" not in r for r in reasons.values())


def test_import_finds_a_document_by_its_text_hash(
    marked: tuple[Catalog, AnnotationStore, list[str], list[Highlight]],
) -> None:
    catalog, store, ids, highlights = marked
    data = json.loads(export_json(catalog, store, [ids[1]]))
    data["documents"][0]["id"] = "000000000000"
    data["highlights"][0]["document_id"] = "000000000000"
    wipe(store)
    result = import_notes(catalog, store, json.dumps(data))
    assert [h.id for h in result.added] == [highlights[2].id]
    assert store.get(ids[1], highlights[2].id) == highlights[2]


def test_import_re_anchors_against_the_current_text(
    marked: tuple[Catalog, AnnotationStore, list[str], list[Highlight]],
    sources: list[Path],
) -> None:
    catalog, store, ids, highlights = marked
    exported = export_json(catalog, store, [ids[0]])
    # The document changes: a paragraph is added in front and the moon is gone.
    changed = KITE.replace("a paper moon", "a lantern").replace(
        "The kite festival", "Rain was forecast.\n\nThe kite festival"
    )
    sources[0].write_text(f"Kite day\n\n{changed}\n", encoding="utf-8")
    assert catalog.add([sources[0]]).updated
    wipe(store)
    result = import_notes(catalog, store, exported)
    by_id = {h.id: h for h in store.for_document(ids[0])}
    dragon, moon = by_id[highlights[0].id], by_id[highlights[1].id]
    text = catalog.text(ids[0])
    assert dragon.status is AnchorStatus.MOVED and text[dragon.start : dragon.end] == dragon.quote
    assert dragon.note == highlights[0].note
    assert moon.status is AnchorStatus.ORPHANED and moon.quote == "a paper moon"
    assert [h.id for h in result.orphaned] == [moon.id]
    assert any("orphaned" in message for message in result.messages)
    assert import_notes(catalog, store, exported).added == ()


# --- W3C ----------------------------------------------------------------------------------


def test_w3c_annotations_carry_the_required_fields(
    marked: tuple[Catalog, AnnotationStore, list[str], list[Highlight]],
) -> None:
    catalog, store, _, highlights = marked
    collection = json.loads(export_w3c(catalog, store, now=NOW))
    assert collection["@context"] == W3C_CONTEXT
    assert collection["type"] == "AnnotationCollection"
    assert collection["total"] == 3
    items = collection["first"]["items"]
    assert collection["first"]["type"] == "AnnotationPage"
    by_id = {h.id: h for h in highlights}
    assert len(items) == 3
    for item in items:
        assert item["@context"] == W3C_CONTEXT
        assert item["type"] == "Annotation"
        assert item["id"].startswith("urn:uuid:")
        highlight = by_id[highlight_id_of(item["id"])]
        assert item["created"] == highlight.created and item["modified"] == highlight.updated
        target = item["target"]
        assert target["source"] == DOCUMENT_URN + highlight.document_id
        selectors = {s["type"]: s for s in target["selector"]}
        assert selectors["TextQuoteSelector"] == {
            "type": "TextQuoteSelector",
            "exact": highlight.quote,
            "prefix": highlight.prefix,
            "suffix": highlight.suffix,
        }
        assert selectors["TextPositionSelector"] == {
            "type": "TextPositionSelector",
            "start": highlight.start,
            "end": highlight.end,
        }
        text = catalog.text(highlight.document_id)
        assert text[highlight.start : highlight.end] == selectors["TextQuoteSelector"]["exact"]
        bodies = item.get("body", [])
        notes = [b for b in bodies if b["purpose"] == "commenting"]
        tags = [b["value"] for b in bodies if b["purpose"] == "tagging"]
        assert all(b["type"] == "TextualBody" for b in bodies)
        if highlight.note:
            assert notes == [
                {
                    "type": "TextualBody",
                    "value": highlight.note,
                    "purpose": "commenting",
                    "format": "text/markdown",
                }
            ]
            assert item["motivation"] == "commenting"
        else:
            assert notes == [] and item["motivation"] == "highlighting"
        assert tags == list(highlight.tags)
        assert item["newsreader:color"] == highlight.color
        assert item["newsreader:status"] == highlight.status


def test_w3c_round_trip(
    marked: tuple[Catalog, AnnotationStore, list[str], list[Highlight]],
) -> None:
    catalog, store, _, highlights = marked
    exported = export_w3c(catalog, store)
    wipe(store)
    result = import_notes(catalog, store, exported)
    assert result.format == "w3c" and len(result.added) == 3
    assert everything(store) == {h.id: h for h in highlights}
    assert import_notes(catalog, store, exported).added == ()


def test_annotation_ids_round_trip() -> None:
    for highlight_id in ("0123456789abcdef0123456789abcdef", "my id/with:odd%chars", "ABCDEF"):
        assert highlight_id_of(annotation_id(highlight_id)) == highlight_id
    assert annotation_id("0123456789abcdef0123456789abcdef") == (
        "urn:uuid:01234567-89ab-cdef-0123-456789abcdef"
    )
    foreign = highlight_id_of("https://example.org/annotations/7")
    assert foreign == highlight_id_of("https://example.org/annotations/7")


def test_w3c_from_another_tool(library: tuple[Catalog, AnnotationStore, list[str]]) -> None:
    catalog, store, ids = library
    annotations = [
        {
            "@context": W3C_CONTEXT,
            "type": "Annotation",
            "bodyValue": "A note as bodyValue.",
            "target": {
                "source": DOCUMENT_URN + ids[1],
                "selector": {"type": "TextQuoteSelector", "exact": "the mill stream"},
            },
        },
        {
            "type": ["Annotation"],
            "id": "https://example.org/anno/1",
            "motivation": "tagging",
            "body": [{"type": "TextualBody", "value": "bridges"}],
            "target": [
                {
                    "source": DOCUMENT_URN + ids[1],
                    "selector": [
                        {"type": "TextPositionSelector", "start": 0, "end": 6},
                        {"type": "TextQuoteSelector", "exact": "Nobody", "suffix": " remembered"},
                    ],
                }
            ],
        },
        {"type": "Annotation", "target": "https://example.org/page"},
        {
            "type": "Annotation",
            "target": {
                "source": "https://example.org/page",
                "selector": {"type": "TextQuoteSelector", "exact": "x"},
            },
        },
    ]
    result = import_notes(catalog, store, json.dumps(annotations))
    assert result.format == "w3c"
    assert len(result.added) == 2 and len(result.skipped) == 2
    text = catalog.text(ids[1])
    by_quote = {h.quote: h for h in store.for_document(ids[1])}
    stream, nobody = by_quote["the mill stream"], by_quote["Nobody"]
    assert text[stream.start : stream.end] == "the mill stream"
    assert (
        stream.status in (AnchorStatus.EXACT, AnchorStatus.MOVED)
        and stream.note == "A note as bodyValue."
    )
    assert nobody.tags == ("bridges",) and (nobody.start, nobody.end) == (0, 6)
    assert nobody.id == highlight_id_of("https://example.org/anno/1")
    assert [s.reason for s in result.skipped] == [
        "Annotation 3 of the file cannot be used: its target has no selector.",
        "Annotation 4 of the file cannot be used: its target is not a newsreader document.",
    ]
    # No id, yet importing again finds the same highlight.
    again = import_notes(catalog, store, json.dumps(annotations))
    assert again.added == () and len(again.unchanged) == 2


def test_single_annotation_and_plain_list_are_accepted(
    marked: tuple[Catalog, AnnotationStore, list[str], list[Highlight]],
) -> None:
    catalog, store, _, highlights = marked
    items = json.loads(export_w3c(catalog, store))["first"]["items"]
    wipe(store)
    assert len(import_notes(catalog, store, json.dumps(items[0])).added) == 1
    assert len(import_notes(catalog, store, json.dumps(items)).added) == 2
    page = {"type": "AnnotationPage", "items": items}
    assert len(import_notes(catalog, store, json.dumps(page)).unchanged) == 3
    assert everything(store) == {h.id: h for h in highlights}


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not json at all", "The file is not valid JSON (Expecting value)."),
        ("{", "The file is not valid JSON (Expecting property name enclosed in double quotes)."),
        ('{"format": "other-app", "items": []}', "The file's format 'other-app' is not one "),
        (
            '{"format": "newsreader-notes", "version": 7, "highlights": []}',
            "The notes file was written by a newer newsreader (format version 7); "
            "this version reads version 1.",
        ),
        ('{"format": "newsreader-notes", "version": "1"}', "The notes file has no valid format"),
        ('{"format": "newsreader-notes", "version": 1}', "The notes file has no list of highl"),
        ("[1, 2, 3]", "The file is neither a newsreader notes export nor W3C Web Annotations."),
        ('{"hello": "world"}', "The file is neither a newsreader notes export nor W3C"),
        ("42", "The file is neither"),
        ("[" * 100_000, "The file is not valid JSON"),
    ],
    ids=[
        "text",
        "truncated",
        "other-format",
        "newer-version",
        "bad-version",
        "no-highlights",
        "list-of-numbers",
        "other-object",
        "number",
        "deeply-nested",
    ],
)
def test_malformed_input_is_one_clear_sentence(
    library: tuple[Catalog, AnnotationStore, list[str]], data: str, message: str
) -> None:
    catalog, store, _ = library
    with pytest.raises(ValueError) as caught:
        import_notes(catalog, store, data)
    text = str(caught.value)
    assert text.startswith(message)
    assert text.endswith(".") and "\n" not in text
    assert everything(store) == {}


def test_exports_are_safe_to_print_and_read_back(
    library: tuple[Catalog, AnnotationStore, list[str]],
) -> None:
    catalog, store, ids = library
    nasty = "esc \x1b[2J del \x7f c1 \x9b bidi \u202e line \u2028 lone \ud800 emoji 🦜 é"
    highlight = mark(catalog, ids[0], "the first dragon rose", note=nasty, tags=[nasty])
    store.save(highlight)
    for output in (export_json(catalog, store), export_w3c(catalog, store)):
        assert not any(ch in output for ch in "\x1b\x7f\x9b\u202e\u2028\ud800")
        assert "🦜 é" in output
        wipe(store)
        result: ImportResult = import_notes(catalog, store, output)
        assert store.get(ids[0], highlight.id) == highlight
        assert len(result.added) == 1


def test_import_merges_duplicate_ids_in_one_file(
    marked: tuple[Catalog, AnnotationStore, list[str], list[Highlight]],
) -> None:
    catalog, store, _, highlights = marked
    data = json.loads(export_json(catalog, store))
    older = next(r for r in data["highlights"] if r["id"] == highlights[0].id)
    newer = to_record(edited(highlights[0], note="newest", now=LATER))
    data["highlights"] = [newer, older]
    wipe(store)
    result = import_notes(catalog, store, json.dumps(data))
    assert [h.note for h in result.added] == ["newest"]
    assert store.get(highlights[0].document_id, highlights[0].id) == replace(
        highlights[0], note="newest", updated=newer["updated"]
    )


def test_w3c_keeps_an_orphan_lost_on_the_same_text(
    marked: tuple[Catalog, AnnotationStore, list[str], list[Highlight]],
) -> None:
    """An orphan with no span (start = end) on the text it was lost on comes back an
    orphan, not placed by its quote on whatever matches it (a '.' matches any stop)."""
    catalog, store, _, highlights = marked
    first = highlights[0]
    text = catalog.text(first.document_id)
    orphan = replace(
        first,
        id="0" * 32,
        quote=".",
        prefix="",
        suffix="",
        start=len(text),
        end=len(text),
        status=AnchorStatus.ORPHANED,
        score=None,
    )
    store.save(orphan)
    exported = export_w3c(catalog, store)
    wipe(store)
    import_notes(catalog, store, exported)
    assert everything(store)[orphan.id] == orphan
