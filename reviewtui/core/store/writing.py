"""Writing parsed files into the cache, a chunk at a time, and opening its full-text index."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from typing import TYPE_CHECKING, Any

from reviewtui.core.index.fulltext import FTS_TABLE, FullText, body_text, fts_text
from reviewtui.core.model import ParseResult, Review
from reviewtui.core.store.cache import (
    MAX_SHARDS,
    Store,
    remove_shards,
    sha1,
    shard_path,
    shards_of,
)
from reviewtui.core.store.rows import (
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


def open_fulltext(store: Store) -> None:
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
                    rebuild_fulltext(store.db)
                remove_shards(store.path, shards)
    store.fulltext = FullText(store.db, store.lock, store.texts, tuple(schemas))
    ids = sorted(store.rowids.values())
    store.fingerprint = sha1(",".join(map(str, ids)).encode()).hexdigest()


class Later:
    """The cache writes of a deferred load (`Cache(defer=True)`): run once, after the first results."""

    pending_fulltext = False
    """The bodies are in this process: body terms can be answered before this has run."""

    def __init__(self, writer: Writer, notices: list[str]) -> None:
        self.writer = writer
        self.notices = notices

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
        open_fulltext(store)
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
    return shards


def _all_texts(db: sqlite3.Connection) -> Any:
    import marshal

    for rowid, blob in db.execute("SELECT id, body FROM bodies").fetchall():
        sections, _ = marshal.loads(blob)
        yield rowid, "\n\n".join(f"{s[0]}\n{s[3]}" for s in sections)
