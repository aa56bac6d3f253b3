"""A full screen for one review: used on narrow terminals and when Enter opens a review.

Jumps to the company or the twin stay on this screen (backspace goes back through them);
Esc closes it. It closes with a `DetailClosed` result: the review shown last, and the company
whose products the user asked to list, if they did.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Review
from reviewtui.core.text import clean
from reviewtui.ui.commands import bindings
from reviewtui.ui.links import DEFAULT_SITE_BASE
from reviewtui.ui.messages_detail import DetailClosed
from reviewtui.ui.widgets.review_detail import ReviewDetail

#: How many jumps backspace can retrace.
HISTORY = 50


class DetailScreen(Screen[DetailClosed]):
    """One review, full screen."""

    CSS_PATH = "../detail.tcss"

    BINDINGS: ClassVar[list[BindingType]] = bindings("detail-screen")

    def __init__(
        self,
        review: Review,
        catalog: Catalog,
        *,
        site_base: str = DEFAULT_SITE_BASE,
        allow_external: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.review = review
        self.catalog = catalog
        self.site_base = site_base
        self.allow_external = allow_external
        self.history: list[Review] = []

    def compose(self) -> ComposeResult:
        yield Static(id="detail-path", markup=False)
        yield ReviewDetail(self.catalog, site_base=self.site_base, allow_external=self.allow_external)
        yield Footer()

    @property
    def detail(self) -> ReviewDetail:
        return self.query_one(ReviewDetail)

    def on_mount(self) -> None:
        self._show(self.review)
        self.detail.focus()

    def _show(self, review: Review) -> None:
        self.review = review
        self.query_one("#detail-path", Static).update(Content(clean(review.path)))  # file names are data too
        self.detail.review = review

    @on(ReviewDetail.JumpTo)
    def _jump(self, message: ReviewDetail.JumpTo) -> None:
        message.stop()
        self.history = [*self.history[-HISTORY + 1 :], self.review]
        self._show(message.review)

    @on(ReviewDetail.ListProducts)
    def _list_products(self, message: ReviewDetail.ListProducts) -> None:
        message.stop()
        self.dismiss(DetailClosed(self.review, products_of=message.company))

    def action_previous(self) -> None:
        if self.history:
            self._show(self.history.pop())
        else:
            self.notify("No earlier review on this screen; Esc goes back to the results.", markup=False)

    def action_close(self) -> None:
        self.dismiss(DetailClosed(self.review))
