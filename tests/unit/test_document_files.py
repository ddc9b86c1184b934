"""The documents folder's leftovers: every file newsreader keeps of a document counts."""

from __future__ import annotations

from pathlib import Path

from library.catalog import Catalog
from library.document_files import find_leftovers


def test_structure_and_raw_pages_of_no_record_are_leftovers(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    names = [
        "aaaaaaaaaaaa.txt",  # a document the catalog names, and all it keeps
        "aaaaaaaaaaaa.structure",
        "aaaaaaaaaaaa.html",
        "bbbbbbbbbbbb.structure",  # of no record
        "bbbbbbbbbbbb.html",
        ".cccccccccccc.structure.k3j_x9az.tmp",  # writes cut short
        ".cccccccccccc.html.a1b2c3d4.tmp",
        "notes.html",  # the user's
        "bbbbbbbbbbbb.structure.bak",
    ]
    for name in names:
        (folder / name).write_text("x", "utf-8")
    leftovers = find_leftovers(folder, {"aaaaaaaaaaaa": {}})
    assert [p.name for p in leftovers.texts] == ["bbbbbbbbbbbb.html"]  # kept as texts are
    assert sorted(p.name for p in leftovers.derived) == [
        ".cccccccccccc.html.a1b2c3d4.tmp",
        ".cccccccccccc.structure.k3j_x9az.tmp",
        "bbbbbbbbbbbb.structure",
    ]


def test_opening_after_a_dead_add_tidies_structure_and_raw_page(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("Some *words*.", encoding="utf-8")
    catalog = Catalog.open(tmp_path / "lib")
    (entry,) = catalog.add([source]).added
    kept = catalog.text_path(entry.id).with_suffix(".structure")
    assert kept.is_file()
    folder = kept.parent
    left = [folder / "bbbbbbbbbbbb.structure", folder / "bbbbbbbbbbbb.html"]
    left.append(folder / ".bbbbbbbbbbbb.structure.x1y2z3.tmp")
    for path in left:
        path.write_text("x", "utf-8")
    marker = catalog.home / ".running" / ".adding-1-deadbeef.lock"  # a dead add's
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("")
    Catalog.open(catalog.home)
    assert not any(path.exists() for path in left)
    assert kept.is_file()
