"""The one seam between the headless core and the front ends: `open_library(root) -> Library`.

The app, the CLI (and later the file watcher) each make one call and get a Library that owns the
catalog, the search index, the persistent cache and the cache writes still to do. No front end
knows about cache options or starts processes.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from pathlib import Path

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Problem
from reviewtui.core.search.engine import SearchIndex, Sources
from reviewtui.core.store.cache import Cache, Store
from reviewtui.core.store.loader import Loaded, load
from reviewtui.core.store.rows import columns_of, repack

#: Called with (files done, files in all) while loading.
Progress = Callable[[int, int], None]
#: Returns True when loading should stop.
Cancelled = Callable[[], bool]


class Library:
    """A loaded collection: its catalog, its search index and its cache.

    After an `open_library(early=True)`, the cache may still have to be written (and, for a cold
    start in parsing processes, the bodies are still with them): `finish` does that, once, from a
    worker thread; a body query that comes first waits for it.
    """

    def __init__(self, loaded: Loaded) -> None:
        self.catalog: Catalog = loaded.catalog
        self.notices: list[str] = list(loaded.notices)
        """One-line notices for the user (the cache could not be used...); not problems of files."""
        self._loaded = loaded
        self._lock = threading.Lock()
        self.stored = threading.Event()
        """Set once nothing is left to write."""
        pending = loaded.pending
        if pending is None:
            self.stored.set()
        self._index: SearchIndex | None = None
        self._index_lock = threading.Lock()

    @property
    def index(self) -> SearchIndex:
        """The search index, built on first use (`validate` never needs one)."""
        index = self._index
        if index is None:
            with self._index_lock:
                index = self._index
                if index is None:
                    index = self._index = self._build_index()
        return index

    def _build_index(self) -> SearchIndex:
        loaded = self._loaded
        waits = loaded.pending is not None and loaded.pending.pending_fulltext
        sources = Sources(
            store=loaded.store,
            pieces=loaded.pieces or None,
            columns=columns_of,
            repack=repack,
            bodies=self.finish if waits else None,
        )
        index = SearchIndex(self.catalog, sources)
        loaded.pieces.clear()
        return index

    @property
    def root(self) -> Path:
        return self.catalog.root

    @property
    def store(self) -> Store | None:
        """The open persistent cache, once written (None without one)."""
        return self._loaded.store

    @property
    def bodies_pending(self) -> bool:
        """The bodies are not in this process yet (parsed by workers, stored by `finish`)."""
        pending = self._loaded.pending
        return pending is not None and pending.pending_fulltext and not self.stored.is_set()

    @property
    def problems(self) -> list[Problem]:
        return self.catalog.problems

    def finish(self) -> list[str]:
        """Write what a deferred load parsed into the cache (slow: call it from a worker, once;
        later calls return at once). The catalog's problems then include what the bodies added,
        and body terms are answered from the stored full-text index. Returns new notices."""
        with self._lock:
            loaded = self._loaded
            pending = loaded.pending
            if pending is None:
                self.stored.set()
                return []
            collecting = gc.isenabled()
            gc.disable()
            try:
                store, notices = pending()
                self.catalog.problems = pending.problems(self.catalog.problems)
                index = self._index
                if store is not None and index is not None and len(index.data.paths) == len(self.catalog.reviews):
                    store.save_index(index.data.dump_parts())
                    index.adopt_store(store)  # body terms: the SQLite full-text index from now on
            finally:
                loaded.pending = None
                self.stored.set()
                if collecting:
                    gc.enable()
            loaded.store = store
            self.notices.extend(notices)
            return notices


def open_library(
    root: Path | str,
    *,
    cache: bool = True,
    rebuild: bool = False,
    early: bool = False,
    cache_file: Path | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Library:
    """Load the collection under `root`.

    `cache`: use the persistent index in the user cache folder (or `cache_file`); `rebuild`
    throws the old one away first. `early`: return as soon as the front matter is known (the
    app's first results); call `Library.finish` afterwards. Without it the front matter and the
    bodies are read before this returns, and `finish` only writes the cache.
    """
    options = Cache(path=cache_file, rebuild=rebuild, defer=True, heads_first=early) if cache else None
    return Library(load(root, cache=options, progress=progress, cancelled=cancelled))
