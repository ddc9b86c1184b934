"""One document's highlights while it is open: create, edit, delete, find, and undo.

Pure Python (no Textual): the reader drives it, tests use it directly. Every change is saved
through the `AnnotationStore` before the method returns, so what the reader sees is on disk.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from operator import le
from typing import Literal, Protocol

from annotations.model import Highlight, edited, new_highlight
from library.entries import MAX_OFFSET

ChangeKind = Literal["highlight", "note", "color", "tags", "place", "delete"]
"""The kinds of change `u` can undo."""


def _by_place(highlight: Highlight) -> tuple[int, int]:
    """By position; highlights on the same span keep the store's order (by creation)."""
    return (highlight.start, highlight.end)


_END_BITS = MAX_OFFSET.bit_length()
"""A highlight's place as one number, ``start << _END_BITS | end``, orders as its span."""


class HighlightStore(Protocol):
    """What an open document's highlights need of a store (`AnnotationStore` provides it)."""

    def for_document(self, document_id: str) -> tuple[Highlight, ...]: ...

    def save(self, highlight: Highlight) -> Highlight | None: ...

    def delete(self, document_id: str, highlight_id: str) -> Highlight | None: ...


class _NoStore:
    """A `HighlightStore` that holds nothing and refuses every change."""

    def for_document(self, document_id: str) -> tuple[Highlight, ...]:
        return ()

    def save(self, highlight: Highlight) -> Highlight | None:
        raise ValueError("This document is closed: nothing can be saved to it.")

    def delete(self, document_id: str, highlight_id: str) -> Highlight | None:
        raise ValueError("This document is closed: nothing can be deleted from it.")


@dataclass(frozen=True, slots=True)
class Change:
    """One undoable change: the highlight before and after (None where it did not exist)."""

    before: Highlight | None
    """The highlight as it was, or None when the change created it."""
    after: Highlight | None
    """The highlight as it became, or None when the change deleted it."""
    what: ChangeKind
    """What the change was, named for the reader ("Undone: note.")."""


class DocumentAnnotations:
    """The highlights of one document, kept sorted by position, with an undo history."""

    def __init__(
        self,
        store: HighlightStore,
        document_id: str,
        text: str,
        content_hash: str = "",
        *,
        load: bool = True,
    ) -> None:
        """The highlights of `document_id` in `store`, on `text`; read now unless `load`
        is False (then `reload` reads them, say in a thread)."""
        self._store = store
        self.document_id = document_id
        self._text = text
        self._content_hash = content_hash
        self._undo: list[Change] = []
        self._stored: tuple[Highlight, ...] | None = None
        self.version = 0
        """Counts the changes of the highlights shown (a screen redraws when it moves)."""
        self._take(())
        if load:
            self.reload()

    @classmethod
    def empty(cls, document_id: str) -> DocumentAnnotations:
        """No highlights, on no text, saved nowhere: what a reader that has left keeps."""
        return cls(_NoStore(), document_id, "")

    def reload(self) -> None:
        """Read the document's highlights from the store again (cheap when they did not
        change: the store hands back the very same sorted tuple)."""
        self._take(self._store.for_document(self.document_id))

    def _take(self, stored: tuple[Highlight, ...]) -> None:
        """Take `stored` (the store's highlights of the document) as the document's."""
        if stored is self._stored:
            return
        self._stored = stored
        # The store sorts them already (a check, not a sort, for a hundred thousand of
        # them); highlights re-found on another text may have moved and are sorted here.
        places = [h.start << _END_BITS | h.end for h in stored]
        in_order = all(map(le, places, places[1:]))
        self._highlights = stored if in_order else tuple(sorted(stored, key=_by_place))
        self._starts = [h.start for h in self._highlights]
        # The furthest end reached by any highlight up to each index: the highlights
        # overlapping a span are found by bisection on it, however many there are.
        self._reach = list(accumulate((h.end for h in self._highlights), max))
        self._placed: tuple[Highlight, ...] | None = None
        self._by_id = {h.id: h for h in self._highlights}
        self._visiting: list[Highlight] | None = None
        self.version += 1

    @property
    def highlights(self) -> tuple[Highlight, ...]:
        """Every highlight of the document, by position (orphans included)."""
        return self._highlights

    @property
    def placed(self) -> tuple[Highlight, ...]:
        """The highlights that have a place in the text (not orphaned)."""
        if self._placed is None:
            self._placed = tuple(h for h in self._highlights if h.is_placed)
        return self._placed

    def by_id(self, highlight_id: str) -> Highlight | None:
        """The highlight with that id, if the document has it."""
        return self._by_id.get(highlight_id)

    def overlapping(self, start: int, end: int) -> list[Highlight]:
        """The placed highlights overlapping ``[start, end)``, by position: O(log n + k)
        (plus those that start before and reach past `start` without meeting it)."""
        first = bisect_right(self._reach, start)
        upto = bisect_left(self._starts, end)
        return [h for h in self._highlights[first:upto] if h.is_placed and h.end > start]

    def find(self, start: int, end: int) -> Highlight | None:
        """The placed highlight overlapping ``[start, end)`` that starts first, if any."""
        found = self.overlapping(start, end)
        return found[0] if found else None

    def exact(self, start: int, end: int) -> Highlight | None:
        """The placed highlight covering exactly ``[start, end)``, if any."""
        at = bisect_left(self._starts, start)
        for highlight in self._highlights[at:]:
            if highlight.start != start:
                break
            if highlight.end == end and highlight.is_placed:
                return highlight
        return None

    def next_after(self, offset: int) -> Highlight | None:
        """The first placed highlight starting after `offset`."""
        for highlight in self._highlights[bisect_right(self._starts, offset) :]:
            if highlight.is_placed:
                return highlight
        return None

    def previous_before(self, offset: int) -> Highlight | None:
        """The last placed highlight starting before `offset`."""
        upto = bisect_right(self._starts, offset - 1)
        for highlight in reversed(self._highlights[:upto]):
            if highlight.is_placed:
                return highlight
        return None

    # Changes -------------------------------------------------------------------------------

    def trimmed(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` without the whitespace at either end (what `create` marks)."""
        end = min(end, len(self._text))
        start = min(max(start, 0), end)
        while start < end and self._text[start].isspace():
            start += 1
        while end > start and self._text[end - 1].isspace():
            end -= 1
        return start, end

    def create(self, start: int, end: int) -> Highlight:
        """Highlight ``text[start:end]`` (trimmed of surrounding whitespace) and save it."""
        start, end = self.trimmed(start, end)
        if start >= end:
            raise ValueError("There is no text there to highlight.")
        highlight = new_highlight(
            self.document_id, self._text, start, end, content_hash=self._content_hash
        )
        self._apply(Change(None, highlight, "highlight"))
        return highlight

    def set_note(self, highlight: Highlight, note: str) -> Highlight:
        """Give `highlight` the note `note` (Markdown; empty removes it)."""
        return self._edit(highlight, edited(highlight, note=note), "note")

    def cycle_color(self, highlight: Highlight) -> Highlight:
        """Give `highlight` the next color in `Color`'s order."""
        return self._edit(highlight, edited(highlight, color=highlight.color.next()), "color")

    def set_tags(self, highlight: Highlight, tags: tuple[str, ...]) -> Highlight:
        """Give `highlight` exactly `tags`."""
        return self._edit(highlight, edited(highlight, tags=tags), "tags")

    def replace(self, before: Highlight, after: Highlight) -> Highlight:
        """Put `after` in the place of `before` (same id), say a lost highlight re-placed."""
        return self._edit(before, after, "place")

    def delete(self, highlight: Highlight) -> None:
        """Delete `highlight` (undo brings it back, note and all)."""
        self._apply(Change(highlight, None, "delete"))

    def undo(self) -> Change | None:
        """Undo the last change made since the document was opened; returns it, or None if
        none is left."""
        if not self._undo:
            return None
        change = self._undo.pop()
        try:
            self._write(Change(change.after, change.before, change.what))
        except Exception:
            self._undo.append(change)  # not undone: it can be tried again
            raise
        return change

    def _edit(self, before: Highlight, after: Highlight, what: ChangeKind) -> Highlight:
        self._apply(Change(before, after, what))
        return after

    def _apply(self, change: Change) -> None:
        self._write(change)
        self._undo.append(change)

    def _write(self, change: Change) -> None:
        """Make the store say `change.after` (saved or deleted), then refresh the list."""
        if change.after is not None:
            self._store.save(change.after)
        elif change.before is not None:
            self._store.delete(self.document_id, change.before.id)
        self.reload()

    # Nested highlights ---------------------------------------------------------------------
    #
    # A highlight can lie inside another (a sentence, then a name in it). The reader acts on
    # the innermost one under its cursor, and `]`/`[` visit every highlight in the order
    # below: by start, an outer one before those inside it.

    def innermost(self, start: int, end: int) -> Highlight | None:
        """The shortest placed highlight overlapping ``[start, end)`` (the first of equal
        length), if any: the one a reader pointing there means."""
        return min(self.overlapping(start, end), key=lambda h: h.end - h.start, default=None)

    def visit_after(self, current: Highlight | None, offset: int) -> Highlight | None:
        """The placed highlight `]` goes to: the next after `current` in visiting order, or,
        with no current one, the first starting at or after `offset`."""
        ordered = self._in_visiting_order()
        if current is None:
            at = bisect_left(ordered, offset, key=lambda h: h.start)
        else:
            at = bisect_right(ordered, self._visiting_key(current), key=self._visiting_key)
        return ordered[at] if at < len(ordered) else None

    def visit_before(self, current: Highlight | None, offset: int) -> Highlight | None:
        """The placed highlight `[` goes to: the one before `current` in visiting order, or,
        with no current one, the last starting before `offset`."""
        ordered = self._in_visiting_order()
        if current is None:
            at = bisect_left(ordered, offset, key=lambda h: h.start)
        else:
            at = bisect_left(ordered, self._visiting_key(current), key=self._visiting_key)
        return ordered[at - 1] if at > 0 else None

    def _in_visiting_order(self) -> list[Highlight]:
        if self._visiting is None:
            self._visiting = sorted(self.placed, key=self._visiting_key)
        return self._visiting

    @staticmethod
    def _visiting_key(highlight: Highlight) -> tuple[int, int, str]:
        """Reading order, an outer highlight before the ones inside it (longer first at the
        same start), then by id so that equal spans still have an order."""
        return (highlight.start, -highlight.end, highlight.id)
