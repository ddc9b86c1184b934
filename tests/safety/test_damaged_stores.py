"""Damaged store files: a clear sentence, the file kept aside, the app and the command line work.

Each store file of a library (catalog.json, reading.json, settings.json and an annotations
journal) is damaged in six ways: cut short, not JSON, a schema version that is not valid,
a schema version from a newer release, random bytes, and 200,000 nested ``[`` (which
Python's JSON parser cannot follow: a journal loses only that line). Then:

- `newsreader list` prints one warning line naming the file and works;
- the app starts (Pilot) and shows a warning notification;
- a damaged file is kept aside, byte for byte, as ``NAME.damaged-<time>``, and never
  overwritten, not even by later writes;
- a file from a newer release is never modified, whatever the app or the command line do.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from annotations.store import AnnotationStore
from library.catalog import Catalog
from library.catalog_shards import shard_of
from library.entries import ReadingState
from library.parse import parse_bytes
from library.safe_files import StoreError
from reader.app import NewsreaderApp, make_app
from service.workspace import Workspace
from tests.safety.support import added_id, catalog_shard, listing, run_cli

SIZE = (100, 30)
ARTICLE = "The ferry left at dawn. The harbour was quiet.\n\nGulls followed the boat out.\n"
NEWER = 99
"""A schema version no release knows yet."""

STORES = ("catalog.json", "reading.json", "settings.json", "journal")
DAMAGES = (
    "truncated",
    "invalid-json",
    "invalid-schema",
    "newer-schema",
    "random-bytes",
    "deeply-nested",
)

DEEP = b"[" * 200_000 + b"]" * 200_000
"""JSON nested deeper than Python's parser can follow (it raises RecursionError)."""


@dataclass(frozen=True, slots=True)
class Library:
    """A library with one document, a highlight, a reading position and a setting."""

    home: Path
    doc_id: str
    spare: Path
    """A text file not yet in the library, for tests that add one."""

    def store_path(self, store: str) -> Path:
        if store == "journal":
            return AnnotationStore(self.home).journal_path(self.doc_id)
        if store == "catalog.json":
            return catalog_shard(self.home, self.doc_id)
        return self.home / store


@pytest.fixture
def library(private_home: Path, tmp_path: Path) -> Library:
    article = tmp_path / "ferry.txt"
    article.write_text(ARTICLE, "utf-8")
    doc_id = added_id(run_cli("add", str(article)))
    assert run_cli("highlight", doc_id, "--quote", "The harbour was quiet.").code == 0
    catalog = Catalog.open(private_home)
    catalog.save_reading_state(doc_id, ReadingState(offset=24, progress=0.5))
    catalog.set_setting("theme", "textual-dark")
    spare = tmp_path / "spare.txt"
    spare.write_text(_text_in_the_shard_of(doc_id), "utf-8")
    return Library(private_home, doc_id, spare)


def _text_in_the_shard_of(doc_id: str) -> str:
    """A spare article whose id starts as `doc_id` does: adding it writes the catalog
    shard that holds `doc_id` (the catalog is kept in shards by the id's first two
    characters, and an id is the start of the text's sha256)."""
    for number in range(100_000):
        text = f"A spare article about the lighthouse keeper, number {number}.\n"
        stored = parse_bytes(text.encode(), "spare.txt").text
        if shard_of(hashlib.sha256(stored.encode()).hexdigest()) == shard_of(doc_id):
            return text
    raise AssertionError("no spare text found")


def _header_schema(raw: bytes, store: str, schema: object) -> bytes:
    if store == "journal":
        first, rest = raw.split(b"\n", 1)
        header = json.loads(first)
        header["schema"] = schema
        return json.dumps(header).encode() + b"\n" + rest
    tables = json.loads(raw)
    tables["_meta"]["store"]["schema"] = schema
    return json.dumps(tables).encode()


def damage(path: Path, store: str, how: str) -> bytes:
    """Damage the file at `path` in the way `how` names; return its new bytes."""
    raw = path.read_bytes()
    if how == "truncated":
        # A journal cut inside its header line; a JSON file cut in half.
        cut = raw.index(b",") if store == "journal" else len(raw) // 2
        data = raw[:cut]
    elif how == "invalid-json":
        data = b'{"documents": {"x": [1, 2,,]}' if store != "journal" else b"{not json\n"
    elif how == "invalid-schema":
        data = _header_schema(raw, store, "one")
    elif how == "newer-schema":
        data = _header_schema(raw, store, NEWER)
    elif how == "deeply-nested":
        # A complete line for a journal (the lines before it are still good); a value
        # among the real records for the others.
        if store == "journal":
            data = raw + b'{"put":' + DEEP + b"}\n"
        else:
            data = raw.replace(b'"_meta":', b'"extra":{"x":{"value":' + DEEP + b'}},"_meta":')
        assert len(data) > len(DEEP)
    else:
        data = random.Random(f"{store}-{how}").randbytes(400)
    path.write_bytes(data)
    return data


def set_aside(path: Path) -> list[Path]:
    """The copies of `path` kept aside as damaged."""
    return sorted(path.parent.glob(f"{path.name}.damaged-*"))


CASES = [(store, how) for store in STORES for how in DAMAGES]
CASE_IDS = [f"{store}-{how}" for store, how in CASES]


@pytest.mark.parametrize(("store", "how"), CASES, ids=CASE_IDS)
def test_list_warns_in_one_line_and_keeps_the_damaged_file(
    library: Library, store: str, how: str
) -> None:
    path = library.store_path(store)
    damaged = damage(path, store, how)
    result = run_cli("list")
    assert result.code == 0, result
    assert len(result.err_lines) == 1, result.err
    assert str(path) in result.err and "Traceback" not in result.err
    assert result.out.strip()  # the listing itself still works
    if how == "newer-schema":
        assert "newer version" in result.err
        assert path.read_bytes() == damaged
        assert set_aside(path) == []
        return
    assert "damaged" in result.err
    (aside,) = set_aside(path)
    assert str(aside) in result.err
    assert aside.read_bytes() == damaged
    # Told once: the next run finds nothing wrong.
    assert run_cli("list").err == ""


@pytest.mark.parametrize(("store", "how"), CASES, ids=CASE_IDS)
def test_later_writes_never_touch_the_damaged_copy(library: Library, store: str, how: str) -> None:
    path = library.store_path(store)
    damaged = damage(path, store, how)
    run_cli("list")
    catalog = Catalog.open(library.home)
    ids = [entry.id for entry in catalog.entries()]
    # Write to every store: a document, a highlight, a reading position, a setting.
    run_cli("add", str(library.spare))
    for doc_id in ids:
        run_cli("highlight", doc_id, "--quote", catalog.text(doc_id)[:5])
    writes: list[Callable[[], None]] = [
        lambda: catalog.save_reading_state(library.doc_id, ReadingState(offset=1)),
        lambda: catalog.set_setting("theme", "nord"),
    ]
    for write in writes:
        try:
            write()
        except StoreError:  # a file from a newer release refuses writes; that is allowed
            assert how == "newer-schema"
    if how == "newer-schema":
        assert path.read_bytes() == damaged
    else:
        (aside,) = set_aside(path)
        assert aside.read_bytes() == damaged


class NotificationLog:
    """Records every notification an app shows (by wrapping its public `notify`)."""

    def __init__(self, app: NewsreaderApp) -> None:
        self.seen: list[tuple[str, str]] = []
        original = app.notify

        def notify(message: str, **options: Any) -> None:
            self.seen.append((message, str(options.get("severity", "information"))))
            original(message, **options)

        app.notify = notify  # type: ignore[method-assign]

    def warnings(self) -> list[str]:
        return [message for message, severity in self.seen if severity in ("warning", "error")]


def _app_cases() -> Iterator[Any]:
    for store, how in CASES:
        yield pytest.param(store, how, id=f"{store}-{how}")


async def _settle(app: NewsreaderApp) -> None:
    await app.workers.wait_for_complete()


@pytest.mark.parametrize(("store", "how"), list(_app_cases()))
async def test_the_app_starts_and_shows_a_warning(library: Library, store: str, how: str) -> None:
    path = library.store_path(store)
    damaged = damage(path, store, how)
    app = make_app(Workspace(Catalog.open(library.home)))
    log = NotificationLog(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _settle(app)
        await pilot.pause()
        assert app.is_running
    assert app.return_code in (None, 0)
    assert any(str(path) in message for message in log.warnings()), log.seen
    if how == "newer-schema":
        assert path.read_bytes() == damaged
    else:
        (aside,) = set_aside(path)
        assert aside.read_bytes() == damaged


# --- a file from a newer release is never written -------------------------------------------


WriteAction = Callable[[Pilot[None], Library], Awaitable[None]]


async def _write_catalog(pilot: Pilot[None], library: Library) -> None:
    await pilot.press("a")
    await pilot.pause()
    pilot.app.screen.query_one(Input).value = str(library.spare)
    await pilot.press("enter")


async def _write_reading(pilot: Pilot[None], library: Library) -> None:
    await pilot.press("enter")  # open the newest document
    await pilot.pause()
    await pilot.press("j", "j", "q")  # leaving saves the reading position


async def _write_settings(pilot: Pilot[None], library: Library) -> None:
    await pilot.press("s")  # the sort order is remembered


async def _write_journal(pilot: Pilot[None], library: Library) -> None:
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("g", "h")  # highlight the first sentence


WRITES: dict[str, WriteAction] = {
    "catalog.json": _write_catalog,
    "reading.json": _write_reading,
    "settings.json": _write_settings,
    "journal": _write_journal,
}

NEWER_WRITE_CASES = [
    pytest.param("catalog.json"),
    pytest.param("reading.json"),
    pytest.param("settings.json"),
    pytest.param("journal"),
]


@pytest.mark.parametrize("store", NEWER_WRITE_CASES)
async def test_the_app_never_writes_a_newer_file_and_says_so(library: Library, store: str) -> None:
    path = library.store_path(store)
    damaged = damage(path, store, "newer-schema")
    app = make_app(Workspace(Catalog.open(library.home)))
    log = NotificationLog(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _settle(app)
        told_before = len(log.warnings())
        await WRITES[store](pilot, library)
        await pilot.pause()
        await _settle(app)
        await pilot.pause()
        assert app.is_running
    assert app.return_code in (None, 0)
    assert path.read_bytes() == damaged
    if store in ("catalog.json", "journal"):
        # The change the user asked for was not made: they must hear why.
        assert len(log.warnings()) > told_before, log.seen


def test_the_command_line_never_writes_a_newer_catalog_or_journal(library: Library) -> None:
    catalog_path = library.store_path("catalog.json")
    catalog_bytes = damage(catalog_path, "catalog.json", "newer-schema")
    result = run_cli("add", str(library.spare))
    assert result.code == 1 and "newer version" in result.err_lines[-1]
    assert catalog_path.read_bytes() == catalog_bytes

    journal = library.store_path("journal")
    journal_bytes = damage(journal, "journal", "newer-schema")
    result = run_cli("highlight", library.doc_id, "--quote", "The ferry left at dawn.")
    assert result.code == 1 and "newer version" in result.err_lines[-1]
    assert "Traceback" not in result.err
    assert journal.read_bytes() == journal_bytes
    assert catalog_path.read_bytes() == catalog_bytes


def test_remove_with_a_newer_reading_file_is_all_or_nothing(library: Library) -> None:
    reading = library.store_path("reading.json")
    reading_bytes = damage(reading, "reading.json", "newer-schema")
    result = run_cli("remove", library.doc_id)
    listed = [row["id"] for row in listing(library.home)]
    journal = library.store_path("journal")
    removed = list((journal.parent / "removed").glob(f"{library.doc_id}-*"))
    if result.code == 0:
        assert library.doc_id not in listed and removed and not journal.exists()
    else:
        assert library.doc_id in listed and journal.exists()
    assert reading.read_bytes() == reading_bytes


def test_a_damaged_catalog_loses_no_text(library: Library) -> None:
    """The catalog is set aside, but every document's text file stays where it was."""
    text_file = library.home / "documents" / f"{library.doc_id}.txt"
    before = text_file.read_bytes()
    damage(library.store_path("catalog.json"), "catalog.json", "invalid-json")
    assert "damaged" in run_cli("list").err
    assert text_file.read_bytes() == before
    # Adding the file again brings the document back under the same id, highlights and all.
    source = library.spare.with_name("ferry.txt")
    assert added_id(run_cli("add", str(source))) == library.doc_id
    notes = json.loads(run_cli("notes", library.doc_id, "--json").out)
    assert [note["quote"] for note in notes] == ["The harbour was quiet."]
