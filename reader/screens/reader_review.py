"""Placing a lost highlight by hand: the best place in the text is offered, the reader
accepts it (`enter`) or leaves it lost (`esc`). A base class of `ReaderScreen`, as
`ReaderSearch` is, so each part of the reader stays small."""

from __future__ import annotations

from textual import work
from textual.message import Message

from annotations.document_annotations import DocumentAnnotations
from annotations.model import Highlight
from library.safe_files import StoreError
from reader.layout.marks import MarkKind, MarkLayer
from reader.notices import report_not_saved
from reader.screens.reader_search import ReaderSearch
from reader.states.review import Review


class ReaderReview(ReaderSearch):
    """The lost-highlight half of the reader screen; it needs the screen's `document`,
    `_view`, `_annotations` and `_review`, and its `_draw_highlights` and `_update_status`."""

    _annotations: DocumentAnnotations
    _review: Review | None

    class PlaceFound(Message):
        """Candidate places for a lost highlight (handler: `on_reader_review_place_found`)."""

        def __init__(self, highlight: Highlight, places: tuple[tuple[int, int, float], ...]):
            super().__init__()
            self.highlight = highlight
            self.places = places

    def _draw_highlights(self) -> None:
        raise NotImplementedError  # the screen draws them

    def _update_status(self) -> None:
        raise NotImplementedError  # the screen's status line

    # Lost (orphaned) highlights ----------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="place")
    def _find_place(self, highlight: Highlight) -> None:
        from annotations.orphan_review import candidates

        places = candidates(highlight, self.document.text, limit=1)
        self.post_message(self.PlaceFound(highlight, places))

    def on_reader_review_place_found(self, event: ReaderReview.PlaceFound) -> None:
        if not event.places:
            self.notify(
                "No place in the text resembles that lost highlight; it stays listed, "
                "with its note.",
                timeout=6,
            )
            return
        start, end, score = event.places[0]
        self._review = Review(event.highlight, start, end, score)
        self._view.set_marks([(start, end, MarkKind.CURRENT_MATCH)], layer=MarkLayer.REVIEW)
        self._view.move_to_offset(start)
        self._view.focus()
        self._update_status()

    def _accept_review(self) -> None:
        review = self._review
        if review is None:
            return
        from annotations.orphan_review import accept

        document = self.document
        placed = accept(
            review.highlight, document.text, review.start, review.end, document.content_hash
        )
        try:
            self._annotations.replace(review.highlight, placed)
        except StoreError as err:
            report_not_saved(self, err)
            self._end_review("The highlight stays lost for now.")
            return
        self._end_review("Placed the highlight here.")

    def _end_review(self, message: str) -> None:
        self._review = None
        self._view.clear_marks(MarkLayer.REVIEW)
        self._draw_highlights()
        self.notify(message, timeout=2)
