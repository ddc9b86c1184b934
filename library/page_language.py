"""The language a web page says it is written in, as a BCP 47 tag (``en``, ``pt-BR``).

The extractor (trafilatura) reads a page's title, author, site and date, but not its
language: it can only filter pages by a language guessed from the text. A page states its
language in one or more of four places, read here in the order of how precisely they
speak of the article itself:

1. JSON-LD (``<script type="application/ld+json">``): the article's ``inLanguage``;
2. ``<html lang>`` (or ``xml:lang``): the page's;
3. Open Graph ``<meta property="og:locale">`` (``en_GB``): the page's, for sharing;
4. ``<meta http-equiv="content-language">`` (or ``name="language"``, Dublin Core
   ``dc.language``): older pages.

Only what looks like a language tag is taken (a site's ``lang="{{ locale }}"`` is not),
written the way BCP 47 writes it (``EN_gb`` -> ``en-GB``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

READ_CHARS = 512 * 1024
"""How much of a page is looked at: its head, and the JSON-LD near the top of its body."""

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_META_NAMES = frozenset({"language", "dc.language", "content-language"})
_JSON_LD_NESTING = 8
"""How deep into a JSON-LD document `inLanguage` is looked for (`@graph`, `mainEntity`…)."""


def language_tag(value: object) -> str | None:
    """`value` as a BCP 47 tag, or None when it is not one (or says "undetermined")."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace("_", "-")
    if not _TAG.match(text) or len(text) > 35:
        return None
    first, *rest = text.split("-")
    if first.lower() in ("und", "mul", "zxx"):
        return None
    parts = [first.lower()]
    for part in rest:
        if len(part) == 2 and part.isalpha():
            parts.append(part.upper())  # region
        elif len(part) == 4 and part.isalpha():
            parts.append(part.title())  # script
        else:
            parts.append(part.lower())
    return "-".join(parts)


class _LanguageHints(HTMLParser):
    """Collects what a page says of its language, by where it says it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html_lang: str | None = None
        self.og_locale: str | None = None
        self.meta: str | None = None
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "html" and self.html_lang is None:
            self.html_lang = values.get("lang") or values.get("xml:lang") or None
        elif tag == "meta":
            self._meta(values)
        elif tag == "script":
            kind = values.get("type", "").split(";")[0].strip().lower()
            self._in_json_ld = kind == "application/ld+json"
            if self._in_json_ld:
                self.json_ld.append("")

    def _meta(self, values: dict[str, str]) -> None:
        content = values.get("content")
        if not content:
            return
        if values.get("property", "").lower() == "og:locale" and self.og_locale is None:
            self.og_locale = content
        named = values.get("http-equiv", "") or values.get("name", "")
        if named.lower() in _META_NAMES and self.meta is None:
            self.meta = content.split(",")[0]  # "en, fr": the first

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld[-1] += data


def _json_ld_languages(value: Any, depth: int = 0) -> Iterator[object]:
    """Every `inLanguage` of a JSON-LD value, outermost first."""
    if depth > _JSON_LD_NESTING:
        return
    if isinstance(value, list):
        for item in value:
            yield from _json_ld_languages(item, depth + 1)
    elif isinstance(value, dict):
        said = value.get("inLanguage")
        if isinstance(said, dict):  # a Language object: its code
            said = said.get("alternateName") or said.get("name")
        if said is not None:
            yield said
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in value:
                yield from _json_ld_languages(value[key], depth + 1)


def page_language(page: str | bytes) -> str | None:
    """The language `page` (an HTML document) says it is in (see the module docstring),
    or None when it says nothing usable."""
    text = page[:READ_CHARS].decode("utf-8", "replace") if isinstance(page, bytes) else page
    hints = _LanguageHints()
    hints.feed(text[:READ_CHARS])
    hints.close()
    for block in hints.json_ld:
        try:
            document = json.loads(block)
        except (ValueError, RecursionError):
            continue
        for said in _json_ld_languages(document):
            if (tag := language_tag(said)) is not None:
                return tag
    for said in (hints.html_lang, hints.og_locale, hints.meta):
        if (tag := language_tag(said)) is not None:
            return tag
    return None
