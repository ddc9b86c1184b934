"""Finding the passage a person means by quoting it (`newsreader highlight --quote`)."""

from __future__ import annotations

from library.sanitize import one_line

Span = tuple[int, int]
"""``(start, end)`` offsets into a document's text."""

SHOWN_PLACES = 5
"""How many of several places a message describes."""

FUZZY_QUOTE_THRESHOLD = 85.0
"""How close (0–100) a passage must be to a quote not found exactly: small typos only."""


class QuoteProblem(Exception):
    """A quote that does not name one passage; the message is one sentence."""


class EmptyQuote(QuoteProblem):
    """The quote has no text."""

    def __init__(self) -> None:
        super().__init__("the quote is empty")


class QuoteNotFound(QuoteProblem):
    """Nothing in the text is the quote, or close enough to it."""

    def __init__(self, quote: str) -> None:
        super().__init__(f"The quote {one_line(quote)!r} is not in the document.")


class AmbiguousQuote(QuoteProblem):
    """The quote is in several places and nothing says which one."""

    def __init__(self, places: tuple[Span, ...], snippets: tuple[str, ...]) -> None:
        self.places = places
        """Every place, in reading order."""
        self.snippets = snippets
        """A little context around each of the first `SHOWN_PLACES` places."""
        where = "; ".join(f"{i}: {snippet!r}" for i, snippet in enumerate(snippets, 1))
        if len(places) > len(snippets):
            where += "; …"
        super().__init__(f"the quote is in {len(places)} places ({where})")


class NoSuchPlace(QuoteProblem):
    """The place asked for (`nth`) is not one of the quote's places."""

    def __init__(self, count: int) -> None:
        self.count = count
        """How many places the quote has."""
        super().__init__(f"there are {count} places for this quote")


def places_of(text: str, quote: str) -> tuple[Span, ...]:
    """Every place of `quote` in `text`: the exact ones, or else the best fuzzy ones.

    A highlight covers whole words, as one made in the reader does: places where the
    quote stands as whole words come first and alone (`CHAPTER XII` is not the start of
    `CHAPTER XIII`); when it is only ever part of a word, its places grow to whole words
    (`Bide` highlights `Biden`).
    """
    places: list[Span] = []
    at = text.find(quote)
    while at >= 0:
        places.append((at, at + len(quote)))
        at = text.find(quote, at + 1)
    if not places:
        from library.search_index import SearchIndex

        found = SearchIndex(text).find(quote, limit=10, threshold=FUZZY_QUOTE_THRESHOLD)
        if not found:
            return ()
        best = found[0].score
        places = sorted((m.start, m.end) for m in found if m.score >= best - 0.5)
    whole = [place for place in places if _on_word_bounds(text, *place)]
    if whole:
        return tuple(whole)
    return tuple(sorted({_grown_to_words(text, *place) for place in places}))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _on_word_bounds(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` cuts no word in two."""
    cuts_start = 0 < start < len(text) and _is_word(text[start - 1]) and _is_word(text[start])
    cuts_end = 0 < end < len(text) and _is_word(text[end - 1]) and _is_word(text[end])
    return not (cuts_start or cuts_end)


def _grown_to_words(text: str, start: int, end: int) -> Span:
    """`start`–`end` grown to the whole words it cuts into."""
    while 0 < start < len(text) and _is_word(text[start - 1]) and _is_word(text[start]):
        start -= 1
    while 0 < end < len(text) and _is_word(text[end - 1]) and _is_word(text[end]):
        end += 1
    return start, end


def find_quote(text: str, quote: str, nth: int | None = None) -> Span:
    """The one place in `text` that `quote` names (the `nth` of several, counting from 1).

    Raises:
        EmptyQuote, QuoteNotFound, AmbiguousQuote, NoSuchPlace: see each.
    """
    if not quote.strip():
        raise EmptyQuote()
    places = places_of(text, quote)
    if not places:
        raise QuoteNotFound(quote)
    if nth is not None:
        if not 1 <= nth <= len(places):
            raise NoSuchPlace(len(places))
        return places[nth - 1]
    if len(places) > 1:
        from library.snippets import context_snippet

        snippets = tuple(
            context_snippet(text, start, end, width=40) for start, end in places[:SHOWN_PLACES]
        )
        raise AmbiguousQuote(places, snippets)
    return places[0]
