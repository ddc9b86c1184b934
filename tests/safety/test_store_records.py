"""Records of the wrong kind in store files: one sentence, the rest of the library works.

A store file can parse and still hold a record no release of newsreader wrote: a number
where a date belongs (``"added": 5``), text for a count (``"reading_minutes": "lots"``),
a 400-digit progress, a highlight starting at 10^30, a negative count in the counts cache.
Each store answers in its own way (see README's "Your data is safe"):

- the catalog and the reading positions read a bad value as unknown, or skip a record
  that has no usable id, title or content hash; the record stays in the file, untouched,
  and one sentence names the file, the record and the field;
- a journal with a bad record is kept aside whole, as damage, and the highlights that
  could be read are kept;
- the counts cache, being derived, drops an impossible entry and counts again, quietly.

Every command that reads the store (`list`, `notes`, `export`, `show`) and the app keep
working, and nothing else in the library is lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from annotations.counts_cache import COUNTS_CACHE, check
from annotations.store import ANNOTATIONS_FOLDER, AnnotationStore
from library.catalog import SORT_KEYS, Catalog
from library.entries import ReadingState
from reader.app import make_app
from service.workspace import Workspace
from tests.safety.support import CliResult, added_id, catalog_shard, listing, run_cli
from tests.safety.test_damaged_stores import NotificationLog

FERRY = "The ferry left at dawn. The harbour was quiet.\n\nGulls followed the boat out.\n"
LIGHTHOUSE = "The keeper climbed the stairs. The lamp was lit at dusk.\n\nShips passed safely.\n"


@dataclass(frozen=True, slots=True)
class Library:
    """Two documents with two highlights each, reading positions and a setting."""

    home: Path
    ferry: str
    lighthouse: str

    @property
    def catalog_file(self) -> Path:
        return catalog_shard(self.home, self.ferry)

    @property
    def reading_file(self) -> Path:
        return self.home / "reading.json"

    @property
    def settings_file(self) -> Path:
        return self.home / "settings.json"

    def journal(self, doc_id: str) -> Path:
        return AnnotationStore(self.home).journal_path(doc_id)

    def cli(self, *argv: str) -> CliResult:
        return run_cli("--library", str(self.home), *argv)


def make_library(home: Path, sources: Path) -> Library:
    """A library as `Library` describes it, made with the real command line."""
    sources.mkdir(parents=True, exist_ok=True)
    ids = []
    for name, text, quotes in (
        ("ferry.txt", FERRY, ("The ferry left at dawn.", "Gulls followed the boat out.")),
        ("lighthouse.txt", LIGHTHOUSE, ("The lamp was lit at dusk.", "Ships passed safely.")),
    ):
        path = sources / name
        path.write_text(text, "utf-8")
        doc_id = added_id(run_cli("--library", str(home), "add", str(path)))
        for quote in quotes:
            made = run_cli("--library", str(home), "highlight", doc_id, "--quote", quote)
            assert made.code == 0, made
        ids.append(doc_id)
    catalog = Catalog.open(home)
    for doc_id in ids:
        catalog.save_reading_state(doc_id, ReadingState(offset=24, progress=0.5))
    catalog.set_setting("theme", "textual-dark")
    catalog.set_setting("library_sort", "title")
    run_cli("--library", str(home), "list")  # writes the counts cache
    return Library(home, ids[0], ids[1])


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return make_library(tmp_path / "library", tmp_path / "sources")


def edit_json(path: Path, change: Callable[[dict[str, Any]], None]) -> bytes:
    """Change a store file as a hand edit would; return its new bytes."""
    data = json.loads(path.read_text("utf-8"))
    change(data)
    raw = json.dumps(data).encode("utf-8")
    path.write_bytes(raw)
    return raw


def edit_journal_record(path: Path, index: int, fields: dict[str, Any]) -> bytes:
    """Change fields of the record on line `index` (1 = the first after the header)."""
    lines = path.read_bytes().split(b"\n")
    change = json.loads(lines[index])
    change["put"][0].update(fields)
    lines[index] = json.dumps(change).encode("utf-8")
    raw = b"\n".join(lines)
    path.write_bytes(raw)
    return raw


def assert_sentences(result: CliResult, *named: str) -> None:
    """No traceback, no unexpected error; every warning one sentence naming `named`."""
    assert "Traceback" not in result.err and "unexpected error" not in result.err, result.err
    for line in result.err_lines:
        assert line.startswith("newsreader: ") and line.endswith("."), line
        assert line.count(". ") == 0, line  # one sentence
        for name in named:
            assert name in line, (name, line)


READ_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("list", "--json"),
    *(("list", "--sort", key) for key in SORT_KEYS),
    ("notes", "--json"),
    ("notes",),
    ("export",),
    ("export", "--format", "json"),
    ("export", "--format", "w3c"),
)


def run_every_reader(library: Library) -> list[CliResult]:
    """Every command that reads the stores, and the readers under them."""
    results = [library.cli(*command) for command in READ_COMMANDS]
    for doc_id in (library.ferry, library.lighthouse):
        results.append(library.cli("show", "--json", doc_id))
    catalog = Catalog.open(library.home)
    workspace = Workspace(catalog)
    for key in SORT_KEYS:
        workspace.listing(sort=key)
    catalog.all_reading_states()
    catalog.setting("theme")
    workspace.highlights()
    return results


def notes_of(library: Library, doc_id: str) -> list[str]:
    result = library.cli("notes", doc_id, "--json")
    assert result.code == 0, result
    return sorted(note["quote"] for note in json.loads(result.out))


# --- the catalog and the reading positions: the value is read as unknown -------------------


CATALOG_VALUES = [
    pytest.param("added", 5, id="added-int"),
    pytest.param("date", 20240101, id="date-int"),
    pytest.param("date", "yesterday", id="date-not-a-date"),
    pytest.param("date", "2024-13-45", id="date-impossible"),
    pytest.param("reading_minutes", "lots", id="minutes-text"),
    pytest.param("reading_minutes", 10**400, id="minutes-400-digits"),
    pytest.param("reading_minutes", -3, id="minutes-negative"),
    pytest.param("words", 10**400, id="words-400-digits"),
    pytest.param("words", -7, id="words-negative"),
    pytest.param("source", ["a", "list"], id="source-list"),
    pytest.param("updated", {"an": "object"}, id="updated-object"),
    pytest.param("path", 3.5, id="path-float"),
]


@pytest.mark.parametrize(("field", "value"), CATALOG_VALUES)
def test_a_catalog_value_of_the_wrong_kind_is_read_as_unknown(
    library: Library, field: str, value: object
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["documents"][library.ferry][field] = value

    edited = edit_json(library.catalog_file, change)
    for result in run_every_reader(library):
        assert result.code == 0, result
        assert_sentences(result, str(library.catalog_file), f"{library.ferry}: {field}")
    listed = {row["id"]: row for row in listing(library.home)}
    assert set(listed) >= {library.ferry, library.lighthouse}
    assert listed[library.ferry]["title"] == "The ferry left at dawn"
    assert listed[library.ferry]["reading_minutes"] >= 1
    assert listed[library.ferry]["highlights"] == listed[library.lighthouse]["highlights"] == 2
    assert library.catalog_file.read_bytes() == edited  # reading never rewrites the record


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("progress", 10**400, id="progress-400-digits"),
        pytest.param("progress", "half", id="progress-text"),
        pytest.param("progress", float("nan"), id="progress-nan"),
        pytest.param("progress", float("inf"), id="progress-inf"),
        pytest.param("offset", 10**30, id="offset-10e30"),
        pytest.param("offset", -4, id="offset-negative"),
        pytest.param("opened", 5, id="opened-int"),
    ],
)
def test_a_reading_position_of_the_wrong_kind_reads_as_the_start(
    library: Library, field: str, value: object
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["positions"][library.ferry][field] = value

    edited = edit_json(library.reading_file, change)
    for result in run_every_reader(library):
        assert result.code == 0, result
        assert_sentences(result, str(library.reading_file), f"{library.ferry}: {field}")
    listed = {row["id"]: row for row in listing(library.home)}
    assert listed[library.lighthouse]["progress"] == 0.5  # the other position is untouched
    assert 0.0 <= listed[library.ferry]["progress"] <= 1.0
    assert library.reading_file.read_bytes() == edited
    # The next save of that position replaces the bad record, and the warning stops.
    Catalog.open(library.home).save_reading_state(library.ferry, ReadingState(offset=3))
    assert library.cli("list").err == ""


def test_a_catalog_record_without_a_usable_title_is_skipped_and_kept(library: Library) -> None:
    def change(data: dict[str, Any]) -> None:
        data["documents"][library.ferry]["title"] = 42

    text_file = library.home / "documents" / f"{library.ferry}.txt"
    text = text_file.read_bytes()
    edited = edit_json(library.catalog_file, change)
    results = run_every_reader(library)
    for result in results:
        # `show` of that id also says there is no such document: both name it.
        assert_sentences(result, library.ferry)
    # Listing reads every catalog shard, and `show` of that id reads its own: both tell of
    # the record. (The others read only the shards of the documents they need.)
    listings = results[: 1 + len(SORT_KEYS)]
    for result in [*listings, results[len(READ_COMMANDS)]]:
        assert str(library.catalog_file) in result.err
    listed = [row["id"] for row in listing(library.home)]
    assert library.ferry not in listed and library.lighthouse in listed
    assert len(notes_of(library, library.lighthouse)) == 2
    assert library.catalog_file.read_bytes() == edited
    assert text_file.read_bytes() == text
    # The other documents can still change: the skipped record is written back as it was.
    Catalog.open(library.home).remove(library.lighthouse)
    assert (
        json.loads(library.catalog_file.read_text("utf-8"))["documents"][library.ferry]["title"]
        == 42
    )


# --- a journal: kept aside as damage, the good highlights kept ------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"start": 10**30}, id="start-10e30"),
        pytest.param({"start": 10**30, "end": 10**30 + 5}, id="start-and-end-10e30"),
        pytest.param({"end": 10**400}, id="end-400-digits"),
        pytest.param({"status": "fuzzy", "score": 10**400}, id="score-400-digits"),
        pytest.param({"score": float("nan"), "status": "fuzzy"}, id="score-nan"),
        pytest.param({"created": 5}, id="created-int"),
        pytest.param({"updated": 0}, id="updated-zero"),
        pytest.param({"tags": [1, 2]}, id="tags-numbers"),
        pytest.param({"color": 7}, id="color-int"),
    ],
)
def test_a_journal_record_of_the_wrong_kind_is_kept_aside_with_the_rest_read(
    library: Library, fields: dict[str, Any]
) -> None:
    journal = library.journal(library.ferry)
    edited = edit_journal_record(journal, 1, fields)
    results = run_every_reader(library)
    for result in results:
        assert result.code == 0, result
        assert_sentences(result, str(journal))
    assert "damaged" in results[0].err and "1 highlight(s) that could be read" in results[0].err
    (aside,) = journal.parent.glob(f"{journal.name}.damaged-*")
    assert aside.read_bytes() == edited
    assert notes_of(library, library.ferry) == ["Gulls followed the boat out."]
    assert len(notes_of(library, library.lighthouse)) == 2


# --- the counts cache: checked, and rebuilt when wrong --------------------------------------


WRONG_COUNTS = [
    *(
        pytest.param(count, False, id=f"edited-{name}")
        for name, count in (("negative", -7), ("zero", 0), ("400-digits", 10**400))
    ),
    # With the digest made again, only the number itself can tell that it is wrong.
    *(
        pytest.param(count, True, id=f"signed-{name}")
        for name, count in (("negative", -7), ("too-many", 10**6), ("true", True))
    ),
]


@pytest.mark.parametrize(("count", "signed"), WRONG_COUNTS)
def test_a_wrong_count_in_the_cache_is_counted_again(
    library: Library, count: int, signed: bool
) -> None:
    """A count edited in the cache is not believed (the file's digest no longer matches);
    nor is an impossible one, even in a cache whose digest was made again to match."""
    cache = library.home / ANNOTATIONS_FOLDER / COUNTS_CACHE

    def change(data: dict[str, Any]) -> None:
        data["files"][library.ferry][0] = count  # the journal's key is left as it is
        if signed:
            data["check"] = check(data["files"])

    edit_json(cache, change)
    result = library.cli("list", "--json")
    assert result.code == 0 and result.err == "", result
    counts = {row["id"]: row["highlights"] for row in json.loads(result.out)}
    assert counts[library.ferry] == counts[library.lighthouse] == 2
    assert json.loads(cache.read_text("utf-8"))["files"][library.ferry][0] == 2  # rebuilt


def test_a_counts_cache_nested_too_deeply_is_rebuilt(library: Library) -> None:
    cache = library.home / ANNOTATIONS_FOLDER / COUNTS_CACHE
    cache.write_text('{"schema":1,"files":' + "[" * 200_000 + "]" * 200_000 + "}", "utf-8")
    result = library.cli("list", "--json")
    assert result.code == 0 and result.err == "", result
    assert {
        row["highlights"]
        for row in json.loads(result.out)
        if row["id"]
        in (
            library.ferry,
            library.lighthouse,
        )
    } == {2}
    assert json.loads(cache.read_text("utf-8"))["files"][library.ferry][0] == 2


# --- the app ---------------------------------------------------------------------------------


async def test_the_app_opens_a_library_with_values_of_the_wrong_kind_everywhere(
    library: Library,
) -> None:
    def catalog_change(data: dict[str, Any]) -> None:
        data["documents"][library.ferry].update(added=5, date=20240101, reading_minutes="lots")

    def other_catalog_change(data: dict[str, Any]) -> None:
        data["documents"][library.lighthouse]["words"] = 10**400

    def reading_change(data: dict[str, Any]) -> None:
        data["positions"][library.ferry].update(progress=10**400, offset=10**30)

    def settings_change(data: dict[str, Any]) -> None:
        data["settings"]["theme"] = {"value": 5}
        data["settings"]["library_sort"] = {"value": ["title"]}

    edit_json(library.catalog_file, catalog_change)
    edit_json(catalog_shard(library.home, library.lighthouse), other_catalog_change)
    edit_json(library.reading_file, reading_change)
    edit_json(library.settings_file, settings_change)
    edit_journal_record(library.journal(library.lighthouse), 1, {"start": 10**30, "end": 10**30})
    app = make_app(Workspace(Catalog.open(library.home)))
    log = NotificationLog(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        for document in (library.ferry, library.lighthouse):
            app.open_document(document)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.press("j", "j", "n", "q")
            await pilot.pause()
        assert app.is_running
    assert app.return_code in (None, 0)
    warned = "\n".join(log.warnings())
    for path in (library.catalog_file, library.reading_file, library.journal(library.lighthouse)):
        assert str(path) in warned, log.seen
