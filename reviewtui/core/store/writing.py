"""Writing parsed files into the cache, a chunk at a time, and opening its full-text index."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import TYPE_CHECKING, Any

from reviewtui.core.index.fulltext import FTS_TABLE, FullText, body_text, fts_text
from reviewtui.core.model import ParseResult, Problem, Review
from reviewtui.core.store import integrity
from reviewtui.core.store.cache import (
    MAX_SHARDS,
    Store,
    remove_shards,
    sha1,
    shard_path,
    shards_of,
)
from reviewtui.core.store.rows import (
    UNREADABLE,
    CachedReview,
    body_of,
    dropped_row,
    file_row,
    head_of,
    insert_rows,
    problems_blob,
    review_from,
)

if TYPE_CHECKING:
    pass


#: Rebuild the full-text index when this share of its rows belongs to files that changed since.
STALE_SHARE = 0.25


def open_fulltext(store: Store) -> list[str]:
    """Open the full-text index: the cache file's table and the shards beside it, checked against
    the reviews stored (`integrity`); one found damaged is made again from the stored bodies. Then
    seal the cache. Returns the notices (at most one)."""
    with store.lock:
        try:
            schemas, damage = _attach(store)
        except sqlite3.Error as exc:
            schemas, damage = ["main"], f"a shard cannot be read: {exc}"
        notices: list[str] = []
        if damage is not None:
            schemas, notices = _refold(store, schemas, damage)
    store.fulltext = FullText(store.db, store.lock, store.texts, tuple(schemas)) if schemas else None
    ids = sorted(store.rowids.values())
    store.fingerprint = sha1(",".join(map(str, ids)).encode()).hexdigest()
    if store.fulltext is not None:
        store.reseal()
    return notices


def _attach(store: Store) -> tuple[list[str], str | None]:
    """Attach the shards, checked (`integrity.attach_fulltext`). Too many shards (loads whose
    parent did not see them stored left theirs) is not damage, only a reason to fold them."""
    shards = shards_of(store.db) if store.path is not None else []
    if len(shards) > MAX_SHARDS:
        return ["main"], ""
    files = [(n, shard_path(store.path, n)) for n in shards if store.path is not None]
    expected = len(store.rowids) + stale_rows(store.db)
    return integrity.attach_fulltext(store.db, files, expected, checked=store.seal.sealed)


def _refold(store: Store, attached: list[str], damage: str) -> tuple[list[str], list[str]]:
    """Make the full-text index again in the cache file from the stored bodies (the lock file
    held: never under another reviewtui filling it). (schemas, notices); no schemas when it
    could not be done: body terms are then answered from the reviews' bodies in memory."""
    db = store.db
    for schema in attached[1:]:
        with contextlib.suppress(sqlite3.Error):
            db.execute(f"DETACH DATABASE {schema}")
    said = [f"The full-text index of the cache was damaged ({damage}); it was made again."] if damage else []
    claim = store.claim or integrity.lock_cache(store.path) if store.path is not None else False
    if claim is None:
        return [], ["Another reviewtui is building the index cache of this collection; body search works from memory."]
    store.seal.withdraw()
    try:
        shards = shards_of(db)
        with db:
            rebuild_fulltext(db)
        if store.path is not None:
            remove_shards(store.path, shards)
    except sqlite3.Error as exc:
        store.seal.note_damage(f"the full-text index could not be made again: {exc}")
        return [], [f"The index cache is damaged ({exc}); body search works from memory this time."]
    finally:
        if claim and claim is not store.claim:
            claim.close()
    return ["main"], said


class Later:
    """The cache writes of a deferred load (`Cache(defer=True)`): run once, after the first results."""

    pending_fulltext = False
    """The bodies are in this process: body terms can be answered before this has run."""

    def __init__(self, writer: Writer, notices: list[str]) -> None:
        self.writer = writer
        self.notices = notices

    def problems(self, problems: list[Problem]) -> list[Problem]:
        """The bodies were parsed with the front matter: they add no problems now."""
        return problems

    def __call__(self) -> tuple[Store | None, list[str]]:
        """Store the parsed files and build the full-text index; (the store or None, new notices)."""
        notices: list[str] = []
        writer = self.writer
        queued, writer.items = writer.items, []
        try:
            for kind, payload in queued:  # a chunk at a time: the rows being made stay few
                for start in range(0, len(payload), Writer.CHUNK):
                    writer.items = [(kind, payload[start : start + Writer.CHUNK])]
                    writer.run(last=False)
            writer.run(last=True)
        except sqlite3.Error as exc:
            notices.append(f"The index cache could not be updated ({exc}); working from memory this time.")
            return None, notices
        store = self.writer.store
        notices += open_fulltext(store)
        return store, notices


def write_queued(writer: Writer, reviews: list[Review], notices: list[str], *, last: bool = False) -> Writer | None:
    """Run the writer's queued work; the reviews it stored become light. None once the cache failed."""
    try:
        for position, review in writer.run(last=last):
            reviews[position] = lighter(review, writer.store)
    except sqlite3.Error as exc:
        notices.append(f"The index cache could not be updated ({exc}); working from memory this time.")
        return None
    return writer


def lighter(review: Review, store: Store) -> Review:
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


class Writer:
    """Stores parsed files in the cache: in one transaction, a chunk at a time while parsing goes
    on (so parsed bodies can be dropped from memory), committed at the end. (A writer thread was
    tried: it made things slower, as each SQLite call had to wait for the parsing thread's GIL.)"""

    CHUNK = 2000

    def __init__(self, store: Store) -> None:
        self.store = store
        self.items: list[tuple[str, Any]] = []
        self.size = 0
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
            self.store.seal.withdraw()
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
            if count:  # in the same transaction: full-text rows always = stored reviews + stale
                db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('stale', ?)", (str(stale_rows(db) + count),)
                )
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
        stale = stale_rows(db)
        (live,) = db.execute("SELECT count(*) FROM files WHERE head IS NOT NULL").fetchone()
        shards = shards_of(db)
        dropped: list[int] = []
        if stale > STALE_SHARE * max(live, 1) or len(shards) > MAX_SHARDS:
            dropped = rebuild_fulltext(db)
            stale = 0
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('stale', ?)", (str(stale),))
        return dropped


def rebuild_fulltext(db: sqlite3.Connection) -> list[int]:
    """The whole full-text index made again in the cache file; returns the shards no longer used."""
    shards = shards_of(db)
    db.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')")
    db.executemany(
        f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (?, ?)", [(r, fts_text(t)[0]) for r, t in _all_texts(db)]
    )
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('shards', '')")
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('stale', '0')")
    return shards


def stale_rows(db: sqlite3.Connection) -> int:
    """Full-text rows of files since changed or gone (a content-less index cannot delete them)."""
    (value,) = db.execute("SELECT coalesce((SELECT value FROM meta WHERE key = 'stale'), '0')").fetchone()
    return int(value) if str(value).isdecimal() else 0


def _all_texts(db: sqlite3.Connection) -> Any:
    import marshal

    for rowid, blob in db.execute("SELECT id, body FROM bodies").fetchall():
        try:
            sections, _ = marshal.loads(blob)
            text = "\n\n".join(f"{s[0]}\n{s[3]}" for s in sections)
        except UNREADABLE:
            raise sqlite3.DatabaseError(f"the stored body of row {rowid} cannot be read") from None
        yield rowid, text
