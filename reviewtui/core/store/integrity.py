"""Whether the index cache can be believed: the checks that keep a damaged cache from answering.

SQLite checksums nothing and the cache is written with `synchronous = OFF`, so a crash, a full
disk or another process can leave files that open and read as valid but answer wrongly. The
checks, cheapest first:

- A seal (`<cache>.seal`): after a complete store, the cache file and its full-text
  shards are flushed to disk and their identity (inode, size, mtime, ctime) is written beside
  them. A start whose files match it trusts them after a few `stat` calls; any write removes it
  first. ctime cannot be set from user space, so a file changed by anyone shows.
- Without a matching seal (an unclean end, or a change by something else): `PRAGMA
  quick_check` on each file and row counts (bodies against stored reviews).
- A reader that meets a row it cannot decode (and reads the review from its file instead)
  replaces the seal with a note of the damage: the next start rebuilds the cache.
- On every start (one indexed read per full-text file): the full-text rows against the reviews
  stored plus the stale rows the cache keeps count of.
- Links: the cache file and what sits beside it must be regular files, never symlinks followed
  into another file.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewtui.core.index.fulltext import FTS_TABLE

#: Files SQLite and the cache keep beside a cache file.
SIDECARS = ("-journal", "-wal", "-shm", ".seal", ".seal.tmp", ".lock")


def seal_path(path: Path) -> Path:
    return Path(f"{path}.seal")


def _identity(path: Path) -> list[int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return [info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def _read_seal(path: Path) -> object:
    try:
        fd = os.open(seal_path(path), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            return json.loads(handle.read(64 * 1024))
    except (OSError, ValueError):
        return None


def trusted(path: Path, shards: list[Path]) -> bool:
    """True when the cache file and `shards` are exactly as the last clean store left them."""
    recorded = _read_seal(path)
    if not isinstance(recorded, dict) or "damaged" in recorded:
        return False
    names = [path.name, *(shard.name for shard in shards)]
    if sorted(names) != sorted(recorded):
        return False
    return all(_identity(path.parent / name) == recorded[name] for name in names)


def seal(path: Path, shards: list[Path]) -> bool:
    """Flush the cache file and its shards to disk, then record them in the seal (replaced in one
    rename). The flush comes first: a seal never outlives the data it vouches for, even when
    the machine stops. False when it could not be written (the next start then checks)."""
    files = [path, *shards]
    recorded: dict[str, list[int]] = {}
    try:
        for file in files:
            fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            identity = _identity(file)
            if identity is None:
                return False
            recorded[file.name] = identity
        _write_seal(path, recorded)
    except OSError:
        unseal(path)
        return False
    return True


def _write_seal(path: Path, content: dict[str, object]) -> None:
    temporary = Path(f"{path}.seal.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.remove(temporary)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(content, handle)
    os.replace(temporary, seal_path(path))


def unseal(path: Path) -> None:
    """Withdraw the seal: done before any write, so a write that never ends leaves none."""
    with contextlib.suppress(OSError):
        os.remove(seal_path(path))


def unsafe(path: Path) -> str | None:
    """Why a file the cache would open is not to be used: a link or not a regular file (a folder,
    a pipe). None when it is a regular file or missing."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return "a link"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    return None


def drop_links(path: Path) -> bool:
    """Remove links (only the links: their targets stay untouched) planted where the cache and
    its sidecars go, so nothing is written through them. True if the cache file was one."""
    was_link = unsafe(path) == "a link"
    folder, prefix = path.parent, path.name
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix)]
    except OSError:
        names = []
    for name in names:
        tail = name[len(prefix) :]
        if (not tail or tail in SIDECARS or tail.startswith(".fts")) and unsafe(folder / name) == "a link":
            with contextlib.suppress(OSError):
                os.remove(folder / name)
    return was_link


def uri(path: Path) -> str:
    """A SQLite URI for path that refuses to follow a link (`nofollow`), for any file name bytes."""
    from urllib.parse import quote

    return f"file:{quote(os.fsencode(path))}?nofollow=1"


def verify(db: sqlite3.Connection, path: Path, shards: list[Path], existed: bool = True) -> tuple[bool, str | None]:
    """(sealed, what is damaged or None) of a cache file just opened: sealed files are trusted,
    others checked (`check_main`); a file that did not exist before is new, neither."""
    if not existed:
        return False, None
    if trusted(path, shards):
        return True, None
    return False, check_main(db, path)


@dataclass
class Seal:
    """What this process knows of a cache file's seal: whether its files are as the last clean
    store left them, and what damage a reader met (the cache is then never sealed again)."""

    path: Path | None = None
    sealed: bool = False
    damage: str | None = None

    def withdraw(self) -> None:
        """Before a write: a write that never ends leaves no seal behind."""
        if self.sealed and self.path is not None:
            unseal(self.path)
        self.sealed = False

    def renew(self, shards: list[Path]) -> None:
        """After a complete store whose full-text index has been checked."""
        if self.path is not None and self.damage is None and not self.sealed:
            self.sealed = seal(self.path, shards)

    def note_damage(self, reason: str) -> None:
        """A row could not be decoded (and its file was read instead): rebuild at the next start."""
        if self.damage is None:
            self.damage, self.sealed = reason, False
            if self.path is not None:
                note_damage(self.path, reason)


def check_main(db: sqlite3.Connection, path: Path) -> str | None:
    """Why the cache file cannot be believed (after an unclean end), or None: no reader found a
    damaged row, its pages are sound and a body is stored for each review stored."""
    recorded = _read_seal(path)
    if isinstance(recorded, dict) and "damaged" in recorded:
        return str(recorded["damaged"])[:120]
    (result,) = db.execute("PRAGMA main.quick_check(1)").fetchone()
    if result != "ok":
        return f"quick_check: {str(result)[:80]}"
    heads = 0
    for rel, head, problems in db.execute("SELECT path, head, problems FROM files"):
        if head is not None:
            heads += 1
            if not _head_ok(head):
                return f"the stored fields of {rel} cannot be read"
        if problems is not None and not _problems_ok(problems):
            return f"the stored problems of {rel} cannot be read"
    (bodies,) = db.execute("SELECT count(*) FROM bodies").fetchone()
    if heads != bodies:
        return f"{heads} reviews but {bodies} bodies"
    return None


def _head_ok(blob: bytes) -> bool:
    """Whether a stored head (`cache.head_of`) decodes into fields of the types a review holds.
    Here rather than on each read: it costs ~5% of a head's decoding, a reader that fails to
    decode one reads the file instead, and a head that decodes into the wrong types takes a
    write into the cache, which breaks the seal, so this check sees it first."""
    try:
        values = marshal.loads(blob)
    except (ValueError, EOFError, TypeError):
        return False
    if type(values) is not tuple or len(values) != 12:
        return False
    *names, date, rating, price, summary, tags, permalink = values
    return (
        all(type(v) is str for v in names)
        and (date is None or type(date) is str)
        and type(rating) is tuple
        and len(rating) == 6
        and all(type(v) in (int, float) for v in rating)
        and (price is None or (type(price) is tuple and len(price) == 2 and type(price[0]) in (int, float)))
        and type(summary) is str
        and type(tags) is tuple
        and all(type(t) is str for t in tags)
        and type(permalink) is str
    )


def _problems_ok(blob: bytes) -> bool:
    try:
        problems = marshal.loads(blob)
    except (ValueError, EOFError, TypeError):
        return False
    return type(problems) is tuple and all(type(p) is tuple and len(p) == 3 for p in problems)


def check_shard(db: sqlite3.Connection, schema: str) -> str | None:
    """Why an attached full-text shard cannot be believed (after an unclean end), or None."""
    (result,) = db.execute(f"PRAGMA {schema}.quick_check(1)").fetchone()
    return None if result == "ok" else f"quick_check: {str(result)[:80]}"


def attach_fulltext(
    db: sqlite3.Connection, shards: list[tuple[int, Path]], expected: int, *, checked: bool
) -> tuple[list[str], str | None]:
    """Attach the full-text shards (number, file) as `fts<number>`; (the schemas attached, main
    first, and what is wrong with the full-text index, or None): a shard missing or not a
    regular file, one failing `quick_check` (unless `checked`: sealed files), or a row total
    other than `expected` (the reviews stored plus the stale rows). Raises sqlite3.Error when a
    shard cannot be read."""
    schemas = ["main"]
    for n, shard in shards:
        why = unsafe(shard) or (None if shard.is_file() else "missing")
        if why is not None:
            return schemas, f"shard {n} is {why}"
        db.execute(f"ATTACH DATABASE ? AS fts{n}", (uri(shard),))
        schemas.append(f"fts{n}")
        if not checked and (why := check_shard(db, f"fts{n}")) is not None:
            return schemas, f"shard {n}: {why}"
    rows = sum(fts_rows(db, schema) for schema in schemas)
    if rows != expected:
        return schemas, f"{rows} full-text rows for {expected}"
    return schemas, None


def lock_cache(path: Path) -> Any:
    """Hold the cache's lock file (`<cache>.lock`): while a load in worker processes fills the
    cache, and while the full-text index is made again, no other reviewtui writes into it. An
    open file, unlocked when closed (or when this process ends); None when another holds it;
    False when locking is not possible here."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return False
    try:
        handle = open(f"{path}.lock", "ab")  # noqa: SIM115 - kept open while the lock is held
    except OSError:
        return False
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    except OSError:
        handle.close()
        return False
    return handle


def fts_rows(db: sqlite3.Connection, schema: str = "main") -> int:
    """Rows in a full-text table. Its content-less, size-less form cannot be scanned
    (`count(*)` fails), so this reads the row total FTS5 keeps for ranking: the first varint of
    its averages record (row 1 of the `_data` table, an on-disk format SQLite keeps readable;
    tests/core/store/test_cache_faults.py fails if it ever reads otherwise). Raises sqlite3.Error when
    the table cannot be read."""
    row = db.execute(f"SELECT block FROM {schema}.{FTS_TABLE}_data WHERE id = 1").fetchone()
    if row is None or not row[0]:
        return 0
    block: bytes = row[0]
    value = 0
    for i, byte in enumerate(block[:9]):
        if i == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value
    raise sqlite3.DatabaseError("the full-text row count is cut short")


def note_damage(path: Path, reason: str) -> None:
    """A reader met a row it could not decode: the seal becomes a note of it, and the next start
    rebuilds the cache (nothing is written into the cache file, which may be mid-transaction)."""
    try:
        _write_seal(path, {"damaged": reason})
    except OSError:
        unseal(path)
