"""Reading a tree of review files into a Catalog: reviews, problems, and the links between them."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reviewtui.core.model import ParseResult, Problem, Review
from reviewtui.core.parse import parse_bytes

#: Called with (files done, files in all) while loading.
Progress = Callable[[int, int], None]
#: Returns True when loading should stop.
Cancelled = Callable[[], bool]

LAYOUT_DIRS = ("_products", "_companies")
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"}


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A candidate review file found by the scan."""

    path: Path
    rel: str
    mtime_ns: int
    size: int


@dataclass(slots=True)
class Scan:
    files: list[FileEntry]
    problems: list[Problem]


def _walk(directory: Path, root: Path, seen: set[tuple[int, int]], out: Scan) -> None:
    try:
        info = directory.stat()
    except OSError:
        return
    key = (info.st_dev, info.st_ino)
    if key in seen:  # a symlink loop, or the same folder reached twice
        return
    seen.add(key)
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        rel = directory.relative_to(root).as_posix() if directory != root else "."
        out.problems.append(Problem(rel, None, "error", f"The folder could not be read: {exc.strerror or exc}."))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError:
            continue
        if is_dir:
            if entry.name not in _SKIP_DIRS and not entry.name.startswith("."):
                _walk(path, root, seen, out)
        elif is_file and entry.name.lower().endswith(".md"):
            try:
                st = entry.stat()
            except OSError as exc:
                rel = path.relative_to(root).as_posix()
                out.problems.append(Problem(rel, None, "error", f"The file could not be read: {exc.strerror or exc}."))
                continue
            if stat.S_ISREG(st.st_mode):
                out.files.append(FileEntry(path, path.relative_to(root).as_posix(), st.st_mtime_ns, st.st_size))


def scan(root: Path) -> Scan:
    """Find review files: only `_products/` and `_companies/` when the root has them, else every .md."""
    out = Scan([], [])
    seen: set[tuple[int, int]] = set()
    layout = [root / name for name in LAYOUT_DIRS if (root / name).is_dir()]
    for directory in layout or [root]:
        _walk(directory, root, seen, out)
    out.files.sort(key=lambda f: f.rel)
    return out


def read_file(entry: FileEntry) -> ParseResult:
    """Read and parse one file; any OS trouble becomes an error Problem."""
    try:
        with open(entry.path, "rb") as handle:
            data = handle.read(64 * 1024 * 1024 + 1)
    except FileNotFoundError:
        return ParseResult(
            None, [Problem(entry.rel, None, "error", "The file vanished while the folder was being read.")]
        )
    except IsADirectoryError:
        return ParseResult(None, [Problem(entry.rel, None, "error", "This is a folder, not a file.")])
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return ParseResult(None, [Problem(entry.rel, None, "error", f"The file could not be read: {reason}.")])
    return parse_bytes(data, entry.rel)


@dataclass
class Catalog:
    """Every review loaded from a root, the problems found, and the links between reviews."""

    root: Path
    reviews: list[Review]
    problems: list[Problem]
    files: int
    by_path: dict[str, Review] = field(default_factory=dict)
    _twins: dict[tuple[str, str, str], Review] = field(default_factory=dict)
    _companies: dict[tuple[str, str], Review] = field(default_factory=dict)
    _products: dict[tuple[str, str], list[Review]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.relink()

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
) -> Catalog:
    """Parse every review file under root. Never raises for bad files: they become problems."""
    root = Path(root)
    found = scan(root)
    reviews: list[Review] = []
    problems = list(found.problems)
    for result in parse_entries(found.files, len(found.files), progress=progress, cancelled=cancelled):
        problems.extend(result.problems)
        if result.review is not None:
            reviews.append(result.review)
    return Catalog(root, reviews, problems, len(found.files))
