"""Searching and narrowing: as-you-type results, tags (AND), language, kind, sort, clear."""

from __future__ import annotations

import pytest

from reviewtui.core.config import Config
from reviewtui.ui.app import ReviewApp
from reviewtui.ui.widgets.tag_filter import TagFilter
from tests.ui.conftest import ready

SIZE = (100, 30)  # wide enough for the tag panel


def paths(app: ReviewApp) -> list[str]:
    return [hit.review.path for hit in app.main.results_list.hits]


async def test_empty_query_lists_everything_with_twins_folded(app: ReviewApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        catalog = app.main.catalog
        assert catalog is not None
        hits = app.main.results_list.hits
        # 9 reviews, two en/ja pairs (Acme the company, Acme X-1) fold into one row each.
        assert len(catalog.reviews) == 9
        assert len(hits) == 7
        folded = [h for h in hits if h.twin is not None]
        assert {h.review.ref for h in folded} == {"acme", "acme-x-1"}
        assert str(app.main.query_one("#count").render()) == "7 matches"


async def test_results_follow_typing(app: ReviewApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press(*"bolt")
        await ready(pilot)
        names = [h.review.target_name for h in app.main.results_list.hits]
        assert names and all("Bolt" in n for n in names[:3])
        assert app.main.view.query == "bolt"
        for _ in range(4):
            await pilot.press("backspace")
        await ready(pilot)
        assert len(app.main.results_list.hits) == 7


async def test_each_key_searches_at_once_unless_the_screen_goes_over_a_network(
    app: ReviewApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locally every key searches; over SSH (or `serve`) the first key of a burst does and the
    rest wait for a pause, so intermediate lists cost no bytes."""
    from reviewtui.ui.widgets import search_bar as search_bar_module

    monkeypatch.setattr(search_bar_module, "QUERY_DELAY", 1.0)  # roomy, so a slow machine types a burst too
    monkeypatch.setattr(search_bar_module, "QUERY_MAX_WAIT", 30.0)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        main = app.main
        assert main.search_bar.typing_pause is False  # no SSH_CONNECTION in the tests' environment
        await pilot.press(*"bol")
        assert main.view.query == "bol"
        main.search_bar.typing_pause = True
        await pilot.press("t", "x")  # right behind "l": the same burst
        assert main.view.query == "bol"
        main.settle()  # what the pause does
        assert main.view.query == "boltx"
        await pilot.pause(1.1)
        await pilot.press("y")  # after a pause: at once
        assert main.view.query == "boltxy"


async def test_stale_searches_never_overwrite_newer_results(app: ReviewApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press(*"zenit one")
        await ready(pilot)
        assert app.main.results.hits[0].review.target_name == "Zenit One"
        assert app.main.view.query == "zenit one"


async def test_ticking_two_tags_narrows_to_reviews_with_both(app: ReviewApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        tags = app.main.query_one(TagFilter)
        assert tags.display and tags.row_count > 0
        tags.focus()
        tags.move_cursor(tags.values.index("DAC"))
        await pilot.press("space")
        await ready(pilot)
        assert app.main.view.tags == ("DAC",)
        assert all("dac" in {t.casefold() for t in h.review.tags} for h in app.main.results_list.hits)
        # The ticked tag stays on top; tick "Budget" too.
        assert tags.values[0] == "DAC"
        assert tags.render_line(0).text.startswith("[x] DAC")
        tags.move_cursor(tags.values.index("Budget"))
        await pilot.press("enter")
        await ready(pilot)
        assert set(app.main.view.tags) == {"DAC", "Budget"}
        names = sorted(h.review.target_name for h in app.main.results_list.hits)
        assert names == ["Acme X-1", "Bolt DAC Mini"]
        filters = str(app.main.query_one("#filters").render())
        assert "DAC" in filters and "Budget" in filters
        await pilot.press("x")
        await ready(pilot)
        assert app.main.view.tags == ()
        assert len(app.main.results_list.hits) == 7


async def test_language_filter_cycles_both_en_ja(app: ReviewApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("escape", "l")
        await ready(pilot)
        assert app.main.view.only_lang == "en"
        assert {h.review.lang for h in app.main.results_list.hits} == {"en"}
        assert all(h.twin is None for h in app.main.results_list.hits)
        await pilot.press("l")
        await ready(pilot)
        assert {h.review.lang for h in app.main.results_list.hits} == {"ja"}
        assert "ja only" in str(app.main.query_one("#filters").render())
        await pilot.press("l")
        await ready(pilot)
        assert app.main.view.only_lang is None


async def test_kind_filter_cycles_products_companies_both(app: ReviewApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("escape", "K")
        await ready(pilot)
        assert {h.review.kind for h in app.main.results_list.hits} == {"product"}
        await pilot.press("K")
        await ready(pilot)
        assert {h.review.kind for h in app.main.results_list.hits} == {"company"}
        await pilot.press("K")
        await ready(pilot)
        assert app.main.view.kind is None


async def test_sort_keys_cycle_and_reverse(app: ReviewApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("escape", "K", "s")
        await ready(pilot)
        assert app.main.view.sort == "overall"
        scores = [h.review.rating.overall for h in app.main.results_list.hits]
        assert scores == sorted(scores, reverse=True)
        await pilot.press("r")
        await ready(pilot)
        scores = [h.review.rating.overall for h in app.main.results_list.hits]
        assert scores == sorted(scores)
        assert "▲" in str(app.main.query_one("#filters").render())
        await pilot.press("S")
        await ready(pilot)
        assert app.main.view.sort == "relevance"


async def test_every_sort_orders_the_list(app: ReviewApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("escape", "K")
        seen = []
        for _ in range(9):
            await pilot.press("s")
            await ready(pilot)
            seen.append(app.main.view.sort)
            reviews = [h.review for h in app.main.results_list.hits]
            if app.main.view.sort == "price":
                prices = [r.price.amount for r in reviews if r.price]
                assert prices == sorted(prices)
                assert reviews[-1].price is None  # missing values last
            elif app.main.view.sort == "name":
                names = [r.target_name.casefold() for r in reviews]
                assert names == sorted(names)
        assert seen == ["overall", "sci", "tech", "cost", "rel", "design", "price", "date", "name"]


async def test_sort_from_config_is_used_at_start(collection) -> None:  # type: ignore[no-untyped-def]
    from reviewtui.ui.app import make_app

    app = make_app(collection, config=Config(sort="price", descending=True))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        prices = [h.review.price.amount for h in app.main.results_list.hits if h.review.price]
        assert prices == sorted(prices, reverse=True)


async def test_full_text_matches_show_their_snippet(app: ReviewApp) -> None:
    """body: finds words in the sections; the words around the match show in the status line,
    which keeps a short problem count; without a snippet it shows the load summary again."""
    from reviewtui.ui.widgets.status_bar import StatusBar

    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        status = app.main.query_one(StatusBar)
        assert "reviews from" in str(status.render())
        await pilot.press(*"body:advice")
        await ready(pilot)
        hit = app.main.results_list.highlighted
        if hit is None or not hit.snippet:
            pytest.skip("the search gives no snippets for body: terms")
        line = str(status.render())
        assert hit.snippet in line and "(esc, then !)" in line  # from the search box: ! would be typed
        for _ in range(len("body:advice")):
            await pilot.press("backspace")
        await ready(pilot)
        assert "reviews from" in str(status.render())


async def test_file_text_shows_literally_in_list_tags_and_filters(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Markup-looking names and tags are data: shown as typed, never styled or linked."""
    from reviewtui.ui.app import make_app
    from reviewtui.ui.widgets.tag_filter import TagFilter
    from tests.helpers import write
    from tests.ui.conftest import product

    name = "[b]E[/] [link=f:/x]y[/]"
    rel, text = product("acme", "acme-evil", name, tags='["[b]Tag[/b]", DAC]')
    write(tmp_path, rel, text)
    app = make_app(tmp_path, config=Config())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        row = app.main.results_list.render_line(0)
        assert name in row.text
        assert not any(segment.style and segment.style.link for segment in row)
        tags = app.main.query_one(TagFilter)
        assert "[b]Tag[/b]" in tags.values
        tags.focus()
        tags.move_cursor(tags.values.index("[b]Tag[/b]"))
        await pilot.press("space")
        await ready(pilot)
        assert "[b]Tag[/b]" in str(app.main.query_one("#filters").render())


async def test_an_empty_folder_says_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from reviewtui.ui.app import make_app

    app = make_app(tmp_path, config=Config())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.main.results_list.render_line(0).text.strip() == "No matches."
        await pilot.press("enter")  # Enter on nothing: a notice, no crash
        await pilot.press("escape", "c", "t", "e", "y")
        assert app.is_running


async def test_a_new_sort_keeps_a_chosen_review_but_starts_at_the_top_otherwise(app: ReviewApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("escape", "s")  # cursor untouched: the best-scored review comes first
        await ready(pilot)
        listing = app.main.results_list
        assert listing.cursor == 0
        assert listing.highlighted.review.rating.overall == max(h.review.rating.overall for h in listing.hits)
        await pilot.press("down", "down")
        chosen = listing.highlighted.review
        await pilot.press("r")
        await ready(pilot)
        assert listing.highlighted.review == chosen and listing.cursor != 2
