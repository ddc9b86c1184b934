"""The span cache beside each document's text: used when current, remade when not."""

from __future__ import annotations

from pathlib import Path

from library.catalog import Catalog
from library.document import Spans
from library.spancache import compute_spans, load_spans, read_spans, write_spans
from library.text_folder import SPANS_AT_ADD_FROM

TEXT = "One. Two three.\n\nFour five? Six!\n\nSeven."
HASH = "a" * 64


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "x.spans"
    spans = compute_spans(TEXT)
    write_spans(path, HASH, *spans)
    assert read_spans(path, HASH) == spans


def test_stale_or_damaged_cache_is_remade(tmp_path: Path) -> None:
    path = tmp_path / "x.spans"
    write_spans(path, HASH, Spans.of(()), Spans.of(()))
    assert read_spans(path, "b" * 64) is None
    assert load_spans(path, TEXT, "b" * 64) == compute_spans(TEXT)
    assert read_spans(path, "b" * 64) == compute_spans(TEXT)
    path.write_bytes(b"garbage")
    assert read_spans(path, "b" * 64) is None
    assert load_spans(path, TEXT, "b" * 64) == compute_spans(TEXT)


def test_catalog_writes_spans_of_a_long_text_at_add_and_uses_them(tmp_path: Path) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    source = tmp_path / "doc.txt"
    long_text = "\n\n".join(f"{TEXT} Part {n}." for n in range(SPANS_AT_ADD_FROM // len(TEXT)))
    source.write_text(long_text, encoding="utf-8")
    entry = catalog.add([source]).added[0]
    cache = catalog.text_path(entry.id).with_suffix(".spans")
    assert cache.exists()
    document = catalog.load(entry.id)
    assert (document.paragraphs, document.sentences) == compute_spans(document.text)
    catalog.remove(entry.id)
    assert not cache.exists()


def test_a_short_text_is_split_when_first_opened_not_at_add(tmp_path: Path) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    source = tmp_path / "doc.txt"
    source.write_text(TEXT, encoding="utf-8")
    entry = catalog.add([source]).added[0]
    cache = catalog.text_path(entry.id).with_suffix(".spans")
    assert not cache.exists()  # splitting ten thousand articles made a third of an add
    document = catalog.load(entry.id)
    assert (document.paragraphs, document.sentences) == compute_spans(document.text)
    assert cache.exists()


def test_cache_reaching_past_the_text_is_remade(tmp_path: Path) -> None:
    path = tmp_path / "x.spans"
    paragraphs, sentences = compute_spans(TEXT)
    write_spans(path, HASH, paragraphs, Spans.of([*sentences, (len(TEXT), len(TEXT) + 5)]))
    assert load_spans(path, TEXT, HASH) == compute_spans(TEXT)
    assert read_spans(path, HASH) == compute_spans(TEXT)


def test_cache_with_spans_out_of_order_or_negative_is_remade(tmp_path: Path) -> None:
    # The cache is written without waiting for the disk: whatever a crash leaves of it,
    # spans that are not ranges of the text in order are never handed to the reader.
    path = tmp_path / "x.spans"
    paragraphs, sentences = compute_spans(TEXT)
    damaged = [
        Spans.of([(-(2**63), 3), *list(sentences)[1:]]),
        Spans.of(reversed(list(sentences))),
        Spans.of([(5, 2), *list(sentences)[1:]]),
    ]
    for bad in damaged:
        write_spans(path, HASH, paragraphs, bad)
        assert read_spans(path, HASH) is None
        assert load_spans(path, TEXT, HASH) == compute_spans(TEXT)
