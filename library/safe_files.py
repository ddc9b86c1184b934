"""Safe files: what every store of the library does to never lose or corrupt what it holds.

Each store (the catalog, reading positions, settings, the annotation journals) builds on
these pieces, so that they all keep the same promises in the same words:

- `atomic_write_bytes`: a file is only ever replaced whole. The new content goes to a
  temporary file in the same folder (so the rename cannot cross filesystems), is flushed
  and fsynced, then renamed over the old one, and the folder is fsynced so the rename
  itself survives a crash. A crash leaves the old file or the new one, never a mix.
- `CrossProcessLock`: a lock file beside the file (filelock's lock, `library.file_locks`),
  held across a whole read-modify-write, so two running copies of newsreader never lose
  each other's changes.
- `set_aside`: a file that cannot be understood is never overwritten; it is moved beside
  itself under a unique name (`unique_sibling`) and the user is told in one sentence
  (`damaged_message`).
- `SchemaHeader`: each file says what it holds and which version of its layout; a file
  from a newer release is read as far as possible but never written (`newer_release_message`).

Pure standard library (filelock is imported only where flock is missing: its import
costs more than a whole change to a journal).
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from filelock import BaseFileLock

DEFAULT_LOCK_TIMEOUT = 10.0
WRITE_PIECE = 1 << 20
"""Bytes handed to the operating system per write: one write of a 100 MB text takes
0.3-0.9 s here, a hundred writes of a megabyte 0.03 s (see `write_in_pieces`)."""
"""Seconds to wait for another process to finish its change before giving up."""

StatKey = tuple[int, int, int]
"""Inode, size and modification time (ns) of a file: when it differs, the file changed."""


class StoreError(Exception):
    """A store file cannot be used; the message is one sentence meant for the user."""


class StoreLocked(StoreError):
    """Another process held the store's lock for longer than the timeout."""


class StoreReadOnly(StoreError):
    """The store must not be written: it comes from a newer release of newsreader."""


class DamagedFile(Exception):
    """The content of a store file cannot be understood (the message says why, for logs)."""


def stat_key(info: os.stat_result) -> StatKey:
    """The `StatKey` of a file from its `os.stat` result.

    Every write replaces a store file or appends to it, so the key changes whenever any
    process writes it: comparing keys tells whether a cached reading is still good.
    """
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def reason_of(err: OSError) -> str:
    """The operating system's words for what went wrong, for a sentence to the user."""
    return err.strerror or str(err)


# --- atomic files ------------------------------------------------------------------------


def fsync_directory(directory: Path) -> None:
    """Make a rename inside `directory` durable (a no-op where folders cannot be fsynced)."""
    if os.name == "nt":  # pragma: no cover - Windows cannot open a folder for fsync
        return
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on folders
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(
    path: Path,
    data: bytes | memoryview,
    *,
    head: bytes = b"",
    sync_directory: bool = True,
    durable: bool = True,
    shared: bool = False,
) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file.

    The file keeps the permissions of the one it replaces; a new file is private to the
    user (0600), as `tempfile.mkstemp` makes it, unless `shared` asks for the permissions
    any other program would give it (0666 less the umask): a store's files stay private,
    while a note written for the user's own notes app is an ordinary file.

    Args:
        path: The file to write; its folder is created if missing.
        data: The complete new content (after `head`).
        head: Bytes written before `data`: a header need not be joined to a long body
            (a copy of tens of megabytes, for a long document's spans).
        sync_directory: Fsync the folder after the rename. Pass False when writing many
            files into one folder and call `fsync_directory` once at the end.
        durable: Fsync the file before the rename. Pass False for a cache that is checked
            when read (a crash may leave it empty, never half of an old and a new one), or
            when writing many files that `sync_file` then makes durable, one after the other.
        shared: Give a new file the umask's permissions instead of 0600.

    Raises:
        OSError: The file could not be written; its `filename` names `path` when the
            operating system named no file (a full disk, an I/O error).
    """
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    import tempfile  # (with `random`, ~1.5 ms): a command that only appends has no use for it

    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                mode = _mode_to_keep(path, shared)
                if mode is not None:
                    os.fchmod(handle.fileno(), mode)
            handle.flush()
            write_in_pieces(handle.fileno(), head)
            write_in_pieces(handle.fileno(), data)
            if durable:
                os.fsync(handle.fileno())
        _replace(temporary, path)
    except BaseException as err:
        with suppress(OSError):
            temporary.unlink()
        if isinstance(err, OSError) and err.filename is None:
            # A full disk fails a write with no file name at all ("[Errno 28] No space
            # left on device"): name the file that could not be written.
            err.filename = str(path)
        raise
    if sync_directory:
        fsync_directory(directory)


def write_in_pieces(fd: int, data: bytes | memoryview) -> None:
    """Write all of `data` to the file `fd`, `WRITE_PIECE` bytes per call: the kernel
    takes a very large write far more slowly than the same bytes in pieces.

    Raises:
        OSError: As `os.write` does.
    """
    view = memoryview(data)
    for offset in range(0, len(view), WRITE_PIECE):
        piece = view[offset : offset + WRITE_PIECE]
        while piece:
            piece = piece[os.write(fd, piece) :]


def _mode_to_keep(path: Path, shared: bool) -> int | None:
    """The permissions the new file takes: those of the file it replaces, else (when
    `shared`) 0666 less the umask; None to keep mkstemp's 0600."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask() if shared else None


@cache
def current_umask() -> int:
    """The process's umask (read once: setting it to read it is not safe while other
    threads create files, so it is read from /proc where it can be)."""
    found = _umask_from_proc()
    if found is None:  # pragma: no cover - systems without /proc/self/status
        found = os.umask(0o022)
        os.umask(found)
    return found


def _umask_from_proc() -> int | None:
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("Umask:"):
            return int(line.split()[1], 8)
    return None


def atomic_write_text(
    path: Path, text: str, *, sync_directory: bool = True, durable: bool = True
) -> None:
    """Replace `path` with `text` encoded as UTF-8, atomically (see `atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"), sync_directory=sync_directory, durable=durable)


def sync_file(path: Path) -> None:
    """Make a file written with ``durable=False`` durable.

    Many files written first and fsync'd after, one after the other, cost little more
    than one: the first fsync carries most of the others' data to the disk with its own.
    (An fsync right after each write waits for the disk every time, and an add of ten
    thousand articles would spend most of its time waiting.) Each file is still fsync'd,
    so a full disk or an I/O error is reported for the file it hit, as `sync` would not.

    Raises:
        OSError: The file could not be made durable; its `filename` names it.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as err:
        if err.filename is None:
            err.filename = str(path)
        raise


def move_into_place(source: Path, target: Path, *, sync_directory: bool = True) -> None:
    """Rename a complete file (written with `atomic_write_bytes`) over `target`, atomically.

    For content that must wait beside its target until something else commits, such as
    the new text of a changed document, which replaces the old one only once the catalog
    names it. Both files must be in the same folder.

    Args:
        source: The complete file, already fsynced.
        target: The file it replaces.
        sync_directory: As for `atomic_write_bytes`.
    """
    _replace(source, target)
    if sync_directory:
        fsync_directory(target.parent)


def _replace(source: Path, target: Path) -> None:
    # Windows refuses to replace a file that a reader holds open for a moment; retry briefly.
    for attempt in range(50):
        try:
            source.replace(target)
        except PermissionError:
            if os.name != "nt" or attempt == 49:
                raise
            time.sleep(0.02)  # pragma: no cover - Windows only
        else:
            return


# --- the cross-process lock --------------------------------------------------------------


class CrossProcessLock:
    """The lock file beside one store file (``NAME.lock``), shared by processes and threads.

    The lock is filelock's on that file (`library.file_locks` takes it without importing
    filelock, which does it only where flock is missing); its failures become
    `StoreError`s whose message is one sentence naming the store file. Each thread takes
    it with its own descriptor, so threads exclude each other too; a thread that holds it
    may take it again (the block inside holds it already), as with a `FileLock`.
    """

    def __init__(self, path: Path, label: str, timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        """Describe the lock of the store file `path`; nothing is created yet.

        Args:
            path: The store file the lock guards.
            label: How messages name the file, e.g. ``"catalog file"``.
            timeout: Seconds to wait for another holder.
        """
        self.path = path
        self.label = label
        self.timeout = timeout
        self._fallback: BaseFileLock | None = None
        self._creation = threading.Lock()
        self._holding = threading.local()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for the block.

        Raises:
            StoreLocked: Another holder kept it past the timeout.
            StoreError: The lock file cannot be made or opened.
        """
        depth = getattr(self._holding, "depth", 0)
        if depth:  # this thread holds it already
            self._holding.depth = depth + 1
            try:
                yield
            finally:
                self._holding.depth = depth
            return
        let_go = self._take()
        self._holding.depth = 1
        try:
            yield
        finally:
            self._holding.depth = 0
            let_go()

    def _take(self) -> Callable[[], None]:
        """Take the lock (see `held`); what lets it go."""
        from library import file_locks

        lock_path = f"{self.path}.lock"
        try:
            if self._fallback is not None:
                return self._take_with_filelock(lock_path)
            try:
                fd = file_locks.hold(lock_path, self.timeout)
            except FileNotFoundError:  # its folder is not made yet, or was removed since
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = file_locks.hold(lock_path, self.timeout)
        except file_locks.LockTimeout as err:
            raise self._locked() from err
        except OSError as err:
            raise self._unlockable(err) from err
        if fd is not None:
            return partial(file_locks.release, fd)
        return self._take_with_filelock(lock_path)

    def _take_with_filelock(self, lock_path: str) -> Callable[[], None]:
        """Take the lock through filelock, where flock is missing (see `file_locks`)."""
        from filelock import FileLock, Timeout

        try:
            with self._creation:
                if self._fallback is None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    self._fallback = FileLock(lock_path, timeout=self.timeout)
                lock = self._fallback
            lock.acquire()
        except Timeout as err:
            raise self._locked() from err
        except OSError as err:
            raise self._unlockable(err) from err
        return lock.release

    def _locked(self) -> StoreLocked:
        return StoreLocked(
            f"The {self.label} {self.path} is in use by another program; "
            "close it or try again in a moment."
        )

    def _unlockable(self, err: OSError) -> StoreError:
        return StoreError(f"The {self.label} {self.path} cannot be locked: {reason_of(err)}.")


# --- damaged files -----------------------------------------------------------------------


def time_label() -> str:
    """The local time as ``YYYYMMDD-HHMMSS``: part of the names of files kept aside."""
    return time.strftime("%Y%m%d-%H%M%S")


def unique_sibling(folder: Path, stem: str, suffix: str = "") -> Path:
    """``folder/<stem><suffix>``, or ``<stem>-2<suffix>``, ``-3``… if that name is taken.

    For files kept rather than destroyed: a new name never lands on an older keepsake.
    """
    candidate = folder / f"{stem}{suffix}"
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = folder / f"{stem}-{counter}{suffix}"
    return candidate


def set_aside(path: Path, label: str) -> Path:
    """Move a damaged file beside itself as ``NAME.damaged-<time>``; never overwrite it.

    Call it under the file's lock, so no other process is replacing the file meanwhile.

    Returns:
        Where the file now is.

    Raises:
        StoreError: It could not be moved (the message says to fix it by hand).
    """
    aside = unique_sibling(path.parent, f"{path.name}.damaged-{time_label()}")
    try:
        path.replace(aside)
        fsync_directory(path.parent)
    except OSError as err:
        raise StoreError(
            f"The {label} {path} is damaged and could not be moved aside "
            f"({reason_of(err)}); fix or remove it by hand."
        ) from err
    return aside


def damaged_message(
    label: str, path: Path, aside: Path, outcome: str, why: str | None = None
) -> str:
    """The one sentence telling the user that `path` was damaged and kept as `aside`.

    Args:
        label: How to name the file, e.g. ``"catalog file"``.
        path: Where the damaged file was.
        aside: Where it is now.
        outcome: What happened instead, e.g. ``"a new one was started"``.
        why: What was wrong with it, when that helps the user.
    """
    because = f" ({why})" if why else ""
    return f"The {label} {path} was damaged{because}; it was kept as {aside} and {outcome}."


def newer_release_message(label: str, path: Path, schema: int, known: int, consequence: str) -> str:
    """The one sentence telling the user that `path` comes from a newer release.

    Args:
        label: How to name the file.
        path: The file.
        schema: The schema version the file records.
        known: The newest schema version this release knows.
        consequence: What that means until the user upgrades, e.g.
            ``"it is left unchanged and nothing can be saved to it"``.
    """
    return (
        f"The {label} {path} was written by a newer version of newsreader "
        f"(schema {schema}, this version knows {known}), so {consequence} "
        "until newsreader is upgraded."
    )


# --- the schema header -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchemaHeader:
    """What a store file says about itself: what it holds and the version of its layout.

    Recorded in every file, so one store is never taken for another and later releases
    can tell an old layout (migrate it) from a newer one (leave it alone).
    """

    kind: str
    """What the file holds: ``"catalog"``, ``"reading"``, ``"annotations"``…"""
    schema: int
    """The layout version this release reads and writes."""

    def fields(self) -> dict[str, Any]:
        """The header as it is stored: ``{"kind": …, "schema": …}``."""
        return {"kind": self.kind, "schema": self.schema}

    def version_of(self, found: Mapping[str, Any] | None) -> int:
        """Check a header read from a file and return the schema version it records.

        A version above `schema` means a newer release wrote the file; below, an older one.

        Raises:
            DamagedFile: There is no header, it names another kind, or its version is not
                a positive integer.
        """
        if found is None:
            raise DamagedFile("the file has no newsreader header")
        kind = found.get("kind")
        version = found.get("schema")
        if kind != self.kind:
            raise DamagedFile(f"the file holds {kind!r}, not {self.kind!r}")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise DamagedFile(f"the schema version {version!r} is not valid")
        return version
