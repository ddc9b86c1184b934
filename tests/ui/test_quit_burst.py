"""`q` `q` typed in one burst on a document the app started on: back, then quit."""

from __future__ import annotations

from textual import events

from library.catalog import Catalog
from reader.app import make_app
from service.workspace import Workspace
from tests.ui.conftest import SIZE


async def test_q_q_in_one_burst_from_the_first_document_quits(
    ferry: tuple[Catalog, str],
) -> None:
    # The first `q` goes back to the library, and the second, arriving before the library
    # is drawn, must quit from there: it used to go to the reader too (a second "back"),
    # and the app stayed open.
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(2):
            app.post_message(events.Key("q", "q"))
        await pilot.pause()
        await pilot.pause()
    assert app.return_code == 0
    assert catalog.reading_state(doc_id).opened  # the reader saved its place on the way
