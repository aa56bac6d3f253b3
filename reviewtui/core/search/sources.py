"""Where a search index's data comes from besides the catalog: the persistent cache (as a
protocol: the search layer never imports the store) and, without one, an in-memory full-text
index built on the first body query."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from reviewtui.core.index.fulltext import FullText, memory_fulltext
from reviewtui.core.model import Review

#: From this many reviews, a cold load's reviews go back to their packed front matter once the
#: index is built (unpacked again when read): a cold session then weighs what a warm one does.
REPACK_FROM = 20_000


class SearchStore(Protocol):
    """What a persistent cache offers the index (`store.cache.Store` is one)."""

    fulltext: FullText | None
    rowids: dict[str, int]

    def load_index(self) -> bytes | None: ...
    def save_index(self, blob: bytes | list[bytes]) -> None: ...
    def prefetch_heads(self, reviews: list[Review]) -> None: ...


@dataclass(frozen=True)
class Sources:
    """Where an index's data comes from besides the catalog; given by `services.library`, which
    knows the store (the search layer never imports it)."""

    store: SearchStore | None = None
    """The persistent cache the catalog was loaded through: its stored index and full text."""
    pieces: dict[str, Any] | None = None
    """Search data pieces made by parsing processes, by path (the build empties it)."""
    columns: Callable[[Review], Any] | None = None
    """How to read a review's search columns without unpacking it (`builder.columns_of` by default)."""
    repack: Callable[[list[Review]], None] | None = None
    """Called on the reviews after a build from `pieces` of at least REPACK_FROM reviews (memory)."""
    bodies: Callable[[], object] | None = None
    """While the bodies are still with the parsing processes: makes them stored (runs once; a second
    caller waits), after which the library calls `SearchIndex.adopt_store`."""


class LazyFullText(FullText):
    """An in-memory full-text index built on the first body query (catalogs without a cache)."""

    def __init__(
        self,
        reviews: list[Review],
        on_ready: Callable[[dict[int, str]], None],
        store: Callable[[], object] | None = None,
    ) -> None:
        self._reviews = reviews
        self._on_ready = on_ready
        self._built: FullText | None = None
        self._build_lock = threading.Lock()
        self._store = store
        """See `Sources.bodies`."""

    def match(self, word: str, *, prefix: bool = True) -> set[int] | None:
        if self._store is not None:
            self._store()  # in a search thread: the interface does not wait
        with self._build_lock:
            if self._built is None:
                self._built, paths = memory_fulltext(self._reviews)
                self._on_ready(paths)
        return self._built.match(word, prefix=prefix)

    def adopt(self, stored: FullText, switch: Callable[[], None]) -> bool:
        """Answer from `stored` from now on, unless this was built meanwhile (its ids are in use
        then): `switch` runs under the build lock, so a body query waiting on it asks `stored`."""
        with self._build_lock:
            if self._built is not None:
                return False
            self._built = stored
            self._on_ready = lambda paths: None
            switch()
        return True
