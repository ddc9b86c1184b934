"""Fuzzing the whole path a document and its notes take, with hypothesis.

The unit tests fuzz each part alone (the parser, normalising, anchoring, the exporters).
Here random Unicode, wide and combining characters included, goes through the real
pipeline: a file added with the command line and printed back with `show`, searched,
edited and added again (which re-anchors its highlights), and notes exported to Markdown
and JSON and imported again. Example counts are modest: this runs in CI on every change.
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from rapidfuzz.distance import Levenshtein

from annotations.anchor_scoring import MIN_QUOTE_SIMILARITY
from annotations.model import COLORS, Highlight, new_highlight, to_record
from annotations.store import ANNOTATIONS_FOLDER, AnnotationStore
from library.catalog import Catalog
from library.normalization import normalize, normalize_query
from library.parse import load_file
from library.search_index import SearchIndex
from tests.safety.support import CliResult, run_cli, sha256_of

SPECIAL = (
    "世界日本語한국어中文字ｆｕｌｌ"  # wide
    "e\u0301a\u0308o\u0323\u0345\u20dd"  # combining marks
    "👍🏽👨‍👩‍👧🇫🇷"  # emoji with modifiers and joiners
    "ß İ ﬁ ŉ Σς ǅ"  # characters whose folding changes length
    "“”‘’—–-…«»"  # typographic punctuation
    "\u00a0\u2028\u200b\u200d\ufeff\t"  # odd spaces and invisible characters
    "\x1b\x07\x9b\u202e"  # controls and a bidi override
    "[]/@=#*_>`<&"  # markup
)
"""Characters that break naive text handling, mixed into the random text."""

CHAR = st.one_of(st.sampled_from(SPECIAL), st.characters(exclude_categories=["Cs"]))
WORD = st.text(CHAR, min_size=1, max_size=10)
PLAIN_WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz" + SPECIAL[:40]), min_size=1)
PARAGRAPH = st.lists(st.one_of(WORD, PLAIN_WORD), min_size=1, max_size=25).map(" ".join)
DOCUMENT = st.lists(PARAGRAPH, min_size=1, max_size=5).map("\n\n".join)

SETTINGS = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

MD = MarkdownIt("commonmark")


class Workspace:
    """One library and a folder of source files shared by the examples of one test."""

    def __init__(self, root: Path) -> None:
        self.library = root / "library"
        self.library.mkdir(parents=True)  # so that the first `add` has no news to tell
        self.sources = root / "sources"
        self.sources.mkdir(parents=True)
        self._numbers = itertools.count()

    def fresh(self) -> Workspace:
        """A new, empty workspace beside this one (for examples that must not share)."""
        return Workspace(self.sources.parent / f"fresh{next(self._numbers)}")

    def cli(self, *argv: str) -> CliResult:
        return run_cli("--library", str(self.library), *argv)

    def new_file(self, text: str) -> Path:
        path = self.sources / f"doc{next(self._numbers)}.txt"
        path.write_text(text, "utf-8")
        return path

    def add(self, path: Path) -> str | None:
        """Add `path`; return its document id, or None when it was refused in one line."""
        result = self.cli("add", str(path))
        if result.code == 1:
            assert len(result.err_lines) == 1, result.err
            assert result.out == "" and "unexpected error" not in result.err
            return None
        assert result.code == 0 and result.err == "", result
        return result.out.split()[1]


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)


def _non_space(text: str) -> Counter[str]:
    return Counter(char for char in text if not char.isspace())


@settings(SETTINGS, max_examples=40)
@given(raw=DOCUMENT)
def test_any_text_added_is_shown_back_exactly(workspace: Workspace, raw: str) -> None:
    path = workspace.new_file(raw)
    doc_id = workspace.add(path)
    if doc_id is None:
        return
    shown = workspace.cli("show", doc_id)
    assert shown.code == 0
    text = shown.out  # exactly the stored text: nothing added when piped
    catalog = Catalog.open(workspace.library)
    assert catalog.text(doc_id) == text == load_file(path).text
    assert text and text == text.strip()
    assert sha256_of(catalog.text_path(doc_id)) == catalog.entry(doc_id).content_hash
    assert "\n" not in catalog.entry(doc_id).title
    # Parsing takes out metadata and rearranges whitespace, but never invents text.
    assert _non_space(text) <= _non_space(raw.replace("\r", ""))


@settings(SETTINGS, max_examples=100)
@given(text=DOCUMENT, data=st.data())
def test_search_finds_any_piece_of_the_text_where_it_is(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, min(len(text), start + 40)))
    query = text[start:end]
    wanted = normalize_query(query)
    assume(wanted)
    matches = SearchIndex(text).find(query, limit=1000)
    assert matches
    exact = [m for m in matches if m.exact]
    assert exact, (query, matches)
    for match in exact:
        assert 0 <= match.start < match.end <= len(text)
        assert normalize(text[match.start : match.end]).text.strip(" ") == wanted


def _similarity(quote: str, found: str) -> float:
    return 1 - Levenshtein.distance(quote, found) / len(quote)


@settings(SETTINGS, max_examples=25)
@given(raw=DOCUMENT, data=st.data())
def test_editing_a_file_and_adding_it_again_keeps_every_highlight_honest(
    workspace: Workspace, raw: str, data: st.DataObject
) -> None:
    workspace = workspace.fresh()
    path = workspace.new_file(raw)
    doc_id = workspace.add(path)
    assume(doc_id is not None)
    assert doc_id is not None
    catalog = Catalog.open(workspace.library)
    text, entry = catalog.text(doc_id), catalog.entry(doc_id)
    store = AnnotationStore(workspace.library)
    made: list[Highlight] = []
    for _ in range(data.draw(st.integers(1, 5))):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, min(len(text), start + 60)))
        made.append(
            new_highlight(doc_id, text, start, end, note="n", content_hash=entry.content_hash)
        )
    store.save_many(made)
    before = {h.id for h in store.for_document(doc_id)}

    edited = raw
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(edited)))
        kind = data.draw(st.sampled_from(("insert", "delete", "replace")))
        piece = data.draw(PARAGRAPH)
        if kind == "insert":
            edited = edited[:at] + piece + edited[at:]
        elif kind == "delete":
            edited = edited[:at] + edited[at + data.draw(st.integers(1, 30)) :]
        else:
            edited = edited[:at] + piece + edited[at + len(piece) :]
    path.write_text(edited, "utf-8")
    result = workspace.cli("add", str(path))
    updated = [line.split() for line in result.out.splitlines() if line.startswith("updated")]
    assume(result.code == 0 and updated)
    assert updated[0][1] == doc_id  # a changed file keeps its id

    new_text = Catalog.open(workspace.library).text(doc_id)
    after = store.for_document(doc_id)
    assert {h.id for h in after} == before  # none dropped
    by_id = {h.id: h for h in made}
    for highlight in after:
        old = by_id[highlight.id]
        assert (highlight.quote, highlight.note) == (old.quote, old.note)
        assert 0 <= highlight.start <= highlight.end <= len(new_text)
        found = new_text[highlight.start : highlight.end]
        if highlight.status in ("exact", "moved"):
            assert found == old.quote
        elif highlight.status == "fuzzy":
            assert _similarity(old.quote, found) >= MIN_QUOTE_SIMILARITY, (old.quote, found)
        else:
            assert highlight.status == "orphaned"


NOTE = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "\n",
                "# ",
                "> ",
                "```",
                "~~~",
                "<!--",
                "<div>",
                "%%",
                "^nr-",
                "---",
                "===",
                "- ",
                "1. ",
            ]
        ),
        CHAR,
    ),
    max_size=40,
).map("".join)
"""A note: random characters and the pieces of Markdown most likely to break a file."""

TAGS = st.lists(st.text(CHAR, min_size=1, max_size=12), max_size=4)


@pytest.fixture
def annotated(workspace: Workspace) -> tuple[Workspace, str, str]:
    """One document with enough text for several highlights."""
    text = " ".join(
        f"Sentence {n} tells of the harbour, the ferry and the gulls." for n in range(30)
    )
    doc_id = workspace.add(workspace.new_file(text))
    assert doc_id is not None
    return workspace, doc_id, Catalog.open(workspace.library).text(doc_id)


def _save_random_highlights(
    workspace: Workspace, doc_id: str, text: str, data: st.DataObject
) -> list[Highlight]:
    store = AnnotationStore(workspace.library)
    for highlight in store.for_document(doc_id):
        store.delete(doc_id, highlight.id)
    content_hash = Catalog.open(workspace.library).entry(doc_id).content_hash
    made = []
    for _ in range(data.draw(st.integers(1, 5))):
        start = data.draw(st.integers(0, len(text) - 2))
        end = data.draw(st.integers(start + 1, min(len(text), start + 80)))
        made.append(
            new_highlight(
                doc_id,
                text,
                start,
                end,
                note=data.draw(NOTE),
                tags=data.draw(TAGS),
                color=data.draw(st.sampled_from(COLORS)),
                content_hash=content_hash,
            )
        )
    store.save_many(made)
    return made


@settings(SETTINGS, max_examples=40)
@given(data=st.data())
def test_markdown_export_of_random_notes_keeps_its_structure(
    annotated: tuple[Workspace, str, str], data: st.DataObject
) -> None:
    workspace, doc_id, text = annotated
    made = _save_random_highlights(workspace, doc_id, text, data)
    result = workspace.cli("export", doc_id)
    assert result.code == 0 and result.err == ""
    markdown = result.out
    body = markdown[markdown.index("\n---\n", 4) + 5 :]
    tokens = MD.parse(body)
    assert [t.tag for t in tokens if t.type == "heading_open" and t.tag == "h1"] == ["h1"]
    # Each highlight is one top-level block quote whose last line ends with its block id.
    ids: list[str] = []
    for index, token in enumerate(tokens):
        if token.type != "blockquote_open" or token.level != 0:
            continue
        close = next(
            i
            for i in range(index + 1, len(tokens))
            if tokens[i].type == "blockquote_close" and tokens[i].level == 0
        )
        inlines = [t for t in tokens[index:close] if t.type == "inline"]
        # The raw source of the last line: a note's own `\^nr-` is escaped there, as
        # Obsidian needs it to be, while the rendered text would show it as `^nr-`.
        last = inlines[-1].content.rsplit("\n", 1)[-1] if inlines else ""
        if " ^nr-" in last or last.startswith("^nr-"):
            ids.append(last.rsplit("^nr-", 1)[1])
    ordered = sorted(made, key=lambda h: (h.start, h.end, h.created, h.id))
    assert ids == [h.id for h in ordered]


@settings(SETTINGS, max_examples=25)
@given(data=st.data())
def test_json_export_then_import_gives_back_the_same_highlights(
    annotated: tuple[Workspace, str, str], data: st.DataObject
) -> None:
    workspace, doc_id, text = annotated
    _save_random_highlights(workspace, doc_id, text, data)
    before = sorted(
        (to_record(h) for h in AnnotationStore(workspace.library).all()), key=lambda r: r["id"]
    )
    exported = workspace.cli("export", "--format", "json")
    assert exported.code == 0
    backup = workspace.sources / "backup.json"
    backup.write_text(exported.out, "utf-8")
    shutil.rmtree(workspace.library / ANNOTATIONS_FOLDER)
    imported = workspace.cli("import-notes", str(backup))
    assert imported.code == 0, imported
    after = sorted(
        (to_record(h) for h in AnnotationStore(workspace.library).all()), key=lambda r: r["id"]
    )
    assert after == before
    again = workspace.cli("import-notes", str(backup))
    assert again.code == 0 and "Imported 0 new and 0 updated" in again.out
    listed = json.loads(workspace.cli("notes", "--json").out)
    assert sorted(row["id"] for row in listed) == [record["id"] for record in before]
