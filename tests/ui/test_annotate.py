"""Pilot tests of highlighting in the reader: h, v, a, c, t, x, u, ], [, tab."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from annotations.store import AnnotationStore
from library.catalog import Catalog
from reader.app import make_app
from reader.screens.dialogs import AskTextScreen, ConfirmScreen, NoteEditorScreen
from reader.screens.reader import ReaderScreen
from reader.widgets.document_view import DocumentView
from reader.widgets.highlights_panel import HighlightsPanel
from service.workspace import Workspace
from tests.ui.conftest import FERRY as TEXT
from tests.ui.conftest import SIZE


def reader_of(app: object) -> ReaderScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ReaderScreen)
    return screen


def stored(catalog: Catalog, doc_id: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [
        (h.quote, h.color, h.note, h.tags)
        for h in AnnotationStore(catalog.home).for_document(doc_id)
    ]


async def test_h_highlights_the_sentence_and_survives_restart(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "h")
    assert stored(catalog, doc_id) == [("The harbour was quiet.", "yellow", "", ())]


async def test_v_selection_extends_by_sentence_and_word(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v", "j", "enter")
        await pilot.press("right_curly_bracket", "v", "right", "right", "h")
    quotes = [q for q, _, _, _ in stored(catalog, doc_id)]
    assert quotes == [
        "The ferry left at dawn. The harbour was quiet.",
        "Gulls followed the ferry out past the breakwater. Nobody spoke.",
    ]


async def test_word_steps_grow_and_shrink_a_selection(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v", "right", "right", "left", "h")
    assert [q for q, _, _, _ in stored(catalog, doc_id)] == ["The ferry left at dawn. The"]


async def test_esc_cancels_a_selection(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v", "j", "escape")
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("h")
    assert [q for q, _, _, _ in stored(catalog, doc_id)] == ["The harbour was quiet."]


async def test_h_after_search_highlights_the_match(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"harbour master", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("h")
    assert [q for q, _, _, _ in stored(catalog, doc_id)] == ["harbour master"]


async def test_note_color_tags_delete_and_undo(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditorScreen)
        await pilot.press(*"First line", "enter", *"second [bold]line", "ctrl+s")
        await pilot.pause()
        assert stored(catalog, doc_id) == [
            ("The ferry left at dawn.", "yellow", "First line\nsecond [bold]line", ())
        ]
        await pilot.press("c", "c")
        assert stored(catalog, doc_id)[0][1] == "blue"
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, AskTextScreen)
        await pilot.press(*"sea, travel", "enter")
        await pilot.pause()
        assert stored(catalog, doc_id)[0][3] == ("sea", "travel")
        await pilot.press("x")
        assert stored(catalog, doc_id) == []
        await pilot.press("u")
        assert stored(catalog, doc_id) == [
            ("The ferry left at dawn.", "blue", "First line\nsecond [bold]line", ("sea", "travel"))
        ]
        await pilot.press("u")
        assert stored(catalog, doc_id)[0][3] == ()


async def test_esc_in_the_note_editor_asks_before_dropping_a_change(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("h", "a", *"never mind", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # the text is not thrown away unasked
        await pilot.press("n")  # back to the note, as it was
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, NoteEditorScreen)
        assert editor.query_one(TextArea).text == "never mind"
        assert editor.focused is editor.query_one(TextArea)
        await pilot.press(*" again", "escape", "escape")  # esc answers no, too
        await pilot.pause()
        assert isinstance(app.screen, NoteEditorScreen)
        assert app.screen.query_one(TextArea).text == "never mind again"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
    assert stored(catalog, doc_id) == [("The ferry left at dawn.", "yellow", "", ())]


async def test_words_and_ctrl_s_typed_in_one_burst_are_all_saved(
    ferry: tuple[Catalog, str],
) -> None:
    from textual import events

    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        for character in "sea":  # as a paste or a fast typist sends them
            app.post_message(events.Key(character, character))
        app.post_message(events.Key("ctrl+s", None))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
    assert stored(catalog, doc_id) == [("The ferry left at dawn.", "yellow", "sea", ())]


async def test_esc_in_the_note_editor_closes_an_unchanged_note_at_once(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", *"kept", "ctrl+s", "a")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditorScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("a", "backspace", "backspace", *"pt", "escape")  # the same text
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
    assert stored(catalog, doc_id) == [("The ferry left at dawn.", "yellow", "kept", ())]


async def test_brackets_walk_highlights_and_tab_lists_them(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = reader_of(app)
        view = screen.query_one(DocumentView)
        text = screen.document.text
        await pilot.press("h", "G", "h", "g")
        await pilot.press("right_square_bracket")
        assert view.cursor_offset == text.index("By noon")
        await pilot.press("left_square_bracket")
        assert view.cursor_offset == 0
        await pilot.press("tab")
        await pilot.pause()
        panel = screen.query_one(HighlightsPanel)
        assert panel.is_open
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not panel.is_open
        assert view.cursor_offset == text.index("By noon")
        assert view.has_focus


async def test_notes_screen_filters_and_opens_at_the_highlight(
    ferry: tuple[Catalog, str],
) -> None:
    from reader.screens.notes import NotesScreen

    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("h", "G", "a", *"islands at last", "ctrl+s")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        notes = app.screen
        assert isinstance(notes, NotesScreen)
        assert len(notes.shown) == 2
        await pilot.press("slash", *"ilands")
        assert [h.note for h in notes.shown] == ["islands at last"]
        await pilot.press("enter", "enter")
        await pilot.pause()
        screen = reader_of(app)
        text = screen.document.text
        assert screen.query_one(DocumentView).cursor_offset == text.index("By noon")


async def test_e_exports_this_document(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("h", "e")
        await app.workers.wait_for_complete()
        await pilot.pause()
    files = list(catalog.exports_folder.glob("*.md"))
    assert len(files) == 1
    assert "> The ferry left at dawn. ^nr-" in files[0].read_text(encoding="utf-8")


async def test_stray_enter_does_not_highlight(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter", "j", "enter")
    assert stored(catalog, doc_id) == []


async def test_changed_document_says_so_and_lost_highlight_can_be_placed(
    tmp_path: Path,
) -> None:
    catalog = Catalog.open(tmp_path / "lib")
    path = tmp_path / "ferry.txt"
    path.write_text(TEXT, encoding="utf-8")
    doc_id = catalog.add([path]).added[0].id
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("right_curly_bracket", "h", "a", *"keep me", "ctrl+s")
        await pilot.pause()
    rewritten = TEXT.replace(
        "Gulls followed the ferry out past the breakwater.",
        "Seabirds trailed the boat beyond the harbour wall.",
    )
    path.write_text(rewritten, encoding="utf-8")
    assert catalog.add([path]).updated
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = reader_of(app)
        assert [h.status for h in screen.annotations.highlights] == ["orphaned"]
        await pilot.press("tab", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        placed = screen.annotations.highlights
        assert [h.status for h in placed] == ["exact"]
        assert placed[0].note == "keep me"
        assert screen.document.text[placed[0].start : placed[0].end] == placed[0].quote
    assert stored(catalog, doc_id)[0][2] == "keep me"


async def test_h_after_reading_past_a_match_highlights_the_sentence(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"breakwater")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter", "j", "h")
    assert [q for q, _, _, _ in stored(catalog, doc_id)] == ["Nobody spoke."]


async def test_arrows_edit_the_find_bar_even_during_a_selection(
    ferry: tuple[Catalog, str],
) -> None:
    from reader.widgets.find_bar import FindBar

    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v", "slash", *"ferry", "left", "left", "X")
        await pilot.pause()
        assert reader_of(app).query_one(FindBar).query_text == "ferXry"


async def test_keys_in_the_panel_act_on_the_highlight_chosen_there(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("h", "G", "h")  # two highlights; the cursor is on the second
        await pilot.press("tab", "up", "x")
        await pilot.pause()
        screen = reader_of(app)
        assert screen.query_one(HighlightsPanel).is_open
        assert [h.quote for h in screen.annotations.highlights] == [
            "By noon the ferry had reached the islands, where the harbour master waited."
        ]


async def test_opening_a_document_removed_meanwhile_says_so(ferry: tuple[Catalog, str]) -> None:
    from reader.screens.library import LibraryScreen

    catalog, doc_id = ferry
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        catalog.remove(doc_id)  # another copy removes it while this one still lists it
        app.open_document(doc_id)
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, LibraryScreen)


# --- nested highlights, words, the selection's start, the status line -------------------------


async def test_keys_act_on_the_innermost_highlight_and_brackets_visit_nested_ones(
    ferry: tuple[Catalog, str],
) -> None:
    from reader.widgets.reader_status import ReaderStatus

    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = reader_of(app)
        status = screen.query_one(ReaderStatus)
        await pilot.press("right_curly_bracket", "h")  # the whole sentence
        await pilot.press("slash", *"breakwater", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("h", "escape")  # a word inside it, from the match
        sentence = "Gulls followed the ferry out past the breakwater."
        assert {q for q, _, _, _ in stored(catalog, doc_id)} == {"breakwater", sentence}
        await pilot.press("c")
        assert dict((q, c) for q, c, _, _ in stored(catalog, doc_id)) == {
            sentence: "yellow",
            "breakwater": "green",
        }
        assert status.highlight_here is not None
        assert status.highlight_here.quote == "breakwater"
        await pilot.press("g", "right_square_bracket")  # the outer one first…
        assert status.highlight_here is not None and status.highlight_here.quote == sentence
        await pilot.press("right_square_bracket")  # …then the one inside it
        assert status.highlight_here is not None
        assert status.highlight_here.quote == "breakwater"
        await pilot.press("left_square_bracket", "c")  # back to the outer one: c acts on it
        await pilot.press("right_square_bracket", "x")
        assert stored(catalog, doc_id) == [(sentence, "green", "", ())]


async def test_h_on_a_fuzzy_match_takes_whole_words_even_typed_in_a_burst(
    tmp_path: Path,
) -> None:
    from tests.ui.test_reader_search import burst, events_key

    catalog = Catalog.open(tmp_path / "lib")
    path = tmp_path / "briefing.txt"
    path.write_text(
        "The ministry held its briefing at noon.\n\n"
        "Spokeswoman Hua Chunying said the talks would go on.\n",
        encoding="utf-8",
    )
    doc_id = catalog.add([path]).added[0].id
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"Hua Chunyin", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("h", "x", "g")
        burst(app, "/Chunyng")  # a typo, and the keys all at once
        app.post_message(events_key("enter"))
        burst(app, "h")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert [q for q, _, _, _ in stored(catalog, doc_id)] == ["Chunying"]


async def test_o_lets_the_arrows_move_the_start_of_a_selection(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v", "o", "right", "right", "o", "left", "h")
    assert [q for q, _, _, _ in stored(catalog, doc_id)] == ["left at"]


async def test_the_status_line_shows_the_start_of_the_note(ferry: tuple[Catalog, str]) -> None:
    from reader.widgets.reader_status import ReaderStatus

    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("a", *"Dawn sailings", "enter", *"are the quiet ones", "ctrl+s")
        await pilot.pause()
        line = str(reader_of(app).query_one(ReaderStatus).render())
        assert "✎ Dawn sailings are the quiet ones" in line and len(line) <= 100


async def test_the_lost_highlight_line_fits_100_and_80_columns(tmp_path: Path) -> None:
    from reader.widgets.reader_status import ReaderStatus

    catalog = Catalog.open(tmp_path / "lib")
    path = tmp_path / "ferry.txt"
    long_sentence = (
        "Gulls followed the ferry out past the breakwater and the old lighthouse keeper's "
        "cottage, whose shutters had been painted the colour of the sea."
    )
    short_sentence = "Gulls followed the ferry out past the breakwater."
    path.write_text(TEXT.replace(short_sentence, long_sentence), encoding="utf-8")
    doc_id = catalog.add([path]).added[0].id
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("right_curly_bracket", "h")
    path.write_text(TEXT.replace(short_sentence, "Seabirds trailed the boat."), encoding="utf-8")
    assert catalog.add([path]).updated
    for width in (100, 80):
        app = make_app(Workspace(catalog), open_id=doc_id)
        async with app.run_test(size=(width, 24)) as pilot:
            await pilot.pause()
            await pilot.press("tab", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            status = reader_of(app).query_one(ReaderStatus)
            assert status.review is not None
            line = str(status.render())
            assert line.startswith(" Lost “Gulls followed")
            assert line.endswith("enter accepts · esc leaves it lost")
            assert len(line) <= width


async def test_a_selection_typed_in_one_burst_acts_as_typed_slowly(
    ferry: tuple[Catalog, str],
) -> None:
    from tests.ui.test_reader_search import burst, events_key

    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "vo")
        app.post_message(events_key("right"))  # the arrows come after v and o, not before
        app.post_message(events_key("right"))
        burst(app, "h")
        await pilot.pause()
    assert [q for q, _, _, _ in stored(catalog, doc_id)] == ["left at dawn."]
