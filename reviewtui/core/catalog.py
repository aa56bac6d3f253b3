"""Reading a tree of review files into a Catalog: reviews, problems, and the links between them."""

from __future__ import annotations

import gc
import os
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from reviewtui.core import scanning
from reviewtui.core.model import ParseResult, Problem, Review
from reviewtui.core.scanning import kind_of as _kind_of

#: Called with (files done, files in all) while loading.
Progress = Callable[[int, int], None]
#: Returns True when loading should stop.
Cancelled = Callable[[], bool]


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


def _os_message(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "The file vanished while the folder was being read."
    return f"The file could not be read: {exc.strerror or exc}."


_ENTRY_MAKER = (
    object.__new__,
    FileEntry,
    *(FileEntry.__dict__[name].__set__ for name in ("path", "rel", "mtime_ns", "size")),
)
"""FileEntry(path, rel, mtime_ns, size) without the frozen __init__'s setattr calls (see `scanning.walk`)."""


def scan(root: Path) -> Scan:
    """Find review files: only `_products/` and `_companies/` when the root has them, else every .md.

    Symbolic links are followed inside the collection (loops are cut); a linked folder that leads
    outside it is reported and not entered. Pipes, sockets and dangling links become problems.
    After `scanning.scan_ahead(root)`, the answer of the process it started (the same walk, earlier).
    """
    found = scanning.collect(root, _ENTRY_MAKER, Problem) or scanning.walk(root, _ENTRY_MAKER, Problem)
    return Scan(*found)


def _error(entry: FileEntry, message: str) -> ParseResult:
    return ParseResult(None, [Problem(entry.rel, None, "error", message)])


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def parse_bytes(data: bytes, path: str, *, body: bool = True) -> ParseResult:
    """`parse.parse_bytes`, imported on first use: a warm start from the cache never loads YAML."""
    from reviewtui.core.parse import parse_bytes as parse

    return parse(data, path, body=body)


def _read(fd: int, size: int, limit: int) -> bytes:
    """The file's bytes, at most `limit` + 1. Asks for the size fstat gave, plus one byte to see
    whether it grew (asking for `limit` + 1 at once makes Python allocate 8 MB per file)."""
    data = os.read(fd, size + 1)
    if len(data) <= size:
        return data
    parts = [data]
    total = len(data)
    while total <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def read_file(entry: FileEntry, *, body: bool = True) -> ParseResult:
    """Read and parse one file (only its front matter without `body`, see `parse.parse_bytes`);
    any OS trouble becomes an error Problem.

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
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return _error(entry, f"This is {_kind_of(info.st_mode)}, not a file; it was skipped.")
        if info.st_size > MAX_FILE_BYTES:
            return _error(entry, too_large(info.st_size))
        data = _read(fd, info.st_size, MAX_FILE_BYTES)
    except OSError as exc:
        return _error(entry, _os_message(exc))
    finally:
        os.close(fd)
    try:
        return parse_bytes(data, entry.rel, body=body)
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
    pieces: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Search data pieces made by parsing processes (`searchdata.pieces_of`), until the index takes them."""
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
        self.reviews.sort(key=attrgetter("path"))
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
        After a load with `Cache.heads_first`, `problems` becomes a new list with what the bodies added.
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
                more_problems = getattr(later, "problems", None)
                if more_problems is not None:  # what the bodies added (`Cache.heads_first`): a new list
                    self.problems = more_problems(self.problems)
                if store is not None and index is not None and len(index.data.paths) == len(self.reviews):
                    store.save_index(index.data.dump_parts())
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
        from reviewtui.core.cache import Cache, db_path
        from reviewtui.core.incremental import load_cached

        options = cache if isinstance(cache, Cache) else Cache()
        started = sys.modules.get("reviewtui.core.parallel")  # a warm start does not import it
        spare: list[Any] = started.take_early(root) if started is not None else []
        if not spare and (options.rebuild or not (options.path or db_path(root)).exists()):
            from reviewtui.core import parallel

            jobs = min(parallel.cpus(), parallel.MAX_JOBS)
            if jobs >= 2 and parallel.worth_starting_early(root):
                spare = parallel.spawn(jobs)  # a first start: they load while we scan
        found = scan(root)
        pieces: dict[str, Any] = {}
        reviews, problems, store, notices, later = load_cached(
            root, found, options, progress=progress, cancelled=cancelled, spare=spare, pieces=pieces
        )
        files = len(found.files) + found.unusable
        return Catalog(root, reviews, problems, files, store=store, notices=notices, later=later, pieces=pieces)
    found = scan(root)
    reviews: list[Review] = []
    problems = list(found.problems)
    for result in parse_entries(found.files, len(found.files), progress=progress, cancelled=cancelled):
        problems.extend(result.problems)
        if result.review is not None:
            reviews.append(result.review)
    return Catalog(root, reviews, problems, len(found.files) + found.unusable)
