"""Part of a long computation done on the machine's second core, in a forked child.

The passes that split a long text (its lines measured, its sentences found) run in the
regex engine and in loops of Python, which hold the interpreter's lock: a thread beside
them would only take turns with them. A process forked off does run beside them, and
sees the text already in memory (the pages are shared until one side writes them), so a
100 MB text can be split in two halves at once with no copy of it. Only the result, a few
numbers or arrays of offsets, comes back through a pipe.

A child is forked only where that is safe and pays: the system can fork, more than one
core is there to use, and this process runs no other thread (a thread holding a lock at
the moment of the fork would leave the child's copy of the lock held forever; the app
runs threads, the command line's add does not). Otherwise, or should the child fail in
any way, the work is done here, when its result is asked for: the caller gets the same
result either way, only sooner or later.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable
from contextlib import suppress
from types import TracebackType
from typing import Generic, TypeVar

_T = TypeVar("_T")

_CHUNK = 1 << 20
"""Bytes written to, or read from, the pipe at a time."""
_SIZE_BYTES = 8
"""The size of the result, sent before it."""


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
        self._pipe: int | None = None
        if may_fork():
            self._fork()

    def _fork(self) -> None:
        readable, writable = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(readable)
            os.close(writable)
            return
        if pid == 0:  # the child: never returns to the caller's code
            code = 1
            try:
                os.close(readable)
                data = pickle.dumps(self._work(*self._args), pickle.HIGHEST_PROTOCOL)
                _write_all(writable, len(data).to_bytes(_SIZE_BYTES, "little"))
                _write_all(writable, data)
                code = 0
            finally:
                os._exit(code)
        os.close(writable)
        self._pid, self._pipe = pid, readable

    @property
    def forked(self) -> bool:
        """Whether a child was forked to do the work."""
        return self._pid is not None

    def result(self) -> _T:
        """The work's result: the child's, once it has finished, or (no child, or one that
        failed) the work done here and now."""
        if self._pid is None or self._pipe is None:
            return self._work(*self._args)
        try:
            data = _read_all(self._pipe)
        finally:
            finished = self._close(kill=False)
        if finished and data is not None:
            try:
                found: _T = pickle.loads(data)  # noqa: S301 - made by this program's child
            except Exception:  # noqa: BLE001 - cut short: the work is done here instead
                pass
            else:
                return found
        return self._work(*self._args)

    def _close(self, *, kill: bool) -> bool:
        """Close the pipe and wait for the child (ended first, if `kill`); tell whether
        it finished its work."""
        pid, pipe = self._pid, self._pipe
        self._pid = self._pipe = None
        if pipe is not None:
            os.close(pipe)
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
        self._close(kill=True)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_CHUNK])
        view = view[written:]


def _read_all(fd: int) -> bytearray | None:
    """What the child sends (its size first, so that it is read into one buffer, not
    gathered in pieces and joined: a long text's half is 50 MB), or None if the pipe
    closes before all of it came."""
    size = _read_into(fd, bytearray(_SIZE_BYTES))
    if size is None:
        return None
    return _read_into(fd, bytearray(int.from_bytes(size, "little")))


def _read_into(fd: int, buffer: bytearray) -> bytearray | None:
    view = memoryview(buffer)
    filled = 0
    while filled < len(buffer):
        got = os.readv(fd, [view[filled : filled + _CHUNK]])
        if not got:
            return None
        filled += got
    return buffer
