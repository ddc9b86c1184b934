"""`list` and `search` fit the terminal's width (titles cut with `…`, never wrapped); piped,
their output is what it always was."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.cli_rows import fit_title_and_source
from reader.labels import cell_width, clip_cells
from tests.safety.support import run_cli

LONG_TITLE = (
    "The harbour authority in Port Ellery voted on Tuesday to rebuild the old breakwater soon"
)
WIDE_TITLE = "港口管理局週二投票決定在冬季風暴來臨之前重建舊防波堤並且擴建碼頭"
SOURCE = "The Coastal Gazette"


class Terminal(io.StringIO):
    """Standard output as a terminal: `isatty` says so."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def library(tmp_path: Path) -> Path:
    library = tmp_path / "lib"
    body = "The breakwater was built in 1911. The sea does not wait for anyone at all. " * 8
    for name, title, source in (
        ("long.txt", LONG_TITLE, SOURCE),
        ("wide.txt", WIDE_TITLE, "海岸日報"),
        ("short.txt", "Tides", None),
    ):
        tail = f"\n\nSource: {source}\n" if source else "\n"
        text = f"{title}\n\n{body}{name}{tail}"
        (tmp_path / name).write_text(text, encoding="utf-8")
    added = run_cli(
        "--library",
        str(library),
        "add",
        *(str(tmp_path / n) for n in ("long.txt", "wide.txt", "short.txt")),
    )
    assert added.code == 0, added.err
    return library


def on_terminal(monkeypatch: pytest.MonkeyPatch, columns: int, *argv: str) -> list[str]:
    """The lines `newsreader ARGV` prints on a terminal `columns` wide."""
    screen = Terminal()
    with monkeypatch.context() as patched:
        patched.setenv("COLUMNS", str(columns))
        patched.setattr(sys, "stdout", screen)
        assert main(list(argv)) == 0
    return screen.getvalue().splitlines()


@pytest.mark.parametrize("columns", [50, 80, 100, 160])
def test_list_fits_the_terminal(
    library: Path, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    lines = on_terminal(monkeypatch, columns, "--library", str(library), "list")
    assert len(lines) == 4  # the three documents and the welcome guide
    for line in lines:
        assert cell_width(line) <= columns, line
    long_row = next(line for line in lines if "The har" in line)
    if columns < 120:
        assert "…" in long_row
    else:
        assert long_row.endswith(f"{LONG_TITLE}  ({SOURCE})")


def test_list_on_a_terminal_keeps_the_source_and_cuts_the_title(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = on_terminal(monkeypatch, 100, "--library", str(library), "list")
    harbour = next(line for line in lines if "harbour" in line)
    assert harbour.endswith(f"…  ({SOURCE})")
    assert "The harbour authority in Port" in harbour
    wide = next(line for line in lines if "港口" in line)
    assert cell_width(wide) <= 100 and "…" in wide and wide.endswith("(海岸日報)")


def test_search_fits_the_terminal(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = on_terminal(
        monkeypatch, 60, "--library", str(library), "search", "breakwater", "--limit", "3"
    )
    assert len(lines) == 6  # a row and a context line per hit
    for line in lines:
        assert cell_width(line) <= 60, line
    assert all(line.startswith("    ") for line in lines[1::2])


def test_piped_output_is_whole(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    listed = run_cli("--library", str(library), "list")
    harbour = next(line for line in listed.out.splitlines() if "harbour" in line)
    assert harbour.endswith(f"   1 min   new  {LONG_TITLE}  ({SOURCE})")
    found = run_cli("--library", str(library), "search", "breakwater", "--limit", "1")
    row, context = found.out.splitlines()
    assert row.endswith((LONG_TITLE, WIDE_TITLE))  # piped, a row is whole, as `list`'s
    assert context.startswith("    ") and len(context) > 40


def test_clip_cells_counts_wide_characters_twice() -> None:
    assert clip_cells("abcdef", 6) == "abcdef"
    assert clip_cells("abcdef", 4) == "abc…"
    assert clip_cells("ab cdef", 4) == "ab…"  # no space before the ellipsis
    assert clip_cells("港口管理局", 6) == "港口…"  # never half a wide character
    assert clip_cells("港口管理局", 5) == "港口…"
    assert cell_width("é") == 1 and cell_width("e\u0301") == 1


def test_fit_title_and_source_cuts_the_title_first() -> None:
    assert fit_title_and_source("A title", "Src", 30) == "A title  (Src)"
    title, source = "A rather long title here", "Financial Times"
    assert fit_title_and_source(title, source, 40) == "A rather long title…  (Financial Times)"
    # The title keeps half the room; only then is the source cut.
    assert fit_title_and_source(title, source, 30) == "A rather long…  (Financial…)"
    tiny = fit_title_and_source("A rather long title here", "Financial Times", 10)
    assert cell_width(tiny) <= 10 and "(" not in tiny  # no room for a source at all
