"""Web addresses an add names that the library holds already.

Adding a page that is in the library (the address it was fetched from, or its canonical
address) changes nothing, so it is not fetched at all: the network is slow, and the
server may have changed the page in ways the reader did not ask to see. `add --refresh`
fetches it again, from the address its document was fetched from, so that the new text
updates that document (and its highlights are found again in it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from library.web_address import is_web_address

if TYPE_CHECKING:
    from library.add_batches import AddSource
    from library.catalog import Catalog
    from library.entries import Entry


@dataclass(frozen=True, slots=True)
class KnownPages:
    """An add's sources, the pages the library holds told apart."""

    to_add: tuple[AddSource, ...]
    """What the add still reads (fetching what it must)."""
    known: tuple[Entry, ...]
    """The documents of the pages not fetched again."""


def sort_known_pages(
    catalog: Catalog, sources: Iterable[AddSource], *, refresh: bool
) -> KnownPages:
    """Leave out the addresses whose page is in the library (or, with `refresh`, fetch
    them from the address their document came from)."""
    given = tuple(sources)
    addresses = [s for s in given if isinstance(s, str) and is_web_address(s)]
    if not addresses:  # files only: the catalog is not even read
        return KnownPages(given, ())
    by_address: dict[str, Entry] = {}
    for listed in catalog.entries():
        for address in (listed.url, listed.path):
            if address is not None and is_web_address(address):
                by_address[address] = listed
    to_add: list[AddSource] = []
    known: dict[str, Entry] = {}
    for source in given:
        entry = by_address.get(source.strip()) if isinstance(source, str) else None
        if entry is None:
            to_add.append(source)
        elif refresh:
            to_add.append(entry.path if entry.path and is_web_address(entry.path) else source)
        else:
            known[entry.id] = entry
    return KnownPages(tuple(to_add), tuple(known.values()))
