"""A pseudo-terminal that runs a real program and keeps a screen of what it drew (pyte)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Sequence

import pyte


class Terminal:
    """Runs `argv` in a pseudo-terminal of `columns` × `lines`; read what a person would see."""

    def __init__(
        self, argv: Sequence[str], env: dict[str, str], columns: int = 100, lines: int = 30
    ) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the program
            try:
                os.execvpe(argv[0], list(argv), {**env, "TERM": "xterm-256color"})
            finally:
                os._exit(127)
        self.pid = pid
        self.fd = fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.exit_status: int | None = None

    def pump(self, seconds: float = 0.05) -> None:
        """Read whatever the program wrote within `seconds` and draw it on the screen."""
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                return
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            self.stream.feed(data)
            # Answer the cursor-position query some programs send at start.
            if b"\x1b[6n" in data:
                os.write(self.fd, b"\x1b[1;1R")

    @property
    def text(self) -> str:
        """The screen as lines of text."""
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        """Wait until `needle` is on screen; return the screen. Raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.05)
            if needle in self.text:
                return self.text
            if self.exited():
                break
        raise TimeoutError(f"{needle!r} never appeared; the screen was:\n{self.text}")

    def send(self, keys: str | bytes) -> None:
        """Type `keys` (use '\\r' for enter, '\\x1b' for esc)."""
        os.write(self.fd, keys.encode() if isinstance(keys, str) else keys)
        self.pump(0.05)

    def exited(self) -> bool:
        """True once the program has ended."""
        if self.exit_status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.exit_status = os.waitstatus_to_exitcode(status)
        return self.exit_status is not None

    def wait_exit(self, timeout: float = 10.0) -> int:
        """Wait for the program to end; return its exit status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.05)
            if self.exited():
                assert self.exit_status is not None
                return self.exit_status
        raise TimeoutError(f"the program did not exit; the screen was:\n{self.text}")

    def close(self) -> None:
        """End the program if it is still running."""
        if not self.exited():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)
