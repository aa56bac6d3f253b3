"""Finding the review files of a collection: the walk over its folders.

`store.files.scan` turns what is found into FileEntry objects and Problems.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Maker = tuple[Any, ...]
    """How to make a file entry: (new, class, set path, set rel, set mtime_ns, set size)."""
    Found = tuple[list[Any], list[Any], int]
    """(file entries, problems, unusable `.md` entries)."""

LAYOUT_DIRS = ("_products", "_companies")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"}


def kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _unusable(path: Path, rel: str, problem: Callable[..., Any]) -> Any:
    """Why a `.md` entry that is neither a regular file nor a folder cannot be read."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            from reviewtui.core.text import clean

            try:
                target = clean(os.readlink(path))[:120]
            except OSError:
                target = "?"
            return problem(rel, None, "error", f"This is a symbolic link to {target!r}, which does not exist.")
        return problem(rel, None, "error", "The file vanished while the folder was being read.")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return problem(rel, None, "error", "This is a symbolic link that loops back on itself.")
        return problem(rel, None, "error", f"The file could not be read: {exc.strerror or exc}.")
    return problem(rel, None, "error", f"This is {kind_of(mode)}, not a file; it was skipped.")


_SURROGATES = re.compile("[\ud800-\udfff]")
_BAD_NAME = "The file's name (or a folder's on its path) is not valid UTF-8; rename it to have the file indexed."


def _inside(real: str, tops: list[str]) -> bool:
    return any(real == top or real.startswith(top.rstrip(os.sep) + os.sep) for top in tops)


def _relative(path: str, root: Path, base: str) -> str:
    if path.startswith(base):
        return path[len(base) :].replace(os.sep, "/")
    return Path(path).relative_to(root).as_posix()


def walk(root: Path, maker: Maker | None, problem: Callable[..., Any]) -> Found:
    """Find review files: only `_products/` and `_companies/` when the root has them, else every .md.

    Symbolic links are followed inside the collection (loops are cut); a linked folder that leads
    outside it is reported and not entered. Pipes, sockets and dangling links become problems,
    made by `problem(path, line, severity, message)`. Files are made by `maker`, or are
    (path, rel, mtime_ns, size) tuples without one.
    """
    from operator import attrgetter, itemgetter

    files: list[Any] = []
    problems: list[Any] = []
    seen: set[tuple[int, int]] = set()
    layout = [root / name for name in LAYOUT_DIRS if (root / name).is_dir()]
    starts = layout or [root]
    tops = [os.path.realpath(root), *(os.path.realpath(d) for d in starts)]
    unusable = 0
    for directory in starts:
        unusable += _walk(directory, root, tops, seen, files, problems, maker, problem)
    files.sort(key=attrgetter("rel") if maker is not None else itemgetter(1))
    return files, problems, unusable


def _walk(
    top: Path,
    root: Path,
    tops: list[str],
    seen: set[tuple[int, int]],
    files: list[Any],
    problems: list[Any],
    maker: Maker | None,
    problem: Callable[..., Any],
) -> int:
    """Depth first, without recursion: a tree can be deeper than Python's recursion limit.
    Returns how many `.md` entries could not be used (each has a problem).

    Strings rather than Paths, and the least work per entry (a name test, a slice, the stat):
    at 7.6k files the walk's own Python cost as much as its system calls.
    """
    from operator import attrgetter

    root_text = str(root)
    base = os.path.join(root_text, "")
    prefix = len(base)
    new, cls, set_path, set_rel, set_mtime, set_size = maker or (None,) * 6
    by_name = attrgetter("name")
    windows = os.sep != "/"
    unusable = 0
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
            problems.append(problem(rel, None, "error", f"The folder could not be read: {exc.strerror or exc}."))
            continue
        folders: list[str] = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if name in SKIP_DIRS or name.startswith("."):
                    continue
                path = entry.path
                if entry.is_symlink() and not _inside(os.path.realpath(path), tops):
                    message = "This folder is a symbolic link to a place outside the collection; it was not followed."
                    problems.append(problem(_relative(path, root, base), None, "warning", message))
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
                from reviewtui.core.text import clean

                problems.append(problem(clean(rel), None, "error", _BAD_NAME))
                unusable += 1
                continue
            try:
                is_file = entry.is_file()
            except OSError:
                is_file = False
            if not is_file:
                problems.append(_unusable(Path(path), rel, problem))
                unusable += 1
                continue
            try:
                st = entry.stat()
            except FileNotFoundError:
                problems.append(problem(rel, None, "error", "The file vanished while the folder was being read."))
                unusable += 1
                continue
            except OSError as exc:
                problems.append(problem(rel, None, "error", f"The file could not be read: {exc.strerror or exc}."))
                unusable += 1
                continue
            if new is None:
                files.append((path, rel, st.st_mtime_ns, st.st_size))
                continue
            found = new(cls)  # FileEntry(path, rel, ...) without the frozen __init__'s setattr calls
            set_path(found, path)
            set_rel(found, rel)
            set_mtime(found, st.st_mtime_ns)
            set_size(found, st.st_size)
            files.append(found)
        stack.extend(reversed(folders))
    return unusable
