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
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

#: Fewer files than this per worker are not worth a process (its start costs ~0.1 s).
MIN_FILES_PER_JOB = 400
MAX_JOBS = 8
#: Records per answer frame: small enough to show progress, large enough to cost nothing.
FRAME_RECORDS = 256
#: A worker writes its rows when it holds this many (memory stays bounded on 100k files).
WRITE_ROWS = 4000
LENGTH = struct.Struct("<I")

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
        while len(buffer) - at >= LENGTH.size:
            (size,) = LENGTH.unpack_from(buffer, at)
            if len(buffer) - at - LENGTH.size < size:
                break
            start = at + LENGTH.size
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
    package = str(Path(__file__).resolve().parents[3])  # the folder that holds reviewtui/
    code = f"import sys; sys.path.insert(0, {package!r}); from reviewtui.core.store.worker_main import main; main()"
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
