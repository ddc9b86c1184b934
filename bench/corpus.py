"""Documents for the benchmarks, made up on the spot: a thousand news-like articles, one
article of about 5 KB, and a 30 MB document made of the 3 MB book ten times over.

The articles follow the conventions of real ones: most start with a
` date YYYY-MM-DD ` marker and end with a `Source: NAME` line, some have a short title line,
some a photo caption glued to its credit; their titles, sources, dates and lengths vary.
The words are this module's own; a seeded generator makes every run write the same files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

SOURCES: tuple[str, ...] = (
    "The Harbour Ledger",
    "Northfield Courier",
    "Valley Evening Post",
    "The Civic Wire",
    "Lakeshore Tribune",
    "Metro Dispatch",
    "The Quarterly Almanac",
    "Riverside Gazette",
    "Upland Observer",
    "Coastal Bulletin",
)

_PEOPLE = (
    "the mayor",
    "a council spokesperson",
    "the regional health board",
    "local fishermen",
    "the transport minister",
    "a group of teachers",
    "the harbour authority",
    "two university researchers",
    "the farmers' cooperative",
    "residents of the old quarter",
    "the city's chief engineer",
    "a coalition of shopkeepers",
)
_ACTIONS = (
    "approved a plan to rebuild",
    "raised concerns about",
    "announced new funding for",
    "published a review of",
    "called for an inquiry into",
    "voted to delay",
    "unveiled a proposal to expand",
    "warned of rising costs at",
    "celebrated the reopening of",
    "questioned the safety of",
)
_THINGS = (
    "the northern ferry terminal",
    "the river footbridge",
    "the municipal library",
    "the tram line to the airport",
    "the flood barrier",
    "the public swimming baths",
    "the seed bank on Mill Lane",
    "the night bus network",
    "the winter shelter programme",
    "the coastal wind farm",
    "the school meals scheme",
    "the market hall roof",
)
_DETAILS = (
    "after months of debate",
    "despite objections from neighbours",
    "ahead of the spring season",
    "following a sharp fall in visitors",
    "with support from both parties",
    "according to documents seen by reporters",
    "in a meeting that ran past midnight",
    "as costs climbed for a third year",
)
_COMMENTS = (
    "We have waited a long time for this, and people deserve a straight answer.",
    "Nobody expected the figures to move so quickly.",
    "It is a modest step, but it is the right one.",
    "The details matter more than the headline.",
    "We will keep asking questions until the work is finished.",
    "Nothing about this decision was easy.",
)
_CAPTIONS = (
    "Workers inspect the site on a grey morning in March.",
    "Visitors queue outside the hall before the doors open.",
    "A view of the harbour from the old signal tower.",
)
_CREDITS = ("Ana Ferreira/Harbour Ledger", "Tom Okafor/Metro Dispatch", "Staff photographer")


@dataclass(frozen=True, slots=True)
class GeneratedLibrary:
    """The files written for the library benchmarks."""

    folder: Path
    """The folder holding the thousand articles."""
    articles: tuple[Path, ...]
    """Every article file, in the order written."""
    article_5kb: Path
    """One more article of about 5 KB (outside `folder`), opened on its own."""


def _sentence(rng: random.Random) -> str:
    sentence = f"{rng.choice(_PEOPLE)} {rng.choice(_ACTIONS)} {rng.choice(_THINGS)}"
    if rng.random() < 0.6:
        sentence += f" {rng.choice(_DETAILS)}"
    sentence = sentence[0].upper() + sentence[1:] + "."
    if rng.random() < 0.2:
        sentence += f" “{rng.choice(_COMMENTS)}”"
    return sentence


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))


def article_text(rng: random.Random, number: int, size: int) -> str:
    """One article of about `size` characters; `number` makes its first sentence unique."""
    head: list[str] = []
    if rng.random() < 0.85:
        year, month, day = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
        head.append(f" date {year:04d}-{month:02d}-{day:02d} ")
    lead = f"Report {number}: {_sentence(rng)}"
    paragraphs: list[str] = []
    if rng.random() < 0.25:
        paragraphs.append(f"{rng.choice(_THINGS).capitalize()}: issue {number}")
        paragraphs.append("")
    if rng.random() < 0.15:
        paragraphs.append(f"{rng.choice(_CAPTIONS)}{rng.choice(_CREDITS)}")
    paragraphs.append(lead + " " + _paragraph(rng))
    while sum(len(p) + 1 for p in paragraphs) < size:
        paragraphs.append(_paragraph(rng))
    body = "\n".join(paragraphs)
    if rng.random() < 0.8:
        body += f"\nSource: {rng.choice(SOURCES)}"
    return ("".join(head) + body + "\n") if head else body + "\n"


def write_library(folder: Path, count: int = 1000, seed: int = 1805) -> GeneratedLibrary:
    """Write `count` articles of 1.5 to 8 KB into `folder`/articles, and a 5 KB one beside."""
    rng = random.Random(seed)
    articles_folder = folder / "articles"
    articles_folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for number in range(count):
        path = articles_folder / f"article-{number:04d}.txt"
        path.write_text(article_text(rng, number, rng.randint(1500, 8000)), encoding="utf-8")
        paths.append(path)
    single = folder / "article-5kb.txt"
    single.write_text(article_text(rng, count, 5000), encoding="utf-8")
    return GeneratedLibrary(articles_folder, tuple(paths), single)


def write_big_document(book: Path, target: Path, copies: int = 10) -> Path:
    """Write `book` `copies` times over into `target` (the 30 MB document)."""
    text = book.read_text(encoding="utf-8")
    with target.open("w", encoding="utf-8") as out:
        for copy in range(copies):
            if copy:
                out.write("\n\n")
            out.write(text)
    return target
