"""Where the keys take you from a result: detail pane or screen, twin, company, products, files, links.

Functions of the main screen (no state of their own) so the screen module stays about state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from reviewtui.core.model import Review
from reviewtui.core.search.results import Hit
from reviewtui.ui import links
from reviewtui.ui.external import command_for, run_suspended
from reviewtui.ui.messages_detail import DetailClosed
from reviewtui.ui.screens.detail import DetailScreen

if TYPE_CHECKING:
    from reviewtui.ui.screens.main import MainScreen

LANG_NAMES = {"en": "English", "ja": "Japanese"}


def open_detail_screen(screen: MainScreen, review: Review) -> None:
    """The review on its own screen; when it closes, list the company's products if asked to."""
    if screen.catalog is None:
        return

    def closed(result: DetailClosed | None) -> None:
        if result is not None and result.products_of is not None:
            products(screen, result.products_of)

    detail = DetailScreen(review, screen.catalog, site_base=screen.site_base, allow_external=screen.allow_external)
    screen.app.push_screen(detail, closed)


# ---------------------------------------------------------------------------- jumps


def _current(screen: MainScreen) -> Hit | None:
    hit = screen.current
    if hit is None:
        screen.app.notify("No review is highlighted.", severity="warning", timeout=3)
    return hit


def twin(screen: MainScreen) -> None:
    """Flip a folded row to its twin; when the twin is filtered out, open it on its own screen."""
    hit = _current(screen)
    if hit is None or screen.catalog is None:
        return
    review = hit.review
    if hit.twin is not None:
        same_name = hit.twin.target_name == review.target_name
        flipped = Hit(hit.twin, hit.score, hit.highlights if same_name else (), hit.snippet, hit.explain, review)
        screen.results_list.replace_hit(screen.results_list.cursor, flipped)
        return
    other = screen.catalog.twin_of(review)
    if other is None:
        language = LANG_NAMES["ja" if review.lang == "en" else "en"]
        screen.app.notify(f"This review has no {language} twin in this collection.", timeout=4)
    else:
        open_detail_screen(screen, other)


def company(screen: MainScreen) -> None:
    hit = _current(screen)
    if hit is None or screen.catalog is None:
        return
    review = hit.review
    if review.kind == "company":
        screen.app.notify("This is a company review; press p to list its products.", timeout=4)
        return
    found = screen.catalog.company_of(review)
    if found is None:
        screen.app.notify(
            Content.assemble("There is no company review for ", (review.company_id, "bold"), " in this collection."),
            title="No company review",
            severity="warning",
            timeout=6,
        )
    else:
        open_detail_screen(screen, found)


def products(screen: MainScreen, review: Review | None = None) -> None:
    """List the company's products (from a product: its siblings)."""
    if review is None:
        hit = _current(screen)
        review = hit.review if hit else None
    if review is not None:
        screen.set_query(f"company:{review.company_id} type:product")


def external(screen: MainScreen, kind: str) -> None:
    if not screen.allow_external:
        screen.app.notify(f"Opening files in the {kind} is turned off here.", severity="warning")
        return
    hit = _current(screen)
    if hit is not None and screen.catalog is not None:
        run_suspended(screen.app, command_for(kind), screen.catalog.root / hit.review.path)


def page_link(screen: MainScreen, *, copy: bool) -> None:
    hit = _current(screen)
    if hit is None:
        return
    url = links.page_url(hit.review, screen.site_base)
    if url is None:
        screen.app.notify("This review has no usable permalink.", severity="warning")
        return
    if copy:
        links.copy_url(screen.app, url, what="Page URL")
    else:
        links.open_url(screen.app, url, what="Public page")


def explain(screen: MainScreen) -> None:
    hit = _current(screen)
    if hit is None:
        return
    if not hit.explain:
        why = "Listed because it passes the filters." if not screen.view.query.strip() else "No explanation given."
        screen.app.notify(why, title="Why this result", timeout=5)
        return
    screen.app.notify("\n".join(hit.explain), title="Why this result", timeout=10, markup=False)
