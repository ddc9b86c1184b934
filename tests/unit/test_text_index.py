"""The library-wide search index: right across add, update, remove, crashes, damage and a
second process; and what it answers is what a search of every text answers."""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from library.catalog import Catalog
from library.index_file import INDEX_FILE
from library.library_search import exact_tiers, exact_tiers_of_original
from library.normalization import normalize, normalize_query
from library.text_index import SearchCancelled, TextIndex, offsets_follow
from reader.cli import main
from service.library_search import LibrarySearch
from service.text_search import SearchHit, TextSearch
from service.workspace import Workspace

WRITER = Path(__file__).resolve().parent / "index_writer.py"

WORDS = [
    "harbour",
    "ferry",
    "gulls",
    "breakwater",
    "islands",
    "master",
    "quiet",
    "dawn",
    "noon",
    "council",
    "bridge",
    "library",
    "anxiety",
    "xi",
    "Xinhua",
    "taxi",
    "café",
    "naïve",
    "ﬁsh",
    "straße",
    "co\xadoperation",
    "“quoted”",
    "anti-aircraft",
    "missiles",
    "Zhao",
    "Lijian",
    "well—known",
]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def made_up(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)) + ".\n"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "lib")


def ids_found(workspace: Workspace, query: str) -> set[str]:
    search = LibrarySearch(workspace.catalog)
    try:
        return {hit.document_id for hit in search.find(query, 50) if hit.match.exact}
    finally:
        search.close()


def index_agrees_with_catalog(home: Path) -> None:
    """After a search, the index holds exactly the catalog's documents and texts."""
    catalog = Catalog.open(home)
    LibrarySearch(catalog).close()
    index = TextIndex.open(home)
    indexed = index.hashes()
    index.close()
    assert indexed == {entry.id: entry.content_hash for entry in catalog.entries()}


def test_search_reads_only_the_texts_that_can_answer(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(7)
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(120):
        write(folder, f"a{number:03}.txt", f"Note {number}\n\n{made_up(rng, 60)}")
    write(folder, "rare.txt", "Rare\n\nThe zeppelin moored above the harbour.\n")
    workspace.add([folder])
    LibrarySearch(workspace.catalog).close()  # builds the index
    reads: list[str] = []
    text = workspace.catalog.text

    def counted(doc_id: str) -> str:
        reads.append(doc_id)
        return text(doc_id)

    monkeypatch.setattr(workspace.catalog, "text", counted)
    search = workspace.text_search()
    (hit,) = search.find("zeppelin", 10)
    assert workspace.catalog.text(hit.document_id)[hit.match.start : hit.match.end] == "zeppelin"
    assert len(reads) <= 3  # the one document (and its context), not 122


@pytest.mark.parametrize(
    "query",
    [
        "harbour",
        "xi",
        "x",
        "ferry gulls",
        "fish",
        "strasse",
        "cooperation",
        '"quoted"',
        "anti aircraft",
        "well-known",
        "Zhao Lijan",
        "harbor mastr",
        "qzxv wplk",
        "s",
        "é",
    ],
)
@pytest.mark.parametrize(("limit", "per_document"), [(5, None), (40, None), (60, 4)])
def test_answers_are_those_of_a_search_of_every_text(
    workspace: Workspace, tmp_path: Path, query: str, limit: int, per_document: int | None
) -> None:
    rng = random.Random(11)
    folder = tmp_path / "docs"
    folder.mkdir()
    for number in range(40):
        write(folder, f"d{number:02}.txt", f"Doc {number}\n\n{made_up(rng, rng.randint(5, 80))}")
    workspace.add([folder])
    everything = TextSearch(workspace.catalog, workspace.catalog.entries())
    indexed = LibrarySearch(workspace.catalog)
    expected = everything.find(query, limit, per_document=per_document)
    found = indexed.find(query, limit, per_document=per_document)
    exact = [hit for hit in expected if hit.match.exact]
    assert [hit for hit in found if hit.match.exact] == exact
    if len(workspace.catalog.entries()) <= 120:  # every document is a candidate: all alike
        assert found == expected
    for hit in found:
        assert indexed.context(hit) == everything.context(hit)


def test_the_index_follows_add_update_and_remove(workspace: Workspace, tmp_path: Path) -> None:
    first = write(tmp_path, "one.txt", "One\n\nThe lighthouse keeper counted ships.\n")
    doc_id = workspace.add([first]).touched[0]
    assert ids_found(workspace, "lighthouse keeper") == {doc_id}
    assert (workspace.catalog.home / INDEX_FILE).is_file()
    write(tmp_path, "one.txt", "One\n\nThe signal keeper counted boats.\n")
    assert workspace.add([first]).result.updated  # the same file, changed
    assert ids_found(workspace, "lighthouse keeper") == set()
    assert ids_found(workspace, "signal keeper") == {doc_id}
    workspace.remove(doc_id)
    assert ids_found(workspace, "signal keeper") == set()
    index_agrees_with_catalog(workspace.catalog.home)


def test_changes_made_behind_the_index_are_caught_up(workspace: Workspace, tmp_path: Path) -> None:
    """A writer that never told the index (an older release, the catalog used directly)."""
    LibrarySearch(workspace.catalog).close()
    catalog = Catalog.open(workspace.catalog.home)  # not through the workspace: no hooks
    story = write(tmp_path, "s.txt", "Story\n\nA kettle whistled in the signal box.\n")
    (entry,) = catalog.add([story]).added
    assert ids_found(workspace, "kettle whistled") == {entry.id}
    write(tmp_path, "s.txt", "Story\n\nA radio hummed in the signal box.\n")
    catalog.add([story])
    assert ids_found(workspace, "kettle whistled") == set()
    assert ids_found(workspace, "radio hummed") == {entry.id}
    catalog.remove(entry.id)
    assert ids_found(workspace, "radio hummed") == set()
    index_agrees_with_catalog(workspace.catalog.home)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty-tables"])
def test_a_damaged_index_is_built_again_with_one_sentence(
    workspace: Workspace, tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    story = write(tmp_path, "s.txt", "Story\n\nThe tram rattled past the bakery.\n")
    doc_id = workspace.add([story]).touched[0]
    LibrarySearch(workspace.catalog).close()
    path = workspace.catalog.home / INDEX_FILE
    raw = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"this is not a database at all" * 100)
    elif damage == "truncated":
        path.write_bytes(raw[:100] + bytes(len(raw) - 100))
    else:
        path.write_bytes(raw[:4096] + b"\xff" * (len(raw) - 4096))
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    capsys.readouterr()
    assert main(["--library", str(workspace.catalog.home), "search", "tram rattled"]) == 0
    out, err = capsys.readouterr()
    assert doc_id in out
    (sentence,) = err.splitlines()
    assert "search index" in sentence and "built again" in sentence
    # Built again once: the next search says nothing.
    assert main(["--library", str(workspace.catalog.home), "search", "tram rattled"]) == 0
    assert capsys.readouterr().err == ""


def test_a_cancelled_build_keeps_what_it_did_and_a_cancelled_query_stops(
    workspace: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(450):
        write(folder, f"n{number}.txt", f"N {number}\n\nnumber{number} went by.\n")
    Catalog.open(workspace.catalog.home).add([folder])  # no index yet, no hooks
    asked = 0

    def after_two_batches() -> bool:
        nonlocal asked
        asked += 1
        return asked > 2

    with pytest.raises(SearchCancelled):
        LibrarySearch(workspace.catalog, cancelled=after_two_batches)
    index = TextIndex.open(workspace.catalog.home)
    assert len(index.hashes()) == 400  # two batches of 200, committed
    index.close()
    told: list[tuple[int, int]] = []
    search = LibrarySearch(
        workspace.catalog, progress=lambda done, total: told.append((done, total))
    )
    assert told[-1] == (51, 51)  # only what was left: 450 and the welcome guide, less 400
    with pytest.raises(SearchCancelled):
        search.find("went by", 10, cancelled=lambda: True)


@pytest.mark.slow
def test_kill_9_in_the_middle_of_adds_leaves_searches_right(tmp_path: Path) -> None:
    home = tmp_path / "lib"
    LibrarySearch(Catalog.open(home)).close()  # the index exists: adds write it
    rng = random.Random(5)
    for trial in range(6):
        writer = subprocess.Popen(
            [sys.executable, str(WRITER), str(home), "--prefix", f"k{trial}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.3, 1.2))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        index_agrees_with_catalog(home)
    catalog = Catalog.open(home)
    search = LibrarySearch(catalog)
    marks = 0
    for entry in catalog.entries():
        named = re.search(r"\bk\d+mark\d+v\d+\b", catalog.text(entry.id))
        if named is None:
            continue
        marks += 1
        word = named.group()
        hits = [hit for hit in search.find(word, 5) if hit.match.exact]
        assert [hit.document_id for hit in hits] == [entry.id]
    assert marks >= 6


@pytest.mark.slow
def test_a_second_process_adding_while_one_searches(tmp_path: Path) -> None:
    home = tmp_path / "lib"
    LibrarySearch(Catalog.open(home)).close()
    start = tmp_path / "go"
    writer = subprocess.Popen(
        [
            sys.executable,
            str(WRITER),
            str(home),
            "--rounds",
            "8",
            "--prefix",
            "p",
            "--start-file",
            str(start),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    start.touch()
    searches = 0
    while writer.poll() is None or searches < 3:
        search = LibrarySearch(Catalog.open(home))
        for hit in search.find("ferry harbour", 20):
            assert isinstance(hit, SearchHit)
        assert search.warnings == ()
        search.close()
        searches += 1
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    index_agrees_with_catalog(home)
    catalog = Catalog.open(home)
    search = LibrarySearch(catalog)
    for item in (number * 6 + slot for number in (0, 2, 4, 6) for slot in range(6)):
        found = search.find(f"pmark{item}v7" if item >= 36 else f"pmark{item}v", 5)
        assert len({hit.document_id for hit in found if hit.match.exact}) == 1


_TEXTS = st.text(
    alphabet=st.sampled_from(list("ab xyXY-.’'\u00ad\u0301ßﬁİé²①\u2014\n")), max_size=60
)


@settings(max_examples=300, deadline=None)
@given(
    text=_TEXTS,
    query=st.text(alphabet=st.sampled_from(list("abxy ß.é2")), min_size=1, max_size=4),
    limit=st.integers(1, 6),
)
def test_weighing_on_the_stored_text_agrees_with_the_search(
    text: str, query: str, limit: int
) -> None:
    normalized = normalize(text)
    wanted = normalize_query(query)
    if not wanted:
        return
    truth = exact_tiers_of_original(text, query, limit)
    if offsets_follow(text, not normalized.folding):
        assert exact_tiers(normalized.text, wanted, limit) == truth
