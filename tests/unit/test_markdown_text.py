"""Markdown read into text and structure: no markup characters, typed spans that slice it."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from library.markdown_text import read_markdown
from library.parse import load_file, parse_text
from library.segment import paragraph_spans
from library.structure import Kind

EVERY_ELEMENT = Path(__file__).parent.parent / "fixtures" / "docs" / "every_element.md"


def spans_of(raw: str) -> list[tuple[Kind, str, int, str]]:
    read = read_markdown(raw)
    return [(s.kind, read.text[s.start : s.end], s.level, s.value) for s in read.structure.spans]


def test_inline_markup_becomes_spans_not_characters() -> None:
    raw = "Some *soft* and **loud** words, `x = 1`, and [a page](https://example.org/a)."
    read = read_markdown(raw)
    assert read.text == "Some soft and loud words, x = 1, and a page."
    assert spans_of(raw) == [
        (Kind.EMPHASIS, "soft", 0, ""),
        (Kind.STRONG, "loud", 0, ""),
        (Kind.CODE, "x = 1", 0, ""),
        (Kind.LINK, "a page", 0, "https://example.org/a"),
    ]


def test_blocks_become_paragraphs_with_spans_over_them() -> None:
    raw = (
        "Intro.\n\n## Part two ##\n\n> A quoted\n> line.\n>\n> > Deeper.\n\n"
        "- one\n- two\n  1. inner\n\n3) third"
    )
    read = read_markdown(raw)
    assert read.text.split("\n\n") == [
        "Intro.",
        "Part two",
        "A quoted line.",
        "Deeper.",
        "one",
        "two",
        "inner",
        "third",
    ]
    assert spans_of(raw) == [
        (Kind.HEADING, "Part two", 2, ""),
        (Kind.QUOTE, "A quoted line.\n\nDeeper.", 1, ""),
        (Kind.QUOTE, "Deeper.", 2, ""),
        (Kind.LIST_ITEM, "one", 1, "•"),
        (Kind.LIST_ITEM, "two\n\ninner", 1, "•"),
        (Kind.LIST_ITEM, "inner", 2, "1."),
        (Kind.LIST_ITEM, "third", 1, "3)"),
    ]


def test_code_blocks_are_kept_verbatim() -> None:
    raw = "Before.\n\n```python\ndef f(a):\n    return  a * 2   \n```\n\n    indented *code*\n"
    read = read_markdown(raw)
    assert read.text == "Before.\n\ndef f(a):\n    return  a * 2\n\nindented *code*"
    assert [(s.kind, read.text[s.start : s.end]) for s in read.structure.spans] == [
        (Kind.PREFORMATTED, "def f(a):\n    return  a * 2"),
        (Kind.PREFORMATTED, "indented *code*"),
    ]


def test_hard_breaks_keep_a_line_and_soft_breaks_join() -> None:
    read = read_markdown("one\ntwo  \nthree\\\nfour")
    assert read.text == "one two\nthree\nfour"


def test_images_read_as_their_description_and_html_as_written() -> None:
    read = read_markdown("See ![a *red* kite](kite.png) <b>here</b>.")
    assert read.text == "See a red kite <b>here</b>."


def test_unsafe_link_targets_are_not_links() -> None:
    raw = "[click](javascript:alert(1)) and [mail](mailto:a@example.org)"
    assert [(kind, value) for kind, _, _, value in spans_of(raw)] == [
        (Kind.LINK, "mailto:a@example.org")
    ]


def test_the_first_heading_is_the_title_and_is_not_repeated() -> None:
    read = read_markdown("# The Title\n\nText *here*.")
    assert (read.title, read.text) == ("The Title", "Text here.")
    same = read_markdown("---\ntitle: The title\n---\n# The Title\n\nText.")
    assert (same.title, same.text) == ("The Title", "Text.")
    other = read_markdown("---\ntitle: Other\n---\n# The Title\n\nText.")
    assert other.title is None and other.text == "The Title\n\nText."
    assert spans_of("---\ntitle: Other\n---\n# The Title\n\nText.")[0][:3] == (
        Kind.HEADING,
        "The Title",
        1,
    )


def test_the_every_element_fixture_reads_without_markup_characters() -> None:
    parsed = load_file(EVERY_ELEMENT)
    prose = [
        parsed.text[start:end]
        for start, end in paragraph_spans(parsed.text)
        if not any(
            s.kind is Kind.PREFORMATTED and s.start <= start < s.end for s in parsed.structure.spans
        )
    ]
    for paragraph in prose:
        assert not any(mark in paragraph for mark in ("*", "`", "](", "# ", "> ")), paragraph
    assert parsed.title == "Every Element"
    assert parsed.author == "Ada Marsh"
    assert parsed.url == "https://example.org/every-element"
    assert {span.kind for span in parsed.structure.spans} == set(Kind)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab *_`#>-1.[]()\n\\<!", max_size=60))
def test_spans_always_lie_in_the_text_and_paragraphs_stay_apart(raw: str) -> None:
    read = read_markdown(raw)
    assert read.structure.fits(len(read.text))
    assert read.text == read.text.lstrip()
    assert "\n\n\n" not in read.text
    parsed_blocks = [read.text[a:b] for a, b in paragraph_spans(read.text)]
    assert parsed_blocks == [block.strip() for block in read.text.split("\n\n") if block.strip()]


def test_parse_text_carries_the_structure() -> None:
    parsed = parse_text("# Notes\n\nA *b* c.", markdown=True)
    assert parsed.title == "Notes" and parsed.text == "A b c."
    (emphasis,) = parsed.structure.spans
    assert parsed.text[emphasis.start : emphasis.end] == "b"
