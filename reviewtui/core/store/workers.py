"""Parsing many files in worker processes that write the cache themselves.

A cold load parses thousands of files; one process parses about 8,000 files a second here, and a
second CPU nearly doubles that. The parent hands each worker a share of the files (interleaved,
so en and ja, short and long files spread evenly) and gets back, per file, only what the first
results need: the packed front matter (`cache.head_of`), the problems and the search data pieces
(`builder.pieces_of`). Each worker then writes its rows and bodies into the cache file and its
full-text entries into a shard file of its own (`cache.shard_path`), so the workers never wait
for each other's full-text inserts, the parent never holds the bodies, and its CPU (and its GIL,
which the interface needs) stay free.

Workers are plain `python -c` processes (never `fork`: the app has threads), with no terminal:
stdin carries the job, stdout the answers as length-prefixed `marshal` frames, stderr goes
nowhere (a worker must never write on the app's screen). A worker that dies or cannot start costs
nothing but speed: whatever it did not answer is parsed in the parent.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import selectors
import signal
import sqlite3
import stat
import struct
import subprocess
import sys
import time
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from reviewtui.core.model import Review

#: Fewer files than this per worker are not worth a process (its start costs ~0.1 s).
MIN_FILES_PER_JOB = 400
MAX_JOBS = 8
#: Records per answer frame: small enough to show progress, large enough to cost nothing.
FRAME_RECORDS = 256
#: A worker writes its rows when it holds this many (memory stays bounded on 100k files).
WRITE_ROWS = 4000
_LENGTH = struct.Struct("<I")

#: (rowid, kind, lang, ref, company_id, head, problems, search data pieces): kind and the rest
#: are None when the file was dropped (its problems say why). See `builder.pieces_of`.
Record = tuple[int, Any, Any, Any, Any, Any, Any, Any]


def cpus() -> int:
    """CPUs this process may run on (REVIEWTUI_JOBS overrides: 1 parses in the process itself)."""
    wanted = os.environ.get("REVIEWTUI_JOBS", "")
    if wanted.isdecimal() and int(wanted) > 0:  # not isdigit: int("²") raises
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def jobs_for(files: int) -> int:
    """How many worker processes to parse `files` files with; below 2 the parent parses them."""
    return max(0, min(cpus(), MAX_JOBS, files // MIN_FILES_PER_JOB))


# ----------------------------------------------------------------------------- the parent side


class _Worker:
    def __init__(self, proc: subprocess.Popen[bytes], share: list[tuple[int, Any]]) -> None:
        self.proc = proc
        self.share = share
        self.buffer = bytearray()
        self.parsed = False
        """It sent every record of its share."""
        self.stored: str | None = None
        """'' once its rows are in the cache; else why not (set when it ends)."""
        self.open = True
        self.answered = 0


class Pool:
    """Worker processes parsing `entries` (catalog.FileEntry) for `rowids`; see `start`."""

    def __init__(self, workers: list[_Worker]) -> None:
        self.workers = workers
        self.selector = selectors.DefaultSelector()
        for worker in workers:
            assert worker.proc.stdout is not None
            os.set_blocking(worker.proc.stdout.fileno(), False)
            self.selector.register(worker.proc.stdout, selectors.EVENT_READ, worker)
        self.answered: set[int] = set()
        self.updates: list[tuple[int, bytes | None, bytes | None]] = []
        """(rowid, problems answered, problems of the whole file) where the body added some
        (workers started with `heads_first`; complete once `wait_stored` is done)."""

    def records(self, cancelled: Callable[[], bool] | None = None) -> Iterator[list[Record]]:
        """Records as they arrive, until every worker has sent its whole share (or ended)."""
        while any(w.open and not w.parsed for w in self.workers):
            if cancelled is not None and cancelled():
                self.kill()
                return
            for frame in self._read(0.1):
                if frame[0] == "p":
                    self.answered.update(record[0] for record in frame[1])
                    yield frame[1]

    def missing(self) -> list[Any]:
        """Entries no worker answered for (it died, or could not read its job): parse them here."""
        return [entry for w in self.workers for rowid, entry in w.share if rowid not in self.answered]

    def wait_stored(self, timeout: float = 600.0) -> list[str]:
        """Wait until every worker has written its rows; why some rows it answered for are not
        in the cache (a worker that answered nothing left its whole share to `missing`)."""
        deadline = time.monotonic() + timeout
        while any(w.open for w in self.workers) and time.monotonic() < deadline:
            for _ in self._read(0.2):
                pass
        self.kill()
        return [
            w.stored or "a parsing process ended before it had stored its files"
            for w in self.workers
            if w.stored != "" and w.answered
        ]

    def kill(self) -> None:
        for worker in self.workers:
            if worker.open:
                self._close(worker)
            if worker.proc.poll() is None:
                with contextlib.suppress(OSError):
                    worker.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired, OSError):
                worker.proc.wait(timeout=2)
        with contextlib.suppress(Exception):
            self.selector.close()

    def _close(self, worker: _Worker) -> None:
        worker.open = False
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.selector.unregister(worker.proc.stdout)  # type: ignore[arg-type]
        with contextlib.suppress(OSError):
            worker.proc.stdout.close()  # type: ignore[union-attr]

    def _read(self, timeout: float) -> Iterator[tuple[Any, ...]]:
        for key, _ in self.selector.select(timeout):
            worker: _Worker = key.data
            try:
                chunk = os.read(key.fd, 1 << 20)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                self._close(worker)
                continue
            worker.buffer += chunk
            yield from self._frames(worker)

    def _frames(self, worker: _Worker) -> Iterator[tuple[Any, ...]]:
        buffer = worker.buffer
        at = 0
        while len(buffer) - at >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(buffer, at)
            if len(buffer) - at - _LENGTH.size < size:
                break
            start = at + _LENGTH.size
            try:
                frame = marshal.loads(bytes(buffer[start : start + size]))
            except (ValueError, EOFError, TypeError):
                frame = ("x",)
            at = start + size
            if frame[0] == "p":
                worker.answered += len(frame[1])
            elif frame[0] == "e":
                worker.parsed = True
            elif frame[0] == "s":
                worker.stored = frame[1]
            elif frame[0] == "q":
                self.updates.extend(frame[1])
            elif frame[0] != "p":  # garbage on the pipe: stop listening to this worker
                self._close(worker)
                break
            yield frame
        del buffer[:at]


Process = subprocess.Popen[bytes]


def spawn(count: int) -> list[Process]:
    """Start `count` workers; each imports the parser, then waits for its job (see `start`).
    Started before the folder is scanned, they are ready when their files are known."""
    package = str(Path(__file__).resolve().parents[2])
    code = f"import sys; sys.path.insert(0, {package!r}); from reviewtui.core.store.workers import main; main()"
    procs: list[Process] = []
    for _ in range(count):
        try:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-c", code],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    close_fds=True,
                )
            )
        except OSError:
            break
    return procs


def release(procs: list[Process]) -> None:
    """Let workers that got no job go: they exit on an empty job (and are reaped by `subprocess`)."""
    for proc in procs:
        for pipe in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()


#: Folders under `_products/<lang>` and `_companies/<lang>` from which a first load starts its
#: workers before scanning (the real collection has ~2,600; the demo content 52).
EARLY_FOLDERS = 400


def worth_starting_early(root: Path) -> bool:
    """Whether the collection looks large, judged from a few folder listings (no scan)."""
    count = 0
    for top in ("_products", "_companies"):
        for lang in ("en", "ja"):
            with contextlib.suppress(OSError):
                count += len(os.listdir(root / top / lang))
    return count >= EARLY_FOLDERS


def start(
    entries: list[tuple[int, Any]],
    db: Path | None,
    jobs: int,
    spare: list[Process] | None = None,
    shards: list[Path] | None = None,
    heads_first: bool = False,
) -> Pool | None:
    """Give `jobs` workers (the `spare` ones first) shares of (rowid, catalog.FileEntry) pairs;
    they insert their rows into the cache file `db` (when given) with those row ids, and their
    full-text entries into `shards[n]` (else into `db`). None when no worker could be started.

    With `heads_first`, each worker reads only the front matter of its files before answering
    (about half the work), then only their bodies (`parse.parse_body`; a file changed since the
    scan is parsed whole) to store them, and sends what the bodies added to the problems
    (`Pool.updates`): the first results come sooner, the cache a little later."""
    spare = list(spare or ())
    procs, rest = spare[:jobs], spare[jobs:]
    release(rest)
    procs += spawn(jobs - len(procs))
    workers = [_Worker(proc, entries[n :: len(procs)]) for n, proc in enumerate(procs)]
    for n, worker in enumerate(workers):
        files = [(rowid, os.fspath(e.path), e.rel, e.mtime_ns, e.size) for rowid, e in worker.share]
        shard = str(shards[n]) if shards is not None and n < len(shards) else None
        job = (str(db) if db is not None else None, shard, files, heads_first)
        try:
            assert worker.proc.stdin is not None
            worker.proc.stdin.write(marshal.dumps(job))
            worker.proc.stdin.close()
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                worker.proc.kill()
    return Pool(workers) if workers else None


# ----------------------------------------------------------------------------- the worker side


def _send(frame: tuple[Any, ...]) -> None:
    data = marshal.dumps(frame)
    out = sys.stdout.buffer
    out.write(_LENGTH.pack(len(data)))
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


__all__ = [
    "Pool",
    "Process",
    "Record",
    "cpus",
    "jobs_for",
    "release",
    "spawn",
    "start",
]
