"""The library-wide text index: every document's normalised text in one SQLite file.

Searching every document used to mean reading and normalising every text at every query
(14 s and 620 MB at 50,000 articles). The index keeps each text normalised (see
`library.normalization`) in an FTS5 table with the trigram tokenizer, so a query first
asks the index which documents can hold it, and only those are searched the usual way
(`library.library_search`). It is derived data, in the library home as `search.sqlite`:
deleted, damaged or behind the catalog, it is brought back in step by `reconcile`, which
compares each document's content hash with the catalog's and re-indexes only what
changed. Nobody has to trust that every writer kept it up to date.

Why SQLite FTS5 and not tantivy, measured on 50,000 generated articles (249 M characters
once normalised; medians on this 2-core machine, same queries for both):

| | FTS5 trigram, detail=full | FTS5 trigram, detail=none | tantivy 0.27, 3-grams |
|---|---:|---:|---:|
| build (one process, one writer) | 43 s + 5.5 s optimize | 22 s + 1.3 s | 22 s |
| size on disk | 827 MB (text included) | 339 MB (text included) | 35 MB (no text) |
| exact candidates, worst query | 137 ms (phrase) | 54 ms (AND of trigrams) | 16 ms + 55 ms ids |
| typo'd candidates, worst query | 250 ms | 250 ms (shared-trigram count) | 3 ms (bm25) |
| resident memory when querying | 47 MB | 20 MB | 59 MB |

tantivy answers the typo'd question faster, but both engines leave the query well inside
its second; the rest of the comparison favours SQLite: it ships with Python (no compiled
dependency); one transaction covers the texts and the list of content hashes that makes
reconciling safe; several processes share it through WAL and a busy timeout (tantivy
allows one writer at a time and fails the others); and a crash loses at most the
transaction in flight. tantivy's 3-gram tokenizer gives every gram the same position, so
it cannot answer a phrase either: it too would need the verification done here.

`detail=none` over `detail=full`: 2.4 times smaller and twice as fast to build (which an
add pays), and exact candidates come faster from an AND of the query's trigrams (a
superset, weighed against the stored text) than from a phrase. With `detail=none`, bm25
ranking measured 70 times slower than with `detail=full` (747 ms against 10 ms at 2,000
articles), so typo'd candidates are ranked instead by how many of the query's trigrams
they share, in one grouped query: the q-gram lemma says a near match must share many.

Pure Python: nothing here imports Textual or Rich.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from library.index_file import INDEX_FILE
from library.normalization import fold_char, normalize
from library.safe_files import StoreError
from library.text_hash import text_hash

SCHEMA_VERSION = 2
"""Bump when the tables or the normalisation change: an older index is built again."""

BATCH = 200
"""Documents indexed per transaction: another process waits at most that long for it."""

MAX_TRIGRAMS = 48
"""Trigrams of a query asked about at most: enough to narrow, cheap to ask."""

PROGRESS_STEPS = 2_000
"""SQLite's steps between two questions whether a query was cancelled (well under a
millisecond of its work, and the question itself costs a microsecond)."""

_SCHEMA = (
    "CREATE TABLE documents (doc_id TEXT PRIMARY KEY, doc INTEGER UNIQUE NOT NULL, "
    "content_hash TEXT NOT NULL, regular INTEGER NOT NULL)",
    "CREATE VIRTUAL TABLE texts USING fts5(body, tokenize='trigram case_sensitive 1', detail=none)",
    "CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)

_CANDIDATES = (
    "SELECT group_concat(d.doc_id, ' '), "
    "group_concat(CASE WHEN d.regular THEN NULL ELSE d.doc_id END, ' ') "
    "FROM texts JOIN documents AS d ON d.doc = texts.rowid WHERE {condition}"
)
"""Document ids are hexadecimal digits: a space between two cannot be taken for a part
of one."""


class IndexDamaged(Exception):
    """The index file is not a database, or a damaged one."""


class IndexUnavailable(Exception):
    """The index cannot be used now (locked too long, read-only folder, disk full)."""


class SearchCancelled(Exception):
    """A newer query took over: the work for this one stopped."""


@dataclass(frozen=True, slots=True)
class Named:
    """The documents the index names as ones that may answer a query."""

    ids: tuple[str, ...]
    """Every one of them, in no particular order."""
    irregular: frozenset[str]
    """Those whose text is not regular: in a regular text every character folds to
    exactly one character of the same kind (letter or digit, or neither), so words are
    where they are in the stored text and exact matches can be weighed on it alone (see
    `library.library_search`); the others are weighed on their original text."""


@dataclass(frozen=True, slots=True)
class Reconciled:
    """What bringing the index in step with the catalog did."""

    indexed: int
    """Documents (re-)indexed."""
    removed: int
    """Documents dropped because the catalog no longer lists them."""
    unreadable: tuple[str, ...]
    """Documents whose text could not be read: not in the index until it can be."""


def trigrams(wanted: str) -> list[str]:
    """The distinct trigrams of `wanted` in order of first appearance (at most
    `MAX_TRIGRAMS`, spread over the whole string)."""
    grams = list(dict.fromkeys(wanted[i : i + 3] for i in range(len(wanted) - 2)))
    if len(grams) <= MAX_TRIGRAMS:
        return grams
    step = len(grams) / MAX_TRIGRAMS
    return [grams[int(i * step)] for i in range(MAX_TRIGRAMS)]


def _quoted(gram: str) -> str:
    return '"' + gram.replace('"', '""') + '"'


def offsets_follow(text: str, folded_one_to_one: bool) -> bool:
    """Whether word boundaries in the normalised `text` are where they are in `text`:
    each character folded to one character, none of them crossing between letters and
    digits on one side and everything else on the other."""
    if not folded_one_to_one:
        return False
    if text.isascii():
        return True
    others = set(text.encode("utf-8", "surrogatepass").translate(None, bytes(range(128))).decode())
    return all(c.isalnum() == fold_char(c).isalnum() for c in others)


def _is_damage(err: sqlite3.Error) -> bool:
    name = getattr(err, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


class TextIndex:
    """The index file of one library home; safe to share between threads.

    Every method may raise `IndexDamaged` (rebuild with `rebuild`) or `IndexUnavailable`.
    """

    def __init__(self, path: Path, *, timeout: float = 30.0) -> None:
        self.path = path
        self._timeout = timeout
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self.warnings: list[str] = []
        """One sentence per problem met (a damaged index built again)."""

    @classmethod
    def open(cls, home: Path, *, timeout: float = 30.0) -> TextIndex:
        """Open the index of the library at `home`, creating it, or building it again with
        a warning when the file is damaged."""
        index = cls(Path(home) / INDEX_FILE, timeout=timeout)
        try:
            index._connect()
        except IndexDamaged:
            index.rebuild()
        return index

    def rebuild(self) -> None:
        """Delete a damaged index file and start an empty one (`reconcile` fills it)."""
        with self._lock:
            self.close()
            for suffix in ("", "-wal", "-shm", "-journal"):
                with suppress(FileNotFoundError):
                    Path(f"{self.path}{suffix}").unlink()
            self.warnings.append(
                f"The search index {self.path} was damaged; it is being built again."
            )
            self._connect()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _connect(self) -> None:
        try:
            db = sqlite3.connect(
                self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    self._create(db)
            except BaseException:
                db.close()
                raise
        except (sqlite3.Error, OSError) as err:
            raise self._told(err) from err
        self._db = db

    def _told(self, err: sqlite3.Error | OSError) -> Exception:
        """`err` as this module tells it."""
        if isinstance(err, sqlite3.Error) and _is_damage(err):
            return IndexDamaged(str(err))
        return IndexUnavailable(f"The search index {self.path} cannot be used: {err}.")

    @staticmethod
    def _create(db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            # Checked again under the write lock: another process may have just done it.
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                for table in ("documents", "texts", "state"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock; SQLite's errors told as this module's."""
        with self._lock:
            if self._db is None:
                self._connect()
            assert self._db is not None
            try:
                yield self._db
            except (sqlite3.Error, OSError) as err:
                raise self._told(err) from err

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (taken at once, so two writers queue rather than fail)."""
        with self._guard() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # -- what is indexed

    def hashes(self) -> dict[str, str]:
        """Every indexed document's content hash, by id."""
        with self._guard() as db:
            return dict(db.execute("SELECT doc_id, content_hash FROM documents").fetchall())

    def reconcile(
        self,
        catalog: Sequence[tuple[str, str]],
        read_text: Callable[[str], str],
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Reconciled:
        """Bring the index in step with `catalog`, every ``(document id, content hash)``
        of the library in the catalog's order: index what is missing or changed, drop
        what it no longer lists.

        When the catalog is as it was at the last complete reconcile (the digest of its
        ids and hashes is kept, and dropped by every other change), nothing is read but
        that digest. Work is committed in batches, so a cancelled or killed reconcile keeps
        what it did and the next one goes on from there. `progress` is told (done, total).

        Raises:
            SearchCancelled: `cancelled` said so, between two batches.
        """
        digest = catalog_digest(catalog)
        with self._guard() as db:
            kept = db.execute("SELECT value FROM state WHERE key = 'catalog'").fetchone()
        if kept is not None and kept[0] == digest:
            return Reconciled(0, 0, ())
        indexed = self.hashes()
        wanted = dict(catalog)
        gone = [doc_id for doc_id in indexed if doc_id not in wanted]
        self.forget(gone)
        # Oldest first, so that later documents get higher rows, as later adds do.
        stale = [doc_id for doc_id, h in reversed(catalog) if indexed.get(doc_id) != h]
        unreadable: list[str] = []
        for start in range(0, len(stale), BATCH):
            if cancelled is not None and cancelled():
                raise SearchCancelled
            texts: list[tuple[str, str]] = []
            for doc_id in stale[start : start + BATCH]:
                try:
                    texts.append((doc_id, read_text(doc_id)))
                except StoreError:
                    unreadable.append(doc_id)
            self.put(texts)
            if progress is not None:
                progress(min(start + BATCH, len(stale)), len(stale))
        # A text that cannot be read now must not be found through an older copy.
        self.forget([doc_id for doc_id in unreadable if doc_id in indexed])
        if not unreadable:
            self._settle(wanted, digest)
        return Reconciled(len(stale) - len(unreadable), len(gone), tuple(unreadable))

    def _settle(self, wanted: dict[str, str], digest: str) -> None:
        """Keep `digest` if the index now holds exactly `wanted`: checked under the write
        lock, since another process may have changed either meanwhile."""
        with self._writing() as db:
            held = dict(db.execute("SELECT doc_id, content_hash FROM documents").fetchall())
            if held == wanted:
                db.execute("REPLACE INTO state(key, value) VALUES ('catalog', ?)", (digest,))

    def put(self, texts: Sequence[tuple[str, str]]) -> None:
        """Index ``(document id, text)`` pairs, replacing what was there, in one transaction."""
        rows = []
        for doc_id, text in texts:  # normalised before the write lock is taken
            normalized = normalize(text)
            regular = offsets_follow(text, not normalized.folding)
            rows.append((doc_id, text_hash(text), normalized.text, regular))
        if not rows:
            return
        with self._writing() as db:
            db.execute("DELETE FROM state WHERE key = 'catalog'")
            for doc_id, digest, body, regular in rows:
                old = db.execute(
                    "SELECT doc, content_hash FROM documents WHERE doc_id = ?", (doc_id,)
                ).fetchone()
                if old is not None and old[1] == digest:
                    continue  # another process indexed this very text meanwhile
                if old is not None:
                    db.execute("DELETE FROM texts WHERE rowid = ?", (old[0],))
                    db.execute("DELETE FROM documents WHERE doc = ?", (old[0],))
                doc = db.execute("INSERT INTO texts(body) VALUES (?)", (body,)).lastrowid
                db.execute(
                    "INSERT INTO documents(doc_id, doc, content_hash, regular) VALUES (?,?,?,?)",
                    (doc_id, doc, digest, int(regular)),
                )

    def forget(self, doc_ids: Sequence[str]) -> None:
        """Drop these documents from the index."""
        if not doc_ids:
            return
        with self._writing() as db:
            db.execute("DELETE FROM state WHERE key = 'catalog'")
            for doc_id in doc_ids:
                row = db.execute("SELECT doc FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
                if row is not None:
                    db.execute("DELETE FROM texts WHERE rowid = ?", (row[0],))
                    db.execute("DELETE FROM documents WHERE doc = ?", (row[0],))

    # -- asking

    def containing(
        self,
        wanted: str,
        *,
        ending_word: bool = False,
        cancelled: Callable[[], bool] | None = None,
    ) -> Named:
        """The documents whose text may hold the normalised `wanted`: every one that does,
        and for a query of three characters or more some that do not (an AND of its
        trigrams does not say they are side by side).

        With `ending_word`, only those where `wanted` may end a word: followed by anything
        but an ASCII letter or digit, or by the end of the text (a superset of where
        `library.search_index.word_fit` sees a word end), and every irregular one (see
        `Named.irregular`). SQLite tests that on each text with the GIL released; the
        test of a word start before the query is not made there, since a leading character
        class makes GLOB ten times slower.

        SQLite joins the ids into two strings, split here: a row at a time, the answer
        for 47,000 documents took 0.3 s of Python (and as many objects) at 50,000 articles.
        Raises `SearchCancelled` once `cancelled` says so (asked while SQLite works).
        """
        condition, arguments = _containing(wanted)
        if ending_word and wanted[-1:].isalnum():
            pattern = _glob_escaped(wanted)
            condition += " AND (d.regular = 0 OR texts.body GLOB ? OR texts.body GLOB ?)"
            arguments = (*arguments, f"*{pattern}[^0-9A-Za-z]*", f"*{pattern}")
        sql = _CANDIDATES.format(condition=condition)
        with self._asking(cancelled) as db:
            every, irregular = db.execute(sql, arguments).fetchone()
        return Named(tuple((every or "").split()), frozenset((irregular or "").split()))

    @contextmanager
    def _asking(self, cancelled: Callable[[], bool] | None) -> Iterator[sqlite3.Connection]:
        """`_guard`, with SQLite told to stop (`SearchCancelled`) once `cancelled` says so."""
        with self._guard() as db:
            if cancelled is None:
                yield db
                return
            db.set_progress_handler(lambda: bool(cancelled()), PROGRESS_STEPS)
            try:
                yield db
            except sqlite3.OperationalError as err:
                if cancelled():
                    raise SearchCancelled from err
                raise
            finally:
                db.set_progress_handler(None, 0)

    def body(self, doc_id: str) -> str | None:
        """The normalised text of document `doc_id`, if it is indexed."""
        with self._guard() as db:
            row = db.execute(
                "SELECT t.body FROM documents AS d JOIN texts AS t ON t.rowid = d.doc "
                "WHERE d.doc_id = ?",
                (doc_id,),
            ).fetchone()
            return None if row is None else str(row[0])

    def sharing_trigrams(
        self, wanted: str, limit: int, *, cancelled: Callable[[], bool] | None = None
    ) -> list[str]:
        """The `limit` documents sharing the most trigrams with the normalised `wanted`,
        most first (the later added first among equals): where a near match can be.
        Raises `SearchCancelled` once `cancelled` says so."""
        grams = trigrams(wanted)
        if not grams or limit <= 0:
            return []
        each = " UNION ALL ".join(
            "SELECT rowid AS doc FROM texts WHERE texts MATCH ?" for _ in grams
        )
        sql = (
            f"SELECT d.doc_id FROM (SELECT doc FROM ({each}) GROUP BY doc "
            "ORDER BY count(*) DESC, doc DESC LIMIT ?) AS near JOIN documents AS d USING (doc)"
        )
        with self._asking(cancelled) as db:
            return [doc_id for (doc_id,) in db.execute(sql, (*map(_quoted, grams), limit))]


def _containing(wanted: str) -> tuple[str, tuple[str, ...]]:
    """The condition (and its arguments) for rows that may hold `wanted`."""
    grams = trigrams(wanted)
    if not grams:  # one or two characters: no trigram to ask about
        return "instr(texts.body, ?) > 0", (wanted,)
    return "texts MATCH ?", (" AND ".join(_quoted(gram) for gram in grams),)


def _glob_escaped(text: str) -> str:
    """`text` as a GLOB pattern matching it literally."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def catalog_digest(catalog: Sequence[tuple[str, str]]) -> str:
    """One hash of every ``(document id, content hash)`` pair, in order: the pairs joined
    by line breaks, hashed a pair at a time (joined first, the text of 50,000 pairs and
    its bytes took 13 MB at once, at the first query of the app's search screen)."""
    digest = hashlib.sha256()
    for number, (doc_id, content_hash) in enumerate(catalog):
        digest.update(f"{chr(10) if number else ''}{doc_id} {content_hash}".encode())
    return digest.hexdigest()
