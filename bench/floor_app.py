"""The floor: the smallest Textual app a person would recognise (Header, one Static, Footer).

Every "to screen" figure is measured against the time this app takes to show its
first screen on the same machine in the same run, so the figures say what newsreader adds
to the cost of starting Textual at all. Run it as ``python -m bench.floor_app``; it shows
`READY` (the text the benchmark waits for) and quits on ``q``.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

READY = "Floor app ready"
"""The text on the first screen; the benchmark waits until it is visible."""


class FloorApp(App[None]):
    """Header, one Static, Footer: nothing else."""

    TITLE = "floor"
    BINDINGS = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(READY)
        yield Footer()


def main() -> None:
    """Run the floor app until `q`."""
    FloorApp().run()


if __name__ == "__main__":
    main()
