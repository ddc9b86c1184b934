"""Made-up documents shared by the document view's tests (pure layout and widget alike)."""

from __future__ import annotations

from library.document import Document, Span, Spans


def spans_of(text: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Paragraphs split on blank lines, sentences on ". " (enough for these tests)."""
    paragraphs: list[Span] = []
    sentences: list[Span] = []
    position = 0
    for paragraph in text.split("\n\n"):
        end = position + len(paragraph)
        if paragraph:
            paragraphs.append((position, end))
            start = position
            while start < end:
                stop = text.find(". ", start, end)
                stop = end if stop == -1 else stop + 1
                sentences.append((start, stop))
                start = stop + 1
        position = end + 2
    return tuple(paragraphs), tuple(sentences)


def make_document(
    text: str,
    *,
    title: str = "The lighthouse keeper's last winter",
    source: str | None = "Coastal Weekly",
    date: str | None = "2021-11-15",
    caption: str | None = "The lamp room at dusk.Ada Reyes/Coastal Weekly",
) -> Document:
    """A document of `text`, its spans from `spans_of`."""
    paragraphs, sentences = spans_of(text)
    words = len(text.split())
    return Document(
        id="doc1",
        title=title,
        source=source,
        date=date,
        caption=caption,
        text=text,
        paragraphs=Spans.of(paragraphs),
        sentences=Spans.of(sentences),
        words=words,
        reading_minutes=max(1, round(words / 230)),
        path=None,
        content_hash="0" * 64,
        added="2024-01-01T00:00:00+00:00",
    )


def article(paragraphs: int = 30, sentences: int = 6) -> str:
    """A made-up article: numbered sentences so offsets are easy to check."""
    return "\n\n".join(
        " ".join(
            f"Sentence {p}.{s} tells how the keeper trimmed the wick and logged the weather."
            for s in range(sentences)
        )
        for p in range(paragraphs)
    )


def harbour_log(entries: int) -> str:
    """A long made-up log: each entry numbered, so a line on screen says where it is."""
    paragraph = " ".join(
        f"Line {n} of the harbour log records wind, tide and cargo." for n in range(12)
    )
    return "\n\n".join(f"Entry {number}: {paragraph}" for number in range(entries))
