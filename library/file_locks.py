"""A lock file held with the operating system's whole-file lock, the one filelock takes.

Why not `filelock.FileLock` itself: importing it costs some 15 ms (it brings decimal,
secrets, platform and logging with it), a tenth of a whole `newsreader highlight`, for
what is here a dozen system calls. On Unix a `FileLock` is ``flock(LOCK_EX)`` on the lock
file, which stays in place after release; this takes that very lock on that very file.
So copies of newsreader of any release, and anything else holding a `FileLock` on the
same file, exclude each other exactly as before.

Where that lock cannot be had the same way (no `fcntl`, as on Windows, or a filesystem
without flock), `hold` says so and the caller lets filelock do it, with its own fallback.

Pure standard library.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: filelock takes the lock there
    fcntl = None  # type: ignore[assignment]

FIRST_WAIT = 0.001
LONGEST_WAIT = 0.05
"""Seconds between two tries while another holder keeps the lock: short at first (a
change to a journal takes a few milliseconds), then at most filelock's own interval."""

_BUSY = frozenset({errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES})
"""What flock answers when another holder has the lock (some filesystems say EACCES)."""

_OPEN_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
"""A lock file is made when missing, never followed through a symbolic link, and never
inherited by a program started meanwhile (it would keep the lock after we let go)."""

LOCK_FILE_MODE = 0o666
"""A new lock file's permissions before the umask, as filelock makes it: whoever may
write the library may take its locks."""


class LockTimeout(Exception):
    """Another holder kept the lock past the time allowed."""


def hold(path: str, timeout: float) -> int | None:
    """Take the lock on the file `path` (made when missing), waiting up to `timeout`
    seconds (at least one try); the open descriptor that holds it, which `release` lets
    go. None when flock cannot be used here: nothing is held, and filelock should be.

    Raises:
        LockTimeout: Another holder kept it past `timeout`.
        OSError: The lock file cannot be made or opened, or flock failed.
    """
    if fcntl is None:
        return None
    deadline = time.monotonic() + timeout
    wait = FIRST_WAIT
    fd = os.open(path, _OPEN_FLAGS, LOCK_FILE_MODE)
    try:
        while True:
            taken = _try(fd)
            if taken is None:
                os.close(fd)
                return None
            if taken:
                if _still_named(fd, path):
                    return fd
                # Its file was removed or replaced while we waited: the lock of a file no
                # longer at `path` excludes nobody. Take the one there now.
                os.close(fd)
                fd = os.open(path, _OPEN_FLAGS, LOCK_FILE_MODE)
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LockTimeout(path)
            time.sleep(min(wait, remaining))
            wait = min(wait * 2, LONGEST_WAIT)
    except BaseException:
        os.close(fd)
        raise


def take_now(path: str) -> Callable[[], None] | None:
    """Take the lock on the file `path` (made when missing) without waiting, through flock
    or, where flock cannot be had, through filelock: what lets it go, or None while
    another holder has it.

    Raises:
        OSError: The lock file cannot be made or opened.
    """
    try:
        fd = hold(path, 0)
    except LockTimeout:
        return None
    if fd is not None:
        return partial(release, fd)
    from filelock import FileLock, Timeout

    lock = FileLock(path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return None
    return lock.release


def release(fd: int) -> None:
    """Let go of a lock `hold` took, and close its descriptor."""
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _try(fd: int) -> bool | None:
    """One try without waiting: True when taken, False when another holder has it, None
    when this filesystem has no flock."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        if err.errno in _BUSY:
            return False
        if err.errno == errno.ENOSYS:
            return None
        raise
    return True


def _still_named(fd: int, path: str) -> bool:
    """Whether the file `fd` holds is still the one at `path`."""
    try:
        return os.path.samestat(os.fstat(fd), Path(path).lstat())
    except FileNotFoundError:
        return False
