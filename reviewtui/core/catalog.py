"""Reading a tree of review files into a Catalog: reviews, problems, and the links between them."""

from __future__ import annotations

import errno
import gc
import marshal
import os
import re
import stat
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewtui.core.model import ParseResult, Problem, Review
from reviewtui.core.text import clean

#: Called with (files done, files in all) while loading.
Progress = Callable[[int, int], None]
#: Returns True when loading should stop.
Cancelled = Callable[[], bool]

LAYOUT_DIRS = ("_products", "_companies")
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"}


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A candidate review file found by the scan."""

    path: Path | str
    rel: str
    mtime_ns: int
    size: int


@dataclass(slots=True)
class Scan:
    files: list[FileEntry]
    problems: list[Problem]
    unusable: int = 0
    """`.md` entries that are not regular files (pipes, dangling or looping links); each has a problem."""


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _unusable(path: Path, rel: str) -> Problem:
    """Why a `.md` entry that is neither a regular file nor a folder cannot be read."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            try:
                target = clean(os.readlink(path))[:120]
            except OSError:
                target = "?"
            return Problem(rel, None, "error", f"This is a symbolic link to {target!r}, which does not exist.")
        return Problem(rel, None, "error", "The file vanished while the folder was being read.")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Problem(rel, None, "error", "This is a symbolic link that loops back on itself.")
        return Problem(rel, None, "error", f"The file could not be read: {exc.strerror or exc}.")
    return Problem(rel, None, "error", f"This is {_kind_of(mode)}, not a file; it was skipped.")


_SURROGATES = re.compile("[\ud800-\udfff]")
_BAD_NAME = "The file's name (or a folder's on its path) is not valid UTF-8; rename it to have the file indexed."


def _os_message(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "The file vanished while the folder was being read."
    return f"The file could not be read: {exc.strerror or exc}."


def _inside(real: str, tops: list[str]) -> bool:
    return any(real == top or real.startswith(top.rstrip(os.sep) + os.sep) for top in tops)


def _walk(
    top: Path,
    root: Path,
    tops: list[str],
    seen: set[tuple[int, int]],
    out: Scan,
    send: Callable[[list[Any]], None] | None = None,
) -> None:
    """Depth first, without recursion: a tree can be deeper than Python's recursion limit.

    Strings rather than Paths, and the least work per entry (a name test, a slice, the stat):
    at 7.6k files the walk's own Python cost as much as its system calls. With `send` (for
    `scan_ahead`), files are (path, rel, mtime_ns, size) tuples handed to it a batch at a time.
    """
    from operator import attrgetter

    root_text = str(root)
    base = os.path.join(root_text, "")
    prefix = len(base)
    files, problems = out.files, out.problems
    new, set_path, set_rel, set_mtime, set_size = _ENTRY_MAKER
    by_name = attrgetter("name")
    windows = os.sep != "/"
    stack = [str(top)]
    while stack:
        directory = stack.pop()
        try:
            info = os.stat(directory)
        except OSError:
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:  # a symlink loop, or the same folder reached twice
            continue
        seen.add(key)
        try:
            entries = sorted(os.scandir(directory), key=by_name)
        except OSError as exc:
            rel = _relative(directory, root, base) if directory != root_text else "."
            problems.append(Problem(rel, None, "error", f"The folder could not be read: {exc.strerror or exc}."))
            continue
        folders: list[str] = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if name in _SKIP_DIRS or name.startswith("."):
                    continue
                path = entry.path
                if entry.is_symlink() and not _inside(os.path.realpath(path), tops):
                    message = "This folder is a symbolic link to a place outside the collection; it was not followed."
                    problems.append(Problem(_relative(path, root, base), None, "warning", message))
                    continue
                folders.append(path)
                continue
            if not name.lower().endswith(".md"):
                continue
            path = entry.path  # a str: a Path per file costs more than the walk itself at 100k files
            rel = path[prefix:] if path.startswith(base) else _relative(path, root, base)
            if windows:
                rel = rel.replace(os.sep, "/")
            if not rel.isascii() and _SURROGATES.search(rel):  # Linux names are bytes: keep undecodable ones out
                problems.append(Problem(clean(rel), None, "error", _BAD_NAME))
                out.unusable += 1
                continue
            try:
                is_file = entry.is_file()
            except OSError:
                is_file = False
            if not is_file:
                problems.append(_unusable(Path(path), rel))
                out.unusable += 1
                continue
            try:
                st = entry.stat()
            except FileNotFoundError:
                problems.append(Problem(rel, None, "error", "The file vanished while the folder was being read."))
                out.unusable += 1
                continue
            except OSError as exc:
                problems.append(Problem(rel, None, "error", f"The file could not be read: {exc.strerror or exc}."))
                out.unusable += 1
                continue
            if send is not None:
                files.append((path, rel, st.st_mtime_ns, st.st_size))  # type: ignore[arg-type]
                continue
            found = new(FileEntry)  # FileEntry(path, rel, ...) without the frozen __init__'s setattr calls
            set_path(found, path)
            set_rel(found, rel)
            set_mtime(found, st.st_mtime_ns)
            set_size(found, st.st_size)
            files.append(found)
        stack.extend(reversed(folders))
        if send is not None and len(files) >= _BATCH:
            send(files)
            files.clear()
    if send is not None and files:
        send(files)
        files.clear()


def _relative(path: str, root: Path, base: str) -> str:
    if path.startswith(base):
        return path[len(base) :].replace(os.sep, "/")
    return Path(path).relative_to(root).as_posix()


_ENTRY_MAKER = (object.__new__, *(FileEntry.__dict__[name].__set__ for name in ("path", "rel", "mtime_ns", "size")))


def scan(root: Path) -> Scan:
    """Find review files: only `_products/` and `_companies/` when the root has them, else every .md.

    Symbolic links are followed inside the collection (loops are cut); a linked folder that leads
    outside it is reported and not entered. Pipes, sockets and dangling links become problems.
    After `scan_ahead(root)`, the answer of the process it started (the same walk, done earlier).
    """
    ahead = _AHEAD.pop(os.fspath(root), None)
    if ahead is not None:
        found = _collect(root, *ahead)
        if found is not None:
            return found
    return _scan(root)


def _scan(root: Path, send: Callable[[list[Any]], None] | None = None) -> Scan:
    from operator import attrgetter

    out = Scan([], [])
    seen: set[tuple[int, int]] = set()
    layout = [root / name for name in LAYOUT_DIRS if (root / name).is_dir()]
    starts = layout or [root]
    tops = [os.path.realpath(root), *(os.path.realpath(d) for d in starts)]
    for directory in starts:
        _walk(directory, root, tops, seen, out, send)
    out.files.sort(key=attrgetter("rel"))
    return out


_AHEAD: dict[str, tuple[int, int]] = {}
"""Scans started by `scan_ahead`: root -> (process id, read end of its pipe)."""
_EXITING: list[int] = []
"""`scan_ahead` processes that had answered but not yet exited when last looked at."""


def _reap(pid: int | None = None) -> None:
    """Collect the exit of scan processes that are done, without waiting for them."""
    if pid is not None:
        _EXITING.append(pid)
    for child in list(_EXITING):
        try:
            done = os.waitpid(child, os.WNOHANG)[0] != 0
        except OSError:  # not a child of ours any more
            done = True
        if done:
            _EXITING.remove(child)


def scan_ahead(root: Path) -> bool:
    """Start `scan(root)` in a forked process, so that the caller's imports and cache reads run
    while the files are stat'ed (a warm start spends a third of its time in the scan); the next
    `scan(root)` takes its answer. Only on Linux, and only from a process with no other thread
    (forking one with threads is unsafe). True when started."""
    import sys

    if not sys.platform.startswith("linux") or threading.active_count() > 1 or os.fspath(root) in _AHEAD:
        return False
    _reap()
    try:
        read, write = os.pipe()
    except OSError:
        return False
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return False
    if pid == 0:  # the child: scan, answer, and leave without any clean-up of the parent's state
        try:
            os.close(read)
            gc.disable()
            base = os.path.join(os.fspath(root), "")

            def send(files: list[Any]) -> None:
                """A batch of files: NUL-joined rels (no name holds a NUL), mtimes and sizes as arrays,
                and the few paths that are not base + rel."""
                rels = "\0".join([f[1] for f in files])
                mtimes, sizes = array("q", [f[2] for f in files]), array("q", [f[3] for f in files])
                odd = {i: f[0] for i, f in enumerate(files) if not f[0].startswith(base)}
                _frame(write, ("files", rels, mtimes.tobytes(), sizes.tobytes(), odd))

            found = _scan(root, send)
            problems = [(p.path, p.line, p.severity, p.message) for p in found.problems]
            _frame(write, ("end", problems, found.unusable))
            os.close(write)  # the parent reads to the end now, not once this process is gone (1 ms later)
        finally:
            os._exit(0)
    os.close(write)
    _AHEAD[os.fspath(root)] = (pid, read)
    return True


_BATCH = 1000
"""Files per message of a `scan_ahead` process: the parent makes the entries of one while the
next is being scanned."""


def _frame(fd: int, message: tuple[Any, ...]) -> None:
    data = marshal.dumps(message)
    view = memoryview(len(data).to_bytes(4, "little") + data)
    while view:
        view = view[os.write(fd, view) :]


def _collect(root: Path, pid: int, read: int) -> Scan | None:
    """The answer of a `scan_ahead` process; None if it failed (the caller scans itself)."""
    from operator import attrgetter

    base = os.path.join(os.fspath(root), "")
    new, set_path, set_rel, set_mtime, set_size = _ENTRY_MAKER
    entries: list[FileEntry] = []
    try:
        with os.fdopen(read, "rb") as pipe:
            while True:
                head = pipe.read(4)
                data = pipe.read(int.from_bytes(head, "little")) if len(head) == 4 else b""
                message = marshal.loads(data)
                if message[0] == "end":
                    _, problems, unusable = message
                    break
                _, joined, mtimes, sizes, odd = message
                start = len(entries)
                rels = joined.split("\0")
                times, lengths = array("q", mtimes), array("q", sizes)
                for rel, mtime, size in zip(rels, times, lengths, strict=True):
                    entry = new(FileEntry)
                    set_path(entry, base + rel)
                    set_rel(entry, rel)
                    set_mtime(entry, mtime)
                    set_size(entry, size)
                    entries.append(entry)
                for i, path in odd.items():
                    set_path(entries[start + i], path)
        found = Scan(entries, [Problem(*p) for p in problems], unusable)
    except (OSError, ValueError, EOFError, TypeError):  # the process failed: a short or damaged answer
        return None
    finally:
        _reap(pid)
    found.files.sort(key=attrgetter("rel"))
    return found


def _error(entry: FileEntry, message: str) -> ParseResult:
    return ParseResult(None, [Problem(entry.rel, None, "error", message)])


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def parse_bytes(data: bytes, path: str) -> ParseResult:
    """`parse.parse_bytes`, imported on first use: a warm start from the cache never loads YAML."""
    from reviewtui.core.parse import parse_bytes as parse

    return parse(data, path)


def read_file(entry: FileEntry) -> ParseResult:
    """Read and parse one file; any OS trouble becomes an error Problem.

    The file is opened without blocking and checked again once open: it may have been replaced by
    a pipe, or grown, since the scan. At most MAX_FILE_BYTES + 1 bytes are ever read.
    """
    from reviewtui.core.parse import MAX_FILE_BYTES, too_large  # YAML loads only when a file is parsed

    if entry.size > MAX_FILE_BYTES:
        return _error(entry, too_large(entry.size))
    try:
        fd = os.open(entry.path, _OPEN_FLAGS)
    except IsADirectoryError:
        return _error(entry, "This is a folder, not a file.")
    except OSError as exc:
        return _error(entry, _os_message(exc))
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return _error(entry, f"This is {_kind_of(info.st_mode)}, not a file; it was skipped.")
            if info.st_size > MAX_FILE_BYTES:
                return _error(entry, too_large(info.st_size))
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return _error(entry, _os_message(exc))
    try:
        return parse_bytes(data, entry.rel)
    except Exception as exc:  # a last resort: one file must never stop the rest (tests call parse_bytes directly)
        name = type(exc).__name__
        return _error(entry, f"The parser failed on this file ({name}); please report it with the file attached.")


@dataclass
class Catalog:
    """Every review loaded from a root, the problems found, and the links between reviews."""

    root: Path
    reviews: list[Review]
    problems: list[Problem]
    files: int
    by_path: dict[str, Review] = field(default_factory=dict)
    store: Any = field(default=None, repr=False, compare=False)
    """The open persistent cache (`cache.Store`) when the catalog was loaded through it."""
    notices: list[str] = field(default_factory=list)
    """One-line notices for the user (e.g. the cache could not be used); not problems of files."""
    later: Any = field(default=None, repr=False, compare=False)
    """With `cache.Cache(defer=True)`: the cache writes still to do (see `store_later`)."""
    stored: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)
    """Set once nothing is left to store (at once without `later`)."""
    _storing: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _twins: dict[tuple[str, str, str], Review] = field(default_factory=dict)
    _companies: dict[tuple[str, str], Review] = field(default_factory=dict)
    _products: dict[tuple[str, str], list[Review]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.relink()
        if self.later is None:
            self.stored.set()

    @property
    def bodies_pending(self) -> bool:
        """The bodies are not in this process yet (parsed by workers, stored by `store_later`)."""
        return getattr(self.later, "pending_fulltext", False) and not self.stored.is_set()

    def relink(self) -> None:
        self.reviews.sort(key=lambda r: r.path)
        self.by_path = {r.path: r for r in self.reviews}
        self._twins, self._companies, self._products = {}, {}, {}
        duplicates: list[Problem] = []
        for review in self.reviews:
            key = (review.kind, review.ref, review.lang)
            first = self._twins.get(key)
            if first is not None:
                duplicates.append(
                    Problem(
                        review.path,
                        None,
                        "warning",
                        f"Another file, {first.path}, already has ref {review.ref!r} in {review.lang}; "
                        "this one is not linked as a twin.",
                    )
                )
                continue
            self._twins[key] = review
            if review.kind == "company":
                self._companies.setdefault((review.lang, review.company_id.casefold()), review)
            else:
                self._products.setdefault((review.lang, review.company_id.casefold()), []).append(review)
        known = {(p.path, p.message) for p in self.problems}
        self.problems.extend(p for p in duplicates if (p.path, p.message) not in known)
        self.problems.sort(key=lambda p: (p.path, p.line or 0, p.severity))

    def store_later(self, index: Any = None) -> list[str]:
        """Write what a deferred load parsed into the cache (slow: call it from a worker, once).
        With the search `index` built meanwhile, its data is stored too, so the next start is warm,
        and it answers body terms from the stored full-text index from then on.
        Returns new notices (the cache could not be written)."""
        with self._storing:  # a body query may get here first (see `search._LazyFullText`): once only
            later = self.later
            if later is None:
                self.stored.set()
                return []
            collecting = gc.isenabled()
            gc.disable()
            try:
                store, notices = later()
                if store is not None and index is not None and len(index.data.paths) == len(self.reviews):
                    store.save_index(index.data.dumps())
                    index.adopt_store(store)  # body terms: the SQLite full-text index from now on
            finally:
                self.later = None
                self.stored.set()
                if collecting:
                    gc.enable()
            self.store = store
            self.notices.extend(notices)
            return notices

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def twin_of(self, review: Review) -> Review | None:
        """The same review in the other language, linked by `ref`."""
        for lang in ("en", "ja"):
            if lang != review.lang:
                twin = self._twins.get((review.kind, review.ref, lang))
                if twin is not None and twin is not review:
                    return twin
        return None

    def company_of(self, review: Review) -> Review | None:
        """The company review for a product, in its language when there is one, else any language."""
        cid = review.company_id.casefold()
        found = self._companies.get((review.lang, cid))
        if found is None:
            found = next((c for (lang, c_id), c in self._companies.items() if c_id == cid), None)
        return found

    def products_of(self, company: Review) -> list[Review]:
        """Products of a company in the company review's language."""
        return list(self._products.get((company.lang, company.company_id.casefold()), []))

    def is_primary(self, review: Review) -> bool:
        """False for a second file with the same (kind, ref, lang)."""
        return self._twins.get((review.kind, review.ref, review.lang)) is review


def parse_entries(
    entries: Iterable[FileEntry],
    total: int,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Iterator[ParseResult]:
    for done, entry in enumerate(entries, 1):
        if cancelled is not None and cancelled():
            return
        yield read_file(entry)
        if progress is not None and (done % 200 == 0 or done == total):
            progress(done, total)


def load_catalog(
    root: Path | str,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    cache: bool | Any = True,
) -> Catalog:
    """Parse every review file under root. Never raises for bad files: they become problems.

    With `cache` (True, or a `cache.Cache`), unchanged files come from the persistent index in
    the user cache folder and only changed ones are parsed; see `cache.py`. False reads every file.
    """
    collecting = gc.isenabled()
    gc.disable()  # parsing makes millions of objects and no cycles: collecting now only costs time
    try:
        catalog = _load(Path(root), progress, cancelled, cache)
    finally:
        if collecting:
            gc.enable()
    gc.freeze()  # the catalog lives long: keep later collections from walking all of it
    return catalog


def _load(root: Path, progress: Progress | None, cancelled: Cancelled | None, cache: bool | Any) -> Catalog:
    if cache is not False:
        from reviewtui.core import parallel
        from reviewtui.core.cache import Cache, db_path
        from reviewtui.core.incremental import load_cached

        options = cache if isinstance(cache, Cache) else Cache()
        spare: list[Any] = []
        if (options.rebuild or not (options.path or db_path(root)).exists()) and parallel.worth_starting_early(root):
            jobs = min(parallel.cpus(), parallel.MAX_JOBS)
            spare = parallel.spawn(jobs) if jobs >= 2 else []  # a first start: they load while we scan
        found = scan(root)
        reviews, problems, store, notices, later = load_cached(
            root, found, options, progress=progress, cancelled=cancelled, spare=spare
        )
        files = len(found.files) + found.unusable
        return Catalog(root, reviews, problems, files, store=store, notices=notices, later=later)
    found = scan(root)
    reviews: list[Review] = []
    problems = list(found.problems)
    for result in parse_entries(found.files, len(found.files), progress=progress, cancelled=cancelled):
        problems.extend(result.problems)
        if result.review is not None:
            reviews.append(result.review)
    return Catalog(root, reviews, problems, len(found.files) + found.unusable)
