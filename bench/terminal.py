"""A pseudo-terminal that times what a person sees: when the screen first shows something.

The same idea as ``../shared/tools/ttfp.py`` (a program in a pty, its screen emulated with
pyte), with three differences that matter for figures of tens of milliseconds:

- output is drained as fast as it comes and parsed only while the program is quiet, so a
  slow emulator never holds up a program blocked on a full pty buffer;
- each chunk carries the time it arrived, and a wait reports the arrival of the chunk that
  made the screen right, not the moment the emulator finished parsing it;
- a wait may test colours as well as text (the reading cursor moves by background only),
  and the program's process id is at hand (for its resident memory);
- each chunk also carries the CPU time the program had used when it arrived (all its
  threads, from the scheduler's own count), so a start-up can be told in CPU time too:
  on a busy machine the wall time mostly measures the wait for a core.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pyte

Snapshot = tuple[tuple[tuple[str, str, bool], ...], ...]
"""Every cell of the screen as (character, background, reverse), row by row."""

CURSOR_POSITION_QUERY = b"\x1b[6n"


class ScreenTimeout(Exception):
    """What was waited for never showed; the message carries the screen."""


class Terminal:
    """Runs `argv` in a pseudo-terminal of `columns` × `lines` with an emulated screen."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        columns: int = 120,
        lines: int = 38,
    ) -> None:
        self.screen = pyte.Screen(columns, lines)
        self._stream = pyte.ByteStream(self.screen)
        self._pending: list[tuple[float, float | None, bytes]] = []
        self.exit_status: int | None = None
        self.cpu_ms_when_done: float | None = None
        """The program's CPU time (ms, all threads) when the output that made the last
        `wait_until` hold arrived; None where the system does not tell it."""
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child becomes the program
            try:
                environment = {**env, "TERM": "xterm-256color"}
                environment["COLUMNS"], environment["LINES"] = str(columns), str(lines)
                os.execvpe(argv[0], list(argv), environment)
            finally:
                os._exit(127)
        self.pid = pid
        self.fd = fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))

    # -- reading -------------------------------------------------------------------------------

    def _drain(self, timeout: float) -> bool:
        """Read whatever arrives within `timeout` (more if it keeps coming); False at EOF."""
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        while ready:
            arrived = time.perf_counter()
            try:
                data = os.read(self.fd, 1 << 20)
            except OSError:
                return False
            if not data:
                return False
            self._pending.append((arrived, self.cpu_ms(), data))
            if CURSOR_POSITION_QUERY in data:
                os.write(self.fd, b"\x1b[1;1R")
            ready, _, _ = select.select([self.fd], [], [], 0)
        return True

    def _feed(self, done: Callable[[Terminal], bool] | None) -> float | None:
        """Parse the drained chunks; the arrival time of the first after which `done` holds."""
        pending, self._pending = self._pending, []
        for index, (arrived, cpu_ms, data) in enumerate(pending):
            self._stream.feed(data)
            if done is not None and done(self):
                for _, _, rest in pending[index + 1 :]:
                    self._stream.feed(rest)
                self.cpu_ms_when_done = cpu_ms
                return arrived
        return None

    def wait_until(
        self, done: Callable[[Terminal], bool], since: float, timeout: float = 30.0
    ) -> float:
        """Wait until `done(self)` holds; seconds from `since` to the output that did it.

        Raises:
            ScreenTimeout: It did not hold within `timeout` seconds, or the program ended.
        """
        if done(self):
            return 0.0
        deadline = since + timeout
        while True:
            alive = self._drain(0.002 if not self._pending else 0.0)
            if self._pending and not select.select([self.fd], [], [], 0)[0]:
                arrived = self._feed(done)
                if arrived is not None:
                    return arrived - since
            if not alive or time.perf_counter() > deadline:
                self._feed(None)
                reason = "the program ended" if not alive else f"{timeout:.0f} s passed"
                raise ScreenTimeout(f"{reason} before the screen was right:\n{self.text}")

    def wait_for_text(self, needle: str, since: float, timeout: float = 30.0) -> float:
        """`wait_until` the screen shows `needle`."""
        return self.wait_until(lambda term: needle in term.text, since, timeout)

    def settle(self, quiet: float = 0.25, limit: float = 5.0) -> None:
        """Read and parse until the program has been silent for `quiet` seconds."""
        deadline = time.perf_counter() + limit
        last_output = time.perf_counter()
        while time.perf_counter() < deadline:
            before = len(self._pending)
            alive = self._drain(0.01)
            if len(self._pending) != before:
                last_output = time.perf_counter()
            self._feed(None)
            if not alive or time.perf_counter() - last_output >= quiet:
                return

    # -- what is on screen -----------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The screen as lines of text."""
        return "\n".join(self.screen.display)

    def snapshot(self, rows: range | None = None) -> Snapshot:
        """Characters and backgrounds of the cells of `rows` (default: all), to tell when
        anything there changed."""
        buffer = self.screen.buffer
        return tuple(
            tuple(
                (buffer[y][x].data, buffer[y][x].bg, buffer[y][x].reverse)
                for x in range(self.screen.columns)
            )
            for y in (rows if rows is not None else range(self.screen.lines))
        )

    def changed_from(
        self, before: Snapshot, rows: range | None = None
    ) -> Callable[[Terminal], bool]:
        """A `done` test: the cells of `rows` (default: all) are no longer `before`."""
        return lambda term: term.snapshot(rows) != before

    # -- typing and the process -------------------------------------------------------------------

    def send(self, keys: str) -> float:
        """Type `keys`; returns the moment they were written (for `wait_until`'s `since`)."""
        data = keys.encode()
        written = time.perf_counter()
        os.write(self.fd, data)
        return written

    def cpu_ms(self) -> float | None:
        """The CPU time the program has used so far, all threads (ms), from Linux's
        per-thread scheduler statistics (nanoseconds); None where there are none."""
        total = 0
        try:
            for task in Path(f"/proc/{self.pid}/task").iterdir():
                with contextlib.suppress(OSError, ValueError, IndexError):  # a thread that ended
                    total += int((task / "schedstat").read_text().split()[0])
        except OSError:
            return None
        return total / 1e6

    def memory_kb(self) -> dict[str, int]:
        """VmRSS (resident now) and VmHWM (peak resident) of the program, in kB."""
        found: dict[str, int] = {}
        with Path(f"/proc/{self.pid}/status").open(encoding="ascii") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    found[name] = int(value.split()[0])
        return found

    def close(self) -> None:
        """End the program (politely, then not) and release the terminal."""
        try:
            for sig, grace in ((signal.SIGTERM, 1.0), (signal.SIGKILL, 5.0)):
                if self._reaped():
                    break
                try:
                    os.kill(self.pid, sig)
                except ProcessLookupError:
                    break
                deadline = time.perf_counter() + grace
                while time.perf_counter() < deadline and not self._reaped():
                    self._drain(0.02)
                    self._pending.clear()
        finally:
            os.close(self.fd)

    def _reaped(self) -> bool:
        if self.exit_status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.exit_status = -1
                return True
            if pid:
                self.exit_status = os.waitstatus_to_exitcode(status)
        return self.exit_status is not None

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
