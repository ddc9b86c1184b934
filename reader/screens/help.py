"""The help screen, generated from the real bindings of the screen it covers."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

PALETTE_KEY = "ctrl+p"
"""The command palette's key, listed under the screen's own keys."""


def describe_bindings(screen: Screen[object]) -> list[tuple[str, str, str]]:
    """List `(keys, description, tooltip)` for every binding active on `screen`.

    Only bindings with an `id` are listed (ours all have one; Textual's generic scrolling and
    focus bindings do not). Keys bound to the same action are joined, letters first (`j / ↓`).
    """
    grouped: dict[tuple[int, str], tuple[list[str], Binding]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.id is None or not binding.description or binding.system:
            continue  # only our own bindings carry ids; Textual's generic ones are left out
        key = (id(active.node), binding.action)
        display = screen.app.get_key_display(replace(binding, key_display=None))
        if key in grouped:
            if display not in grouped[key][0]:
                grouped[key][0].append(display)
        else:
            grouped[key] = ([display], binding)
    for node, binding in _waiting_bindings(screen):
        key = (id(node), binding.action)
        for name in binding.key.split(","):
            display = screen.app.get_key_display(replace(binding, key=name, key_display=None))
            keys = grouped.setdefault(key, ([], binding))[0]
            if display not in keys:
                keys.append(display)
    return [
        (
            " / ".join(sorted(keys, key=lambda k: (len(k) > 1, k))),
            binding.description,
            binding.tooltip,
        )
        for keys, binding in grouped.values()
    ]


def _waiting_bindings(screen: Screen[object]) -> list[tuple[Widget, Binding]]:
    """Our bindings of the screen's widgets that could take the keys but do not have them
    now (the results under a query field that has the focus): help lists them too, for
    they are one key (`enter`, `tab`) away."""
    active = {id(active.node) for active in screen.active_bindings.values()}
    found: list[tuple[Widget, Binding]] = []
    for widget in screen.focus_chain:
        if widget is screen.focused or id(widget) in active:
            continue
        found.extend(
            (widget, binding)
            for binding in getattr(type(widget), "BINDINGS", ())
            if isinstance(binding, Binding) and binding.id and binding.description
        )
    return found


class HelpScreen(ModalScreen[None]):
    """Every key that works on the screen below, and what it does."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("question_mark", "dismiss", "Close", show=False, id="help.close2"),
        Binding("q", "dismiss", "Close", show=False, id="help.close3"),
        # The help of the reader is longer than a small terminal: it scrolls as a pager does.
        Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
        Binding("space,pagedown", "page(1)", "Page down", show=False, id="help.page_down"),
        Binding("b,pageup", "page(-1)", "Page up", show=False, id="help.page_up"),
        Binding("g,home", "to_end(0)", "Top", show=False, id="help.top"),
        Binding("G,end", "to_end(1)", "Bottom", show=False, id="help.bottom"),
    ]

    def __init__(self, covered: Screen[object]) -> None:
        super().__init__()
        self.rows = describe_bindings(covered)
        """`(keys, description, tooltip)` of every key the covered screen answers."""
        self._title = getattr(covered, "HELP_TITLE", "Keys")

    def compose(self) -> ComposeResult:
        # Wide enough for the longest key, `ctrl+p` included, and two spaces after it.
        width = max((len(keys) for keys, _, _ in self.rows), default=0)
        width = max(width, len(PALETTE_KEY)) + 2
        lines: list[Content] = [Content.assemble((self._title, "bold"), "\n")]
        for keys, description, tooltip in self.rows:
            extra = f" — {tooltip}" if tooltip and tooltip != description else ""
            lines.append(
                Content.assemble(
                    (keys.ljust(width), "bold $accent"), description, (extra, "dim"), "\n"
                )
            )
        lines.append(
            Content.assemble(
                "\n",
                (PALETTE_KEY.ljust(width), "bold $accent"),
                "command palette (themes, documents, actions)\n",
            )
        )
        lines.append(
            Content.assemble(
                ("esc".ljust(width), "bold $accent"), "close this help (j/k, space/b scroll it)"
            )
        )
        with VerticalScroll(classes="dialog help"):
            yield Static(Content("").join(lines), id="help-text")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        scroll = self.query_one(VerticalScroll)
        scroll.scroll_relative(
            y=pages * max(1, scroll.scrollable_content_region.height - 1), animate=False
        )

    def action_to_end(self, bottom: int) -> None:
        scroll = self.query_one(VerticalScroll)
        scroll.scroll_to(y=scroll.max_scroll_y if bottom else 0, animate=False)
