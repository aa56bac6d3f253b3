"""Focus rules that scripts rely on: `/`, Enter and Esc in the search box, two Esc back, q and ctrl+q."""

from __future__ import annotations

from reviewtui.ui.app import ReviewApp
from reviewtui.ui.screens.detail import DetailScreen
from reviewtui.ui.screens.help import HelpScreen
from reviewtui.ui.widgets.results_list import ResultsList
from reviewtui.ui.widgets.review_detail import ReviewDetail
from reviewtui.ui.widgets.search_bar import SearchBar
from tests.ui.conftest import ready

NARROW = (80, 24)
WIDE = (120, 40)


async def test_search_box_has_focus_at_start_and_slash_is_never_typed(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        assert isinstance(app.focused, SearchBar)
        await pilot.press("a", "/", "c")
        assert app.main.search_bar.value == "ac"
        assert isinstance(app.focused, SearchBar)


async def test_slash_focuses_search_from_the_results(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        app.main.results_list.focus()
        await pilot.press("slash")
        assert isinstance(app.focused, SearchBar)
        assert app.main.search_bar.value == ""


async def test_slash_returns_from_the_detail_screen_and_help(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        app.main.results_list.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("slash")
        await pilot.pause()
        assert app.screen is app.main
        assert isinstance(app.focused, SearchBar)


async def test_enter_in_search_opens_the_top_result_narrow(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press(*"bolt dac", "enter")
        await ready(pilot)
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        top = app.main.results.hits[0].review
        assert app.screen.review == top


async def test_enter_typed_fast_opens_the_result_of_the_whole_query(app: ReviewApp) -> None:
    """Enter right after typing waits for the pending search instead of opening a stale top hit."""
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press(*"zenit", "enter")
        await ready(pilot)
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.review.target_name == "Zenit One"


async def test_enter_in_search_focuses_the_detail_pane_when_wide(app: ReviewApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        await pilot.press(*"zenit", "enter")
        await ready(pilot)
        assert app.screen is app.main
        detail = app.main.detail
        assert detail.review is not None and detail.review.target_name == "Zenit One"
        assert app.focused is detail or detail in app.focused.ancestors


async def test_escape_in_search_moves_focus_to_results(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("escape")
        assert isinstance(app.focused, ResultsList)


async def test_two_escapes_from_help_over_detail_reach_the_results(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is app.main
        assert isinstance(app.focused, ResultsList)


async def test_escape_from_the_detail_pane_returns_to_results(app: ReviewApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert isinstance(app.focused, ReviewDetail) or any(isinstance(a, ReviewDetail) for a in app.focused.ancestors)
        await pilot.press("escape")
        assert isinstance(app.focused, ResultsList)


async def test_q_is_typed_in_the_search_box(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("q")
        assert app.is_running
        assert app.main.search_bar.value == "q"


async def test_q_quits_from_the_results(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_q_quits_from_the_detail_screen(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_q_quits_from_the_search_box(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("x", "ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_tab_moves_between_panes(app: ReviewApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            seen.append(type(app.focused).__name__)
        assert "ResultsList" in seen
        assert any(name != "ResultsList" and name != "SearchBar" for name in seen)
