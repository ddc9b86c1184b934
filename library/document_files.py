"""The files of a library's documents folder: which ones newsreader makes, which adds are
still writing there, and which files no catalog record names any more.

An add writes the text (and the sentence spans) of each new document before the catalog
records it, outside the catalog's lock, so that a long add does not keep other copies of
newsreader from changing the catalog. A process killed in between leaves texts that no
record names, and an atomic write cut short leaves its hidden temporary file. Opening the
library removes such leftovers, but only when it is sure they are leftovers:

- Only names newsreader makes are touched (`<id>.txt`, `<id>.spans`, `<id>.structure`,
  `<id>.html`, and the hidden temporaries of writing them), only regular files (never a
  link), only in this folder.
- An add registers itself (`AddRegistry.running`) while it holds the catalog's lock and
  stays registered until its texts are all in place; so does a remove until its text is
  deleted. Leftovers are removed only under that lock, and only when no add is
  registered: the files of an add in progress are never taken for leftovers. A
  registration is a lock held on a small file in the home's ``.running/``, so the operating system
  ends it when its process dies, however it dies — and the file it leaves behind is what
  tells the next open that there is something to tidy (`AddRegistry.any_registered`).
- Texts are kept while a damaged catalog lies aside: the catalog set aside still names
  them, and the user may want it back.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from library.safe_files import StoreError, reason_of

_SUFFIXES = ("txt", "spans", "structure", "html")
"""What newsreader keeps of a document: its text, its sentence spans, its structure, and
the raw page it was extracted from (a web page's)."""

_KEPT_WITH_TEXT = frozenset({"txt", "html"})
"""Files that cannot be made again: kept, like texts, while something may name them."""

_MADE = re.compile(r"[0-9a-f]{12}\.(?:txt|spans|structure|html)")
"""A document's file (ids are 12 hex digits, see `library.adding.ID_LENGTH`)."""

_TEMPORARY = re.compile(
    r"\.[0-9a-f]{12}\.(?:txt|spans|structure|html|[0-9a-f]{16}\.next)\.\w+\.tmp"
)
"""The temporary file of an atomic write of a document's file or staged text (`mkstemp`)."""

RUNNING_FOLDER = ".running"
"""The folder, in the library home, of the registrations of adds under way."""

_MARKER_PREFIX = ".adding-"
_MARKER_SUFFIX = ".lock"


@dataclass(frozen=True, slots=True)
class Leftovers:
    """Files of the documents folder that no catalog record names."""

    texts: tuple[Path, ...] = ()
    """Document texts (``<id>.txt``) and raw pages (``<id>.html``) of ids the catalog
    does not hold."""
    derived: tuple[Path, ...] = ()
    """Sentence spans and structure of such ids, and temporaries of writes that never
    finished: nothing that cannot be made again."""
    registrations: tuple[Path, ...] = ()
    """The files of adds registered as running, or that were when their process died
    (`AddRegistry.any_running` tells them apart)."""


def folder_names(folder: Path) -> list[str]:
    """The names in `folder` (none if it is missing or cannot be read)."""
    try:
        return os.listdir(folder)  # noqa: PTH208 - names only: no Path per entry on every open
    except OSError:
        return []


def find_leftovers(
    folder: Path, record_ids: Collection[str], names: Iterable[str] | None = None
) -> Leftovers:
    """The files of `folder` that newsreader made and that no record in `record_ids` names.

    Every temporary file counts: call this only when no add is running (see the module
    docstring), for then none of them is still being written by an add.

    Args:
        folder: The documents folder.
        record_ids: The ids the catalog holds.
        names: What `folder_names` gave for `folder`, when the caller has it already.
    """
    texts: list[Path] = []
    derived: list[Path] = []
    registrations: list[Path] = []
    for name in folder_names(folder) if names is None else names:
        doc_id, _, suffix = name.partition(".")
        if doc_id in record_ids and suffix in _SUFFIXES:
            continue  # nearly every name, so the quickest test comes first
        if _is_registration(name):
            registrations.append(folder / name)
        elif _MADE.fullmatch(name) or _TEMPORARY.fullmatch(name):
            path = folder / name
            with suppress(OSError):
                if stat.S_ISREG(path.lstat().st_mode):  # never a link, never a folder
                    (texts if suffix in _KEPT_WITH_TEXT else derived).append(path)
    return Leftovers(tuple(sorted(texts)), tuple(sorted(derived)), tuple(registrations))


def texts_of_no_content(texts: Iterable[Path], records: Iterable[object]) -> list[Path]:
    """The leftover `texts` whose name starts no record's content hash.

    A text is named by its content: one whose record's key was edited by hand is still
    that record's text, and is kept.
    """
    hashes = [
        record["content_hash"]
        for record in records
        if isinstance(record, dict) and isinstance(record.get("content_hash"), str)
    ]
    return [path for path in texts if not any(value.startswith(path.stem) for value in hashes)]


def _is_registration(name: str) -> bool:
    return name.startswith(_MARKER_PREFIX) and name.endswith(_MARKER_SUFFIX)


def remove_files(paths: Iterable[Path]) -> None:
    """Delete `paths`; one already gone, or that cannot be deleted, is left as it is."""
    for path in paths:
        with suppress(OSError):
            path.unlink()


class AddRegistry:
    """The adds (and removes) in progress in one library, each a lock held on its own file.

    `running` registers an add; `any_running` tells whether one is registered, and clears
    away the files of registrations whose process died. Both must be called while holding
    the catalog's lock, so that no add registers between the question and what is done
    with the answer.
    """

    def __init__(self, folder: Path) -> None:
        """Describe the registry kept in `folder`; nothing is created yet. Registrations
        live in a folder of their own, so finding them never lists the texts."""
        self.folder = folder

    def any_registered(self) -> bool:
        """Whether any registration is there, alive or left by a process that died."""
        try:
            with os.scandir(self.folder) as entries:
                return any(_is_registration(entry.name) for entry in entries)
        except OSError:
            return False

    @contextmanager
    def running(self) -> Iterator[None]:
        """Register an add for the block (call it under the catalog's lock).

        Raises:
            StoreError: The folder cannot be written (the message names it).
        """
        import secrets  # (hmac, hashlib's C part): for adds only

        from library.file_locks import take_now

        marker = self.folder / f"{_MARKER_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        path = marker.with_name(marker.name + _MARKER_SUFFIX)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            let_go = take_now(str(path))
        except OSError as err:
            raise StoreError(
                f"The documents folder {self.folder} cannot be written: {reason_of(err)}."
            ) from err
        if let_go is None:  # (a name of this process's own: nobody else takes it)
            raise StoreError(f"The documents folder {self.folder} has an add marker in use.")
        try:
            yield
        finally:
            let_go()
            path.unlink(missing_ok=True)

    def any_running(self) -> bool:
        """Tell whether an add is registered; remove the files of dead registrations."""
        from library.file_locks import take_now

        try:
            markers = [
                Path(entry.path)
                for entry in os.scandir(self.folder)
                if _is_registration(entry.name)
            ]
        except OSError:
            return False
        running = False
        for marker in markers:
            try:
                let_go = take_now(str(marker))
            except OSError:
                running = True  # cannot tell: assume the add is alive
                continue
            if let_go is None:
                running = True
                continue
            let_go()
            marker.unlink(missing_ok=True)
        return running
