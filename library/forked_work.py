"""Part of a long computation done on the machine's second core, in a forked child.

The passes that split a long text (its lines measured, its sentences found) run in the
regex engine and in loops of Python, which hold the interpreter's lock: a thread beside
them would only take turns with them. A process forked off does run beside them, and
sees the text already in memory (the pages are shared until one side writes them), so a
100 MB text can be split in two halves at once with no copy of it. Only the result comes
back: pickled into a file that lives in memory (`os.memfd_create`; elsewhere an unnamed
temporary file), which this process maps once the child has exited. A pipe took three
times as long for a 50 MB result: 64 KB at a time, each a wake-up of either side.

A child is forked only where that is safe and pays: the system can fork, more than one
core is there to use, and this process runs no other thread (a thread holding a lock at
the moment of the fork would leave the child's copy of the lock held forever; the app
runs threads, the command line's add does not). Otherwise, or should the child fail in
any way, the work is done here, when its result is asked for: the caller gets the same
result either way, only sooner or later.
"""

from __future__ import annotations

import mmap
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterable
from contextlib import suppress
from functools import partial
from types import TracebackType
from typing import Generic, TypeVar

_T = TypeVar("_T")


def may_fork() -> bool:
    """Whether work may go to a forked child now (see the module docstring)."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    return cores > 1


class ForkedWork(Generic[_T]):
    """`work(*args)`, begun in a forked child if it may be (see `may_fork`), else put off
    until `result` is asked for. Use it as a context manager: leaving the block ends a
    child whose result was never asked for (say, when the caller's own part failed)."""

    def __init__(self, work: Callable[..., _T], *args: object) -> None:
        """Fork the child that does `work(*args)`, if it may be forked.

        `work` and `args` must not change meanwhile in this process's memory: the child
        sees them as they are at the fork; and `work` must not write files or talk to
        the terminal, since it may run in a copy of this process that leaves without
        flushing or closing anything.
        """
        self._work = work
        self._args = args
        self._pid: int | None = None
        self._file: int | None = None
        if may_fork():
            self._fork()

    def _fork(self) -> None:
        try:
            file = _memory_file()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(file)
            return
        if pid == 0:  # the child: never returns to the caller's code
            code = 1
            try:
                self._send(file)
                code = 0
            finally:
                os._exit(code)
        self._pid, self._file = pid, file

    @property
    def forked(self) -> bool:
        """Whether a child was forked to do the work."""
        return self._pid is not None

    def result(self) -> _T:
        """The work's result: the child's, once it has finished, or (no child, or one that
        failed) the work done here and now."""
        if self._pid is None or self._file is None:
            return self._work(*self._args)
        file, self._file = self._file, None
        try:
            if self._wait(kill=False):
                with mmap.mmap(file, os.fstat(file).st_size, access=mmap.ACCESS_READ) as pages:
                    return self._received(pages)
        except Exception:  # noqa: BLE001, S110 - cut short: the work is done here instead
            pass
        finally:
            os.close(file)
        return self._work(*self._args)

    def _send(self, file: int) -> None:
        """Do the work and write its result into `file` (in the child)."""
        _write_all(file, pickle.dumps(self._work(*self._args), pickle.HIGHEST_PROTOCOL))

    def _received(self, pages: mmap.mmap) -> _T:
        """The result the child wrote, read from the pages of its file."""
        found: _T = pickle.loads(pages)  # noqa: S301 - made by this program's child
        return found

    def _wait(self, *, kill: bool) -> bool:
        """Wait for the child (ended first, if `kill`); tell whether it finished its
        work."""
        pid = self._pid
        self._pid = None
        if pid is None:
            return False
        if kill:
            with suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status) == 0

    def __enter__(self) -> ForkedWork[_T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._wait(kill=True)
        if self._file is not None:
            os.close(self._file)
            self._file = None


def _memory_file() -> int:
    """A file for the child's result, open here and (once forked) in the child: one in
    memory where the system has them, else an unnamed temporary file."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("newsreader-forked-work", os.MFD_CLOEXEC)
    import tempfile  # (where there is no memfd_create only)

    with tempfile.TemporaryFile() as unnamed:
        return os.dup(unnamed.fileno())


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _joined(separator: str, work: Callable[..., Iterable[str]], *args: object) -> str:
    return separator.join(work(*args))


class ForkedText(ForkedWork[str]):
    """`separator.join(work(*args))`, as `ForkedWork` does it, for work that makes a long
    text in pieces: the child writes each piece's UTF-8 into the file as it goes, and this
    process decodes them in one pass from its pages. Pickled, a 50 MB text was first
    joined, then copied into a pickle, in the child: ~60 ms and 100 MB of new memory."""

    def __init__(
        self, work: Callable[..., Iterable[str]], *args: object, separator: str = ""
    ) -> None:
        """Fork the child that makes the pieces (see `ForkedWork.__init__`)."""
        self._pieces = work  # (set before the fork: the child makes them)
        self._separator = separator
        # (a function of its own, not a method: this object holds it, and a cycle would
        # keep the text in `args` alive until the collector ran, if it ran at all)
        super().__init__(partial(_joined, separator, work), *args)

    def _send(self, file: int) -> None:
        between = self._separator.encode("utf-8", "surrogatepass")
        for number, piece in enumerate(self._pieces(*self._args)):
            if number:
                _write_all(file, between)
            _write_all(file, piece.encode("utf-8", "surrogatepass"))

    def _received(self, pages: mmap.mmap) -> str:
        with memoryview(pages) as view:  # (released before the pages are unmapped)
            return str(view, "utf-8", "surrogatepass")
