"""A page's language, from JSON-LD, `<html lang>`, Open Graph or an older `<meta>`."""

from __future__ import annotations

import pytest

from library.page_language import language_tag, page_language
from tests.feed_site import article_page


@pytest.mark.parametrize(
    ("page", "language"),
    [
        ('<html lang="en-gb"><head><title>t</title></head></html>', "en-GB"),
        ('<html xml:lang="FR"><body></body></html>', "fr"),
        ('<html><head><meta property="og:locale" content="pt_BR"></head></html>', "pt-BR"),
        (
            '<html><head><meta http-equiv="Content-Language" content="de, en"></head></html>',
            "de",
        ),
        ('<html><head><meta name="DC.language" content="nl"></head></html>', "nl"),
        # The article's own JSON-LD says more precisely than the site's <html lang>.
        (
            '<html lang="en"><head><script type="application/ld+json">'
            '{"@context": "https://schema.org", "@graph": [{"@type": "WebSite"},'
            ' {"@type": "NewsArticle", "inLanguage": "es-MX"}]}</script></head></html>',
            "es-MX",
        ),
        (
            '<html><script type="application/ld+json">[{"inLanguage": {"@type": "Language",'
            ' "name": "English", "alternateName": "en"}}]</script></html>',
            "en",
        ),
        ('<html lang="zh-hant-tw"></html>', "zh-Hant-TW"),
        # What is not a language tag is left, and the next place asked.
        (
            '<html lang="{{ locale }}"><head><meta property="og:locale" content="it_IT">'
            '<script type="application/ld+json">{not json</script></head></html>',
            "it-IT",
        ),
        ('<html lang="und"><body><p>Hello</p></body></html>', None),
        ("<p>no html element at all</p>", None),
    ],
)
def test_page_language(page: str, language: str | None) -> None:
    assert page_language(page) == language
    assert page_language(page.encode("utf-8")) == language


def test_the_test_sites_article_is_english() -> None:
    assert page_language(article_page("storm")) == "en"


@pytest.mark.parametrize("junk", ["", " ", "e", "english language", "x" * 40, "en--gb", 7, None])
def test_junk_is_no_language(junk: object) -> None:
    assert language_tag(junk) is None
