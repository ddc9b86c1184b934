"""Typed fuzzing of every store reader: JSON of the right shape, values of any kind.

`test_damaged_stores.py` breaks the files; here they stay well-formed JSON with the
fields every reader expects, but hypothesis puts anything in them: values of the wrong
type, absurd values of the right type (negative and 400-digit counts, NaN and infinities,
dates that are not dates, offsets of 10^30, control characters), nested lists and
objects, missing fields, odd ids. One store at a time (the catalog's entries, the reading
positions, the settings, a journal line, the counts cache), in a copy of one small
library; then the real readers (`Catalog`, `AnnotationStore`, `Workspace`) and the real
commands (`list`, `notes`, `export`, `show`) run, and:

- nothing fails with an unexpected error or a traceback, and `list`, `notes` and
  `export` succeed;
- every warning is one line, one sentence, naming the file;
- nothing else in the library is lost: the other document, its highlights, its reading
  position and both texts are as they were, and the fuzzed file is either left exactly
  as it was or kept aside, byte for byte, as damage.
"""

from __future__ import annotations

import itertools
import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.counts_cache import COUNTS_CACHE, check
from annotations.store import ANNOTATIONS_FOLDER, AnnotationStore
from library.catalog import SORT_KEYS, Catalog
from library.entries import (
    _READ_ENTRIES,
    MAX_OFFSET,
    check_entry_record,
    entry_from_record,
)
from tests.safety.support import CliResult
from tests.safety.test_store_records import Library, make_library, run_every_reader

SETTINGS = settings(
    deadline=None,
    max_examples=40,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

HUGE = 10**400
"""A 400-digit number: an int for Python, too large for a float."""

ABSURD_NUMBER = st.sampled_from([-7, 10**30, HUGE, -HUGE, math.nan, math.inf, -math.inf])
"""Numbers of the right type and no sense: negative, past any index, past any float."""

ABSURD_TEXT = st.sampled_from(
    [
        "",
        "lots",
        "not a date",
        "2024-13-45",
        "2024-02-30",
        "99999-01-01T00:00:00Z",
        "\x1b[31mred\x1b[0m",
        "\u202eevil",
        "a\nb",
        "9" * 400,
        "é" * 64,
    ]
)
"""Text where text belongs, and nothing a reader should take at its word."""

ABSURD_OTHER = st.sampled_from([True, False, None, [], {}, [1, "two"], {"value": 1}, 0.5, 0])
"""Values of the wrong type."""

SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-HUGE, max_value=HUGE),
    st.floats(),
    st.text(max_size=12),
)
ANY_JSON = st.recursive(
    SCALAR,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
"""Any JSON value (NaN and infinities included: Python's JSON reads and writes them)."""

KEEP = "<keep>"
DROP = "<drop>"
ABSURD = st.one_of(ABSURD_NUMBER, ABSURD_TEXT, ABSURD_OTHER)

REPLACEMENT = st.one_of(st.just(DROP), ABSURD_NUMBER, ABSURD_TEXT, ABSURD_OTHER, ANY_JSON)
"""What a fuzzed field becomes: dropped, or replaced by an absurd value or any value."""

FIELD_VALUE = st.one_of(st.just(KEEP), st.just(KEEP), REPLACEMENT)
"""What becomes of one field when every field may change."""

ODD_ID = st.one_of(
    st.just(KEEP),
    st.sampled_from(["", "../../etc", "a/b", "x" * 300, "\x1b[2J", "ＡＢＣ", "id with space"]),
    st.text(max_size=20),
)


def fuzzed(original: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """`original` with a few fields (one to three: so that a bad value meets good ones,
    and is not hidden by another field's fault) or all of them dropped or replaced, and
    sometimes a few extra keys."""
    names = sorted(original)
    few = st.sets(st.sampled_from(names), min_size=1, max_size=3).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {name: REPLACEMENT if name in chosen else st.just(KEEP) for name in names}
        )
    )
    every = st.fixed_dictionaries({name: FIELD_VALUE for name in names})
    extras = st.dictionaries(st.text(max_size=8), ANY_JSON, max_size=2)

    def build(pair: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
        change, extra = pair
        record = {**extra}
        for name, value in change.items():
            if value == KEEP:
                record[name] = original[name]
            elif value != DROP:
                record[name] = value
        return record

    return st.tuples(st.one_of(few, few, few, every), extras).map(build)


# --- one library, copied for each example ---------------------------------------------------


class Examples:
    """A library made once per test, and a fresh copy of it for each example."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.template = make_library(root / "template", root / "sources")
        self._numbers = itertools.count()

    def copy(self) -> Library:
        home = self.root / f"example{next(self._numbers)}"
        shutil.copytree(self.template.home, home)
        library = Library(home, self.template.ferry, self.template.lighthouse)
        library.cli("list")  # the copies of the journals are new files: count them again
        return library


@pytest.fixture
def examples(tmp_path: Path) -> Examples:
    return Examples(tmp_path)


def read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def write_json(path: Path, data: object) -> bytes:
    raw = json.dumps(data).encode("utf-8")
    path.write_bytes(raw)
    return raw


# --- what must hold whatever the fuzz did ---------------------------------------------------


def assert_fine(result: CliResult, command: tuple[str, ...] | None = None) -> None:
    """No traceback, no unexpected error; each line of stderr one sentence of ours."""
    assert "Traceback" not in result.err and "unexpected error" not in result.err, result.err
    for line in result.err_lines:
        assert line.startswith("newsreader: ") and line.endswith("."), line


def assert_kept_or_set_aside(path: Path, written: bytes) -> None:
    """The fuzzed file is as it was written, or kept aside whole as damage."""
    aside = sorted(path.parent.glob(f"{path.name}.damaged-*"))
    if aside:
        assert [p.read_bytes() for p in aside] == [written]
    else:
        assert path.read_bytes() == written


def check_library(library: Library, template: Library, fuzzed_file: Path) -> list[CliResult]:
    """Run every reader and command; check that they work and that nothing else is lost."""
    texts = {p.name: p.read_bytes() for p in (library.home / "documents").glob("*.txt")}
    results = run_every_reader(library)
    commands = [*results]
    for result in commands:
        assert_fine(result)
    for result in results[:-2]:  # all but `show`, which may not know a skipped document
        assert result.code == 0, result
    for result in results[-2:]:
        assert result.code in (0, 1) and len(result.err_lines) <= 3, result
    # The other document is exactly as it was.
    rows = {row["id"]: row for row in json.loads(library.cli("list", "--json").out)}
    expected = {row["id"]: row for row in json.loads(template.cli("list", "--json").out)}
    assert rows[library.lighthouse] == expected[library.lighthouse]
    notes = json.loads(library.cli("notes", library.lighthouse, "--json").out)
    assert len(notes) == 2
    # No text is lost, nor changed.
    after = {p.name: p.read_bytes() for p in (library.home / "documents").glob("*.txt")}
    assert after == texts
    return results


# --- the catalog -----------------------------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_catalog_entries_of_any_kind(examples: Examples, data: st.DataObject) -> None:
    library = examples.copy()
    tables = read_json(library.catalog_file)
    original = tables["documents"].pop(library.ferry)
    record = data.draw(fuzzed(original))
    new_id = data.draw(ODD_ID)
    tables["documents"][library.ferry if new_id == KEEP else new_id] = record
    written = write_json(library.catalog_file, tables)

    check_library(library, examples.template, library.catalog_file)
    assert_kept_or_set_aside(library.catalog_file, written)
    for entry in Catalog.open(library.home).entries():
        # Whatever was read is of its type, and sane.
        assert isinstance(entry.title, str) and isinstance(entry.added, str)
        assert 0 <= entry.words <= 2**53 and 1 <= entry.reading_minutes <= 2**53
        assert entry.date is None or len(entry.date) == 10


WRITTEN_RECORD: dict[str, Any] = {
    "title": "The ferry left at dawn",
    "source": "The Harbour Times",
    "date": "2024-05-01",
    "caption": None,
    "words": 14,
    "reading_minutes": 1,
    "path": "/home/reader/ferry.txt",
    "added": "2024-05-01T12:00:00.000Z",
    "content_hash": "67f8e811f32601c52f05b1862b0314e9987b36d779716c6a1c5a8b8d6f2b5a1e",
    "updated": "2024-05-01T12:00:00.000Z",
}
"""A catalog record as newsreader writes it."""

EQUAL_WORDS = st.sampled_from([14, 14.0, 0, 0.0, False, -0.0])
EQUAL_MINUTES = st.sampled_from([1, 1.0, True])
"""Numbers that compare equal across types: what a memory of records must tell apart."""


@settings(SETTINGS, max_examples=200)
@given(
    records=st.lists(
        st.one_of(
            fuzzed(WRITTEN_RECORD),
            st.fixed_dictionaries(
                {name: st.just(value) for name, value in WRITTEN_RECORD.items()}
                | {"words": EQUAL_WORDS, "reading_minutes": EQUAL_MINUTES}
            ),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_reading_a_record_does_not_depend_on_what_was_read_before(
    records: list[dict[str, Any]],
) -> None:
    """What is read of a catalog record, and the fault found in it, are the same whatever
    was read before (what was read of records is remembered, keyed by their values)."""
    in_order = [
        (entry_from_record("67f8e811f326", r), check_entry_record("67f8e811f326", r))
        for r in records
    ]
    for record, seen in zip(records, in_order, strict=True):
        _READ_ENTRIES.clear()
        alone = (
            entry_from_record("67f8e811f326", record),
            check_entry_record("67f8e811f326", record),
        )
        assert seen == alone
        entry = alone[0]
        if entry is not None:
            assert type(entry.words) is int and type(entry.reading_minutes) is int


# --- the reading positions -------------------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_reading_positions_of_any_kind(examples: Examples, data: st.DataObject) -> None:
    library = examples.copy()
    tables = read_json(library.reading_file)
    tables["positions"][library.ferry] = data.draw(fuzzed(tables["positions"][library.ferry]))
    written = write_json(library.reading_file, tables)

    check_library(library, examples.template, library.reading_file)
    assert_kept_or_set_aside(library.reading_file, written)
    catalog = Catalog.open(library.home)
    state = catalog.reading_state(library.ferry)
    assert 0 <= state.offset <= MAX_OFFSET and 0.0 <= state.progress <= 1.0
    assert catalog.reading_state(library.lighthouse).progress == 0.5


# --- the settings ----------------------------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_settings_of_any_kind(examples: Examples, data: st.DataObject) -> None:
    library = examples.copy()
    tables = read_json(library.settings_file)
    for key in ("theme", "library_sort"):
        tables["settings"][key] = data.draw(fuzzed(tables["settings"][key]))
    written = write_json(library.settings_file, tables)

    check_library(library, examples.template, library.settings_file)
    assert_kept_or_set_aside(library.settings_file, written)
    catalog = Catalog.open(library.home)
    for key in ("theme", "library_sort"):
        catalog.setting(key, "default")
    # A setting can still be changed, and the other records are written back as they were.
    catalog.set_setting("theme", "nord")
    assert catalog.setting("theme") == "nord"


# --- a journal line --------------------------------------------------------------------------


def _journal_change(line: bytes) -> dict[str, Any]:
    change = json.loads(line)
    assert isinstance(change, dict)
    return change


@SETTINGS
@given(data=st.data())
def test_journal_records_of_any_kind(examples: Examples, data: st.DataObject) -> None:
    library = examples.copy()
    journal = library.journal(library.ferry)
    lines = journal.read_bytes().split(b"\n")
    ids = [_journal_change(line)["put"][0]["id"] for line in lines[1:] if line]
    index = data.draw(st.sampled_from(range(1, len(ids) + 1)))
    change = _journal_change(lines[index])
    change["put"][0] = data.draw(fuzzed(change["put"][0]))
    if data.draw(st.booleans()):
        change = data.draw(fuzzed(change))  # the change itself: put, delete, anything
    lines[index] = json.dumps(change).encode("utf-8")
    written = b"\n".join(lines)
    journal.write_bytes(written)

    check_library(library, examples.template, journal)
    aside = sorted(journal.parent.glob(f"{journal.name}.damaged-*"))
    assert [p.read_bytes() for p in aside] in ([], [written])
    highlights = AnnotationStore(library.home).for_document(library.ferry)
    found = {h.id for h in highlights}
    untouched = ids[: index - 1] + ids[index:]
    if not aside:
        # Read as it is: every other highlight is there, every one of them sane.
        assert set(untouched) <= found | set(_deleted(change))
    else:
        assert set(untouched) <= found
    for highlight in highlights:
        assert 0 <= highlight.start <= highlight.end <= MAX_OFFSET


def _deleted(change: dict[str, Any]) -> list[str]:
    deleted = change.get("delete")
    return [i for i in deleted if isinstance(i, str)] if isinstance(deleted, list) else []


# --- the counts cache ------------------------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_counts_cache_of_any_kind(examples: Examples, data: st.DataObject) -> None:
    library = examples.copy()
    cache = library.home / ANNOTATIONS_FOLDER / COUNTS_CACHE
    tables = read_json(cache)
    entry = tables["files"][library.ferry]
    how = data.draw(st.sampled_from(["count", "signed count", "entry", "any"]))
    if how == "count":  # the journal's key kept, so that the count would be believed
        tables["files"][library.ferry] = [
            data.draw(st.one_of(ABSURD_NUMBER, ABSURD_OTHER, st.integers())),
            *entry[1:],
        ]
    elif how == "signed count":
        # With the digest made again, only the number itself can tell that it is wrong.
        impossible = st.sampled_from([True, None, "2", [2], 10**6])
        tables["files"][library.ferry] = [
            data.draw(st.one_of(ABSURD_NUMBER, impossible)),
            *entry[1:],
        ]
        tables["check"] = check(tables["files"])
    elif how == "entry":
        tables["files"][library.ferry] = [
            value if value != KEEP else original
            for value, original in zip(
                data.draw(st.lists(FIELD_VALUE, min_size=4, max_size=4)), entry, strict=True
            )
            if value != DROP
        ]
    else:
        tables["files"][library.ferry] = data.draw(ANY_JSON)
    if data.draw(st.integers(0, 4)) == 0:
        tables["schema"] = data.draw(st.one_of(ABSURD, ANY_JSON))
    write_json(cache, tables)

    results = check_library(library, examples.template, cache)
    # A cache is not the user's: it is rebuilt without a word, and never shows a wrong count.
    assert all(result.err == "" for result in results), [r.err for r in results if r.err]
    counts = AnnotationStore(library.home).counts()
    assert counts[library.ferry] == counts[library.lighthouse] == 2


# --- whole files of the right name and any shape ----------------------------------------------


STORE_FILES: dict[str, Callable[[Library], Path]] = {
    "catalog": lambda library: library.catalog_file,
    "reading": lambda library: library.reading_file,
    "settings": lambda library: library.settings_file,
}


@pytest.mark.parametrize("store", list(STORE_FILES))
@settings(SETTINGS, max_examples=15)
@given(data=st.data())
def test_store_files_of_any_shape(examples: Examples, store: str, data: st.DataObject) -> None:
    library = examples.copy()
    path = STORE_FILES[store](library)
    tables = read_json(path)
    table_name = next(name for name in tables if name != "_meta")
    shape = data.draw(st.sampled_from(["file", "table", "record"]))
    content: object = tables
    if shape == "file":
        content = data.draw(ANY_JSON)
    elif shape == "table":
        tables[table_name] = data.draw(ANY_JSON)
    else:
        record_id = next(iter(tables[table_name]))
        tables[table_name][record_id] = data.draw(ANY_JSON)
    written = write_json(path, content)

    results = run_every_reader(library)
    for result in results:
        assert_fine(result)
    assert all(result.code == 0 for result in results[:-2]), results
    assert_kept_or_set_aside(path, written)
    listed = {row["id"] for row in json.loads(library.cli("list", "--json").out)}
    if store != "catalog":
        assert {library.ferry, library.lighthouse} <= listed
    for sort in SORT_KEYS:
        Catalog.open(library.home).entries(sort)
