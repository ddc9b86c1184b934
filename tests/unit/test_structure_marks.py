"""Structure flattened for drawing: style runs by bisection, and the margin's signs."""

from __future__ import annotations

from library.markdown_text import read_markdown
from reader.layout.structure_marks import NO_STRUCTURE_MARKS, QUOTE_BAR, StructureMarks, TextStyle


def test_nested_inline_styles_flatten_into_runs() -> None:
    read = read_markdown("a *b **c** d* [e](https://x.org)")
    marks = StructureMarks.build(read.structure)
    runs = [(read.text[s:e], styles) for s, e, styles in marks.runs(0, len(read.text))]
    assert runs == [
        ("b ", (TextStyle.EMPHASIS,)),
        ("c", (TextStyle.EMPHASIS, TextStyle.STRONG)),
        (" d", (TextStyle.EMPHASIS,)),
        ("e", (TextStyle.LINK,)),
    ]
    assert list(marks.runs(4, 5)) == [(4, 5, (TextStyle.EMPHASIS, TextStyle.STRONG))]


def test_signs_mark_list_items_headings_and_every_quoted_line() -> None:
    read = read_markdown("# T\n\nIntro.\n\n### Deep\n\n> one\n>\n> two\n\n- item\n\n3. third")
    marks = StructureMarks.build(read.structure)
    text = read.text

    def sign(words: str) -> str | None:
        start = text.index(words)
        return marks.sign_in(start, start + len(words))

    assert sign("Intro.") is None
    assert sign("Deep") == "###"
    assert sign("one") == sign("two") == QUOTE_BAR
    assert sign("item") == "•"
    assert sign("third") == "3."
    assert marks.runs(0, len(text)).__next__()[2] == (TextStyle.HEADING_3,)


def test_plain_text_has_nothing_to_draw() -> None:
    assert list(NO_STRUCTURE_MARKS.runs(0, 100)) == []
    assert NO_STRUCTURE_MARKS.sign_in(0, 100) is None
