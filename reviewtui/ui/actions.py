"""What the review keys do, wherever they are pressed, with one set of messages.

The twin, company, products, editor, pager, page-link and explain commands act on one review:
the highlighted result on the main screen, the review shown in the detail pane or screen. The
decisions (is there a twin? may files be opened here?) and every notice live here, and so do the
`action_*` methods of both hosts (`ReviewActions`); a host only says which review the keys act
on and how it shows a jump or a product list (a screen pushed, a message posted).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Review
from reviewtui.core.search.engine import SearchIndex
from reviewtui.core.search.results import HitList
from reviewtui.core.text import clean
from reviewtui.ui import links
from reviewtui.ui.commands import BY_ID
from reviewtui.ui.external import command_for, run_suspended

LANGUAGES = {"en": "English", "ja": "Japanese (日本語)"}

NOTHING_HIGHLIGHTED = "No review is highlighted."
NO_TWIN = "This review has no {language} twin in this collection."
NO_COMPANY = "No company review for '{company}' in this collection."
IS_COMPANY = "This is a company review; {key} lists its products."
NO_PRODUCTS = "No {language} product reviews of {name} in this collection."
EXTERNAL_OFF = "Opening files in the {program} is turned off here."
NO_PERMALINK = "This review has no usable permalink."
WHY = "Why this result"
FILTERS_ONLY = "Listed because it passes the filters (the query is empty)."
NOT_MATCHED = "This review does not match the query."
#: How the page link is called in notices, opened or copied.
PAGE = "Review page"
PAGE_URL = "Page URL"


def other_language(review: Review) -> str:
    return LANGUAGES["ja" if review.lang == "en" else "en"]


def twin(app: App[object], catalog: Catalog, review: Review) -> Review | None:
    """The same review in the other language, or None (said in a notice)."""
    found = catalog.twin_of(review)
    if found is None:
        app.notify(NO_TWIN.format(language=other_language(review)), severity="warning", markup=False)
    return found


def company(app: App[object], catalog: Catalog, review: Review) -> Review | None:
    """The review of the company behind a product, or None (said in a notice)."""
    if review.kind == "company":
        key = app.get_key_display(BY_ID["main.products"].binding())
        app.notify(IS_COMPANY.format(key=key), markup=False)
        return None
    found = catalog.company_of(review)
    if found is None:
        app.notify(NO_COMPANY.format(company=clean(review.company_id)), severity="warning", markup=False)
    return found


def products_query(review: Review) -> str:
    """The query that lists the products of a review's company (of a product: its siblings)."""
    return f"company:{review.company_id} type:product"


def products(app: App[object], catalog: Catalog, company_review: Review) -> tuple[Review, ...]:
    """A company's product reviews in its review's language; a notice when there are none."""
    found = tuple(catalog.products_of(company_review))
    if not found:
        language = LANGUAGES.get(company_review.lang, company_review.lang)
        name = clean(company_review.target_name)
        app.notify(NO_PRODUCTS.format(language=language, name=name), markup=False)
    return found


def open_file(app: App[object], path: Path | None, program: str, *, allowed: bool) -> bool:
    """A review's file in the user's editor or pager ("editor", "pager"); False if not run."""
    if not allowed or path is None:
        app.notify(EXTERNAL_OFF.format(program=program), severity="warning", markup=False)
        return False
    return run_suspended(app, command_for(program), path)


def page(app: App[object], review: Review, site_base: str, *, copy: bool) -> bool:
    """Open (or copy, OSC 52) the review's public page; False with a notice when it has none."""
    url = links.page_url(review, site_base)
    if url is None:
        app.notify(NO_PERMALINK, severity="warning", markup=False)
        return False
    if copy:
        return links.copy_url(app, url, what=PAGE_URL)
    return links.open_url(app, url, what=PAGE)


def explanation(index: SearchIndex, review: Review, query: str, *, lang: str | None = None) -> tuple[str, ...]:
    """Why review matches query: the lines `reviewtui search --explain` prints for it.

    The list may fold twins into one row and score it as the better of the two, so the review is
    searched for again on its own, as the CLI does; only its own hit is explained (hits are made
    when read)."""
    if not query.strip():
        return (FILTERS_ONLY,)
    hits = index.search(query, lang=lang, explain=True).hits
    if isinstance(hits, HitList):
        row = hits.index_of(review.path)
    else:
        row = next((i for i, hit in enumerate(hits) if hit.review.path == review.path), None)
    return hits[row].explain if row is not None else (NOT_MATCHED,)


def explain(app: App[object], index: SearchIndex, review: Review, query: str, *, lang: str | None = None) -> None:
    lines = explanation(index, review, query, lang=lang)
    app.notify("\n".join(lines), title=WHY, timeout=10 if len(lines) > 1 else 5, markup=False)


if TYPE_CHECKING:
    from textual.dom import DOMNode

    _Host = DOMNode
else:
    _Host = object


class ReviewActions(_Host):
    """The review keys' actions, mixed into the main screen and the detail widget."""

    catalog: Catalog | None
    site_base: str
    allow_external: bool

    def acted_on(self) -> Review | None:
        """The review the keys act on (None, with a notice if it helps, when there is none)."""
        raise NotImplementedError

    def jump_to(self, review: Review, origin: Review) -> None:
        """Show review, reached from origin (its company or twin)."""
        raise NotImplementedError

    def list_products(self, of: Review, products: tuple[Review, ...]) -> None:
        """List the products of of's company (`products`: a company review's, in its language)."""
        raise NotImplementedError

    def action_twin(self) -> None:
        review = self.acted_on()
        if review is not None and self.catalog is not None and (found := twin(self.app, self.catalog, review)):
            self.jump_to(found, review)

    def action_company(self) -> None:
        review = self.acted_on()
        if review is not None and self.catalog is not None and (found := company(self.app, self.catalog, review)):
            self.jump_to(found, review)

    def action_products(self) -> None:
        review = self.acted_on()
        if review is not None and self.catalog is not None:
            found = products(self.app, self.catalog, review) if review.kind == "company" else ()
            self.list_products(review, found)

    def action_edit(self) -> None:
        self._open_file("editor")

    def action_pager(self) -> None:
        self._open_file("pager")

    def _open_file(self, program: str) -> None:
        review, catalog = self.acted_on(), self.catalog
        if review is not None:
            path = catalog.root / review.path if catalog is not None else None
            open_file(self.app, path, program, allowed=self.allow_external)

    def action_open_page(self) -> None:
        if review := self.acted_on():
            page(self.app, review, self.site_base, copy=False)

    def action_copy_page(self) -> None:
        if review := self.acted_on():
            page(self.app, review, self.site_base, copy=True)
