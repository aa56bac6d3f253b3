"""The one place that opens review files: the scan of a tree and the reading of one file.

Every OS trouble (a vanished file, a pipe, a folder, a file too large) becomes an error Problem
for that file; nothing here raises for a bad file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reviewtui.core.model import ParseResult, Problem
from reviewtui.core.store import scanning
from reviewtui.core.store.scanning import kind_of

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
    """
    found = scanning.walk(root, _ENTRY_MAKER, Problem)
    return Scan(*found)


def _error(entry: FileEntry, message: str) -> ParseResult:
    return ParseResult(None, [Problem(entry.rel, None, "error", message)])


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def parse_bytes(data: bytes, path: str, *, body: bool = True) -> ParseResult:
    """`parse.parse_bytes`, imported on first use: a warm start from the cache never loads YAML."""
    from reviewtui.core.format.parse import parse_bytes as parse

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
    from reviewtui.core.format.parse import MAX_FILE_BYTES, too_large  # YAML loads only when a file is parsed

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
            return _error(entry, f"This is {kind_of(info.st_mode)}, not a file; it was skipped.")
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
