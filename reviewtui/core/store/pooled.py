"""A load whose changed files are parsed in worker processes (`workers`) that write them into
the cache, while this process reads the unchanged ones from it."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewtui.core.model import Problem, Review
from reviewtui.core.store import integrity
from reviewtui.core.store.cache import (
    Cache,
    Store,
    remove_file,
    reserve_ids,
    shard_path,
    shards_of,
)
from reviewtui.core.store.gather import in_memory, parsed, reuse
from reviewtui.core.store.rows import (
    KnownRow,
    problems_from,
    review_from,
)
from reviewtui.core.store.writing import Writer, open_fulltext

if TYPE_CHECKING:
    from reviewtui.core.store import workers as parallel


#: Seconds between progress reports of a load in worker processes.
PROGRESS_EVERY = 0.25


def load_in_workers(
    found: Any,
    fresh: list[Any],
    rows: dict[str, KnownRow],
    store: Store,
    writer: Writer,
    path: Path,
    notices: list[str],
    options: Cache,
    progress: Any,
    cancelled: Any,
    spare: list[parallel.Process],
    pieces: dict[str, Any] | None,
) -> tuple[list[Review], list[Problem], Store | None, list[str], Any]:
    """Parse the fresh files in worker processes (`workers.py`) that write them into the cache,
    while this process reads the unchanged ones from it. The first results need only the heads
    the workers send back; the bodies and the full-text index reach the cache meanwhile."""
    from reviewtui.core.store import workers as parallel
    from reviewtui.core.store.files import read_file

    claim = claim_cache(path)
    if claim is None:  # another reviewtui is filling this cache right now: read the files here
        notices.append(
            "Another reviewtui is building the index cache of this collection; this one reads the files itself."
        )
        with contextlib.suppress(sqlite3.Error):
            store.db.close()
        return in_memory(found, notices, progress, cancelled)
    store.claim = claim
    store.seal.withdraw()  # the workers write into the cache from now on
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
        return in_memory(found, notices, progress, cancelled)
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
        if not reuse(entry.rel, row, store, reviews, problems):
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
        result = parsed(read_file(entry), reviews, problems)
        writer.add(entry, result, -1)
    later = PoolLater(pool, writer, by_id)
    if options.defer:
        return reviews, problems, None, notices, later
    stored, more = later()
    return reviews, later.problems(problems), stored, notices + more, None


def claim_cache(path: Path) -> Any:
    """Hold the cache's lock file for a load in workers (see `integrity.lock_cache`)."""
    return integrity.lock_cache(path)


def release_claim(store: Store) -> None:
    claim, store.claim = store.claim, None
    if claim:
        with contextlib.suppress(OSError):
            claim.close()  # closing the file releases its lock


class PoolLater:
    """The end of a load in worker processes: wait until they have stored their files, store
    what this process parsed itself, and open the full-text index."""

    pending_fulltext = True
    """Body terms are answered once this has run (the bodies are in the workers until then)."""

    def __init__(self, pool: parallel.Pool | None, writer: Writer, entries: dict[int, Any]) -> None:
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
        if not failures:  # each worker listed its shard in meta with its rows (`worker_main`)
            try:
                self.writer.run(last=True)
            except sqlite3.Error as exc:
                failures.append(f"the index cache could not be updated ({exc})")
        if failures:  # rows without their full-text entries, or the reverse: the next start makes it again
            if store.path is not None:
                remove_file(store.path)
            return None, [f"The index cache is incomplete: {failures[0]}; body search works from memory this time."]
        return store, open_fulltext(store)
