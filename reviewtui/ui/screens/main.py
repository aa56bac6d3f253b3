"""The browser's main screen: search box, filters, results list, tag panel and detail pane.

It owns the state (`view`, the catalog and the current results); the widgets below it only
send messages up. Loading and searching run in thread workers, so typing never waits.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Review
from reviewtui.core.search.engine import Hit, Results, SearchIndex
from reviewtui.core.services.library import Library
from reviewtui.ui import actions
from reviewtui.ui.commands import bindings
from reviewtui.ui.debounce import Debouncer
from reviewtui.ui.messages import SearchDone, SettingsChanged
from reviewtui.ui.messages_detail import DetailClosed
from reviewtui.ui.screens.detail import DetailScreen
from reviewtui.ui.screens.loading import LibraryLoading
from reviewtui.ui.view_state import KIND_FILTERS, LANG_FILTERS, PREFERRED, View, count_text, cycle
from reviewtui.ui.widgets.results_list import CursorGutter, ResultsHeader, ResultsList
from reviewtui.ui.widgets.review_detail import ReviewDetail
from reviewtui.ui.widgets.search_bar import SearchBar
from reviewtui.ui.widgets.status_bar import OneLine, StatusBar
from reviewtui.ui.widgets.tag_filter import TagFilter

WIDE = 110
"""From this width the detail is a pane beside the list; below it, its own screen."""
ROOMY = 100
"""From this width the tag panel is shown unless the user hid it (`f`)..."""
SPACIOUS = 150
"""...but from WIDE it gives its room to the detail pane, up to this width."""
PANE_SETTLE = 0.08
"""Seconds the highlight rests before the detail pane renders the review's sections (its header
and bars follow the cursor at once): a held key renders none of the reviews it passes."""
TAGS_DELAY = 0.4
"""Seconds after the last keystroke before the tag counts are recounted (the panel is costly to resend)."""


class MainScreen(LibraryLoading, actions.ReviewActions):
    AUTO_FOCUS = "#search"

    BINDINGS: list[BindingType] = bindings("main")

    view: var[View] = var(View, init=False)
    """The query, filters and sort the list shows."""
    show_tags: var[bool | None] = var(None, init=False)
    """The tag panel: None follows the width, True/False is the user's choice."""
    reading: var[Review | None] = var(None, init=False)
    """The review in the detail pane (bound into it): the highlighted one, or one opened there."""
    typing: var[bool] = var(False, init=False)
    """The focus is in a text box, where printable keys are typed, not run (bound into the status)."""

    def __init__(
        self, root: Path, view: View, *, site_base: str, allow_external: bool = True, cache: bool = True
    ) -> None:
        super().__init__()
        self.root = root
        self.cache = cache
        """Load through the persistent index in the user cache folder (off: parse every file)."""
        self.site_base = site_base
        self.allow_external = allow_external
        """False in served (read-only) sessions: no $EDITOR or $PAGER."""
        self.set_reactive(MainScreen.view, view)
        self.library: Library | None = None
        self.catalog: Catalog | None = None
        self.index: SearchIndex | None = None
        self._load_seconds = 0.0
        self.results: Results | None = None
        self.searching = False
        self._open_when_ready = False
        self._later = Debouncer(self)
        self._focus_pane = False

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-row"):
            yield Static("Search", id="search-label")
            yield SearchBar(self.view.query, id="search")
            yield OneLine(count_text(None), id="count")
        with Horizontal(id="filters-row"):
            yield OneLine(self.view.describe(), id="filters")
            yield OneLine(id="position")
        with Horizontal(id="body"):
            yield TagFilter(id="tags")
            with Vertical(id="list-pane"):
                yield ResultsHeader(id="results-header")
                with Horizontal(id="list-row"):
                    listing = ResultsList(id="results")
                    yield CursorGutter(listing, id="gutter")
                    yield listing
            yield ReviewDetail(
                site_base=self.site_base, allow_external=self.allow_external, settle=PANE_SETTLE, id="detail"
            ).data_bind(review=MainScreen.reading)
        yield StatusBar(id="status").data_bind(typing=MainScreen.typing)
        yield Footer()

    @property
    def results_list(self) -> ResultsList:
        return self.query_one(ResultsList)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def detail(self) -> ReviewDetail:
        return self.query_one(ReviewDetail)

    @property
    def wide(self) -> bool:
        return self.has_class("-wide")

    def on_mount(self) -> None:
        self._apply_width(self.app.size.width)
        self._show_sort()
        self.load()

    def on_resize(self) -> None:
        self._apply_width(self.size.width)

    def on_screen_resume(self) -> None:
        if not self._focus_pane:
            self._apply_width(self.app.size.width)
        if self._focus_pane:
            self._focus_pane = False
            self.call_after_refresh(self.detail.focus)

    def _apply_width(self, width: int) -> None:
        was_wide = self.wide
        reading = was_wide and self.is_mounted and self.detail.has_focus_within and self.detail.review is not None
        self.set_class(width >= WIDE, "-wide")
        tags = self.show_tags if self.show_tags is not None else ROOMY <= width < WIDE or width >= SPACIOUS
        self.set_class(tags, "-tags")
        if self.wide and not was_wide:
            self._update_detail()
        elif reading and not self.wide and self.detail.review is not None:
            # Narrowed while reading the pane: carry on reading on the detail screen.
            self.results_list.focus()
            self.open_detail(self.detail.review)

    def watch_focused(self, focused: Widget | None) -> None:
        self.typing = isinstance(focused, Input)

    def watch_show_tags(self) -> None:
        self._apply_width(self.size.width)
        if self.show_tags and self.is_mounted:
            self.query_one(TagFilter).focus()

    # ------------------------------------------------------------------ searching

    def watch_view(self, old: View, new: View) -> None:
        self.search(keep=old.query == new.query)
        self._show_sort()
        if (old.sort, old.descending, old.lang) != (new.sort, new.descending, new.lang):
            self.app.post_message(SettingsChanged(old, new))

    def search(self, keep: bool = False) -> None:
        if self.index is None:
            return
        self.searching = True
        self._search(self.index, self.view, keep)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False, description="Searching")
    def _search(self, index: SearchIndex, view: View, keep: bool) -> None:
        results = index.search(view.query, **view.search_kwargs())
        if not get_current_worker().is_cancelled:
            self.post_message(SearchDone(view, results, keep))

    @on(SearchDone)
    def _search_done(self, event: SearchDone) -> None:
        if event.view != self.view:
            return  # a newer search is on its way
        self.searching = False
        self.results = event.results
        self.results_list.show(event.results, keep=event.keep, placeholder=self._empty_text())
        self._show_filters()
        self._show_position()
        self._show_snippet()
        self._later.call_later("tags", TAGS_DELAY, self._show_tags)
        if self._open_when_ready:
            self._open_when_ready = False
            self.open_highlighted()

    def settle(self) -> None:
        """Do the deferred updates (query, tag counts, detail pane) now: for scripts and snapshots."""
        self._later.flush()
        if self.is_mounted and self.search_bar.waiting:  # (a script may ask before the compose)
            self._apply_query()
        if self.is_mounted and self.detail.waiting:
            self.detail.catch_up()

    @property
    def unsettled(self) -> bool:
        """True while a deferred update waits (see settle)."""
        return self._later.pending or (self.is_mounted and (self.search_bar.waiting or self.detail.waiting))

    def _empty_text(self) -> str:
        return "No matches. Press x to clear the filters." if self.view.is_filtered else "No matches."

    def _show_filters(self) -> None:
        """Count and filters are separate widgets: typing changes the count, rarely the filters."""
        results = self.results
        count = count_text(len(results.hits), results.total) if results else count_text(None)
        line = self.view.describe()
        if results and results.messages:
            line = Content.assemble(line, ("  ⚠ " + " ".join(results.messages), "bold"))
        self.query_one("#count", OneLine).set(Content(count))
        self.query_one("#filters", OneLine).set(line)

    def _show_position(self) -> None:
        listing = self.results_list
        count = len(listing.hits)
        self.query_one("#position", OneLine).set(Content(f"{listing.cursor + 1:,}/{count:,}" if count else ""))

    def _show_snippet(self) -> None:
        """For a result found in its body text, the words around the match (in the status line)."""
        hit = self.results_list.highlighted
        self.query_one(StatusBar).show_snippet(hit.snippet if hit is not None else None)

    def _show_sort(self) -> None:
        header = self.query_one(ResultsHeader)
        header.sort, header.descending = self.view.sort, self.view.is_descending

    def _show_tags(self) -> None:
        if self.results is not None:
            self.query_one(TagFilter).show(self.results.tag_counts(), self.view.tags)

    @on(SearchBar.QueryChanged)
    def _apply_query(self) -> None:
        self.search_bar.cancel_wait()
        query = self.search_bar.value
        if query != self.view.query:
            self.view = replace(self.view, query=query)

    @on(Input.Submitted, "#search")
    def _query_submitted(self) -> None:
        self._apply_query()
        if self.searching or self.results is None:
            self._open_when_ready = True
        else:
            self.results_list.move_cursor(0)
            self.open_highlighted()

    @on(TagFilter.Changed)
    def _tags_changed(self, event: TagFilter.Changed) -> None:
        self.view = replace(self.view, tags=event.tags)

    def set_query(self, query: str) -> None:
        """Search for query from the list (a jump); focus goes to the results."""
        self.search_bar.cancel_wait()
        self.search_bar.value = query
        self.view = replace(self.view, query=query)
        self.results_list.focus()

    # ------------------------------------------------------------------ detail

    @on(ResultsList.Highlighted)
    def _highlighted(self, event: ResultsList.Highlighted) -> None:
        self._show_position()
        self._show_snippet()
        if self.wide:
            self.reading = event.hit.review if event.hit else None

    def show_in_pane(self, review: Review, width: int) -> None:
        """Show a review in the detail pane (when width is wide enough) and focus it."""
        self._apply_width(width)
        if self.wide:
            self.reading = review
            self.detail.focus()
            self._focus_pane = True  # again once this screen is back on top (it restores its focus)

    def _update_detail(self) -> None:
        self.reading = self.current.review if self.current else None

    def open_detail(self, review: Review) -> None:
        """The review on its own screen; when it closes, list the company's products if asked to."""
        if self.catalog is None:
            return

        def closed(result: DetailClosed | None) -> None:
            if result is not None and result.products_of is not None:
                self.set_query(actions.products_query(result.products_of))

        screen = DetailScreen(review, self.catalog, site_base=self.site_base, allow_external=self.allow_external)
        self.app.push_screen(screen, closed)

    @on(ReviewDetail.JumpTo)
    def _pane_jump(self, event: ReviewDetail.JumpTo) -> None:
        event.stop()
        self.open_detail(event.review)

    @on(ReviewDetail.ListProducts)
    def _pane_products(self, event: ReviewDetail.ListProducts) -> None:
        event.stop()
        self.set_query(actions.products_query(event.company))

    @on(ResultsList.Selected)
    def _selected(self, event: ResultsList.Selected) -> None:
        self.open_highlighted()

    def open_highlighted(self) -> None:
        """Enter: the detail pane takes focus when wide; the detail screen opens when narrow."""
        hit = self.results_list.highlighted
        if hit is None:
            self.app.notify("Nothing to open: no review matches.", severity="warning")
            return
        if self.wide:
            self._update_detail()
            self.detail.focus()
        else:
            self.open_detail(hit.review)

    @property
    def current(self) -> Hit | None:
        return self.results_list.highlighted

    # ------------------------------------------------------------------ actions

    def action_focus_results(self) -> None:
        self.results_list.focus()

    def action_cursor_down(self) -> None:
        self.results_list.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.results_list.action_cursor_up()

    def action_sort(self, step: int = 1) -> None:
        self.view = self.view.next_sort(step)

    def action_reverse(self) -> None:
        self.view = self.view.reversed()

    def action_lang_filter(self) -> None:
        self.view = replace(self.view, only_lang=cycle(LANG_FILTERS, self.view.only_lang))

    def action_prefer_lang(self) -> None:
        self.view = replace(self.view, lang=cycle(PREFERRED, self.view.lang))

    def action_kind_filter(self) -> None:
        self.view = replace(self.view, kind=cycle(KIND_FILTERS, self.view.kind))

    def action_clear_filters(self) -> None:
        if not self.view.is_filtered:
            self.app.notify("No filters are set.", timeout=2)
        self.view = self.view.cleared()

    def action_toggle_tags(self) -> None:
        self.show_tags = not self.has_class("-tags")

    def acted_on(self) -> Review | None:
        hit = self.current
        if hit is None:
            self.app.notify(actions.NOTHING_HIGHLIGHTED, severity="warning", timeout=3)
        return hit.review if hit is not None else None

    def jump_to(self, review: Review, origin: Review) -> None:
        self.open_detail(review)

    def list_products(self, of: Review, products: tuple[Review, ...]) -> None:
        self.set_query(actions.products_query(of))

    def action_twin(self) -> None:
        """Flip a folded row to its twin; when the twin is filtered out, open it on its own screen."""
        hit = self.current
        if hit is None or hit.twin is None:
            super().action_twin()
            return
        highlights = hit.highlights if hit.twin.target_name == hit.review.target_name else ()
        flipped = Hit(hit.twin, hit.score, highlights, hit.snippet, hit.explain, hit.review)
        self.results_list.replace_hit(self.results_list.cursor, flipped)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "pager"):
            return self.allow_external
        return True

    def action_explain(self) -> None:
        """Why the highlighted review matched: the lines `reviewtui search --explain` prints."""
        review = self.acted_on()
        if review is not None and self.index is not None:
            actions.explain(self.app, self.index, review, self.view.query, lang=self.view.lang)
