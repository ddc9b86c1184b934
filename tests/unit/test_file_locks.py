"""The stores' cross-process lock, taken without filelock: it is still filelock's lock.

Another program (or an older release) holding a `filelock.FileLock` on the same file keeps
it out, and it keeps such a program out; threads of one program exclude each other; a
thread may take it again inside its own block; a lock file replaced while waiting is not
trusted; and where flock is missing, filelock takes it as before.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from filelock import FileLock, Timeout

import library.file_locks as file_locks
from library.safe_files import CrossProcessLock, StoreLocked

HOLD_IN_ANOTHER_PROCESS = """
import sys, time
from pathlib import Path
from library.safe_files import CrossProcessLock
with CrossProcessLock(Path(sys.argv[1]), "notes file").held():
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_filelock_held_by_another_process_keeps_it_out(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from filelock import FileLock\n"
            "with FileLock(sys.argv[1]):\n print('held', flush=True); sys.stdin.readline()",
            f"{path}.lock",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(StoreLocked), CrossProcessLock(path, "notes file", 0.05).held():
            pass
    finally:
        holder.communicate("\n", timeout=30)
    with CrossProcessLock(path, "notes file", 0.05).held():  # let go: free again
        pass


def test_it_keeps_a_filelock_of_another_process_out(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_IN_ANOTHER_PROCESS, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(Timeout), FileLock(f"{path}.lock", timeout=0.05):
            pass
    finally:
        holder.communicate("\n", timeout=30)
    with FileLock(f"{path}.lock", timeout=0.05):
        pass


def test_its_folder_is_made_again_when_removed(tmp_path: Path) -> None:
    """A library's annotations folder removed while the program runs (by hand, or by a
    test wiping it) is made again, as filelock made it, rather than refused."""
    folder = tmp_path / "annotations"
    lock = CrossProcessLock(folder / "doc.jsonl", "annotations file", timeout=0.05)
    for _ in range(2):
        with lock.held():
            assert (folder / "doc.jsonl.lock").exists()
        shutil.rmtree(folder)


def test_a_new_lock_file_has_the_permissions_filelock_gives_it(tmp_path: Path) -> None:
    """With a umask that lets a group write (a library shared by a group), a lock file
    made by either is writable by the group too, so each can be taken by the other."""
    previous = os.umask(0o002)
    try:
        with CrossProcessLock(tmp_path / "ours" / "notes.json", "notes file").held():
            pass
        (tmp_path / "theirs").mkdir()
        with FileLock(tmp_path / "theirs" / "notes.json.lock"):
            pass
    finally:
        os.umask(previous)
    ours = (tmp_path / "ours" / "notes.json.lock").stat().st_mode
    theirs = (tmp_path / "theirs" / "notes.json.lock").stat().st_mode
    assert ours == theirs == 0o100664


def test_threads_take_turns(tmp_path: Path) -> None:
    lock = CrossProcessLock(tmp_path / "notes.json", "notes file", timeout=5)
    inside: list[int] = []
    overlaps: list[int] = []

    def work(number: int) -> None:
        for _ in range(20):
            with lock.held():
                inside.append(number)
                if len(inside) > 1:
                    overlaps.append(number)
                time.sleep(0.0005)
                inside.remove(number)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []


def test_a_thread_holding_it_is_kept_out_of_another_threads_block(tmp_path: Path) -> None:
    lock = CrossProcessLock(tmp_path / "notes.json", "notes file", timeout=0.05)
    failed: list[BaseException] = []

    def try_it() -> None:
        try:
            with lock.held():
                pass
        except StoreLocked as err:
            failed.append(err)

    with lock.held():
        other = threading.Thread(target=try_it)
        other.start()
        other.join()
    assert len(failed) == 1


def test_the_holder_may_take_it_again(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    lock = CrossProcessLock(path, "notes file", timeout=0.05)
    with lock.held():
        with lock.held():
            pass
        # Still held after the inner block: another holder is kept out.
        with pytest.raises(Timeout), FileLock(f"{path}.lock", timeout=0.05):
            pass
    with FileLock(f"{path}.lock", timeout=0.05):
        pass


def test_a_lock_file_replaced_while_waiting_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever holds the file now at the path wins: a lock on a file removed meanwhile
    would let two holders in at once."""
    lock_path = tmp_path / "notes.json.lock"
    tries = 0
    real_try = file_locks._try

    def replaced_as_it_was_taken(fd: int) -> bool | None:
        nonlocal tries
        tries += 1
        taken = real_try(fd)
        if tries == 1:  # the holder we waited for removed it, and another made a new one
            lock_path.unlink()
            lock_path.touch()
        return taken

    monkeypatch.setattr(file_locks, "_try", replaced_as_it_was_taken)
    fd = file_locks.hold(str(lock_path), timeout=1)
    assert fd is not None
    try:
        assert tries == 2
        assert os.path.samestat(os.fstat(fd), lock_path.stat())
        with pytest.raises(Timeout), FileLock(str(lock_path), timeout=0.05):
            pass
    finally:
        file_locks.release(fd)


@pytest.mark.parametrize("missing", ["no fcntl", "no flock on this filesystem"])
def test_without_flock_filelock_takes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    if missing == "no fcntl":
        monkeypatch.setattr(file_locks, "fcntl", None)
    else:

        def no_flock(fd: int, operation: int) -> None:
            raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS))

        monkeypatch.setattr(
            file_locks, "fcntl", SimpleNamespace(flock=no_flock, LOCK_EX=2, LOCK_NB=4, LOCK_UN=8)
        )
    path = tmp_path / "deep" / "notes.json"
    lock = CrossProcessLock(path, "notes file", timeout=0.05)
    with lock.held():
        assert lock._fallback is not None and lock._fallback.is_locked
    assert not lock._fallback.is_locked
    with FileLock(f"{path}.lock"), pytest.raises(StoreLocked), lock.held():
        pass


@pytest.mark.parametrize("flock", [True, False], ids=["flock", "filelock"])
def test_taking_it_now_gives_way_to_a_holder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flock: bool
) -> None:
    if not flock:
        monkeypatch.setattr(file_locks, "fcntl", None)
    path = str(tmp_path / "add.lock")
    let_go = file_locks.take_now(path)
    assert let_go is not None
    with pytest.raises(Timeout), FileLock(path, timeout=0):
        pass  # held: another taker is kept out
    let_go()
    with FileLock(path, timeout=0):
        assert file_locks.take_now(path) is None  # another holder: no waiting
