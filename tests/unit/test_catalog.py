"""The catalog: adding, updating, finding, sorting and removing documents; reading state."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import library.add_batches as add_batches
import library.catalog as catalog_module
from library.catalog import (
    SORT_KEYS,
    WELCOME_TITLE,
    AmbiguousId,
    Catalog,
    MissingText,
    SortKey,
    UnknownDocument,
)
from library.catalog_shards import shard_of
from library.document_files import AddRegistry, find_leftovers
from library.entries import FINISHED_PROGRESS, Entry, ReadingState, state_from_record
from library.home import resolve_home
from library.parse import load_file

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def article(
    folder: Path,
    name: str,
    title: str,
    body: str | None = None,
    *,
    date: str | None = None,
    source: str | None = None,
) -> Path:
    """Write a small article in the corpus's conventions and return its path.

    The title line is not part of the stored text, so the default body names the title:
    two files with the same body would be the same document.
    """
    if body is None:
        body = f"This is the story of {title}. It has two sentences."
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    marker = f" date {date} " if date else ""
    ending = f"\nSource: {source}" if source else ""
    path.write_text(f"{marker}{title}\n\n{body}{ending}\n", encoding="utf-8")
    return path


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    """An opened library (it holds the welcome guide)."""
    return Catalog.open(tmp_path / "library")


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    return folder


def user_entries(catalog: Catalog, sort: SortKey = "added") -> tuple[Entry, ...]:
    """Every entry but the welcome guide."""
    return tuple(e for e in catalog.entries(sort) if e.path is not None)


def catalog_bytes(catalog: Catalog) -> bytes:
    """Every shard of the catalog, one after the other."""
    return b"".join(path.read_bytes() for path in sorted((catalog.home / "catalog").glob("*.json")))


def shard_file(catalog: Catalog, doc_id: str) -> Path:
    """The catalog shard that holds `doc_id`'s record."""
    return catalog.home / "catalog" / f"{shard_of(doc_id)}.json"


def left_behind(catalog: Catalog) -> Path:
    """The registration an add killed midway leaves behind (its lock gone with it)."""
    marker = catalog.home / ".running" / ".adding-1-deadbeef.lock"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("")
    return marker


# --- home ------------------------------------------------------------------------------


def test_home_comes_from_the_option_then_the_variable_then_the_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSREADER_HOME", str(tmp_path / "from-env"))
    assert resolve_home(str(tmp_path / "from-cli")) == tmp_path / "from-cli"
    assert resolve_home(None) == tmp_path / "from-env"
    monkeypatch.setenv("NEWSREADER_HOME", "")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(sys, "platform", "linux")
    assert resolve_home(None) == tmp_path / "data" / "newsreader"
    monkeypatch.delenv("NEWSREADER_HOME")
    assert resolve_home(None) == tmp_path / "data" / "newsreader"
    assert not (tmp_path / "data").exists()
    assert not (tmp_path / "from-cli").exists() and not (tmp_path / "from-env").exists()


def test_home_expands_the_user_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_home("~/books") == tmp_path / "books"


def test_a_file_where_the_library_should_be_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "lib").write_text("not a folder")
    with pytest.raises(catalog_module.LibraryError, match="cannot be used"):
        Catalog.open(tmp_path / "lib")


# --- the welcome guide -----------------------------------------------------------------


def test_first_run_adds_the_welcome_guide_once(tmp_path: Path) -> None:
    home = tmp_path / "library"
    catalog = Catalog.open(home)
    (welcome,) = catalog.entries()
    assert welcome.title == WELCOME_TITLE
    assert welcome.path is None
    assert welcome.id == hashlib.sha256(catalog.text(welcome.id).encode()).hexdigest()[:12]
    assert "Press j" in catalog.text(welcome.id)
    assert 400 <= welcome.words <= 700
    assert catalog.warnings == ()

    assert len(Catalog.open(home).entries()) == 1  # not added twice
    catalog.remove(welcome.id)
    assert Catalog.open(home).entries() == ()  # a library emptied by hand stays empty


def test_welcome_guide_teaches_the_documented_keys(catalog: Catalog) -> None:
    text = catalog.text(catalog.entries()[0].id)
    for phrase in ("Press j", "Press k", "Press h", "Press a", "Press v", "Press /", "Press e"):
        assert phrase in text
    for key in ("}", "{", "ctrl+s", "esc", "tab", "ctrl+p", "?", " n ", " N ", " c ", " t ", " u "):
        assert key in text


# --- adding ----------------------------------------------------------------------------


def test_add_one_file(catalog: Catalog, sources: Path) -> None:
    path = article(sources, "a.txt", "Bridges and trains", date="2021-05-06", source="The Test")
    result = catalog.add([path])
    assert result.updated == result.unchanged == ()
    assert result.failed == ()
    (entry,) = result.added
    expected_text = load_file(path).text
    assert catalog.text(entry.id) == expected_text
    digest = hashlib.sha256(expected_text.encode("utf-8")).hexdigest()
    assert entry.id == digest[:12] and entry.content_hash == digest
    assert (entry.title, entry.date, entry.source) == (
        "Bridges and trains",
        "2021-05-06",
        "The Test",
    )
    assert entry.path == str(path.resolve())
    assert entry.words == 12 and entry.reading_minutes == 1
    assert entry.added == entry.updated and entry.added.endswith("Z")
    assert (catalog.home / "documents" / f"{entry.id}.txt").read_bytes().decode() == expected_text
    assert catalog.entry(entry.id) == entry
    assert json.loads(json.dumps(entry.to_json()))["title"] == "Bridges and trains"


def test_add_folder_recursively_skipping_hidden_and_other_files(
    catalog: Catalog, sources: Path
) -> None:
    article(sources, "b.txt", "Second by name")
    article(sources, "a.md", "Ignored heading", "# Markdown title\n\nSome body text here.")
    article(sources, "deeper/c.text", "Nested text")
    article(sources, "deeper/still/d.markdown", "Deep", "# Deepest markdown\n\nBody.")
    article(sources, "notes.log", "Not a text suffix")
    article(sources, ".hidden.txt", "Hidden file")
    article(sources, ".git/e.txt", "In a hidden folder")
    result = catalog.add([sources])
    assert result.failed == ()
    assert [Path(e.path or "").name for e in result.added] == [
        "a.md", "b.txt", "c.text", "d.markdown",
    ]  # fmt: skip
    assert {e.title for e in result.added} == {
        "Markdown title", "Second by name", "Nested text", "Deepest markdown",
    }  # fmt: skip
    # Listing by added keeps the order of a batch.
    assert [e.title for e in user_entries(catalog)] == [e.title for e in result.added]


def test_an_explicitly_named_file_is_tried_whatever_its_suffix(
    catalog: Catalog, sources: Path
) -> None:
    path = article(sources, "notes.log", "A log that is really an article")
    (entry,) = catalog.add([path]).added
    assert entry.title == "A log that is really an article"


def test_adding_the_same_file_twice_changes_nothing(catalog: Catalog, sources: Path) -> None:
    path = article(sources, "a.txt", "Once only")
    (entry,) = catalog.add([path]).added
    before = catalog_bytes(catalog)
    result = catalog.add([path, sources])
    assert result.unchanged == (entry,)
    assert result.added == result.updated == ()
    assert result.failed == ()
    assert catalog_bytes(catalog) == before  # not even rewritten
    assert len(user_entries(catalog)) == 1


def test_the_same_text_from_another_file_is_not_added_again(
    catalog: Catalog, sources: Path
) -> None:
    first = article(sources, "a.txt", "Twins")
    second = sources / "copy" / "b.txt"
    second.parent.mkdir()
    second.write_bytes(first.read_bytes())
    (entry,) = catalog.add([first]).added
    result = catalog.add([second])
    assert result.unchanged == (entry,) and result.added == ()
    assert catalog.entry(entry.id).path == str(first.resolve())


def test_a_file_whose_source_line_changed_updates_its_document(
    catalog: Catalog, sources: Path
) -> None:
    path = article(sources, "a.txt", "Harbour vote", source="Old Paper", date="2024-05-01")
    (old,) = catalog.add([path]).added
    article(sources, "a.txt", "Harbour vote", source="New Paper", date="2024-05-02")
    result = catalog.add([path])
    (new,) = result.updated
    assert result.added == result.unchanged == ()
    assert (new.id, new.content_hash) == (old.id, old.content_hash)  # the same text
    assert (new.source, new.date) == ("New Paper", "2024-05-02")
    assert new.added == old.added
    assert result.previous_hashes == ()  # no highlight has anything to find again
    assert catalog.entry(old.id) == new
    assert catalog.add([path]).unchanged == (new,)  # and once recorded, it is unchanged


def test_another_file_with_the_same_text_but_other_metadata_updates_the_document(
    catalog: Catalog, sources: Path
) -> None:
    first = article(sources, "a.txt", "Wire story", "The same words.", source="Wire")
    second = article(sources, "b.txt", "Wire story", "The same words.", source="The Gazette")
    (old,) = catalog.add([first]).added
    result = catalog.add([second])
    (new,) = result.updated
    assert result.added == result.unchanged == () and result.previous_hashes == ()
    assert new.id == old.id and new.source == "The Gazette"
    assert new.path == str(second.resolve())  # the file the metadata now comes from
    assert [e.id for e in user_entries(catalog)] == [old.id]


def test_two_files_with_the_same_text_in_one_add_make_one_document(
    catalog: Catalog, sources: Path
) -> None:
    article(sources, "a.txt", "Wire story", "The same words.", source="Wire")
    article(sources, "b.txt", "Wire story", "The same words.", source="The Gazette")
    result = catalog.add([sources])
    (entry,) = result.added
    assert entry.source == "Wire"  # the first file met gives the metadata
    assert result.unchanged == result.updated == ()


def test_a_changed_caption_is_a_change(catalog: Catalog, sources: Path) -> None:
    path = sources / "photo.txt"
    caption = "Boats wait in the harbour on Nov. 15, 2021.{}/The Associated Press"
    body = "\n\nThe ferry left at dawn. The harbour was quiet.\n"
    path.write_text(caption.format("Susan Walsh") + body, encoding="utf-8")
    (old,) = catalog.add([path]).added
    assert old.caption is not None and "Susan Walsh" in old.caption
    path.write_text(caption.format("Evan Vucci") + body, encoding="utf-8")
    (new,) = catalog.add([path]).updated
    assert new.content_hash == old.content_hash and "Evan Vucci" in (new.caption or "")


def test_a_changed_file_updates_its_document_and_keeps_its_id(
    catalog: Catalog, sources: Path
) -> None:
    path = article(sources, "a.txt", "First version", "Old body text.", source="Old Paper")
    (old,) = catalog.add([path]).added
    article(sources, "a.txt", "Second version", "New body text, longer than before.")
    result = catalog.add([path])
    (new,) = result.updated
    assert result.added == result.unchanged == ()
    assert new.id == old.id
    assert new.title == "Second version" and new.source is None
    assert new.content_hash != old.content_hash
    assert new.added == old.added and new.updated >= old.updated
    assert result.previous_hashes == ((old.id, old.content_hash),)
    assert catalog.text(old.id) == "New body text, longer than before."
    assert [e.id for e in user_entries(catalog)] == [old.id]


def test_unreadable_files_fail_with_a_sentence_and_change_nothing(
    catalog: Catalog, sources: Path
) -> None:
    good = article(sources, "good.txt", "A good one")
    empty = sources / "empty.txt"
    empty.write_bytes(b"")
    binary = sources / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    missing = sources / "missing.txt"
    before = catalog_bytes(catalog)
    documents_before = sorted(p.name for p in (catalog.home / "documents").iterdir())

    result = catalog.add([empty, binary, missing])
    assert result.added == result.updated == result.unchanged == ()
    assert [path for path, _ in result.failed] == [str(empty), str(binary), str(missing)]
    for _, message in result.failed:
        assert message.endswith(".") and "\n" not in message
    assert catalog_bytes(catalog) == before
    assert sorted(p.name for p in (catalog.home / "documents").iterdir()) == documents_before

    mixed = catalog.add([good, binary])
    assert [e.title for e in mixed.added] == ["A good one"]
    assert [path for path, _ in mixed.failed] == [str(binary)]


def test_a_folder_without_text_files_is_reported(catalog: Catalog, sources: Path) -> None:
    (sources / "image.png").write_bytes(b"\x89PNG")
    result = catalog.add([sources])
    assert result.added == () and len(result.failed) == 1
    assert "No text files" in result.failed[0][1]


def test_a_lost_text_file_is_restored_by_adding_its_file_again(
    catalog: Catalog, sources: Path
) -> None:
    path = article(sources, "a.txt", "Fragile")
    (entry,) = catalog.add([path]).added
    (catalog.home / "documents" / f"{entry.id}.txt").unlink()
    with pytest.raises(MissingText, match="is missing from"):
        catalog.text(entry.id)
    assert catalog.add([path]).unchanged == (entry,)
    assert catalog.text(entry.id) == load_file(path).text


def test_add_leaves_no_temporary_files(catalog: Catalog, sources: Path) -> None:
    for number in range(5):
        article(sources, f"{number}.txt", f"Article number {number}")
    catalog.add([sources])
    everything = [p.name for p in catalog.home.rglob("*")]
    assert not [name for name in everything if name.endswith(".tmp")]


def test_listing_reads_no_text_and_tolerates_hand_edited_records(
    catalog: Catalog, sources: Path
) -> None:
    (entry,) = catalog.add([article(sources, "a.txt", "Edited by hand")]).added
    catalog_file = shard_file(catalog, entry.id)
    data = json.loads(catalog_file.read_text(encoding="utf-8"))
    record = data["documents"][entry.id]
    del record["caption"], record["reading_minutes"]
    record["unknown field"] = True
    data["documents"]["0123456789ab"] = {"title": 42}  # unusable: skipped, not fatal
    catalog_file.write_text(json.dumps(data), encoding="utf-8")
    for text_file in (catalog.home / "documents").iterdir():
        text_file.unlink()

    listed = {e.id: e for e in catalog.entries()}
    assert "0123456789ab" not in listed
    assert (listed[entry.id].author, listed[entry.id].url, listed[entry.id].feed) == (None,) * 3
    assert listed[entry.id].title == "Edited by hand"
    assert listed[entry.id].caption is None and listed[entry.id].reading_minutes == 1
    # Missing fields are not faults; the record without a usable title is named, once.
    (warning,) = catalog.warnings
    assert "0123456789ab: title, content_hash" in warning and entry.id not in warning


def test_records_written_before_author_url_and_feed_read_quietly(
    catalog: Catalog, sources: Path
) -> None:
    (entry,) = catalog.add([article(sources, "a.txt", "Older record")]).added
    catalog_file = shard_file(catalog, entry.id)
    data = json.loads(catalog_file.read_text(encoding="utf-8"))
    for name in ("author", "url", "feed"):
        del data["documents"][entry.id][name]
    catalog_file.write_text(json.dumps(data), encoding="utf-8")
    again = Catalog.open(catalog.home)
    assert again.entry(entry.id) == entry and again.warnings == ()


def test_a_catalog_written_before_shards_moves_into_them_on_open(
    catalog: Catalog, sources: Path
) -> None:
    added = catalog.add([article(sources, f"{n}.txt", f"Story {n}") for n in range(12)]).added
    shards = catalog.home / "catalog"
    legacy: dict[str, dict[str, object]] = {"documents": {}}
    for shard in sorted(shards.glob("*.json")):
        legacy["documents"].update(json.loads(shard.read_text("utf-8"))["documents"])
    legacy["_meta"] = json.loads(shard.read_text("utf-8"))["_meta"]
    before = catalog.entries()
    for path in shards.iterdir():
        path.unlink()
    shards.rmdir()
    (catalog.home / "catalog.json").write_text(json.dumps(legacy), "utf-8")

    reopened = Catalog.open(catalog.home)
    assert reopened.entries() == before and reopened.warnings == ()
    assert not (catalog.home / "catalog.json").exists()
    kept = json.loads((catalog.home / "catalog.json.before-shards").read_text("utf-8"))
    assert kept == legacy  # the old file is kept as it was
    assert {shard_file(catalog, entry.id) for entry in added} <= set(shards.glob("*.json"))
    assert Catalog.open(catalog.home).entries() == before  # once only


def test_one_document_is_found_by_reading_its_shard_alone(catalog: Catalog, sources: Path) -> None:
    added = catalog.add([article(sources, f"{n}.txt", f"Story {n}") for n in range(20)]).added
    wanted = added[7]
    for shard in (catalog.home / "catalog").glob("*.json"):
        if shard != shard_file(catalog, wanted.id):
            shard.write_text("{ damaged", "utf-8")  # read, and these would be told of
    reopened = Catalog.open(catalog.home)
    assert reopened.resolve(wanted.id[:5]) == wanted == reopened.entry(wanted.id)
    assert reopened.load(wanted.id).title == wanted.title
    assert reopened.warnings == ()


# --- finding ---------------------------------------------------------------------------


def test_resolve_by_id_or_unique_prefix(catalog: Catalog, sources: Path) -> None:
    for number in range(40):
        article(sources, f"{number:02}.txt", f"Article {number}", f"Body number {number}.")
    catalog.add([sources])
    entries = catalog.entries()
    ids = [e.id for e in entries]
    target = entries[7]
    assert catalog.resolve(target.id) == target
    assert catalog.resolve(target.id.upper()) == target
    unique = next(
        target.id[:n] for n in range(1, 13) if sum(i.startswith(target.id[:n]) for i in ids) == 1
    )
    assert catalog.resolve(unique) == target

    shared = next(c for c in "0123456789abcdef" if sum(i.startswith(c) for i in ids) > 1)
    with pytest.raises(AmbiguousId) as ambiguous:
        catalog.resolve(shared)
    message = str(ambiguous.value)
    assert message.startswith(f'The id "{shared}" matches ')
    assert "type more of the id" in message and "\n" not in message
    first = sorted(i for i in ids if i.startswith(shared))[0]
    assert first in message

    with pytest.raises(UnknownDocument, match='has the id "zz9"'):
        catalog.resolve("zz9")
    with pytest.raises(UnknownDocument):
        catalog.resolve("")
    assert isinstance(ambiguous.value, LookupError)


def test_text_refuses_ids_that_are_not_ids(catalog: Catalog) -> None:
    for bad in ("../catalog", "a/b", "", "x" * 100):
        with pytest.raises(UnknownDocument):
            catalog.text(bad)
    with pytest.raises(UnknownDocument):
        catalog.text("abcdefabcdef")


def test_load_gives_a_document_with_spans(catalog: Catalog, sources: Path) -> None:
    path = article(
        sources, "a.txt", "Spans", "One sentence here. And another one.\n\nA second paragraph."
    )
    (entry,) = catalog.add([path]).added
    document = catalog.load(entry.id)
    assert document.id == entry.id and document.title == "Spans"
    assert document.text == catalog.text(entry.id)
    assert [document.text[a:b] for a, b in document.paragraphs] == [
        "One sentence here. And another one.",
        "A second paragraph.",
    ]
    assert [document.text[a:b] for a, b in document.sentences] == [
        "One sentence here.",
        "And another one.",
        "A second paragraph.",
    ]
    assert document.content_hash == entry.content_hash and document.path == entry.path


# --- sorting ---------------------------------------------------------------------------


@pytest.fixture
def clocked(tmp_path: Path) -> Catalog:
    """An opened library whose clock gives each `add` the next time from a list."""
    times = [f"2026-01-0{day}T10:00:00.000Z" for day in range(1, 10)]
    return Catalog.open(tmp_path / "library", clock=lambda: times.pop(0))


def test_sort_keys(clocked: Catalog, sources: Path) -> None:
    catalog = clocked
    assert SORT_KEYS == ("added", "title", "date", "source", "length", "progress")
    long_body = "Many words here. " * 30
    specs = [
        ("b.txt", "banana", "Short body.", "2020-01-01", "Zeta News"),
        ("a.txt", "Apple", long_body, None, None),
        ("c.txt", "cherry", "A body of medium size, seven words.", "2022-06-30", "alpha post"),
    ]
    entries = {}
    for name, title, body, date, source in specs:
        path = article(sources, name, title, body, date=date, source=source)
        (entries[title],) = catalog.add([path]).added

    def titles(sort: SortKey) -> list[str]:
        return [e.title for e in user_entries(catalog, sort)]

    assert titles("added") == ["cherry", "Apple", "banana"]
    assert titles("title") == ["Apple", "banana", "cherry"]
    assert titles("date") == ["cherry", "banana", "Apple"]
    assert titles("source") == ["cherry", "banana", "Apple"]
    assert titles("length") == ["banana", "cherry", "Apple"]

    catalog.save_reading_state(entries["banana"].id, ReadingState(offset=3, progress=0.9))
    catalog.save_reading_state(entries["Apple"].id, ReadingState(offset=1, progress=0.2))
    assert titles("progress") == ["banana", "Apple", "cherry"]

    with pytest.raises(ValueError, match="Unknown sort order"):
        catalog.entries("colour")  # type: ignore[arg-type]


# --- removing --------------------------------------------------------------------------


def test_remove_drops_metadata_and_text_and_keeps_the_reading_place(
    catalog: Catalog, sources: Path
) -> None:
    keep = catalog.add([article(sources, "keep.txt", "Keep me")]).added[0]
    gone = catalog.add([article(sources, "gone.txt", "Remove me")]).added[0]
    place = ReadingState(offset=5, progress=0.5, opened="2026-11-28T04:15:00Z", finished=True)
    catalog.save_reading_state(gone.id, place)
    catalog.save_reading_state(keep.id, ReadingState(offset=2, progress=0.1))

    assert catalog.remove(gone.id) == gone
    assert [e.id for e in user_entries(catalog)] == [keep.id]
    assert not (catalog.home / "documents" / f"{gone.id}.txt").exists()
    assert catalog.reading_state(keep.id).offset == 2
    with pytest.raises(UnknownDocument):
        catalog.remove(gone.id)
    with pytest.raises(UnknownDocument):
        catalog.resolve(gone.id)
    # Adding the file again brings it back, with the same id, where it was left.
    assert catalog.add([sources / "gone.txt"]).added[0].id == gone.id
    assert catalog.reading_state(gone.id) == place


# --- reading state and settings ------------------------------------------------------


def test_reading_state_round_trip(catalog: Catalog) -> None:
    doc_id = catalog.entries()[0].id
    assert catalog.reading_state(doc_id) == ReadingState(offset=0, progress=0.0, opened=None)
    assert catalog.all_reading_states() == {}
    state = ReadingState(offset=1234, progress=0.42, opened="2026-11-28T04:15:00Z")
    catalog.save_reading_state(doc_id, state)
    assert catalog.reading_state(doc_id) == state
    assert Catalog.open(catalog.home).all_reading_states() == {doc_id: state}
    catalog.save_reading_state(doc_id, ReadingState(offset=-5, progress=7.0))
    assert catalog.reading_state(doc_id) == ReadingState(offset=0, progress=1.0)
    assert json.loads((catalog.home / "reading.json").read_text())["_meta"]["store"]["kind"] == (
        "reading"
    )


def test_finished_stays_until_marked_unread_and_the_place_moves_freely(
    catalog: Catalog,
) -> None:
    doc_id = catalog.entries()[0].id
    catalog.save_reading_state(doc_id, ReadingState(offset=900, progress=0.84, finished=True))
    state = catalog.reading_state(doc_id)
    assert state.finished and state.listed_progress == 1.0
    assert catalog.toggle_finished(doc_id) == replace(state, finished=False)
    unread = catalog.reading_state(doc_id)
    assert (unread.offset, unread.progress, unread.finished) == (900, 0.84, False)
    assert unread.listed_progress == 0.84
    assert catalog.toggle_finished(doc_id).finished  # and read again
    with pytest.raises(UnknownDocument):
        catalog.toggle_finished("000000000000")


def test_a_document_never_opened_can_be_marked_read(catalog: Catalog) -> None:
    doc_id = catalog.entries()[0].id
    assert catalog.toggle_finished(doc_id) == ReadingState(finished=True)
    assert catalog.all_reading_states()[doc_id].listed_progress == 1.0


def test_unread_at_the_end_is_not_listed_as_done_and_old_records_keep_finished(
    catalog: Catalog,
) -> None:
    doc_id = catalog.entries()[0].id
    catalog.save_reading_state(doc_id, ReadingState(offset=9, progress=1.0, finished=False))
    assert catalog.reading_state(doc_id).listed_progress < FINISHED_PROGRESS
    # A position saved before `finished` was kept: at the end means finished.
    assert state_from_record({"offset": 9, "progress": 1.0}).finished
    assert not state_from_record({"offset": 9, "progress": 0.5}).finished
    assert not state_from_record({"offset": 9, "progress": 1.0, "finished": False}).finished
    # A value of the wrong kind is unknown, as if missing.
    assert state_from_record({"progress": 1.0, "finished": "yes"}).finished
    assert not state_from_record({"progress": 0.5, "finished": 1}).finished


def test_settings_round_trip(catalog: Catalog) -> None:
    assert catalog.setting("theme", "textual-dark") == "textual-dark"
    catalog.set_setting("theme", "nord")
    catalog.set_setting("wrap", {"width": 72})
    reopened = Catalog.open(catalog.home)
    assert reopened.setting("theme", "textual-dark") == "nord"
    assert reopened.setting("wrap") == {"width": 72}
    with pytest.raises(TypeError):
        catalog.set_setting("bad", object())


# --- damaged files ---------------------------------------------------------------------


def test_a_damaged_catalog_is_kept_aside_and_reported(catalog: Catalog, sources: Path) -> None:
    (entry,) = catalog.add([article(sources, "a.txt", "Soon lost")]).added
    catalog_file = shard_file(catalog, entry.id)
    catalog_file.write_bytes(catalog_file.read_bytes()[:50])
    (catalog.home / "reading.json").write_text("[]")

    reopened = Catalog.open(catalog.home)
    listed = reopened.entries()  # a shard is read, and found damaged, when it is needed
    assert len(reopened.warnings) == 2
    catalog_warning, reading_warning = reopened.warnings
    assert catalog_warning.startswith(
        f"The catalog file {catalog_file} was damaged; it was kept as"
    )
    assert reading_warning.startswith("The reading-position file ")
    asides = [p.name for p in catalog.home.rglob("*") if ".damaged-" in p.name]
    assert len(asides) == 2
    # Not a first run: the guide is not added again; the library goes on working, with
    # what the other shards hold (here, the guide alone: it is in another).
    assert entry.id not in {e.id for e in listed} and listed == reopened.entries()
    assert [e.title for e in listed] in ([], [WELCOME_TITLE])
    assert len(reopened.add([sources]).added) == 1


# --- concurrency -----------------------------------------------------------------------

ADDER = """
import sys
from pathlib import Path
from library.catalog import Catalog

catalog = Catalog.open(Path(sys.argv[1]))
result = catalog.add([Path(p) for p in sys.argv[2:]])
assert not result.failed, result.failed
"""


@pytest.mark.slow
def test_two_processes_adding_at_once_keep_the_catalog_whole(tmp_path: Path) -> None:
    home = tmp_path / "library"
    Catalog.open(home)
    folders = [tmp_path / "one", tmp_path / "two"]
    for number in range(30):
        article(folders[number % 2], f"{number:02}.txt", f"Article {number}", f"Body {number}.")
    shared = article(tmp_path / "both", "shared.txt", "In both batches")
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", ADDER, str(home), str(folder), str(shared)],
            cwd=REPO,
            env=environment,
            stderr=subprocess.PIPE,
        )
        for folder in folders
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors.decode()
    catalog = Catalog.open(home)
    entries = user_entries(catalog)
    assert len(entries) == 31
    for entry in entries:
        text = catalog.text(entry.id)
        assert hashlib.sha256(text.encode()).hexdigest() == entry.content_hash


# --- the shared corpus -----------------------------------------------------------------


def test_the_shared_corpus_is_added_and_listed(catalog: Catalog) -> None:
    if not CORPUS.is_dir() or not any(CORPUS.glob("*.txt")):
        pytest.skip("../shared/corpus is not present")
    files = sorted(CORPUS.glob("*.txt"))
    result = catalog.add([CORPUS])
    assert result.failed == ()
    assert len(result.added) == len(files)
    by_name = {Path(e.path or "").name: e for e in user_entries(catalog)}
    assert set(by_name) == {f.name for f in files}
    for entry in by_name.values():
        assert entry.title and len(entry.title) <= 100
        assert entry.caption is None or entry.title not in entry.caption
        assert entry.words > 100
        assert entry.date is None or len(entry.date) == 10

    financial = by_name.get("000_d13208a75ad07fcb.txt")
    if financial is not None:
        assert financial.title.startswith("Joe Biden and Xi Jinping concluded a call")
        assert financial.source == "Financial Times"
        assert financial.date is None
    globe = by_name.get("004_3070b542610b7c5b.txt")
    if globe is not None:
        assert globe.date == "2022-03-18"
        assert globe.title.startswith("U.S. President Joe Biden is planning to warn")
        assert globe.caption is not None and globe.caption.startswith(
            "U.S. President Joe Biden meets virtually"
        )
    assert catalog.add([CORPUS]).unchanged == result.added


def test_an_interrupted_update_is_finished_or_undone_on_open(tmp_path: Path) -> None:
    source = tmp_path / "story.txt"
    source.write_text("The final text of the story.\n", encoding="utf-8")
    catalog = Catalog.open(tmp_path / "lib")
    entry = catalog.add([source]).added[0]
    folder = catalog.documents_folder
    # Died after the catalog recorded the new text, before it was swapped in:
    committed = folder / f"{entry.id}.{entry.content_hash[:16]}.next"
    committed.write_text(catalog.text(entry.id), encoding="utf-8")
    catalog.text_path(entry.id).write_text("The old text.", encoding="utf-8")
    # Died before the catalog recorded it: this one never happened.
    abandoned = folder / f"{entry.id}.{'0' * 16}.next"
    abandoned.write_text("A text that was never committed.", encoding="utf-8")
    left_behind(catalog)  # as the add that died leaves it: what tells the open to look
    reopened = Catalog.open(tmp_path / "lib")
    assert reopened.text(entry.id) == "The final text of the story."
    assert not committed.exists()
    assert not abandoned.exists()


# --- leftovers in the documents folder ------------------------------------------------------


def test_leftovers_are_only_files_newsreader_makes_that_no_record_names(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    names = [
        "aaaaaaaaaaaa.txt",  # named by a record
        "aaaaaaaaaaaa.spans",
        "bbbbbbbbbbbb.txt",  # a leftover text and its spans
        "bbbbbbbbbbbb.spans",
        ".bbbbbbbbbbbb.txt.k3j_x9az.tmp",  # temporaries of writes cut short
        ".cccccccccccc.spans.a1b2c3d4.tmp",
        ".cccccccccccc.0123456789abcdef.next.zzzzzzzz.tmp",
        "notes.txt",  # the user's
        "BBBBBBBBBBBB.txt",
        "bbbbbbbbbbbb.txt.bak",
        ".hidden.tmp",
    ]
    for name in names:
        (folder / name).write_text("x", "utf-8")
    (folder / "dddddddddddd.txt").symlink_to(folder / "notes.txt")

    leftovers = find_leftovers(folder, {"aaaaaaaaaaaa": {}})
    assert [p.name for p in leftovers.texts] == ["bbbbbbbbbbbb.txt"]
    assert sorted(p.name for p in leftovers.derived) == sorted(
        [
            "bbbbbbbbbbbb.spans",
            ".bbbbbbbbbbbb.txt.k3j_x9az.tmp",
            ".cccccccccccc.spans.a1b2c3d4.tmp",
            ".cccccccccccc.0123456789abcdef.next.zzzzzzzz.tmp",
        ]
    )
    assert leftovers.registrations == ()


def test_a_running_add_is_seen_until_it_ends_and_a_dead_one_is_cleared(tmp_path: Path) -> None:
    registry = AddRegistry(tmp_path / "documents")
    assert not registry.any_running()
    with registry.running():
        (marker,) = find_leftovers(registry.folder, {}).registrations
        assert registry.any_running()  # another lock on the file: held, so running
        assert marker.exists()
    assert not marker.exists()
    marker.write_text("", "utf-8")  # what a process killed while adding leaves
    assert not registry.any_running()
    assert not marker.exists()


def test_a_folder_is_added_in_batches_with_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory holds one batch of texts; each batch is recorded before the next is read,
    so an add cut short keeps what it recorded; progress is told after each file."""
    monkeypatch.setattr(add_batches, "BATCH_FILES", 3)
    folder = tmp_path / "incoming"
    folder.mkdir()
    for number in range(7):
        (folder / f"{number}.txt").write_text(
            f"Story {number}\n\nThe story numbered {number} is told here.\n", encoding="utf-8"
        )
    (folder / "7.txt").write_text("Story 0\n\nThe story numbered 0 is told here.\n", "utf-8")
    home = tmp_path / "lib"
    catalog = Catalog.open(home)

    def stories() -> int:
        return sum(e.title.startswith("Story") for e in Catalog.open(home).entries())

    told: list[tuple[int, int, int]] = []
    result = catalog.add(
        [folder], progress=lambda done, total: told.append((done, total, stories()))
    )
    # A step for each file read, one for each text written, one for each on disk; a file
    # with no text to write takes its two at once.
    dones = [done for done, _, _ in told]
    assert dones == [*range(1, 23), 24] and {total for _, total, _ in told} == {24}
    # Each batch was recorded before the next one's files were read.
    recorded = [stories for _, _, stories in told]
    assert recorded == [0] * 9 + [3] * 9 + [6] * 5
    assert stories() == 7
    assert len(result.added) == 7 and result.updated == ()
    assert result.unchanged == ()  # the copy of story 0 in the last batch: added already


def test_a_record_is_kept_in_one_of_64_shards_by_the_start_of_its_id() -> None:
    assert shard_of("3e1f00aa22bb") == shard_of("3C") == shard_of("3F9") == "33"
    assert shard_of("30ab") == "30" and shard_of("a") == "a_" and shard_of("Zq-x") == "z_"
    hex_digits = "0123456789abcdef"
    assert len({shard_of(a + b + "0" * 10) for a in hex_digits for b in hex_digits}) == 64


def test_a_document_found_by_its_id_reads_its_shard_once(
    catalog: Catalog, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`show`, `highlight` and opening a document find the id, then its record: in a large
    library that is some 800 records of one shard read and checked, once, not twice; a
    change by another copy is still seen."""
    from library.storage import Record, Store

    added = catalog.add([article(sources, "a.txt", "Harbour news")]).added[0]
    fresh = Catalog.open(catalog.home)
    reads: list[Path] = []
    read_table = Store.read_table

    def counted(store: Store, name: str, *, checked: bool = True) -> dict[str, Record]:
        reads.append(store.path)
        return read_table(store, name, checked=checked)

    monkeypatch.setattr(Store, "read_table", counted)
    assert fresh.entry(fresh.resolve(added.id[:6]).id).title == "Harbour news"
    assert reads == [shard_file(catalog, added.id)]
    Catalog.open(catalog.home).add([article(sources, "a.txt", "Harbour news", "Changed.")])
    reads.clear()
    assert fresh.entry(added.id).words == 1  # the shard changed: read again
    assert reads == [shard_file(catalog, added.id)]


def test_a_document_read_by_its_id_checks_its_record_alone(
    catalog: Catalog, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`show ID` in a large library checks the one record it uses, not the ~800 beside it
    in the same shard; a fault in that record is still told, once."""
    from library import catalog as catalog_module
    from library.catalog_shards import shard_of

    added = catalog.add([article(sources, "a.txt", "Harbour news")]).added[0]
    neighbours = {
        f"{shard_of(added.id)}{n:010x}": {**added.to_record(), "title": f"Other {n}"}
        for n in range(50)
    }
    store = Catalog.open(catalog.home)._catalog.store(shard_of(added.id))
    with store.transaction() as db:
        db.table("documents").put_many(neighbours)
    from library.entries import check_entry_record as check

    checked: list[str] = []

    def counted(doc_id: str, record: object) -> object:
        checked.append(doc_id)
        return check(doc_id, record)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog_module, "check_entry_record", counted)
    fresh = Catalog.open(catalog.home)
    assert fresh.entry(fresh.resolve(added.id).id).title == "Harbour news"
    assert set(checked) == {added.id}


def test_a_fault_in_the_record_read_by_its_id_is_still_told(
    catalog: Catalog, sources: Path
) -> None:
    from library.catalog_shards import shard_of

    added = catalog.add([article(sources, "a.txt", "Harbour news")]).added[0]
    store = Catalog.open(catalog.home)._catalog.store(shard_of(added.id))
    with store.transaction() as db:
        db.table("documents").put(added.id, {**added.to_record(), "words": "many"})
    fresh = Catalog.open(catalog.home)
    assert fresh.entry(fresh.resolve(added.id[:6]).id).title == "Harbour news"
    told = [message for message in fresh.warnings if "wrong kind" in message]
    assert len(told) == 1, fresh.warnings
