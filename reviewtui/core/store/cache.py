"""The persistent index: parsed reviews, their problems, the search data and the full-text index
in one SQLite file per collection, in the user cache folder (platformdirs, so XDG_CACHE_HOME
moves it).

Each file's row is keyed by path + mtime + size: a second start stats every file and reparses
only those that changed. Reviews come back without their bodies (sections and references load
on first use), which is what makes a warm start cheap. The schema and a fingerprint of the
parser's source are stored; a cache from another version is rebuilt. A cache that is corrupt,
locked or cannot be written never stops a load: it is rebuilt, or the load works from memory,
with a one-line notice (`Library.notices`). `integrity.py` decides whether it can be believed.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from hashlib import sha1
from pathlib import Path
from typing import Any

from reviewtui.core.index.fulltext import FTS_SCHEMA, FullText, tune_for_bulk
from reviewtui.core.model import Reference, Review, Section
from reviewtui.core.paths import cache_dir
from reviewtui.core.store import integrity
from reviewtui.core.store.rows import UNREADABLE, fill_heads, head_of, placeholder_head, sections_from, waiting_heads

SCHEMA_VERSION = 3
#: Besides every module of `core/format/`: the code whose changes make stored rows stale.
_PARSER_MODULES = ("model.py", "text.py", "index/fulltext.py", "store/cache.py", "store/rows.py")


def index_dir() -> Path:
    return cache_dir() / "index"


def db_path(root: Path) -> Path:
    """The cache file of a collection: one per resolved root folder."""
    key = sha1(os.fsencode(os.path.realpath(root)), usedforsecurity=False).hexdigest()[:20]
    return index_dir() / f"{key}.sqlite3"


def parser_fingerprint() -> str:
    """Changes whenever the code that turns files into reviews changes: cached rows from other code are stale."""
    digest = sha1(f"schema {SCHEMA_VERSION}".encode(), usedforsecurity=False)
    core = Path(__file__).resolve().parent.parent
    try:
        formats = sorted(n for n in os.listdir(core / "format") if n.endswith(".py"))
    except OSError:
        formats = []
    names = [f"format/{name}" for name in formats] + list(_PARSER_MODULES)
    for name in names:
        try:
            digest.update((core / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()


def clear() -> list[Path]:
    """Remove every cached index; returns what was removed."""
    folder = index_dir()
    try:
        removed = sorted(folder.iterdir())
    except OSError:  # none yet, or a folder that cannot be read: nothing to list
        return []
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    return removed


@dataclass(frozen=True, slots=True)
class Cache:
    """How `load_catalog` uses the persistent cache: where (default: per root in the user cache
    folder) and whether to throw the old one away first (`--rebuild`)."""

    path: Path | None = None
    rebuild: bool = False
    defer: bool = False
    """Return once the files are parsed and store them later: `Library.finish()` writes
    the cache and its full-text index (the app shows the first results before that)."""
    heads_first: bool = False
    """With `defer`: parsing processes read only the front matter of each file before the first
    results, and the bodies after (see `workers.start`). The problems the bodies add join the
    catalog when `Library.finish()` has run. Worth it where the first results matter (the app);
    a command that waits for the whole load anyway does more work with it."""


def forget(root: Path) -> None:
    """Remove the cached index of one collection (the next load rebuilds it)."""
    remove_file(db_path(root))


class CacheUnusable(Exception):
    """The cache cannot be used this time; the message is the one-line notice."""


# ----------------------------------------------------------------------------- the store


@dataclass
class Store:
    """An open cache file: what `SearchIndex` reads (see `search.SearchStore`) and the bodies."""

    db: sqlite3.Connection
    root: Path
    lock: threading.RLock = field(default_factory=threading.RLock)
    rowids: dict[str, int] = field(default_factory=dict)
    fulltext: FullText | None = None
    fingerprint: str = ""
    path: Path | None = None
    """The cache file (its full-text shards sit beside it)."""
    claim: Any = None
    """The open lock file while a load in worker processes fills the cache (see `incremental`)."""
    seal: integrity.Seal = field(default_factory=integrity.Seal)
    """Whether the files are as the last clean store left them; withdrawn before any write."""

    def reseal(self) -> None:
        """After a complete store whose full-text index has been checked (see `incremental._ready`)."""
        if self.path is not None:
            with self.lock:
                self.seal.renew([shard_path(self.path, n) for n in shards_of(self.db)])

    def body(self, rowid: int, path: str) -> tuple[tuple[Section, ...], tuple[Reference, ...]]:
        """Sections and references of one review; read again from its file if the cache fails."""
        try:
            with self.lock:
                row = self.db.execute("SELECT body FROM bodies WHERE id = ?", (rowid,)).fetchone()
            if row is not None and row[0]:
                return sections_from(row[0])
        except sqlite3.Error:
            pass
        except UNREADABLE:
            self.seal.note_damage(f"the stored body of {path} could not be read")
        review = self._reparse(path)
        if review is None:
            return (), ()
        return tuple(review.sections), tuple(review.references)

    def head(self, rowid: int, path: str) -> bytes:
        """The packed front-matter fields of one review; made again from its file if the cache fails."""
        try:
            with self.lock:
                row = self.db.execute("SELECT head FROM files WHERE id = ?", (rowid,)).fetchone()
            if row is not None and row[0]:
                return bytes(row[0])
        except sqlite3.Error:
            pass
        return self.head_from_file(path)

    def head_from_file(self, path: str) -> bytes:
        """The packed front-matter fields of one review, made from its file."""
        review = self._reparse(path)
        if review is None:  # the file went bad since: show what can be shown rather than fail
            return placeholder_head(path)
        return head_of(review)

    def prefetch_heads(self, reviews: list[Review]) -> None:
        """Unpack the fields of many cached reviews with one query (tag counts, a full sort)."""
        if not waiting_heads(reviews):
            return
        try:
            with self.lock:
                rows = self.db.execute("SELECT id, head FROM files WHERE head IS NOT NULL").fetchall()
        except sqlite3.Error:
            return
        fill_heads(reviews, dict(rows))

    def _reparse(self, path: str) -> Review | None:
        from reviewtui.core.store.files import FileEntry, read_file

        try:
            info = os.stat(self.root / path)
        except OSError:
            return None
        return read_file(FileEntry(self.root / path, path, info.st_mtime_ns, info.st_size)).review

    def texts(self) -> Iterator[tuple[int, str]]:
        """(rowid, body text) of the bodies holding kana or kanji, for the full-text scan."""
        live = set(self.rowids.values())
        with self.lock:  # one body at a time: all of them at once weigh ~80 MB at 7.6k reviews
            for rowid, blob in self.db.execute(
                "SELECT id, body FROM bodies WHERE id IN (SELECT id FROM files WHERE cjk = 1)"
            ):
                if rowid in live:
                    try:
                        sections, _ = marshal.loads(blob)
                        text = "\n\n".join(f"{s[0]}\n{s[3]}" for s in sections)
                    except UNREADABLE:  # a damaged row: the file says what it holds
                        path = next(p for p, r in self.rowids.items() if r == rowid)
                        self.seal.note_damage(f"the stored body of {path} could not be read")
                        text = "\n\n".join(f"{s.heading}\n{s.text}" for s in self.body(rowid, path)[0])
                    yield rowid, text

    def load_index(self) -> bytes | None:
        try:
            with self.lock:
                row = self.db.execute("SELECT value FROM blobs WHERE key = ?", (self.fingerprint,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def save_index(self, blob: bytes | list[bytes]) -> None:
        """Store the search index data (`searchdata.IndexData.dumps`, or its `dump_parts`: written
        one by one into the row, so neither this process nor SQLite copies the whole)."""
        parts = [blob] if isinstance(blob, bytes) else blob
        self.seal.withdraw()
        try:
            with self.lock, self.db:
                self.db.execute("DELETE FROM blobs")
                rowid = self.db.execute(
                    "INSERT INTO blobs (key, value) VALUES (?, zeroblob(?))",
                    (self.fingerprint, sum(map(len, parts))),
                ).lastrowid
                with self.db.blobopen("blobs", "value", rowid) as out:
                    for part in parts:
                        out.write(part)
        except sqlite3.Error:
            return
        if self.fulltext is not None:  # the store was checked whole (`incremental._ready`)
            self.reseal()


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS files (id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT UNIQUE NOT NULL, "
    "mtime INTEGER, size INTEGER, kind TEXT, lang TEXT, ref TEXT, company_id TEXT, head BLOB, problems BLOB, "
    "cjk INTEGER)",
    # Bodies apart: the rows a start reads stay a few pages (the warm rows query 27 -> ~12 ms).
    "CREATE TABLE IF NOT EXISTS bodies (id INTEGER PRIMARY KEY, body BLOB)",
    "CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, value BLOB)",
    FTS_SCHEMA,
)


def open_db(path: Path, *, rebuild: bool = False) -> tuple[sqlite3.Connection, str | None, bool]:
    """Open (creating or rebuilding as needed) a cache file. Returns it, a notice if any, and
    whether it is sealed (else `incremental._ready` checks its full-text shards too). A cache
    that is not sealed is checked here (`integrity.check_main`) and rebuilt when damaged.
    Raises CacheUnusable when the cache cannot be used at all."""
    notice = None
    if rebuild:
        remove_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CacheUnusable(f"the cache folder {path.parent} cannot be made ({exc.strerror or exc})") from None
    if integrity.drop_links(path):
        notice = "The index cache was a link (removed, its target untouched); it is being rebuilt."
    odd = integrity.unsafe(path)
    if odd is not None:
        raise CacheUnusable(f"the index cache {path} is {odd}")
    for attempt in (1, 2):
        try:
            existed = os.path.exists(path)  # False too where the folder cannot be searched
            db = _connect(path)
            stale = _stale(db)
            if stale is not None:
                db.close()
                remove_file(path)
                notice = stale
                continue
            sealed, damaged = integrity.verify(db, path, [shard_path(path, n) for n in shards_of(db)], existed)
            if damaged is None:
                return db, notice, sealed
            db.close()
            remove_file(path)
            notice = f"The index cache was damaged ({damaged}); it is being rebuilt."
            continue
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise CacheUnusable(f"the index cache {path} is in use by another process") from None
            if "readonly" in text or "read-only" in text or "unable to open" in text or "disk I/O" in text:
                raise CacheUnusable(f"the index cache {path} cannot be written ({text})") from None
            if attempt == 2:
                raise CacheUnusable(f"the index cache {path} cannot be used ({text})") from None
            remove_file(path)
            notice = "The index cache was unreadable; it is being rebuilt."
        except sqlite3.DatabaseError:
            if attempt == 2:
                raise CacheUnusable(f"the index cache {path} is damaged and could not be replaced") from None
            remove_file(path)
            notice = "The index cache was damaged; it is being rebuilt."
    raise CacheUnusable(f"the index cache {path} cannot be used")  # pragma: no cover


def _connect(path: Path) -> sqlite3.Connection:
    # A URI that refuses links: one planted after `drop_links` is not written through either.
    db = sqlite3.connect(integrity.uri(path), uri=True, timeout=2.0, check_same_thread=False, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA temp_store = MEMORY")
        db.execute("PRAGMA cache_size = -8000")  # 8 MB: the start reads ~8 MB; a body scan gains nothing
        db.execute("BEGIN IMMEDIATE")  # fails fast on a read-only file, a locked one or a broken one
        for statement in _SCHEMA:
            db.execute(statement)
        db.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.close()
        raise
    db.isolation_level = ""  # back to implicit transactions for `with db:`
    return db


def _stale(db: sqlite3.Connection) -> str | None:
    """None when the cache was made by this code; else a notice, and the cache is to be rebuilt."""
    rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
    fingerprint = parser_fingerprint()
    if not rows:
        with db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('parser', ?)", (fingerprint,))
            tune_for_bulk(db)  # a first load inserts thousands of bodies
        return None
    if rows.get("parser") != fingerprint:
        return "The index cache was made by another version of reviewtui; it is being rebuilt."
    return None


def shard_path(path: Path, number: int) -> Path:
    """A full-text shard: the part of the index one parsing process wrote (`workers.py`)."""
    return Path(f"{path}.fts{number}")


#: Shards attached at most; beyond, the next store moves the index back into the cache file.
#: At least `parallel.MAX_JOBS` (else a cold load on 8 CPUs folds its shards at once), fewer than
#: the 10 databases SQLite attaches.
MAX_SHARDS = 8


def shards_of(db: sqlite3.Connection) -> list[int]:
    (value,) = db.execute("SELECT coalesce((SELECT value FROM meta WHERE key = 'shards'), '')").fetchone()
    return [int(n) for n in value.split(",") if n.isdigit()]


def add_shard(db: sqlite3.Connection, number: int) -> None:
    """List a shard in the cache's meta; a parsing process does it in the transaction that inserts
    its rows, so rows are never in the cache without their full-text entries being searched."""
    shards = shards_of(db)
    if number not in shards:
        db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('shards', ?)", (",".join(map(str, [*shards, number])),)
        )


def reserve_ids(db: sqlite3.Connection, last: int) -> None:
    """Make sure no later row of `files` gets an id up to `last` (handed to parsing processes):
    a full-text entry whose row was never stored (its process died) never matches another file."""
    if db.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'files'", (last,)).rowcount == 0:
        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('files', ?)", (last,))


def remove_shards(path: Path, numbers: list[int] | None = None) -> None:
    """Delete shard files (all of them when `numbers` is None)."""
    if numbers is None:
        folder, prefix = path.parent, f"{path.name}.fts"
        with contextlib.suppress(OSError):
            numbers = [
                int(n[len(prefix) :]) for n in os.listdir(folder) if n.startswith(prefix) and n[len(prefix) :].isdigit()
            ]
    for number in numbers or ():
        for suffix in ("", "-journal"):
            with contextlib.suppress(OSError):
                os.remove(f"{shard_path(path, number)}{suffix}")


def remove_file(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm", ".seal", ".seal.tmp"):
        with contextlib.suppress(OSError):
            os.remove(f"{path}{suffix}")
    remove_shards(path)


__all__ = [
    "Cache",
    "CacheUnusable",
    "Store",
    "clear",
    "db_path",
    "forget",
    "index_dir",
    "open_db",
    "remove_file",
    "shard_path",
]
