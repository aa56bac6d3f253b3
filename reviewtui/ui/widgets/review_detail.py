"""The detail of one review: header, six rating bars, then its sections and references.

Set `review` (and `catalog` once) from the owner. Swapping reviews reuses the section widgets:
each Markdown is updated in place, the header and bars are re-rendered, and a burst of changes
renders only the latest review. `Shown` is posted when a review is fully on screen.
"""

from __future__ import annotations

import asyncio
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
from textual.widgets import Static

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Review
from reviewtui.core.text import clean
from reviewtui.ui.commands import bindings
from reviewtui.ui.external import command_for, run_suspended
from reviewtui.ui.links import DEFAULT_SITE_BASE, copy_url, open_url, page_url
from reviewtui.ui.widgets.rating_bars import RatingBars, rows_for
from reviewtui.ui.widgets.review_header import ReviewHeader, language_name
from reviewtui.ui.widgets.review_sections import ReferenceList, ReferencesView, SectionView


class ReviewDetail(VerticalScroll):
    """A scrollable view of one review. Keys act on the review shown; see BINDINGS."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("detail")

    DEFAULT_CSS = """
    ReviewDetail {
        height: 1fr;
        padding: 0 1;
        & > #detail-empty { color: $text-muted; padding: 1 0; }
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
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """
        Args:
            catalog: Where company, twin and product links are looked up (may be set later).
            site_base: The public site the page URL is built on.
            allow_external: Whether $EDITOR/$PAGER may be started (off for remote sessions).
        """
        super().__init__(id=id, classes=classes)
        self.catalog = catalog
        self.site_base = site_base
        self.allow_external = allow_external
        self._shown: Review | None = None
        self._rendering = False
        self._views: list[SectionView] = []

    def compose(self) -> ComposeResult:
        yield Static(Content("No review selected."), id="detail-empty")
        yield ReviewHeader()
        yield RatingBars(id="detail-bars")
        yield Vertical(ReferencesView(), id="detail-sections")

    def on_mount(self) -> None:
        self._show_static(None)
        if self.review is not None:
            self.watch_review()

    def watch_review(self) -> None:
        if self.is_mounted and not self._rendering:
            self._rendering = True
            self.run_worker(self._render_latest(), group="review-detail", description="render review")

    async def _render_latest(self) -> None:
        """Render until what is shown is what was asked for, skipping reviews passed meanwhile."""
        try:
            while True:
                review = self.review
                try:
                    await self._show(review)
                except NoMatches:
                    if self.is_attached:
                        raise
                    return  # removed while rendering (its screen closed on a resize): nothing to show
                self._shown = review
                if self.review is review:
                    break
        finally:
            self._rendering = False
        self.refresh_bindings()
        self.post_message(self.Shown(self, self._shown))

    def _show_static(self, review: Review | None) -> None:
        self.query_one("#detail-empty").display = review is None
        for widget in (self.query_one(ReviewHeader), self.query_one("#detail-bars"), self.sections):
            widget.display = review is not None
        if review is not None:
            self.query_one(ReviewHeader).show(review, self.catalog)
            self.query_one("#detail-bars", RatingBars).rows = rows_for(review)

    @property
    def sections(self) -> Vertical:
        return self.query_one("#detail-sections", Vertical)

    async def _show(self, review: Review | None) -> None:
        with self.app.batch_update():
            if review is None and self.query_one(ReferenceList).has_focus:
                self.focus()
            self._show_static(review)
            if review is None:
                return
            sections = review.sections
            body = [s for s in sections if s.key != "references"]
            while len(self._views) < len(body):
                view = SectionView()
                await self.sections.mount(view, before=self.query_one(ReferencesView))
                # Listed once mounted: a render cancelled during the mount must not leave a view
                # without its children for the next one to fill.
                self._views.append(view)
            pending: list[AwaitComplete] = []
            for view, section in zip(self._views, body, strict=False):
                view.display = True
                pending.append(view.show(section))
            for view in self._views[len(body) :]:
                view.display = False
            listing = self.query_one(ReferenceList)
            had_focus = listing.has_focus
            pending.extend(self._place_references(review))
            if had_focus and not (listing.display and self.query_one(ReferencesView).display):
                self.focus()  # the references the cursor was in are gone with the old review
            self.scroll_home(animate=False, immediate=True)
            await asyncio.gather(*pending)

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
        if action in ("twin", "references", "open_page", "copy_page", "edit", "view"):
            return review is not None
        if action == "company":
            return review is not None and review.kind != "company"
        if action == "products":
            return review is not None and review.kind == "company"
        return True

    def action_company(self) -> None:
        """Post JumpTo for the company review, or say there is none."""
        review = self.review
        if review is None or review.kind == "company":
            return
        company = self.catalog.company_of(review) if self.catalog is not None else None
        if company is None:
            name = clean(review.company_id)
            self.notify(f"No company review for '{name}' in this collection.", severity="warning", markup=False)
            return
        self.post_message(self.JumpTo(self, company, review))

    def action_twin(self) -> None:
        """Post JumpTo for the same review in the other language, or say there is none."""
        review = self.review
        if review is None:
            return
        twin = self.catalog.twin_of(review) if self.catalog is not None else None
        if twin is None:
            other = "Japanese (日本語)" if review.lang == "en" else "English"
            self.notify(f"No {other} version of this review in this collection.", severity="warning", markup=False)
            return
        self.post_message(self.JumpTo(self, twin, review))

    def action_products(self) -> None:
        """Post ListProducts for a company review."""
        review = self.review
        if review is None or review.kind != "company":
            return
        products = tuple(self.catalog.products_of(review)) if self.catalog is not None else ()
        if not products:
            self.notify(
                f"No {language_name(review.lang)} product reviews of {clean(review.target_name)} in this collection.",
                markup=False,
            )
        self.post_message(self.ListProducts(self, review, products))

    def action_references(self) -> None:
        listing = self.query_one(ReferenceList)
        if listing.display and listing.references:
            listing.focus()
        else:
            self.notify("This review lists no references.", markup=False)

    def action_open_page(self) -> None:
        url = self._page_url()
        if url is not None:
            open_url(self.app, url, what="Review page")

    def action_copy_page(self) -> None:
        url = self._page_url()
        if url is not None:
            copy_url(self.app, url, what="Page URL")

    def _page_url(self) -> str | None:
        if self.review is None:
            return None
        url = page_url(self.review, self.site_base)
        if url is None:
            self.notify("This review has no usable permalink.", severity="warning", markup=False)
        return url

    def action_edit(self) -> None:
        self._open_file("editor")

    def action_view(self) -> None:
        self._open_file("pager")

    def _open_file(self, program: str) -> None:
        review = self.review
        if review is None:
            return
        if not self.allow_external or self.catalog is None:
            self.notify(f"Opening files in the {program} is turned off here.", severity="warning", markup=False)
            return
        run_suspended(self.app, command_for(program), self.catalog.root / review.path)
