"""ReviewDetail and DetailScreen driven with Pilot: what they show and what every key does."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Markdown

from reviewtui.core.catalog import Catalog
from reviewtui.core.store.loader import load_catalog
from reviewtui.ui import links
from reviewtui.ui.messages_detail import DetailClosed
from reviewtui.ui.widgets.rating_bars import RatingBars
from reviewtui.ui.widgets.review_detail import ReviewDetail
from reviewtui.ui.widgets.review_sections import ReferenceList, ReferencesView, SafeMarkdown, SectionView
from tests.helpers import body, front, write
from tests.ui.detail_harness import HD600, DetailApp, DetailScreenApp, content_catalog, screen_text, settle

PAGE = "https://frieve-a.github.io/audioreview/products/en/sennheiser-hd-600/"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return content_catalog()


def visible_sections(detail: ReviewDetail) -> list[str]:
    headings = []
    for view in detail.query("SectionView, ReferencesView"):
        if view.display:
            headings.append(str(view.query_one(".section-heading").render()))
    return headings


async def test_first_screen_at_80x24_holds_the_header_and_all_six_bars(catalog: Catalog) -> None:
    app = DetailScreenApp(catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
    for expected in (
        "_products/en/sennheiser/sennheiser-hd-600.md",
        "Sennheiser HD 600",
        "by Sennheiser",
        "2025-03-14",
        "$399 USD",
        "日本語 too (t)",
        "Headphones",
        "A nearly thirty-year-old open-back design",
        "Overall",
        "3.8/5",
        "Scientific Validity",
        "Technology Level",
        "Cost-Performance",
        "Reliability & Support",
        "Rationality of Design Philosophy",
        "esc Back",
    ):
        assert expected in text, expected


async def test_sections_render_in_order_with_score_bars_and_no_score_lines(catalog: Catalog) -> None:
    review = catalog.by_path[HD600]
    app = DetailApp(catalog, review)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        detail = app.query_one(ReviewDetail)
        assert visible_sections(detail) == [s.heading for s in review.sections]
        views = [v for v in detail.query(SectionView) if v.display]
        scores = [v.query_one(RatingBars).rows[0].value if v.query_one(RatingBars).display else None for v in views]
        assert scores == [None, 0.8, 0.6, 0.7, 0.9, 0.8, None]
        for markdown in detail.query(SafeMarkdown):
            assert "\\Large" not in markdown.source and "$$" not in markdown.source
        assert "Independent frequency response measurements" in views[1].query_one(SafeMarkdown).source
        detail.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert "$$" not in screen_text(app)


async def test_references_are_listed_with_their_urls(catalog: Catalog) -> None:
    review = catalog.by_path[HD600]
    app = DetailApp(catalog, review)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        listing = app.query_one(ReferenceList)
        assert listing.references == review.references
        assert listing.option_count == len(review.references) >= 2
        app.query_one(ReviewDetail).scroll_end(animate=False, immediate=True)
        await pilot.pause()
        text = screen_text(app)
        for reference in review.references:
            assert reference.url and reference.url[:60] in text.replace("\n", "")


async def test_swapping_reviews_reuses_the_section_widgets(catalog: Catalog) -> None:
    first, second = catalog.by_path[HD600], catalog.by_path["_companies/en/fiio.md"]
    app = DetailApp(catalog, first)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        detail = app.query_one(ReviewDetail)
        before = list(detail.query(SectionView)) + list(detail.query(Markdown))
        detail.review = second
        await settle(app, pilot)
        after = list(detail.query(SectionView)) + list(detail.query(Markdown))
        assert after == before, "the same SectionView and Markdown widgets are updated in place"
        assert visible_sections(detail) == [s.heading for s in second.sections]
        assert "FiiO" in screen_text(app)


async def test_a_burst_of_changes_renders_only_to_the_last(catalog: Catalog) -> None:
    reviews = [r for r in catalog.reviews if r.kind == "product"][:12]
    shown: list[object] = []
    app = DetailApp(catalog, None)
    async with app.run_test(size=(100, 40), message_hook=shown.append) as pilot:
        await settle(app, pilot)
        detail = app.query_one(ReviewDetail)
        for review in reviews:
            detail.review = review
        await settle(app, pilot)
        done = [m.review for m in {id(m): m for m in shown if isinstance(m, ReviewDetail.Shown)}.values()]
        assert done[-1] is reviews[-1]
        assert len(done) < len(reviews), "intermediate reviews are skipped, not all rendered"
        assert visible_sections(detail) == [s.heading for s in reviews[-1].sections]


async def test_no_review_shows_a_hint(catalog: Catalog) -> None:
    app = DetailApp(catalog, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "No review selected." in screen_text(app)
        await pilot.press("c", "t", "o", "y")
        assert app.notices == []


async def test_company_twin_and_back_on_the_detail_screen(catalog: Catalog) -> None:
    app = DetailScreenApp(catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        detail = app.screen.query_one(ReviewDetail)
        await pilot.press("c")
        await settle(app, pilot)
        assert detail.review is catalog.by_path["_companies/en/sennheiser.md"]
        assert "_companies/en/sennheiser.md" in screen_text(app)
        await pilot.press("backspace")
        await settle(app, pilot)
        assert detail.review is catalog.by_path[HD600]
        await pilot.press("t")
        await settle(app, pilot)
        assert detail.review is catalog.by_path["_products/ja/sennheiser/sennheiser-hd-600.md"]
        assert "総合評価" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [DetailClosed(catalog.by_path["_products/ja/sennheiser/sennheiser-hd-600.md"])]


async def test_company_products_close_the_screen_with_the_company(catalog: Catalog) -> None:
    app = DetailScreenApp(catalog, "_companies/en/fiio.md")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await pilot.pause()
    company = catalog.by_path["_companies/en/fiio.md"]
    assert app.results == [DetailClosed(company, products_of=company)]


async def test_products_key_does_nothing_on_a_product(catalog: Catalog) -> None:
    app = DetailScreenApp(catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        assert app.results == []
        assert "Products" not in screen_text(app), "the footer offers p only for a company"


async def test_list_products_message_carries_the_products(catalog: Catalog) -> None:
    messages: list[object] = []
    company = catalog.by_path["_companies/en/fiio.md"]
    app = DetailApp(catalog, company)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await pilot.pause()
    # The hook sees a message at each widget it bubbles through: count distinct ones.
    asked = list({id(m): m for m in messages if isinstance(m, ReviewDetail.ListProducts)}.values())
    assert len(asked) == 1 and asked[0].company is company
    assert {p.path for p in asked[0].products} == {p.path for p in catalog.products_of(company)}
    assert all(p.company_id == "fiio" and p.lang == "en" for p in asked[0].products)


@pytest.fixture
def lonely(tmp_path: Path) -> Catalog:
    """One product whose company has no review and which has no twin."""
    write(tmp_path, "_products/en/xyz/xyz-1.md", front(company_id="xyz", ref="xyz-1") + body())
    return load_catalog(tmp_path)


async def test_missing_company_and_twin_are_said_clearly(lonely: Catalog) -> None:
    app = DetailApp(lonely, lonely.reviews[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("c", "t")
        await pilot.pause()
        assert app.query_one(ReviewDetail).review is lonely.reviews[0]
    assert app.notices == [
        ("No company review for 'xyz' in this collection.", "warning"),
        ("This review has no Japanese (日本語) twin in this collection.", "warning"),
    ]


async def test_page_url_is_copied_with_y_and_opened_with_o(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    app = DetailApp(catalog, catalog.by_path[HD600])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        assert app.clipboard == PAGE
        monkeypatch.setattr(links, "browser_reaches_user", lambda app: True)
        await pilot.press("o")
        assert app.opened == [PAGE]


async def test_page_url_is_copied_when_no_browser_can_show_it(catalog: Catalog) -> None:
    app = DetailApp(catalog, catalog.by_path[HD600])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        assert app.opened == []
        assert app.clipboard == PAGE
        assert "copied" in app.notice_text()


async def test_reference_under_the_cursor_is_copied_or_opened(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = catalog.by_path[HD600]
    urls = [r.url for r in review.references]
    app = DetailApp(catalog, review)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        assert isinstance(app.focused, ReferenceList)
        await pilot.press("y")
        assert app.clipboard == urls[0]
        await pilot.press("down", "y")
        assert app.clipboard == urls[1]
        monkeypatch.setattr(links, "browser_reaches_user", lambda app: True)
        await pilot.press("enter")
        await pilot.press("o")
        assert app.opened == [urls[1], urls[1]]
        assert "[2]" in screen_text(app), "the focused references are scrolled into view"


async def test_reference_without_an_http_link_is_neither_opened_nor_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = front() + body().replace(
        '[1] Acme, "Spec sheet," https://acme.example/x-1, accessed 2025-05-01',
        "[1] Trap, javascript:alert(1)\n\n[2] Local, file:///etc/passwd\n\n[3] Good, https://acme.example/ok",
    )
    write(tmp_path, "_products/en/acme/acme-x-1.md", text)
    catalog = load_catalog(tmp_path)
    monkeypatch.setattr(links, "browser_reaches_user", lambda app: True)
    app = DetailApp(catalog, catalog.reviews[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("r", "y", "o", "enter", "down", "y", "o")
        assert app.clipboard == ""
        assert app.opened == []
        await pilot.press("down", "y", "o")
        assert app.clipboard == "https://acme.example/ok"
        assert app.opened == ["https://acme.example/ok"]
        assert "javascript:alert(1)" in screen_text(app), "shown as plain text"
    refused = [m for m, severity in app.notices if severity == "warning"]
    assert len(refused) == 5 and all("only http and https" in m for m in refused)


@pytest.mark.parametrize("href", ["file:///etc/passwd", "javascript:alert(1)", "relative/page.md", "mailto:a@b.c"])
async def test_markdown_links_other_than_http_are_not_opened(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch, href: str
) -> None:
    monkeypatch.setattr(links, "browser_reaches_user", lambda app: True)
    app = DetailApp(catalog, catalog.by_path[HD600])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        block = app.query_one(SafeMarkdown).query("MarkdownParagraph").first()
        await block.action_link(href)
        await pilot.pause()
        assert app.opened == []
        assert app.clipboard == ""
        assert app.notices[-1][1] == "warning"


async def test_markdown_https_links_open(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "browser_reaches_user", lambda app: True)
    app = DetailApp(catalog, catalog.by_path[HD600])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        block = app.query_one(SafeMarkdown).query("MarkdownParagraph").first()
        await block.action_link("https://example.com/page")
        await pilot.pause()
        assert app.opened == ["https://example.com/page"]


async def test_editor_and_pager_report_when_the_terminal_cannot_be_handed_over(catalog: Catalog) -> None:
    app = DetailApp(catalog, catalog.by_path[HD600])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("e", "v")
        await pilot.pause()
    assert len(app.notices) == 2 and all(severity == "warning" for _, severity in app.notices)


async def test_editor_is_off_when_external_programs_are_not_allowed(catalog: Catalog) -> None:
    app = DetailApp(catalog, catalog.by_path[HD600])
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(ReviewDetail).allow_external = False
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
    assert app.notices == [("Opening files in the editor is turned off here.", "warning")]


async def test_references_view_falls_back_to_markdown_when_nothing_parses(tmp_path: Path) -> None:
    text = front() + body().replace(
        '[1] Acme, "Spec sheet," https://acme.example/x-1, accessed 2025-05-01', "Only prose here, no list."
    )
    write(tmp_path, "_products/en/acme/acme-x-1.md", text)
    catalog = load_catalog(tmp_path)
    app = DetailApp(catalog, catalog.reviews[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        view = app.query_one(ReferencesView)
        assert not view.query_one(ReferenceList).display
        assert view.query_one(SafeMarkdown).source == "Only prose here, no list."
        await pilot.press("r")
        assert "This review lists no references." in app.notice_text()


async def test_focus_leaves_the_references_when_the_next_review_has_none(tmp_path: Path) -> None:
    text = front() + body().replace(
        '[1] Acme, "Spec sheet," https://acme.example/x-1, accessed 2025-05-01', "Only prose here, no list."
    )
    write(tmp_path, "_products/en/acme/acme-x-1.md", text)
    write(tmp_path, "_products/en/acme/acme-x-2.md", front(ref="acme-x-2") + body())
    catalog = load_catalog(tmp_path)
    with_refs, without = (
        catalog.by_path["_products/en/acme/acme-x-2.md"],
        catalog.by_path["_products/en/acme/acme-x-1.md"],
    )
    app = DetailApp(catalog, with_refs)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        assert isinstance(app.focused, ReferenceList)
        detail = app.query_one(ReviewDetail)
        detail.review = without
        await settle(app, pilot)
        assert app.focused is detail
        await pilot.press("r")
        detail.review = None
        await settle(app, pilot)
        assert app.focused is detail
