"""Loading the library for the main screen: a thread worker and the messages it sends.

Moved here as it was from `screens/main.py` (its line budget), which mixes it in.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.screen import Screen
from textual.worker import get_current_worker

from reviewtui.core.catalog import Catalog
from reviewtui.core.search.engine import SearchIndex
from reviewtui.core.services.library import Library, open_library
from reviewtui.ui.messages import IndexFailed, IndexProgress, IndexReady, IndexStored
from reviewtui.ui.widgets.results_list import ResultsList
from reviewtui.ui.widgets.review_detail import ReviewDetail
from reviewtui.ui.widgets.status_bar import StatusBar


class LibraryLoading(Screen[None]):
    """A screen that loads the library: `load()` on mount; the main screen, its one subclass,
    provides what is declared here. A Screen, not a plain mixin: Textual finds `@on` handlers
    only on its own classes."""

    root: Path
    cache: bool
    library: Library | None
    catalog: Catalog | None
    index: SearchIndex | None
    _load_seconds: float

    if TYPE_CHECKING:

        @property
        def detail(self) -> ReviewDetail: ...

        @property
        def results_list(self) -> ResultsList: ...

        def search(self, keep: bool = False) -> None: ...

    @work(thread=True, exclusive=True, group="index", exit_on_error=False, description="Indexing")
    def load(self) -> None:
        worker = get_current_worker()
        start = time.perf_counter()
        try:
            # A cold start shows the first results once the front matter is read; the bodies,
            # the cache and its full-text index come after that (`Library.finish`).
            library = open_library(
                self.root,
                cache=self.cache,
                early=True,
                progress=lambda done, total: self.post_message(IndexProgress(done, total)),
                cancelled=lambda: worker.is_cancelled,
            )
            library.index  # noqa: B018 - built here, in the worker, not on the first keystroke
        except Exception as exc:  # a bug, not a bad file: keep the app up and say so
            self.post_message(IndexFailed(f"{type(exc).__name__}: {exc}"))
            return
        if worker.is_cancelled:
            return
        self.post_message(IndexReady(library, time.perf_counter() - start))
        try:
            notices = library.finish()
            self.post_message(IndexStored(library))  # the status line drops "reading the bodies"
            library.index.prepare()  # the first tag or number filter then costs no keystroke anything
        except Exception as exc:  # the cache is only a speed-up: say so and carry on from memory
            notices = [f"The index cache could not be updated ({type(exc).__name__}: {exc})."]
        for notice in notices:
            with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
                self.app.call_from_thread(self.app.notify, notice, severity="warning", timeout=8, markup=False)

    @on(IndexProgress)
    def _progress(self, event: IndexProgress) -> None:
        self.query_one(StatusBar).progress(event.done, event.total)
        self.results_list.set_placeholder(f"Loading… {event.done:,} of {event.total:,} files read")

    @on(IndexReady)
    def _ready(self, event: IndexReady) -> None:
        self.library = event.library
        self.catalog, self.index = event.library.catalog, event.library.index
        for notice in event.library.notices:
            self.app.notify(notice, severity="warning", timeout=8, markup=False)
        self.detail.catalog = event.library.catalog
        self._load_seconds = event.seconds
        self.query_one(StatusBar).ready(event.library.catalog, event.seconds, event.library.bodies_pending)
        self.search()

    @on(IndexStored)
    def _stored(self, event: IndexStored) -> None:
        self.query_one(StatusBar).ready(event.library.catalog, self._load_seconds, event.library.bodies_pending)

    @on(IndexFailed)
    def _failed(self, event: IndexFailed) -> None:
        self.query_one(StatusBar).failed(event.error)
        self.results_list.set_placeholder("Nothing loaded.")
