"""The detail of one review: header, six rating bars, then its sections and references.

Set `review` (and `catalog` once) from the owner, or bind it (`data_bind`). The header and the
rating bars follow a new review at once; its sections (Markdown, the costly part) follow once the
review has rested `settle` seconds, and until then the previous review's sections are hidden
behind a one-line "Showing the review…" (`catching_up`). Swapping reviews reuses the section
widgets, and a burst of changes renders only the latest review. `Shown` is posted when a review
is fully on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.message import Message
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Static

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Review
from reviewtui.ui.actions import ReviewActions
from reviewtui.ui.commands import bindings
from reviewtui.ui.links import DEFAULT_SITE_BASE
from reviewtui.ui.widgets.rating_bars import RatingBars, rows_for
from reviewtui.ui.widgets.review_header import ReviewHeader
from reviewtui.ui.widgets.review_sections import ReferenceList, ReferencesView, SectionView


class ReviewDetail(ReviewActions, VerticalScroll):
    """A scrollable view of one review. Keys act on the review shown; see BINDINGS."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("detail")

    DEFAULT_CSS = """
    ReviewDetail {
        height: 1fr;
        padding: 0 1;
        & > #detail-empty { color: $text-muted; padding: 1 0; }
        & > #detail-catching-up { color: $text-muted; margin: 1 0 0 0; }
        & > RatingBars { margin: 1 0 0 0; }
        & > #detail-sections { height: auto; }
    }
    """

    @dataclass
    class Shown(Message):
        """A review (or None) is now fully rendered."""

        detail: ReviewDetail
        review: Review | None

        @property
        def control(self) -> ReviewDetail:
            return self.detail

    @dataclass
    class JumpTo(Message):
        """The user asked to see a linked review: the company's, or the twin in the other language.

        The owner of the detail shows it (DetailScreen does so itself).
        """

        detail: ReviewDetail
        review: Review
        """The review to show."""
        origin: Review
        """The review shown when the user asked."""

        @property
        def control(self) -> ReviewDetail:
            return self.detail

    @dataclass
    class ListProducts(Message):
        """The user asked for the products of the company shown."""

        detail: ReviewDetail
        company: Review
        """The company review."""
        products: tuple[Review, ...]
        """Its products in the company review's language, by path (may be empty)."""

        @property
        def control(self) -> ReviewDetail:
            return self.detail

    review: var[Review | None] = var(None, init=False)
    """The review on show; None shows a short hint."""

    def __init__(
        self,
        catalog: Catalog | None = None,
        *,
        site_base: str = DEFAULT_SITE_BASE,
        allow_external: bool = True,
        settle: float = 0.0,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """
        Args:
            catalog: Where company, twin and product links are looked up (may be set later).
            site_base: The public site the page URL is built on.
            allow_external: Whether $EDITOR/$PAGER may be started (off for remote sessions).
            settle: Seconds a new review rests before its sections are rendered (a pane beside a
                list whose cursor moves: holding a key renders no review it passes).
        """
        super().__init__(id=id, classes=classes)
        self.catalog = catalog
        self.site_base = site_base
        self.allow_external = allow_external
        self.settle = settle
        self._shown: Review | None = None
        self._rendering = False
        self._waiting: Timer | None = None
        self._views: list[SectionView] = []
        # Kept, not queried: they change on every move of the cursor beside the pane.
        self._empty = Static(Content("No review selected."), id="detail-empty")
        self._header = ReviewHeader()
        self._bars = RatingBars(id="detail-bars")
        self._notice = Static(Content("Showing the review…"), id="detail-catching-up")
        self._sections = Vertical(ReferencesView(), id="detail-sections")

    def compose(self) -> ComposeResult:
        yield self._empty
        yield self._header
        yield self._bars
        yield self._notice
        yield self._sections

    def on_mount(self) -> None:
        self._show_static(None)
        if self.review is not None:
            self.watch_review()

    def watch_review(self) -> None:
        """The header and bars at once; the sections now or once the review rests (see settle)."""
        if not self.is_mounted:
            return
        self._show_static(self.review)
        if self._waiting is not None:
            self._waiting.stop()
            self._waiting = None
        if self._rendering:
            return  # the render gives way after its current section (see _render_latest)
        if self.settle > 0 and self.review is not None:
            self._waiting = self.set_timer(self.settle, self.catch_up)
        else:
            self.catch_up()

    @property
    def waiting(self) -> bool:
        """True while the sections wait for the review to rest (see settle and catch_up)."""
        return self._waiting is not None

    def catch_up(self) -> None:
        """Render the sections of `review` now (a running render picks it up when it ends)."""
        self._waiting = None
        if self.is_mounted and not self._rendering:
            self._rendering = True
            self.run_worker(self._render_latest(), group="review-detail", description="render review")

    async def _render_latest(self) -> None:
        """Render `review`'s sections; when `review` changes meanwhile, stop after the current
        section and start over (at once, or once the new review rests)."""
        review = self.review
        self._shown = None  # the sections are in flux: hidden until they are review's
        self._place(review)
        try:
            done = await self._show(review)
        except NoMatches:
            if self.is_attached:
                raise
            return  # removed while rendering (its screen closed on a resize): nothing to show
        finally:
            self._rendering = False
        if not done or self.review is not review:
            self.watch_review()
            return
        self._shown = review
        self._place(review)
        self.refresh_bindings()
        self.post_message(self.Shown(self, review))

    @property
    def catching_up(self) -> bool:
        """True while the sections on show are not those of `review` (they are hidden meanwhile)."""
        return self.review is not self._shown

    def _place(self, review: Review | None) -> None:
        """Which parts show: the sections only when they are review's, else the notice.

        Only `display` changes: a class on the pane would restyle every block of every section
        below it, which costs a keystroke 200 ms on a long review."""
        behind = review is not None and self.catching_up
        self._empty.display = review is None
        self._notice.display = behind
        self._sections.display = review is not None and not behind
        self._header.display = self._bars.display = review is not None

    def _show_static(self, review: Review | None) -> None:
        """The header and bars of review (cheap: they follow the cursor at once)."""
        self._place(review)
        if review is not None:
            self._header.show(review, self.catalog)
            self._bars.rows = rows_for(review)

    @property
    def sections(self) -> Vertical:
        return self._sections

    async def _show(self, review: Review | None) -> bool:
        """Render review's sections one by one; False when `review` changed before the last.

        They are hidden meanwhile (see `_place`), so no half-made state shows and nothing holds
        the screen back: a key is handled between two sections, never after the whole review."""
        if review is None and self.query_one(ReferenceList).has_focus:
            self.focus()
        if review is None:
            return True
        body = [s for s in review.sections if s.key != "references"]
        while len(self._views) < len(body):
            view = SectionView()
            await self.sections.mount(view, before=self.query_one(ReferencesView))
            # Listed once mounted: a render cancelled during the mount must not leave a view
            # without its children for the next one to fill.
            self._views.append(view)
        for view in self._views[len(body) :]:
            view.display = False
        listing = self.query_one(ReferenceList)
        had_focus = listing.has_focus
        references = self._place_references(review)
        if had_focus and not (listing.display and self.query_one(ReferencesView).display):
            self.focus()  # the references the cursor was in are gone with the old review
        self.scroll_home(animate=False, immediate=True)
        for view, section in zip(self._views, body, strict=False):
            view.display = True
            await view.show(section)
            if self.review is not review:
                return False
        for pending in references:
            await pending
        return self.review is review

    def _place_references(self, review: Review) -> list[AwaitComplete]:
        """Show the References section where the file has it (normally last)."""
        refs_view = self.query_one(ReferencesView)
        index = next((i for i, s in enumerate(review.sections) if s.key == "references"), None)
        if index is None:
            refs_view.display = False
            return []
        refs_view.display = True
        before = sum(1 for s in review.sections[:index] if s.key != "references")
        container = self.sections
        children = list(container.children)
        if before < len(self._views) and children.index(refs_view) != before:
            container.move_child(refs_view, before=self._views[before])
        elif before >= len(self._views) and children[-1] is not refs_view:
            container.move_child(refs_view, after=children[-1])
        return [refs_view.show(review.sections[index], review.references)]

    # Actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        review = self.review
        if action in ("twin", "references", "open_page", "copy_page", "edit", "pager"):
            return review is not None
        if action == "company":
            return review is not None and review.kind != "company"
        if action == "products":
            return review is not None and review.kind == "company"
        return True

    def acted_on(self) -> Review | None:
        return self.review

    def jump_to(self, review: Review, origin: Review) -> None:
        self.post_message(self.JumpTo(self, review, origin))

    def list_products(self, of: Review, products: tuple[Review, ...]) -> None:
        self.post_message(self.ListProducts(self, of, products))

    def action_references(self) -> None:
        listing = self.query_one(ReferenceList)
        if listing.display and listing.references:
            listing.focus()
        else:
            self.notify("This review lists no references.", markup=False)
