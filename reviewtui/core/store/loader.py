"""Loading a tree: from the persistent cache when it can, else by reading every file.

`load` is the one cold path and the one warm path: the cache decides which files are parsed
(`incremental`), and when enough are, worker processes parse them (`workers`). It is the only
place that starts processes; `services.library` is the only caller outside tests.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Problem
from reviewtui.core.store.cache import Cache, Store, db_path
from reviewtui.core.store.files import Cancelled, Progress, scan
from reviewtui.core.store.gather import in_memory


class Pending(Protocol):
    """The cache writes a deferred load leaves to do (`Cache(defer=True)`): run once, after the
    first results; (the store, or None when it could not be written, and new notices)."""

    pending_fulltext: bool
    """Body terms can only be answered once this has run (the bodies are in the workers until then)."""

    def __call__(self) -> tuple[Store | None, list[str]]: ...

    def problems(self, problems: list[Problem]) -> list[Problem]:
        """`problems` with what reading the bodies added (after the call; else `problems` itself)."""
        ...


@dataclass
class Loaded:
    """What a load hands the services layer: the catalog and what comes with it."""

    catalog: Catalog
    store: Store | None = None
    """The open persistent cache, when the load went through it and it is written."""
    notices: list[str] = field(default_factory=list)
    """One-line notices for the user (e.g. the cache could not be used); not problems of files."""
    pending: Pending | None = None
    """With `Cache(defer=True)`: the cache writes still to do."""
    pieces: dict[str, Any] = field(default_factory=dict)
    """Search data pieces made by parsing processes (`builder.pieces_of`), by path."""


def load(
    root: Path | str,
    *,
    cache: Cache | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Loaded:
    """Read every review file under root. Never raises for bad files: they become problems.

    With `cache`, unchanged files come from the persistent index in the user cache folder and
    only changed ones are parsed; see `cache.py`. None reads every file.
    """
    collecting = gc.isenabled()
    gc.disable()  # parsing makes millions of objects and no cycles: collecting now only costs time
    try:
        loaded = _load(Path(root), progress, cancelled, cache)
    finally:
        if collecting:
            gc.enable()
    gc.freeze()  # the catalog lives long: keep later collections from walking all of it
    return loaded


def load_catalog(
    root: Path | str,
    *,
    cache: bool = True,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Catalog:
    """The catalog alone, the cache written (or not used, with `cache=False`): for tests and tools."""
    loaded = load(root, cache=Cache() if cache else None, progress=progress, cancelled=cancelled)
    return loaded.catalog


def _load(root: Path, progress: Progress | None, cancelled: Cancelled | None, cache: Cache | None) -> Loaded:
    if cache is not None:
        from reviewtui.core.store import workers
        from reviewtui.core.store.incremental import load_cached

        spare: list[Any] = []
        if cache.rebuild or not os.path.exists(cache.path or db_path(root)):  # False where it cannot be searched
            jobs = min(workers.cpus(), workers.MAX_JOBS)
            if jobs >= 2 and workers.worth_starting_early(root):
                spare = workers.spawn(jobs)  # a first start: they start while we scan
        found = scan(root)
        pieces: dict[str, Any] = {}
        reviews, problems, store, notices, later = load_cached(
            root, found, cache, progress=progress, cancelled=cancelled, spare=spare, pieces=pieces
        )
        files = len(found.files) + found.unusable
        catalog = Catalog(root, reviews, problems, files)
        return Loaded(catalog, store, notices, later, pieces)
    found = scan(root)
    reviews, problems, *_ = in_memory(found, [], progress, cancelled)
    return Loaded(Catalog(root, reviews, problems, len(found.files) + found.unusable))


__all__ = ["Loaded", "Pending", "load", "load_catalog"]
