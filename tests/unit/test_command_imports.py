"""What a command imports: each command pays for the modules it uses, not for every
command's (the feeds' commands, the fuzzy filter, the list's rows). Checked in a fresh
interpreter: this one has imported everything already."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from library.index_file import INDEX_FILE
from reader.cli import main

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "library"

RUN_COMMAND = """
import json, sys
from reader.cli import main
code = main(sys.argv[1:])
print(json.dumps([code, sorted(sys.modules)]), file=sys.stderr)
"""

NEVER_FOR_ONE_DOCUMENT = (
    "reader.cli_feeds",
    "service.feeds",
    "library.filtering",
    "rapidfuzz",
    "library.add_batches",
    "reader.cli_rows",
    "reader.cli_progress",
    "library.document",  # an opened document, with the structure model: the app's
    "library.structure",
    "library.structure_files",
    "library.spancache",
)
"""Modules `highlight`, `notes ID --json` and `show ID` have no use for."""

NEVER_TO_READ = (
    "uuid",  # and `platform`: for making a highlight
    "platform",
    "concurrent.futures",  # and `logging`: for writing many files at once (an add)
    "logging",
    "secrets",  # for an add's marker
    "library.segment",  # for spans not cached yet
    "library.segment_scan",
    "library.textfile",  # for reading a file to add
)
"""Modules a command that only reads (`notes`, `show`) has no use for either."""

NEVER_TO_HIGHLIGHT = (
    "uuid",  # an id is sixteen random bytes
    "platform",
    "filelock",  # the journal's lock is taken with flock (`library.file_locks`)
    "shutil",  # argparse's help width is found without it (`reader.cli_parsers`)
    "tempfile",  # (and `random`): a highlight is appended, not written whole
    "random",
    "annotations.document_annotations",  # one opened document's highlights, for the app
    "annotations.mirror_settings",  # only whether there is a notes folder (`notes_folder`)
)
"""Modules `highlight` has no use for, though it makes a highlight and takes a lock, once
the document has highlights (its first is written as a whole new journal)."""


def loaded_by(*argv: str) -> tuple[int, set[str]]:
    """The exit status of `newsreader ARGV` run alone, and the modules it imported."""
    result = subprocess.run(
        [sys.executable, "-c", RUN_COMMAND, *argv],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    code, modules = json.loads(result.stderr.strip().splitlines()[-1])
    return code, set(modules)


@pytest.fixture
def library(tmp_path: Path) -> tuple[Path, str]:
    """A library of the fixtures (its folder and a document's id)."""
    source = tmp_path / "src"
    shutil.copytree(FIXTURES, source)
    home = tmp_path / "home"
    assert main(["--library", str(home), "add", str(source)]) == 0
    from library.catalog import Catalog

    entry = next(e for e in Catalog.open(home).entries() if e.title.startswith("The harbour"))
    return home, entry.id


@pytest.mark.parametrize(
    ("command", "never"),
    [
        (("highlight", "{id}", "--quote", "harbour authority", "--nth", "1"), ()),
        (("notes", "{id}", "--json"), NEVER_TO_READ),
        (("notes", "{id}"), NEVER_TO_READ),
        (("show", "{id}"), NEVER_TO_READ),
    ],
    ids=["highlight", "notes --json", "notes", "show"],
)
def test_a_command_on_one_document_imports_only_what_it_uses(
    library: tuple[Path, str], command: tuple[str, ...], never: tuple[str, ...]
) -> None:
    home, doc_id = library
    argv = [part.format(id=doc_id) for part in command]
    code, loaded = loaded_by("--library", str(home), *argv)
    assert code == 0
    unused = NEVER_FOR_ONE_DOCUMENT + never
    inside = tuple(f"{name}." for name in unused)
    imported = {name for name in loaded if name in unused or name.startswith(inside)}
    assert not imported, f"{' '.join(command)} imported what it does not use"


def test_one_more_highlight_imports_only_what_it_uses(library: tuple[Path, str]) -> None:
    home, doc_id = library
    assert (
        main(["--library", str(home), "highlight", doc_id, "--quote", "harbour", "--nth", "2"]) == 0
    )
    code, loaded = loaded_by(
        "--library", str(home), "highlight", doc_id, "--quote", "harbour authority", "--nth", "1"
    )
    assert code == 0
    unused = NEVER_FOR_ONE_DOCUMENT + NEVER_TO_HIGHLIGHT
    inside = tuple(f"{name}." for name in unused)
    imported = {name for name in loaded if name in unused or name.startswith(inside)}
    assert not imported, "one more highlight imported what it does not use"


NEVER_TO_ADD_UNINDEXED = (
    "filelock",  # an add's marker is locked with flock (`library.file_locks`)
    "rapidfuzz",  # the search, for an add that has nothing to index
    "service.library_search",
    "library.library_search",
    "library.text_index",  # (and SQLite): the library has no index yet
    "sqlite3",
)
"""Modules an add to a library with no search index has no use for."""


def test_an_add_to_a_library_without_an_index_imports_no_search(
    library: tuple[Path, str], tmp_path: Path
) -> None:
    home, _ = library
    assert not (home / INDEX_FILE).exists()
    article = tmp_path / "one more.txt"
    article.write_text("One more article about the harbour, and its ferry.\n", encoding="utf-8")
    code, loaded = loaded_by("--library", str(home), "add", str(article))
    assert code == 0
    inside = tuple(f"{name}." for name in NEVER_TO_ADD_UNINDEXED)
    imported = {
        name for name in loaded if name in NEVER_TO_ADD_UNINDEXED or name.startswith(inside)
    }
    assert not imported, "an add imported the search it has no use for"


def test_notes_searched_still_filter_fuzzily(library: tuple[Path, str]) -> None:
    home, doc_id = library
    main(["--library", str(home), "highlight", doc_id, "--quote", "harbour authority"])
    code, loaded = loaded_by("--library", str(home), "notes", doc_id, "--search", "harbor")
    assert code == 0
    assert "library.filtering" in loaded


def test_the_feeds_commands_still_have_their_parsers(library: tuple[Path, str]) -> None:
    home, _ = library
    code, loaded = loaded_by("--library", str(home), "feed", "list", "--json")
    assert code == 0
    assert "reader.cli_feeds" in loaded


def test_starting_the_app_reads_its_arguments_without_argparse(
    library: tuple[Path, str],
) -> None:
    home, doc_id = library
    code, loaded = loaded_by("--library", str(home), doc_id)
    assert code == 1  # no terminal here: said in one sentence, before Textual is imported
    assert "argparse" not in loaded and "textual" not in loaded


PLAIN_STARTS = [
    [],
    ["ID"],
    ["--library", "DIR"],
    ["--library", "DIR", "ID"],
    ["ID", "--library", "DIR"],
    ["--library", "", "ID"],
    [""],
]


@pytest.mark.parametrize("head", PLAIN_STARTS, ids=repr)
def test_a_plain_start_is_read_as_argparse_reads_it(head: list[str]) -> None:
    from reader.cli import _plain_start
    from reader.cli_parsers import top_parser

    options, extra = top_parser().parse_known_args(head)
    assert not extra and not options.version
    assert _plain_start(head) == (options.library, options.target)


@pytest.mark.parametrize(
    "head",
    [
        ["--version"],
        ["--help"],
        ["--library"],
        ["--library=DIR"],
        ["--lib", "DIR"],
        ["--library", "-D"],
        ["--library", "A", "--library", "B"],
        ["ID", "OTHER"],
        ["-x"],
        ["-"],
    ],
    ids=repr,
)
def test_anything_else_is_left_to_argparse(head: list[str]) -> None:
    from reader.cli import _plain_start

    assert _plain_start(head) is None
