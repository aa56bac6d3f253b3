"""Loading a catalog through the persistent cache: reuse unchanged files, parse the rest, store them.

`load_catalog` calls `load_cached`; when the cache cannot be used it returns None with a notice
and the catalog is loaded from the files alone.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewtui.core.model import Problem, Review
from reviewtui.core.store import integrity
from reviewtui.core.store.cache import (
    Cache,
    CacheUnusable,
    Store,
    db_path,
    open_db,
)
from reviewtui.core.store.gather import parsed, reuse
from reviewtui.core.store.pooled import load_in_workers
from reviewtui.core.store.rows import (
    known_rows,
)
from reviewtui.core.store.writing import Later, Writer, open_fulltext, write_queued

if TYPE_CHECKING:
    from reviewtui.core.store import workers as parallel


#: With `Cache(defer=True)`, the cache is written after the first results when at least this many
#: files had to be parsed (a few changed files are cheaper to store at once), and at most this many
#: (their bodies stay in memory until stored: chunked writes keep a 100k cold load bounded).
DEFER_MIN = 500
DEFER_MAX = 12_000


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
        db, notice, sealed = open_db(path, rebuild=options.rebuild)
        if notice:
            notices.append(notice)
        rows = known_rows(db)
    except CacheUnusable as exc:
        notices.append(f"The index cache cannot be used: {exc}; working from memory this time.")
        db, rows = None, {}
    except sqlite3.Error as exc:
        notices.append(f"The index cache could not be read ({exc}); working from memory this time.")
        db, rows = None, {}

    store = Store(db, root, path=path, seal=integrity.Seal(path, sealed)) if db is not None else None
    writer = Writer(store) if store is not None else None
    get = rows.get
    fresh = [e for e in found.files if (r := get(e.rel)) is None or r.mtime != e.mtime_ns or r.size != e.size]
    if writer is not None and store is not None and fresh:
        from reviewtui.core.store import workers as parallel  # a warm start never needs it

        if parallel.jobs_for(len(fresh)) >= 2:
            return load_in_workers(
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
            and reuse(entry.rel, row, store, reviews, problems)
        ):
            continue
        result = parsed(read_file(entry), reviews, problems)
        if writer is not None:
            if row is not None:
                writer.delete([row.id])
            writer.add(entry, result, len(reviews) - 1 if result.review is not None else -1)
            if not deferred and writer.size >= Writer.CHUNK:  # store now, drop the bodies: memory stays bounded
                writer = write_queued(writer, reviews, notices)
                store = writer.store if writer is not None else None
        if progress is not None and (done % 500 == 0 or done == total):
            progress(done, total)
    if writer is not None and not stopped:
        writer.delete([row.id for row in rows.values()])
    if deferred and writer is not None:
        if stopped:
            return reviews, problems, None, notices, None
        return reviews, problems, None, notices, Later(writer, notices)
    if writer is not None:
        writer = write_queued(writer, reviews, notices, last=True)
        store = writer.store if writer is not None else None
    if store is not None:
        notices += open_fulltext(store)
    return reviews, problems, store, notices, None
