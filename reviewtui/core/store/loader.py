"""Loading a tree into a Catalog: from the persistent cache when it can, else by reading every file."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Review
from reviewtui.core.store.files import Cancelled, Progress, parse_entries, scan


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
        from reviewtui.core.store.cache import Cache, db_path
        from reviewtui.core.store.incremental import load_cached

        options = cache if isinstance(cache, Cache) else Cache()
        started = sys.modules.get("reviewtui.core.store.workers")  # a warm start does not import it
        spare: list[Any] = started.take_early(root) if started is not None else []
        if not spare and (options.rebuild or not (options.path or db_path(root)).exists()):
            from reviewtui.core.store import workers as parallel

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
