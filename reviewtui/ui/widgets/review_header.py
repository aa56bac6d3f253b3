"""The head of a review detail: name, company, date, price, language and twin, tags, summary."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Review

#: Language names as a reader of either language would look for them.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "ja": "日本語"}
MAX_TAGS = 24
MAX_SUMMARY = 600


def language_name(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, lang)


def company_name(review: Review, catalog: Catalog | None) -> str:
    company = catalog.company_of(review) if catalog is not None else None
    return company.target_name if company is not None else review.company_id


def meta_line(review: Review, catalog: Catalog | None) -> Content:
    """`by Sennheiser · 2025-03-14 · $399 USD · English · 日本語 too (t)`."""
    parts: list[Content] = []
    if review.kind == "company":
        count = len(catalog.products_of(review)) if catalog is not None else 0
        parts.append(Content.styled("Company review", "bold"))
        parts.append(Content(f"{count} product{'s' if count != 1 else ''} here (p)"))
    else:
        parts.append(Content.assemble("by ", (company_name(review, catalog), "bold")))
    if review.date:
        parts.append(Content(review.date))
    if review.price is not None:
        parts.append(Content(f"{review.price.format()} {review.price.currency}"))
    parts.append(Content(language_name(review.lang)))
    twin = catalog.twin_of(review) if catalog is not None else None
    if twin is not None:
        parts.append(Content.styled(f"{language_name(twin.lang)} too (t)", "italic"))
    return Content(" · ").stylize("dim").join(parts)


def tags_line(tags: tuple[str, ...]) -> Content:
    shown = tags[:MAX_TAGS]
    line = Content(" · ").stylize("dim").join(Content.styled(tag, "$text-secondary") for tag in shown)
    if len(tags) > len(shown):
        line += Content.styled(f"  +{len(tags) - len(shown)} more", "dim italic")
    return line


def summary_text(summary: str) -> Content:
    text = summary if len(summary) <= MAX_SUMMARY else summary[: MAX_SUMMARY - 1] + "…"
    return Content(text)


class ReviewHeader(Vertical):
    """The header lines of a review; every text from the file is shown as plain content."""

    DEFAULT_CSS = """
    ReviewHeader {
        height: auto;
        & > Static { width: 1fr; }
        & > #review-name { text-style: bold; color: $text-primary; text-wrap: nowrap; text-overflow: ellipsis; }
        & > #review-meta { max-height: 2; }
        & > #review-tags { max-height: 2; }
        & > #review-summary { margin: 1 0 0 0; max-height: 6; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="review-name", markup=False)
        yield Static(id="review-meta", markup=False)
        yield Static(id="review-tags", markup=False)
        yield Static(id="review-summary", markup=False)

    def show(self, review: Review, catalog: Catalog | None) -> None:
        self.query_one("#review-name", Static).update(Content(review.target_name or review.title))
        self.query_one("#review-meta", Static).update(meta_line(review, catalog))
        tags = self.query_one("#review-tags", Static)
        tags.update(tags_line(review.tags))
        tags.display = bool(review.tags)
        summary = self.query_one("#review-summary", Static)
        summary.update(summary_text(review.summary))
        summary.display = bool(review.summary)
