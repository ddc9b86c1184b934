"""Web pages give structure (headings, emphasis, links, lists, quotes, code) from
trafilatura's article tree, never the page's comments; the raw page is kept beside the
text, its structure can be made again from it, and it goes when the document goes."""

from __future__ import annotations

from pathlib import Path

import pytest

from library.catalog import Catalog
from library.structure import Kind
from library.structure_files import structure_path
from library.web_page import parse_page
from service.workspace import Workspace
from tests.unit.test_web_pages import ARTICLE, serve_site

RICH = ARTICLE.replace(
    "<p>The council will meet",
    "<p>The <em>council</em> will <strong>meet</strong> soon, see "
    "<a href='https://example.org/plan'>the plan</a> for it.</p>"
    "<ol><li>one <b>item</b></li><li>two items</li></ol>"
    "<pre><code>keep  this\n    as it is</code></pre>"
    "<p>The council will meet",
)
COMMENTED = RICH.replace(
    '<section class="comments"><h3>Comments</h3><p>First! A comment that is not the article.</p>',
    '<section id="comments" class="comments"><h3>3 Comments</h3><ul class="comment-list">'
    '<li class="comment"><p><strong>Reader</strong> says: <em>Great</em> article, '
    "<a href='https://spam.example/'>cheap boats</a> here.</p></li></ul>",
)


def spans(page: str) -> list[tuple[Kind, str, int, str]]:
    parsed = parse_page(page, url="https://example.org/storm", name="storm")
    return [
        (s.kind, parsed.text[s.start : s.end], s.level, s.value) for s in parsed.structure.spans
    ]


def test_a_page_s_article_brings_its_structure() -> None:
    found = spans(RICH)
    assert (Kind.HEADING, "What comes next", 2, "") in found
    assert (Kind.EMPHASIS, "council", 0, "") in found
    assert (Kind.STRONG, "meet", 0, "") in found
    assert (Kind.LINK, "the plan", 0, "https://example.org/plan") in found
    assert (Kind.LIST_ITEM, "one item", 1, "1.") in found
    assert (Kind.LIST_ITEM, "two items", 1, "2.") in found
    assert (Kind.PREFORMATTED, "keep  this\n    as it is", 0, "") in found
    (quote,) = [span for span in found if span[0] is Kind.QUOTE]
    assert quote[1].startswith('"We were lucky,"') and quote[2] == 1


@pytest.mark.parametrize("page", [ARTICLE, RICH, COMMENTED], ids=["plain", "rich", "commented"])
def test_comments_promotions_and_the_repeated_title_never_reach_the_text(page: str) -> None:
    parsed = parse_page(page, url="https://example.org/storm", name="storm")
    assert parsed.text.startswith("By Ada Marsh\n\nThe storm reached Port Ellery")
    for unwanted in ("First!", "Great", "cheap boats", "Comments", "Read more", "*", "[", "<"):
        assert unwanted not in parsed.text, unwanted
    assert all(span.value != "https://spam.example/" for span in parsed.structure.spans)
    assert parsed.raw_page == page.encode("utf-8")


def test_the_raw_page_is_kept_beside_the_text_and_goes_with_the_document(
    tmp_path: Path,
) -> None:
    saved = tmp_path / "storm.html"
    saved.write_text(RICH, encoding="utf-8")
    workspace = Workspace.open(tmp_path / "lib")
    (doc_id,) = workspace.add([saved]).touched
    text_path = workspace.catalog.text_path(doc_id)
    assert text_path.with_suffix(".html").read_bytes() == RICH.encode("utf-8")
    saved.unlink()  # the saved file gone: the page kept beside the text is enough
    structure_path(text_path).unlink()
    document = workspace.with_structure(workspace.catalog.load(doc_id))
    assert {span.kind for span in document.structure.spans} >= {Kind.HEADING, Kind.LINK}
    workspace.remove(doc_id)
    assert not text_path.with_suffix(".html").exists()
    assert not structure_path(text_path).exists()


def test_a_fetched_page_is_kept_too(tmp_path: Path) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    with serve_site() as site:
        (entry,) = catalog.add([f"{site}/article"]).added
    kept = catalog.text_path(entry.id).with_suffix(".html")
    assert kept.read_bytes() == ARTICLE.encode("utf-8")
