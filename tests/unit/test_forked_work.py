"""Work done in a forked child (`library.forked_work`): the same result as done here,
and done here whenever the child cannot be forked or fails."""

from __future__ import annotations

import gc
import os
import threading
import time
import weakref
from typing import Any

import pytest

from library import forked_work
from library.forked_work import ForkedText, ForkedWork, may_fork


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork even if a thread another test left behind is still running."""
    monkeypatch.setattr(forked_work, "may_fork", lambda: True)


def _pid_and_sum(numbers: tuple[int, ...]) -> tuple[int, int]:
    return os.getpid(), sum(numbers)


@pytest.mark.usefixtures("forking")
def test_the_work_is_done_in_a_child_and_its_result_comes_back() -> None:
    numbers = tuple(range(300_000))  # a result larger than a pipe holds at once
    with ForkedWork(lambda: (os.getpid(), numbers)) as work:
        assert work.forked
        pid, back = work.result()
    assert pid != os.getpid()
    assert back == numbers


@pytest.mark.usefixtures("forking")
def test_where_there_is_no_memory_file_the_result_comes_back_through_a_temporary_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(os, "memfd_create", raising=False)
    text = "word " * 200_000
    with ForkedWork(lambda: (os.getpid(), text)) as work:
        assert work.forked
        pid, back = work.result()
    assert pid != os.getpid()
    assert back == text


def test_without_a_fork_the_work_is_done_here_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forked_work, "may_fork", lambda: False)
    with ForkedWork(_pid_and_sum, (1, 2, 3)) as work:
        assert not work.forked
        assert work.result() == (os.getpid(), 6)


@pytest.mark.usefixtures("forking")
def test_a_child_that_fails_leaves_the_work_to_be_done_here() -> None:
    parent = os.getpid()

    def fails_in_a_child() -> int:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return 42

    with ForkedWork(fails_in_a_child) as work:
        assert work.forked
        assert work.result() == 42


@pytest.mark.usefixtures("forking")
def test_a_child_that_dies_leaves_the_work_to_be_done_here() -> None:
    parent = os.getpid()

    def dies_in_a_child() -> str:
        if os.getpid() != parent:
            os._exit(3)
        return "done here"

    with ForkedWork(dies_in_a_child) as work:
        assert work.result() == "done here"


@pytest.mark.usefixtures("forking")
def test_leaving_the_block_ends_a_child_whose_result_was_not_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forked: list[int] = []
    fork = os.fork

    def noted_fork() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", noted_fork)
    began = time.perf_counter()
    with pytest.raises(ValueError, match="the caller's part failed"), ForkedWork(time.sleep, 60):
        raise ValueError("the caller's part failed")
    assert time.perf_counter() - began < 10
    assert len(forked) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0], os.WNOHANG)  # ended and waited for: no child left behind


def test_no_child_is_forked_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not may_fork()
        with ForkedWork(_pid_and_sum, (4, 5)) as work:
            assert not work.forked
            assert work.result() == (os.getpid(), 9)
    finally:
        stop.set()
        thread.join()


def _pieces(count: int) -> list[str]:
    # ASCII, accents, a character beyond the BMP and a lone surrogate (which UTF-8 alone
    # cannot carry): each comes back as it was.
    return [f"piece {number} é 雨 \U0001f600 \ud800" for number in range(count)]


@pytest.mark.parametrize("forks", [True, False])
def test_text_made_in_pieces_comes_back_joined(
    monkeypatch: pytest.MonkeyPatch, forks: bool
) -> None:
    monkeypatch.setattr(forked_work, "may_fork", lambda: forks)
    with ForkedText(_pieces, 20_000, separator="\n\n") as work:
        assert work.forked is forks
        assert work.result() == "\n\n".join(_pieces(20_000))


@pytest.mark.usefixtures("forking")
def test_text_a_child_fails_to_make_is_made_here() -> None:
    parent = os.getpid()

    def pieces() -> list[str]:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return ["made", "here"]

    with ForkedText(pieces, separator=" ") as work:
        assert work.forked
        assert work.result() == "made here"


class _Held:
    """Stands for the long text a piece of work is handed."""


@pytest.mark.parametrize("kind", [ForkedWork, ForkedText])
@pytest.mark.parametrize("forks", [True, False])
def test_what_the_work_was_handed_is_let_go_of_without_the_collector(
    monkeypatch: pytest.MonkeyPatch, kind: type[ForkedWork[Any]], forks: bool
) -> None:
    # The add pauses the collector: a reference cycle would keep a 100 MB text alive.
    monkeypatch.setattr(forked_work, "may_fork", lambda: forks)
    held = _Held()
    kept = weakref.ref(held)
    gc.disable()
    try:
        with kind(lambda handed: ["piece"], held) as work:
            work.result()
        del work, held
        assert kept() is None
    finally:
        gc.enable()
