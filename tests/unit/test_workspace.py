"""The service both faces call: each workflow of `Workspace`, with no command line or UI."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.model import AnchorStatus, Color
from service.quotes import AmbiguousQuote, EmptyQuote, NoSuchPlace, QuoteNotFound, find_quote
from service.workspace import AlreadyHighlighted, Workspace

STORY = (
    "The ferry left at dawn. The harbour was quiet.\n\n"
    "Gulls followed the ferry out past the breakwater. Nobody spoke.\n\n"
    "By noon the ferry had reached the islands, where the harbour master waited.\n"
)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "lib")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_add_lists_each_file_once_and_knows_what_it_touched(
    workspace: Workspace, tmp_path: Path
) -> None:
    story = write(tmp_path, "ferry.txt", STORY)
    first = workspace.add([story])
    assert [e.title for e in first.result.added] == ["The ferry left at dawn"]
    again = workspace.add([story])
    assert again.result.added == () and len(again.result.unchanged) == 1
    assert again.touched == first.touched


def test_remove_keeps_highlights_aside_and_adding_again_brings_them_back(
    workspace: Workspace, tmp_path: Path
) -> None:
    story = write(tmp_path, "ferry.txt", STORY)
    doc_id = workspace.add([story]).touched[0]
    workspace.highlight_quote(doc_id, "harbour master", note="waiting")
    removal = workspace.remove(doc_id)
    assert removal.kept == 1 and removal.entry.id == doc_id
    assert workspace.highlights() == ()
    back = workspace.add([story])
    assert back.restored == ((doc_id, 1),)
    assert [h.note for h in workspace.highlights(doc_id)] == ["waiting"]


def test_a_changed_file_re_finds_its_highlights_and_reports_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    story = write(tmp_path, "ferry.txt", STORY)
    doc_id = workspace.add([story]).touched[0]
    workspace.highlight_quote(doc_id, "Gulls followed the ferry")
    write(tmp_path, "ferry.txt", "A new first paragraph.\n\n" + STORY)
    outcome = workspace.add([story])
    assert [e.id for e in outcome.result.updated] == [doc_id]
    ((reported_id, report),) = outcome.anchors
    assert reported_id == doc_id and report.checked == 1 and report.moved == 1
    (moved,) = workspace.highlights(doc_id)
    assert moved.status is AnchorStatus.MOVED
    text = workspace.catalog.text(doc_id)
    assert text[moved.start : moved.end] == "Gulls followed the ferry"


def test_a_new_source_line_updates_the_document_and_leaves_its_highlights(
    workspace: Workspace, tmp_path: Path
) -> None:
    story = write(tmp_path, "ferry.txt", STORY + "Source: The Coastal Gazette\n")
    doc_id = workspace.add([story]).touched[0]
    made = workspace.highlight_quote(doc_id, "Gulls followed the ferry", note="birds")
    copy = write(tmp_path, "copy.txt", STORY + "Source: The Island Post\n")
    outcome = workspace.add([copy])
    assert [e.id for e in outcome.result.updated] == [doc_id]
    assert outcome.result.unchanged == () and outcome.anchors == ()
    assert workspace.catalog.entry(doc_id).source == "The Island Post"
    assert workspace.highlights(doc_id) == (made,)


def test_notes_and_exports_quote_the_words_a_re_found_highlight_covers(
    workspace: Workspace, tmp_path: Path
) -> None:
    """A highlight re-found on edited text keeps its chosen quote stored (the evidence
    to find it again, and in JSON), but what people read quotes the document."""
    before = "Harbour news\n\nOfficials said there was no structural damage to the wall.\n"
    after = "Harbour news\n\nOfficials said there was no major structural damage to the wall.\n"
    path = write(tmp_path, "harbour.txt", before)
    doc_id = workspace.add([path]).touched[0]
    workspace.highlight_quote(doc_id, "no structural damage")
    path.write_text(after, encoding="utf-8")
    workspace.add([path])
    (stored,) = workspace.highlights(doc_id)
    assert stored.status is AnchorStatus.FUZZY and stored.quote == "no structural damage"
    (shown,) = workspace.as_read(workspace.highlights(doc_id))
    assert shown.quote == "no major structural damage"
    assert "> no major structural damage ^nr-" in workspace.markdown_of(doc_id)
    assert '"quote": "no structural damage"' in workspace.export_data("json", [doc_id])


def test_listing_says_never_opened_and_counts_highlights(
    workspace: Workspace, tmp_path: Path
) -> None:
    doc_id = workspace.add([write(tmp_path, "ferry.txt", STORY)]).touched[0]
    workspace.highlight_quote(doc_id, "Nobody spoke.")
    listed = {item.entry.id: item for item in workspace.listing()}
    assert listed[doc_id].progress is None and listed[doc_id].highlights == 1
    described = workspace.describe(doc_id)
    assert described.progress == 0.0 and described.highlights == 1


def test_text_search_leaves_out_a_document_whose_text_is_gone(
    workspace: Workspace, tmp_path: Path
) -> None:
    doc_id = workspace.add([write(tmp_path, "ferry.txt", STORY)]).touched[0]
    welcome = next(e.id for e in workspace.catalog.entries() if e.id != doc_id)
    workspace.catalog.text_path(welcome).unlink()
    search = workspace.text_search()
    assert [e.id for e in search.unreadable] == [welcome]
    (hit, *_) = search.find("harbour master", 5)
    assert hit.document_id == doc_id and hit.title == "The ferry left at dawn"
    assert "harbour master" in search.context(hit)


def test_highlight_quote_refuses_a_passage_highlighted_already(
    workspace: Workspace, tmp_path: Path
) -> None:
    doc_id = workspace.add([write(tmp_path, "ferry.txt", STORY)]).touched[0]
    made = workspace.highlight_quote(doc_id, "Nobody spoke.", color=Color.GREEN, tags=["calm"])
    assert made.color is Color.GREEN and made.tags == ("calm",)
    with pytest.raises(AlreadyHighlighted) as raised:
        workspace.highlight_quote(doc_id, "Nobody spoke.")
    assert raised.value.existing.id == made.id
    assert made.id in str(raised.value)


def test_a_quoted_highlight_covers_whole_words() -> None:
    text = "CHAPTER XIII\n\nBiden spoke. CHAPTER XII was short. Bidens are rare."
    # Whole-word places only: "CHAPTER XII" inside "CHAPTER XIII" is not one of them.
    assert find_quote(text, "CHAPTER XII") == (
        text.index("CHAPTER XII "),
        text.index("CHAPTER XII ") + len("CHAPTER XII"),
    )
    # Only ever part of a word: the places grow to the whole words.
    with pytest.raises(AmbiguousQuote) as several:
        find_quote(text, "Bide")
    assert [text[start:end] for start, end in several.value.places] == ["Biden", "Bidens"]
    # A quote that starts or ends with a non-word character keeps its own edge.
    assert find_quote(text, " spoke.") == (19, 26)


def test_find_quote_exact_fuzzy_several_and_none() -> None:
    assert find_quote(STORY, "harbour master") == (
        STORY.index("harbour master"),
        STORY.index("harbour master") + len("harbour master"),
    )
    start, end = find_quote(STORY, "harbor mastr")  # small typos are forgiven
    assert STORY[start:end] == "harbour master"
    with pytest.raises(AmbiguousQuote) as several:
        find_quote(STORY, "the ferry")
    assert len(several.value.places) == 2 and "2 places" in str(several.value)
    assert find_quote(STORY, "the ferry", nth=2)[0] == STORY.rindex("the ferry")
    with pytest.raises(NoSuchPlace) as beyond:
        find_quote(STORY, "the ferry", nth=3)
    assert beyond.value.count == 2
    with pytest.raises(QuoteNotFound):
        find_quote(STORY, "submarine periscope")
    with pytest.raises(EmptyQuote):
        find_quote(STORY, "  \n")


def test_warnings_are_told_once(workspace: Workspace) -> None:
    damaged = workspace.catalog.home / "settings.json"
    damaged.write_text("{not json", encoding="utf-8")
    fresh = Workspace.open(workspace.catalog.home)
    told = fresh.unseen_warnings()
    assert len(told) == 1 and "settings" in told[0]
    assert fresh.unseen_warnings() == ()
    assert fresh.warnings == told


def test_the_titles_of_a_few_documents_are_read_without_the_whole_catalog(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`notes ID` names the documents its highlights come from: in a library of 50,000,
    reading every title for that took most of a second."""
    src = tmp_path / "src"
    src.mkdir()
    added = workspace.add([write(src, f"{n}.txt", f"Story {n}\n\nText {n}.\n") for n in range(3)])
    first, second, third = added.result.added
    workspace.remove(third.id)
    monkeypatch.setattr(
        workspace.catalog, "entries", lambda *_a, **_k: pytest.fail("read the whole catalog")
    )
    titles = workspace.titles([first.id, third.id])
    assert titles == {first.id: first.title}  # the removed one is left out
    assert second.id not in titles
