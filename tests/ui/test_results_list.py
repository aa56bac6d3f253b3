"""The virtualised results list: rows painted on demand, in-place updates, keys; and the row format."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.style import Style
from textual._compositor import ChopsUpdate, Compositor
from textual.app import App, ComposeResult

import reviewtui.ui.app
from reviewtui.core.model import Price, Rating, Review
from reviewtui.core.search.results import Hit, Results
from reviewtui.ui.app import ReviewApp
from reviewtui.ui.widgets.results_list import ResultsList
from reviewtui.ui.widgets.row_format import Columns, RowStyles, fit_text, name_segments, render_row, score_bar
from tests.ui.conftest import ready


def make_review(n: int, name: str | None = None) -> Review:
    return Review(
        path=f"_products/en/acme/r{n:06d}.md",
        kind="product",
        lang="en",
        ref=f"r{n}",
        company_id="acme",
        title="t",
        target_name=name or f"Model {n}",
        date="2025-01-01",
        rating=Rating(2.5, (0.5, 0.5, 0.5, 0.5, 0.5)),
        price=Price(99, "USD"),
        summary="",
        tags=(),
        permalink="",
    )


def results(n: int, start: int = 0) -> Results:
    hits = tuple(Hit(make_review(i), 1.0) for i in range(start, start + n))
    return Results(hits, n)


class ListApp(App[None]):
    CSS_PATH = str(Path(reviewtui.ui.app.__file__).with_name("app.tcss"))

    def compose(self) -> ComposeResult:
        yield ResultsList()


@contextmanager
def painted_rows(app: App[object]) -> Iterator[list[tuple[int, int, int]]]:
    """Collect the screen spans (y, x1, x2) sent to the terminal while the block runs."""
    spans: list[tuple[int, int, int]] = []
    original = Compositor.render_update

    def record(self, full=False, screen_stack=None, simplify=False):  # type: ignore[no-untyped-def]
        update = original(self, full=full, screen_stack=screen_stack, simplify=simplify)
        if isinstance(update, ChopsUpdate):
            spans.extend(update.spans)
        elif update is not None:
            spans.extend((y, 0, app.size.width) for y in range(app.size.height))
        return update

    Compositor.render_update = record  # type: ignore[method-assign]
    try:
        yield spans
    finally:
        Compositor.render_update = original  # type: ignore[method-assign]


async def test_a_hundred_thousand_hits_paint_only_the_visible_rows() -> None:
    app = ListApp()
    async with app.run_test(size=(80, 20)) as pilot:
        listing = app.query_one(ResultsList)
        listing.focus()
        listing.show(results(100_000))
        await pilot.pause()
        assert listing.virtual_size.height == 100_000
        assert len(listing._painted) <= 20
        await pilot.press("G")
        await pilot.pause()
        assert listing.highlighted.review.target_name == "Model 99999"
        assert "Model 99999" in listing.render_line(listing.size.height - 1).text
        await pilot.press("g", "j", "j", "k")
        assert listing.cursor == 1
        await pilot.press("pagedown")
        assert listing.cursor == 1 + listing.size.height


async def test_moving_the_cursor_repaints_two_rows() -> None:
    app = ListApp()
    async with app.run_test(size=(80, 20)) as pilot:
        listing = app.query_one(ResultsList)
        listing.focus()
        listing.show(results(50))
        await pilot.pause()
        with painted_rows(app) as spans:
            await pilot.press("down")
            await pilot.pause()
        assert sorted({y for y, _, _ in spans}) == [0, 1]


async def test_same_hits_again_repaint_nothing_and_a_shifted_list_only_what_moved() -> None:
    app = ListApp()
    async with app.run_test(size=(80, 20)) as pilot:
        listing = app.query_one(ResultsList)
        listing.show(results(50))
        await pilot.pause()
        with painted_rows(app) as spans:
            listing.show(results(40))  # same first 20 rows; only the count changed
            await pilot.pause()
        assert spans == []
        first = results(50).hits
        swapped = (first[0], first[1], first[3], first[2], *first[4:])
        with painted_rows(app) as spans:
            listing.show(Results(swapped, 50))
            await pilot.pause()
        assert sorted({y for y, _, _ in spans}) == [2, 3]


async def test_a_keystroke_in_the_app_repaints_no_scrollbar_and_no_unchanged_row(app: ReviewApp) -> None:
    """The SSH budget: typing must not relayout the screen or resend rows that did not change."""
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press(*"zenit")
        await ready(pilot)
        listing = app.main.results_list
        top = listing.region.y
        with painted_rows(app) as spans:
            await pilot.press("space")  # "zenit " finds the same reviews
            await ready(pilot)
        rows = {y for y, _, _ in spans}
        assert rows, "the search box itself must be repainted"
        left = listing.region.x
        in_list = [(y, x1, x2) for y, x1, x2 in spans if top <= y < top + listing.region.height and x2 > left]
        assert not in_list, "no list row changed"
        assert all(x2 - x1 <= app.size.width for _, x1, x2 in spans)
        assert len(rows) <= 3  # search row, filter row; no full-screen layout


async def test_clicking_a_row_highlights_it_and_double_click_opens(app: ReviewApp) -> None:
    from reviewtui.ui.screens.detail import DetailScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        listing = app.main.results_list
        await pilot.click(ResultsList, offset=(5, 2))
        assert listing.cursor == 2
        await pilot.click(ResultsList, offset=(5, 2), times=2)
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)


STYLES = RowStyles(
    base=Style(color="white"),
    cursor=Style(bgcolor="blue"),
    match=Style(bold=True, underline=True),
    high=Style(color="green"),
    mid=Style(color="yellow"),
    low=Style(color="red"),
)


def test_columns_fit_the_width() -> None:
    for width in (40, 56, 64, 80, 100, 200):
        cols = Columns.fit(width)
        strip = render_row(Hit(make_review(1), 1.0), width, STYLES, cursor=False)
        assert strip.cell_length == width
        assert cols.name >= 4
    assert Columns.fit(80).company and Columns.fit(80).price
    assert not Columns.fit(50).company


def test_matched_characters_are_styled_not_just_coloured() -> None:
    segments = name_segments("Sennheiser HD 600", (11, 12), 30, STYLES.base, STYLES.match)
    matched = [s.text for s in segments if s.style and s.style.bold and s.style.underline]
    assert matched == ["HD"]
    assert "".join(s.text for s in segments).startswith("Sennheiser HD 600")


async def test_cursor_row_has_a_marker_besides_its_colour(app: ReviewApp) -> None:
    from reviewtui.ui.widgets.results_list import CursorGutter

    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        gutter = app.main.query_one(CursorGutter)
        assert gutter.render_line(0).text == "▶ "
        assert gutter.render_line(1).text == "  "
        await pilot.press("escape", "down")
        await pilot.pause()
        assert gutter.render_line(1).text == "▶ " and gutter.render_line(0).text == "  "


def test_wide_characters_are_cut_by_cell_width() -> None:
    text, cut = fit_text("ゼンハイザー HD 600 ヘッドホン", 10)
    assert cut and text.endswith("…")
    from rich.cells import cell_len

    assert cell_len(text) <= 10


def test_file_text_is_never_markup() -> None:
    review = make_review(1, name="[bold red]x[/] [link=file:///etc/passwd]y[/]")
    row = render_row(Hit(review, 1.0), 100, STYLES, cursor=False).text
    assert "[bold red]x[/]" in row


def test_score_bar_length_reads_without_colour() -> None:
    assert score_bar(5.0) == "█████"
    assert score_bar(0.0) == "     "
    assert score_bar(2.5) == "██▌  "
    assert score_bar(float("nan")) == "     " or len(score_bar(float("nan"))) == 5
