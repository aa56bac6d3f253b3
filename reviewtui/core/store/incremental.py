"""Loading a catalog through the persistent cache: reuse unchanged files, parse the rest, store them.

`load_catalog` calls `load_cached`; when the cache cannot be used it returns None with a notice
and the catalog is loaded from the files alone.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewtui.core.index.fulltext import FTS_TABLE, FullText, body_text, fts_text
from reviewtui.core.model import ParseResult, Problem, Review
from reviewtui.core.store.cache import (
    MAX_SHARDS,
    Cache,
    CacheUnusable,
    Store,
    db_path,
    open_db,
    remove_file,
    remove_shards,
    reserve_ids,
    sha1,
    shard_path,
    shards_of,
)
from reviewtui.core.store.rows import (
    CachedReview,
    KnownRow,
    body_of,
    dropped_row,
    file_row,
    head_of,
    insert_rows,
    known_rows,
    problems_blob,
    problems_from,
    review_from,
)

if TYPE_CHECKING:
    from reviewtui.core.store import workers as parallel

#: With `Cache(defer=True)`, the cache is written after the first results when at least this many
#: files had to be parsed (a few changed files are cheaper to store at once), and at most this many
#: (their bodies stay in memory until stored: chunked writes keep a 100k cold load bounded).
DEFER_MIN = 500
DEFER_MAX = 12_000

#: Seconds between progress reports of a load in worker processes.
PROGRESS_EVERY = 0.25

#: Rebuild the full-text index when this share of its rows belongs to files that changed since.
STALE_SHARE = 0.25


def load_cached(
    root: Path,
    found: Any,
    options: Cache,
    *,
    progress: Any = None,
    cancelled: Any = None,
    spare: list[parallel.Process] | None = None,
    pieces: dict[str, Any] | None = None,
) -> tuple[list[Review], list[Problem], Store | None, list[str], Any]:
    """(reviews, problems, store, notices, later). A store of None means: nothing could be cached
    (yet: with `options.defer`, `later` is a callable that stores the parsed files, else None).
    `spare`: worker processes started ahead (`parallel.spawn`); used or let go here. `pieces`
    gets the search data pieces that worker processes made (`builder.pieces_of`), by path."""
    try:
        return _load_cached(root, found, options, progress, cancelled, spare or [], pieces)
    finally:
        if spare:
            from reviewtui.core.store import workers as parallel

            parallel.release([p for p in spare if p.stdin is not None and not p.stdin.closed])


def _load_cached(
    root: Path,
    found: Any,
    options: Cache,
    progress: Any,
    cancelled: Any,
    spare: list[parallel.Process],
    pieces: dict[str, Any] | None,
) -> tuple[list[Review], list[Problem], Store | None, list[str], Any]:
    from reviewtui.core.store.files import read_file

    notices: list[str] = []
    path = options.path or db_path(root)
    try:
        db, notice = open_db(path, rebuild=options.rebuild)
        if notice:
            notices.append(notice)
        rows = known_rows(db)
    except CacheUnusable as exc:
        notices.append(f"The index cache cannot be used: {exc}; working from memory this time.")
        db, rows = None, {}
    except sqlite3.Error as exc:
        notices.append(f"The index cache could not be read ({exc}); working from memory this time.")
        db, rows = None, {}

    store = Store(db, root, path=path) if db is not None else None
    writer = _Writer(store) if store is not None else None
    get = rows.get
    fresh = [e for e in found.files if (r := get(e.rel)) is None or r.mtime != e.mtime_ns or r.size != e.size]
    if writer is not None and store is not None and fresh:
        from reviewtui.core.store import workers as parallel  # a warm start never needs it

        if parallel.jobs_for(len(fresh)) >= 2:
            return _load_in_workers(
                found, fresh, rows, store, writer, path, notices, options, progress, cancelled, spare, pieces
            )
    deferred = writer is not None and options.defer and DEFER_MIN <= len(fresh) <= DEFER_MAX
    reviews: list[Review] = []
    problems: list[Problem] = list(found.problems)
    total = len(found.files)
    stopped = False
    for done, entry in enumerate(found.files, 1):
        if cancelled is not None and cancelled():
            stopped = True
            break
        row = rows.pop(entry.rel, None)
        if (
            row is not None
            and store is not None
            and (row.mtime, row.size) == (entry.mtime_ns, entry.size)
            and _reuse(entry.rel, row, store, reviews, problems)
        ):
            continue
        result = _parsed(read_file(entry), reviews, problems)
        if writer is not None:
            if row is not None:
                writer.delete([row.id])
            writer.add(entry, result, len(reviews) - 1 if result.review is not None else -1)
            if not deferred and writer.size >= _Writer.CHUNK:  # store now, drop the bodies: memory stays bounded
                writer = _write(writer, reviews, notices)
                store = writer.store if writer is not None else None
        if progress is not None and (done % 500 == 0 or done == total):
            progress(done, total)
    if writer is not None and not stopped:
        writer.delete([row.id for row in rows.values()])
    if deferred and writer is not None:
        if stopped:
            return reviews, problems, None, notices, None
        return reviews, problems, None, notices, _Later(writer, notices)
    if writer is not None:
        writer = _write(writer, reviews, notices, last=True)
        store = writer.store if writer is not None else None
    if store is not None:
        _ready(store)
    return reviews, problems, store, notices, None


def _load_in_workers(
    found: Any,
    fresh: list[Any],
    rows: dict[str, KnownRow],
    store: Store,
    writer: _Writer,
    path: Path,
    notices: list[str],
    options: Cache,
    progress: Any,
    cancelled: Any,
    spare: list[parallel.Process],
    pieces: dict[str, Any] | None,
) -> tuple[list[Review], list[Problem], Store | None, list[str], Any]:
    """Parse the fresh files in worker processes (`parallel.py`) that write them into the cache,
    while this process reads the unchanged ones from it. The first results need only the heads
    the workers send back; the bodies and the full-text index reach the cache meanwhile."""
    from reviewtui.core.store import workers as parallel
    from reviewtui.core.store.files import read_file

    claim = _claim(path)
    if claim is None:  # another reviewtui is filling this cache right now: read the files here
        notices.append(
            "Another reviewtui is building the index cache of this collection; this one reads the files itself."
        )
        with contextlib.suppress(sqlite3.Error):
            store.db.close()
        return _in_memory(found, notices, progress, cancelled)
    store.claim = claim
    fresh_paths = {e.rel for e in fresh}
    present = {e.rel for e in found.files}
    try:
        writer.begin()
        # A changed file's old row goes first: its new row, written by a worker, has the same path.
        writer.delete([row.id for rel, row in rows.items() if rel in fresh_paths or rel not in present])
        writer.run(last=False)
        with store.lock:  # the fresh files' ids: never another file's, even if a worker dies
            reserve_ids(store.db, writer.next_id + len(fresh) - 1)
            store.db.commit()
    except sqlite3.Error as exc:
        notices.append(f"The index cache could not be updated ({exc}); working from memory this time.")
        with contextlib.suppress(sqlite3.Error):
            store.db.close()
        return _in_memory(found, notices, progress, cancelled)
    pairs = [(writer.next_id + n, entry) for n, entry in enumerate(fresh)]
    writer.next_id += len(fresh)
    jobs = parallel.jobs_for(len(fresh))
    with store.lock:
        known = shards_of(store.db)
    numbers = [max(known, default=0) + 1 + n for n in range(jobs)]
    heads_first = options.defer and options.heads_first
    pool = parallel.start(pairs, path, jobs, spare, [shard_path(path, n) for n in numbers], heads_first)

    reviews: list[Review] = []
    problems: list[Problem] = list(found.problems)
    redo: list[Any] = []
    for entry in found.files:  # the unchanged files, while the workers parse
        if entry.rel in fresh_paths:
            continue
        row = rows[entry.rel]
        if not _reuse(entry.rel, row, store, reviews, problems):
            writer.delete([row.id])
            redo.append(entry)
    total = len(found.files)
    done = total - len(fresh)
    missing = fresh
    by_id = dict(pairs)
    if pool is not None:
        shown = time.monotonic()
        for records in pool.records(cancelled):
            for rowid, kind, lang, ref, company_id, head, blob, made in records:
                rel = by_id[rowid].rel
                if kind is not None:
                    reviews.append(review_from((rel, rowid, kind, lang, ref, company_id), store, head))
                    store.rowids[rel] = rowid
                    if pieces is not None:
                        pieces[rel] = made
                if blob:
                    problems.extend(problems_from(rel, blob))
            done += len(records)
            now = time.monotonic()
            if progress is not None and (now >= shown + PROGRESS_EVERY or done == total):
                shown = now  # a progress report repaints the app: a few per second are plenty
                progress(done, total)
        missing = pool.missing()
    if cancelled is not None and cancelled():
        if pool is not None:
            pool.kill()
        release_claim(store)
        return reviews, problems, None, notices, None
    for entry in [*missing, *redo]:  # what no worker answered for: parsed here, stored by this process
        result = _parsed(read_file(entry), reviews, problems)
        writer.add(entry, result, -1)
    later = _PoolLater(pool, writer, by_id)
    if options.defer:
        return reviews, problems, None, notices, later
    stored, more = later()
    return reviews, later.problems(problems), stored, notices + more, None


def _reuse(rel: str, row: KnownRow, store: Store, reviews: list[Review], problems: list[Problem]) -> bool:
    """Take an unchanged file's review and problems from its cache row. False when the row is
    damaged: what it added is taken back, and the file is to be parsed again."""
    try:
        if row.has_head:
            reviews.append(review_from(row, store))
            store.rowids[rel] = row.id
        if row.problems:
            problems.extend(problems_from(rel, row.problems))
    except (ValueError, EOFError, TypeError):
        reviews[:] = [r for r in reviews if r.path != rel]
        problems[:] = [p for p in problems if p.path != rel]
        store.rowids.pop(rel, None)
        return False
    return True


def _claim(path: Path) -> Any:
    """Hold the cache's lock file for a load in workers: an open file, unlocked when it is closed
    (once stored, or when the store is dropped or this process ends). None when another holds it;
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


def release_claim(store: Store) -> None:
    claim, store.claim = store.claim, None
    if claim:
        with contextlib.suppress(OSError):
            claim.close()  # closing the file releases its lock


def _in_memory(
    found: Any, notices: list[str], progress: Any, cancelled: Any
) -> tuple[list[Review], list[Problem], Store | None, list[str], Any]:
    from reviewtui.core.store.files import parse_entries

    reviews: list[Review] = []
    problems: list[Problem] = list(found.problems)
    for result in parse_entries(found.files, len(found.files), progress=progress, cancelled=cancelled):
        _parsed(result, reviews, problems)
    return reviews, problems, None, notices, None


class _PoolLater:
    """The end of a load in worker processes: wait until they have stored their files, store
    what this process parsed itself, and open the full-text index."""

    pending_fulltext = True
    """Body terms are answered once this has run (the bodies are in the workers until then)."""

    def __init__(self, pool: parallel.Pool | None, writer: _Writer, entries: dict[int, Any]) -> None:
        self.pool = pool
        self.writer = writer
        self.entries = entries
        """The file (`catalog.FileEntry`) of each row id handed to the workers."""

    def problems(self, problems: list[Problem]) -> list[Problem]:
        """`problems` with what the workers found in the bodies since they answered (with
        `Cache.heads_first`): a new list, in catalog order, once this has run; else `problems`."""
        updates = self.pool.updates if self.pool is not None else []
        if not updates:
            return problems
        dropped: set[Problem] = set()
        added: list[Problem] = []
        for rowid, answered, whole in updates:
            path = self.entries[rowid].rel
            dropped.update(problems_from(path, answered))
            added.extend(problems_from(path, whole))
        kept = [p for p in problems if p not in dropped] + added
        kept.sort(key=lambda p: (p.path, p.line or 0, p.severity))
        return kept

    def __call__(self) -> tuple[Store | None, list[str]]:
        try:
            return self._finish()
        finally:
            release_claim(self.writer.store)

    def _finish(self) -> tuple[Store | None, list[str]]:
        failures = self.pool.wait_stored() if self.pool is not None else []
        store = self.writer.store
        if not failures:  # each worker listed its shard in meta with its rows (`parallel._write`)
            try:
                self.writer.run(last=True)
            except sqlite3.Error as exc:
                failures.append(f"the index cache could not be updated ({exc})")
        if failures:  # rows without their full-text entries, or the reverse: the next start makes it again
            if store.path is not None:
                remove_file(store.path)
            return None, [f"The index cache is incomplete: {failures[0]}; body search works from memory this time."]
        _ready(store)
        return store, []


def _ready(store: Store) -> None:
    """Open the full-text index: the cache file's table and the shards beside it."""
    schemas = ["main"]
    with store.lock:
        shards = shards_of(store.db)
        if shards and store.path is not None:
            # Too many shards: loads whose parent did not see them stored (it quit) left theirs.
            if len(shards) <= MAX_SHARDS and all(shard_path(store.path, n).is_file() for n in shards):
                for n in shards:
                    # As bytes: a str file name must be UTF-8, a Linux one need not be.
                    store.db.execute(f"ATTACH DATABASE ? AS fts{n}", (os.fsencode(shard_path(store.path, n)),))
                    schemas.append(f"fts{n}")
            else:  # a shard went missing (or too many): the index moves back into the cache file, whole
                with store.db:
                    _rebuild_fulltext(store.db)
                remove_shards(store.path, shards)
    store.fulltext = FullText(store.db, store.lock, store.texts, tuple(schemas))
    ids = sorted(store.rowids.values())
    store.fingerprint = sha1(",".join(map(str, ids)).encode()).hexdigest()


class _Later:
    """The cache writes of a deferred load (`Cache(defer=True)`): run once, after the first results."""

    pending_fulltext = False
    """The bodies are in this process: body terms can be answered before this has run."""

    def __init__(self, writer: _Writer, notices: list[str]) -> None:
        self.writer = writer
        self.notices = notices

    def __call__(self) -> tuple[Store | None, list[str]]:
        """Store the parsed files and build the full-text index; (the store or None, new notices)."""
        notices: list[str] = []
        writer = self.writer
        queued, writer.items = writer.items, []
        try:
            for kind, payload in queued:  # a chunk at a time: the rows being made stay few
                for start in range(0, len(payload), _Writer.CHUNK):
                    writer.items = [(kind, payload[start : start + _Writer.CHUNK])]
                    writer.run(last=False)
            writer.run(last=True)
        except sqlite3.Error as exc:
            notices.append(f"The index cache could not be updated ({exc}); working from memory this time.")
            return None, notices
        store = self.writer.store
        _ready(store)
        return store, notices


def _write(writer: _Writer, reviews: list[Review], notices: list[str], *, last: bool = False) -> _Writer | None:
    """Run the writer's queued work; the reviews it stored become light. None once the cache failed."""
    try:
        for position, review in writer.run(last=last):
            reviews[position] = _lighter(review, writer.store)
    except sqlite3.Error as exc:
        notices.append(f"The index cache could not be updated ({exc}); working from memory this time.")
        return None
    return writer


def _lighter(review: Review, store: Store) -> Review:
    """A freshly parsed review, stored now, as a CachedReview: its body is dropped from memory
    and read back from the cache when shown (at 100k reviews, that is 1 GB less)."""
    if isinstance(review, CachedReview):
        return review
    rowid = store.rowids.get(review.path)
    if rowid is None:
        return review
    light = review_from((review.path, rowid, review.kind, review.lang, review.ref, review.company_id), store)
    for name in ("title", "target_name", "date", "rating", "price", "summary", "tags", "permalink"):
        object.__setattr__(light, name, getattr(review, name))  # the lazy field's setter
    return light


def _parsed(result: ParseResult, reviews: list[Review], problems: list[Problem]) -> ParseResult:
    problems.extend(result.problems)
    if result.review is not None:
        reviews.append(result.review)
    return result


class _Writer:
    """Stores parsed files in the cache: in one transaction, a chunk at a time while parsing goes
    on (so parsed bodies can be dropped from memory), committed at the end. (A writer thread was
    tried: it made things slower, as each SQLite call had to wait for the parsing thread's GIL.)"""

    CHUNK = 2000

    def __init__(self, store: Store) -> None:
        self.store = store
        self.items: list[tuple[str, Any]] = []
        self.size = 0
        self.stale = 0
        self.next_id = 0
        self.started = False

    def delete(self, ids: list[int]) -> None:
        if ids:
            self.items.append(("delete", ids))

    def add(self, entry: Any, result: ParseResult, position: int) -> None:
        self.size += 1
        if self.items and self.items[-1][0] == "insert":
            self.items[-1][1].append((entry, result, position))
        else:
            self.items.append(("insert", [(entry, result, position)]))

    def begin(self) -> None:
        """Find the first free row id (once): rows may also be written by worker processes."""
        if not self.started:
            (top,) = self.store.db.execute(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'files'), 0), "
                "coalesce((SELECT max(id) FROM files), 0))"
            ).fetchone()
            self.next_id, self.started = top + 1, True

    def run(self, *, last: bool) -> list[tuple[int, Review]]:
        """Write what is queued; at the last call, also commit. Returns (position, review) stored."""
        stored: list[tuple[int, Review]] = []
        if not self.items and not (last and self.started):
            return stored
        db = self.store.db
        with self.store.lock:
            try:
                self.begin()
                for kind, payload in self.items:
                    if kind == "delete":
                        self._delete(db, payload)
                    else:
                        self._insert(db, payload)
                        stored += [(p, r.review) for _, r, p in payload if p >= 0 and r.review is not None]
                self.items, self.size = [], 0
                if last:
                    dropped = self._finish_index(db)
                    db.commit()
                    if dropped and self.store.path is not None:
                        remove_shards(self.store.path, dropped)
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.rollback()
                raise
        return stored

    def _delete(self, db: sqlite3.Connection, ids: list[int]) -> None:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            (count,) = db.execute(
                f"SELECT count(*) FROM files WHERE head IS NOT NULL AND id IN ({marks})", chunk
            ).fetchone()
            self.stale += count
            db.execute(f"DELETE FROM files WHERE id IN ({marks})", chunk)
            db.execute(f"DELETE FROM bodies WHERE id IN ({marks})", chunk)

    def _insert(self, db: sqlite3.Connection, batch: list[tuple[Any, ParseResult, int]]) -> None:
        rows = []
        texts = []
        for entry, result, _ in batch:
            rowid = self.next_id
            self.next_id += 1
            review = result.review
            if review is not None:
                text, cjk = fts_text(body_text(review))
                texts.append((rowid, text))
                self.store.rowids[entry.rel] = rowid
                ids = (review.kind, review.lang, review.ref, review.company_id)
                blobs = (head_of(review), problems_blob(result.problems), body_of(review))
                rows.append(file_row(rowid, entry.rel, entry.mtime_ns, entry.size, ids, *blobs, cjk))
            else:
                rows.append(dropped_row(rowid, entry.rel, entry.mtime_ns, entry.size, problems_blob(result.problems)))
        insert_rows(db, rows, texts)

    def _finish_index(self, db: sqlite3.Connection) -> list[int]:
        """Count rows of the full-text index that belong to files since changed; rebuild it in the
        cache file when too many, or when parsing processes left too many shards. Returns the
        shards to delete once committed."""
        stale = self.stale + int(dict(db.execute("SELECT key, value FROM meta").fetchall()).get("stale", 0) or 0)
        (live,) = db.execute("SELECT count(*) FROM files WHERE head IS NOT NULL").fetchone()
        shards = shards_of(db)
        dropped: list[int] = []
        if stale > STALE_SHARE * max(live, 1) or len(shards) > MAX_SHARDS:
            dropped = _rebuild_fulltext(db)
            stale = 0
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('stale', ?)", (str(stale),))
        return dropped


def _rebuild_fulltext(db: sqlite3.Connection) -> list[int]:
    """The whole full-text index made again in the cache file; returns the shards no longer used."""
    shards = shards_of(db)
    db.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')")
    db.executemany(
        f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (?, ?)", [(r, fts_text(t)[0]) for r, t in _all_texts(db)]
    )
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('shards', '')")
    return shards


def _all_texts(db: sqlite3.Connection) -> Any:
    import marshal

    for rowid, blob in db.execute("SELECT id, body FROM bodies").fetchall():
        sections, _ = marshal.loads(blob)
        yield rowid, "\n\n".join(f"{s[0]}\n{s[3]}" for s in sections)
