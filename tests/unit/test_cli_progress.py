"""The progress line of long commands: drawn on a terminal only, redrawn in place a few
times a second, cleared at the end."""

from __future__ import annotations

import io

from reader.cli_progress import ProgressLine, progress_text


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_line_says_how_far_and_how_long_still() -> None:
    assert progress_text("Adding files", 3, 10_000) == "Adding files · 0 %"
    assert progress_text("Adding files", 1_000, 10_000, 500.0) == (
        "Adding files · 10 % · about 18 s left"
    )
    assert progress_text("Adding files", 100, 10_000, 16.5).endswith("about 10 min left")
    assert progress_text("Adding files", 10, 10_000, 1.66).endswith("about 1 h 40 min left")
    assert progress_text("Adding files", 0, 0) == "Adding files · 100 %"


def test_drawn_after_a_second_a_few_times_a_second_then_cleared() -> None:
    terminal, clock = Terminal(), Clock()
    line = ProgressLine("Adding files", terminal, clock)
    for done in range(1, 201):
        clock.now = done * 0.01  # 100 files a second, for two seconds
        line.tell(done, 200)
    drawn = [part for part in terminal.getvalue().split("\r") if part.strip()]
    assert len(drawn) == 6  # at 1.0, 1.2, ... 1.8 s, and the last file
    assert drawn[0].rstrip() == "Adding files · 50 %"  # no second of progress yet
    assert drawn[1].rstrip() == "Adding files · 60 % · about 1 s left"
    assert drawn[-1].rstrip() == "Adding files · 100 %"  # nothing left to wait for
    line.done()
    assert terminal.getvalue().endswith("\r" + " " * len(drawn[-1].rstrip()) + "\r")


def test_nothing_is_drawn_when_not_on_a_terminal_or_quickly_done() -> None:
    log, clock = io.StringIO(), Clock()
    line = ProgressLine("Adding", log, clock)
    clock.now = 5.0
    line.tell(1, 2)
    line.done()
    assert log.getvalue() == ""
    terminal = Terminal()
    quick = ProgressLine("Adding", terminal, clock)
    quick.tell(2, 2)
    quick.done()
    assert terminal.getvalue() == ""


def test_the_rate_is_said_once_files_have_gone_through_for_a_second() -> None:
    terminal, clock = Terminal(), Clock()
    line = ProgressLine("Adding files", terminal, clock)
    clock.now = 3.0  # three seconds of finding and reading files first
    line.tell(1, 1_000)
    clock.now = 3.5
    line.tell(50, 1_000)
    clock.now = 4.0
    line.tell(100, 1_000)
    drawn = [part.rstrip() for part in terminal.getvalue().split("\r") if part.strip()]
    assert drawn == [
        "Adding files · 0 %",
        "Adding files · 5 %",
        "Adding files · 10 % · about 9 s left",
    ]


def test_with_a_unit_the_line_counts_and_says_the_rate() -> None:
    assert progress_text("Adding files", 3, 10_000, unit="files") == ("Adding files · 3 of 10,000")
    assert progress_text("Adding files", 4_500, 10_000, 850.0, unit="files") == (
        "Adding files · 4,500 of 10,000 · 850 files/s · about 6 s left"
    )
    assert progress_text("Adding pages", 2, 9, 0.64, unit="pages") == (
        "Adding pages · 2 of 9 · 0.6 pages/s · about 11 s left"
    )


def test_an_add_tells_steps_and_the_line_counts_files() -> None:
    terminal, clock = Terminal(), Clock()
    line = ProgressLine("Adding files", terminal, clock, unit="files", steps_per_item=3)
    clock.now = 1.0
    line.tell(3, 3_000)  # one file of a thousand through
    clock.now = 2.0
    line.tell(603, 3_000)  # two hundred files a second
    drawn = [part.rstrip() for part in terminal.getvalue().split("\r") if part.strip()]
    assert drawn == [
        "Adding files · 1 of 1,000",
        "Adding files · 201 of 1,000 · 200 files/s · about 4 s left",
    ]
