"""The key bar: generated from the screen's real bindings, kept current, clickable."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding

from library.catalog import Catalog
from reader.app import make_app
from reader.screens.reader import ReaderScreen
from reader.widgets.key_bar import KeyBar
from service.workspace import Workspace
from tests.ui.conftest import SIZE


class BarApp(App[None]):
    BINDINGS = [
        Binding("a", "add", "Add", id="t.add"),
        Binding("b", "bell", "Hidden", show=False, id="t.hidden"),
        Binding("c", "count", "Count", id="t.count"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.added = 0

    def compose(self) -> ComposeResult:
        yield KeyBar()

    def action_add(self) -> None:
        self.added += 1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "count" else True


def bar_text(app: App[None]) -> str:
    return app.screen.query_one(KeyBar).render_line(0).text


async def test_shows_the_shown_bindings_and_the_palette_key() -> None:
    app = BarApp()
    async with app.run_test(size=(80, 5)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        assert [(h.display, h.description) for h in bar.hints] == [
            ("a", "Add"),
            ("c", "Count"),
            ("^p", "palette"),
        ]
        assert [h.enabled for h in bar.hints] == [True, False, True]
        text = bar_text(app)
        assert text.startswith(" a Add  c Count")
        assert text.rstrip().endswith("^p palette")
        assert "Hidden" not in text


async def test_a_click_presses_the_key() -> None:
    app = BarApp()
    async with app.run_test(size=(80, 5)) as pilot:
        await pilot.pause()
        await pilot.click(KeyBar, offset=(2, 0))
        await pilot.pause()
        assert app.added == 1
        await pilot.click(KeyBar, offset=(40, 0))  # between keys: nothing
        await pilot.pause()
        assert app.added == 1


async def test_keys_that_do_not_fit_are_left_out_whole() -> None:
    app = BarApp()
    async with app.run_test(size=(12, 5)) as pilot:
        await pilot.pause()
        text = bar_text(app)
        assert text.rstrip() == " a Add"  # neither "c Count" nor the palette fits whole


async def test_a_narrow_bar_keeps_the_help_key(ferry: tuple[Catalog, str]) -> None:
    catalog, _ = ferry
    app = make_app(Workspace(catalog))
    async with app.run_test(size=(44, 12)) as pilot:
        await pilot.pause()
        text = bar_text(app)
        assert text.rstrip().endswith("? Help")
        assert text.startswith(" ⏎ Open")
        assert "q Quit" not in text  # left out whole, from the end, before help


async def test_keys_a_focused_field_takes_are_not_offered(ferry: tuple[Catalog, str]) -> None:
    catalog, _ = ferry
    app = make_app(Workspace(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "/ Filter" in bar_text(app)
        await pilot.press("slash")
        await pilot.pause()
        assert "/ Filter" not in bar_text(app)  # `/` types a slash into the filter now
        assert "⏎ To the list" in bar_text(app)


async def test_follows_focus_in_the_reader(ferry: tuple[Catalog, str]) -> None:
    catalog, doc_id = ferry
    app = make_app(Workspace(catalog), open_id=doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        bar = app.screen.query_one(KeyBar)
        assert "j Next sentence" in bar_text(app) and "q Library" in bar_text(app)
        await pilot.press("slash")
        await pilot.pause()
        assert "esc Clear search" in bar_text(app)
        assert "q Library" not in bar_text(app)  # q types into the field now
        await pilot.press("escape")
        await pilot.pause()
        assert "q Library" in bar_text(app)
        assert bar.hints[-1].display == "^p"


async def test_after_first_frame_is_called_once_the_screen_is_drawn(
    ferry: tuple[Catalog, str],
) -> None:
    catalog, _ = ferry
    calls: list[bool] = []
    app = make_app(
        Workspace(catalog), after_first_frame=lambda: calls.append(app.screen.is_current)
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert calls == [True]
