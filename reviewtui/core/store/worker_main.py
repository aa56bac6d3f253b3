"""A parsing process (see `workers`): it reads its job on stdin (the cache file, its full-text
shard, the files and whether to answer from the front matter first), answers on stdout with
length-prefixed `marshal` frames, then stores its files in the cache itself.

Run as `python -c "from reviewtui.core.store.worker_main import main; main()"` by `workers.spawn`.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import sqlite3
import stat
import sys
from array import array
from typing import TYPE_CHECKING, Any, cast

from reviewtui.core.store.workers import FRAME_RECORDS, LENGTH, WRITE_ROWS, Record

if TYPE_CHECKING:
    from reviewtui.core.model import Review


def _send(frame: tuple[Any, ...]) -> None:
    data = marshal.dumps(frame)
    out = sys.stdout.buffer
    out.write(LENGTH.pack(len(data)))
    out.write(data)
    out.flush()


def _write(db_path: str, shard: str | None, rows: list[tuple[Any, ...]], texts: list[tuple[int, str]]) -> None:
    """Store rows in the cache file and their full-text entries in this worker's shard: the
    shards of several workers fill at once; only the (quick) row inserts take turns."""
    from reviewtui.core.index.fulltext import FTS_SCHEMA, FTS_TABLE, tune_for_bulk
    from reviewtui.core.store.cache import add_shard
    from reviewtui.core.store.rows import insert_files, insert_rows

    if shard is not None:
        fts = sqlite3.connect(shard, timeout=120.0, isolation_level=None)
        try:
            fts.execute("PRAGMA synchronous = OFF")
            fts.execute("BEGIN IMMEDIATE")
            fts.execute(FTS_SCHEMA)
            tune_for_bulk(fts)
            fts.executemany(f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (?, ?)", texts)
            fts.execute("COMMIT")
        finally:
            fts.close()
    db = sqlite3.connect(db_path, timeout=120.0, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -64000")
        db.execute("BEGIN IMMEDIATE")
        if shard is not None:
            insert_files(db, rows)
            add_shard(db, int(shard.rpartition(".fts")[2]))  # with the rows: listed whatever the parent does
        else:
            insert_rows(db, rows, texts)
        db.execute("COMMIT")
    finally:
        db.close()


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def _read_unchanged(path: str, size: int, mtime_ns: int, limit: int) -> bytes | None:
    """The file's bytes when it is still the regular file of `size` (at most `limit`) bytes and
    `mtime_ns` the scan saw; else None: then `catalog.read_file` reads it, and says what is wrong."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (info.st_size, info.st_mtime_ns) != (size, mtime_ns) or size > limit:
            return None
        data = os.read(fd, size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) == size else None


def main() -> None:
    """A worker: parse the job's files, answer with their heads, then store them in the cache."""
    import gc

    from reviewtui.core.format.parse import MAX_FILE_BYTES, BodyStart, parse_body, parse_head
    from reviewtui.core.index.builder import pieces_of
    from reviewtui.core.index.fulltext import body_text, fts_text
    from reviewtui.core.model import ParseResult, Problem
    from reviewtui.core.store.files import FileEntry, read_file
    from reviewtui.core.store.rows import FileRow, body_of, dropped_row, file_row, head_of, problems_blob

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    gc.disable()  # parsing makes millions of objects and no cycles
    data = sys.stdin.buffer.read()
    if not data:  # started ahead of time, then not needed
        return
    db_path, shard, job, heads_first = marshal.loads(data)
    if shard is not None:  # left by a load that was stopped: this worker's shard starts empty
        for suffix in ("", "-journal"):
            with contextlib.suppress(OSError):
                os.remove(shard + suffix)
    answers: list[Record] = []
    parsed: list[tuple[tuple[int, str, str, int, int], tuple[Any, ...], Any, Any, Any]] = []
    """Files parsed whole, the arguments of their `row` (made after their answers are sent)."""
    pending: tuple[list[FileRow], list[tuple[int, str]]] = ([], [])
    failure = ""

    def row(file: tuple[int, str, str, int, int], ids: tuple[Any, ...], head: Any, problems: Any, body: Any) -> None:
        """Queue a file's cache row; `body` (a Review or a parse.BodyResult: its .sections and
        .references are read) is None when the file was dropped."""
        rowid, _, rel, mtime, size = file
        if body is None:
            pending[0].append(dropped_row(rowid, rel, mtime, size, problems))
            return
        text, cjk = fts_text(body_text(cast("Review", body)))
        pending[1].append((rowid, text))
        pending[0].append(file_row(rowid, rel, mtime, size, ids, head, problems, body_of(cast("Review", body)), cjk))

    def store() -> None:
        nonlocal failure
        if answers:  # what is stored was answered for first: the parent parses only the unanswered
            _send(("p", answers[:]))
            answers.clear()
        for parts in parsed:
            row(*parts)
        parsed.clear()
        if db_path is not None and not failure and pending[0]:
            try:
                _write(db_path, shard, *pending)
            except sqlite3.Error as exc:
                failure = f"the index cache could not be written ({exc})"
        pending[0].clear()
        pending[1].clear()

    def answer(rowid: int, result: ParseResult) -> tuple[tuple[Any, ...], bytes | None, bytes | None]:
        """Queue the parent's record of one file; its (kind, lang, ref, company_id), head and problems."""
        review = result.review
        problems = problems_blob(result.problems)
        if review is None:
            answers.append((rowid, None, None, None, None, None, problems, None))
            ids: tuple[Any, ...] = (None, None, None, None)
            head = None
        else:
            pieces = pieces_of(review.target_name, review.tags, review.summary)
            head = head_of(review)
            ids = (review.kind, review.lang, review.ref, review.company_id)
            answers.append((rowid, *ids, head, problems, pieces))
        if len(answers) >= FRAME_RECORDS:
            _send(("p", answers[:]))
            answers.clear()
        return ids, head, problems

    def finish_answers() -> None:
        _send(("p", answers[:]))
        answers.clear()
        _send(("e",))
        with contextlib.suppress(OSError, AttributeError):
            os.nice(10)  # the parent now builds the first results: it comes first for the CPUs

    if not heads_first:
        for file in job:
            result = read_file(FileEntry(*file[1:]))
            parsed.append((file, *answer(file[0], result), result.review))
            if len(parsed) >= WRITE_ROWS:
                store()
        finish_answers()
        store()
        _send(("s", failure))
        return

    # The front matter of every file, then the bodies (see `start`). Kept per file across the two
    # passes: what the row needs from the front matter, and where the body starts (no review, no
    # text), so the second pass parses only the body; packed one after the other in one buffer
    # (marshal): ~570 bytes a file, 28 MB for 50,000 (as objects amid the parse's garbage, 61 MB).
    kept = bytearray()
    ends = array("q")
    for rowid, path, rel, mtime, size in job:
        data = _read_unchanged(path, size, mtime, MAX_FILE_BYTES)
        start = None
        result: ParseResult | None = None
        if data is not None:
            with contextlib.suppress(Exception):  # as in `read_file`, whose whole parse reports it
                result, start = parse_head(data, rel)
        if result is None:  # not the file the scan saw, or trouble: `read_file` says what
            result = read_file(FileEntry(path, rel, mtime, size), body=False)
        kept += marshal.dumps((*answer(rowid, result), start.packed() if start is not None else None))
        ends.append(len(kept))
    finish_answers()
    updates: list[tuple[int, bytes | None, bytes | None]] = []
    view, begin = memoryview(kept), 0
    for file, end in zip(job, ends, strict=True):
        rowid, path, rel, mtime, size = file
        ids, head, quick, packed = marshal.loads(view[begin:end])
        begin = end
        start = BodyStart.unpacked(packed) if packed is not None else None
        rest = None
        if start is not None:
            data = _read_unchanged(path, size, mtime, MAX_FILE_BYTES)
            if data is not None:
                listed = [Problem(rel, *p) for p in marshal.loads(quick)] if quick is not None else []
                with contextlib.suppress(Exception):  # as in `read_file`, whose whole parse reports it
                    rest = parse_body(data, rel, start, listed)
        if rest is not None:  # the front matter as answered, and the body
            problems = problems_blob(rest.problems)
            row(file, ids, head, problems, rest if ids[0] is not None else None)
        else:  # dropped before its body was reached, changed since the scan, or unreadable: whole
            result = read_file(FileEntry(path, rel, mtime, size))
            review = result.review
            problems = problems_blob(result.problems)
            if review is not None:
                ids, head = (review.kind, review.lang, review.ref, review.company_id), head_of(review)
            row(file, ids, head, problems, review)
        if problems != quick:  # what the body adds (or a file changed meanwhile)
            updates.append((rowid, quick, problems))
        if len(pending[0]) >= WRITE_ROWS:
            store()
    store()  # first: a parent that has quit meanwhile (its pipe is gone) still finds them stored
    _send(("q", updates))
    _send(("s", failure))
