"""Which links `o` opens at once, which it offers, and which it asks about first."""

from __future__ import annotations

import pytest

from library.links import choose_links, links_in, opens_without_asking
from library.markdown_text import read_markdown

READ = read_markdown(
    "One [a](https://x.org/a) here. Two [b](https://x.org/b) and [c](https://x.org/c).\n\n"
    "No link in this one. Nor in this."
)
TEXT = READ.text


def sentence(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def test_the_one_link_of_the_sentence_opens_at_once() -> None:
    choice = choose_links(TEXT, READ.structure, sentence("One a here."), (0, len(TEXT)))
    assert choice.open is not None and choice.open.target == "https://x.org/a"
    assert choice.open.words == "a"


def test_several_links_or_none_offer_those_in_view_the_sentence_s_first() -> None:
    view = (0, len(TEXT))
    several = choose_links(TEXT, READ.structure, sentence("Two b and c."), view)
    assert several.open is None
    assert [link.words for link in several.offered] == ["a", "b", "c"]
    assert several.first == 1
    none = choose_links(TEXT, READ.structure, sentence("Nor in this."), sentence("One a"))
    assert [link.words for link in none.offered] == ["a"] and none.first == 0
    nothing = choose_links(TEXT, READ.structure, sentence("Nor in this."), sentence("Nor"))
    assert nothing.open is None and nothing.offered == ()
    assert links_in(TEXT, READ.structure, *sentence("No link")) == ()


@pytest.mark.parametrize(
    ("target", "at_once"),
    [
        ("https://example.org/page", True),
        ("HTTP://example.org", True),
        ("mailto:someone@example.org", True),
        ("http:no-host", False),
        ("ftp://example.org/file", False),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("notes/other.md", False),
        ("", False),
    ],
)
def test_only_web_and_mail_addresses_open_without_asking(target: str, at_once: bool) -> None:
    assert opens_without_asking(target) is at_once
