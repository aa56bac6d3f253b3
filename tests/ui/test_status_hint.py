"""The status line names a key that lists the problems: one that works where the focus is.

From the search box, `!` would be typed into the query; the line must never tell the user to
press it there. Each test follows the hint as written, key by key."""

from __future__ import annotations

import re

from reviewtui.ui.app import ReviewApp
from reviewtui.ui.screens.problems import ProblemsScreen
from reviewtui.ui.widgets.search_bar import SearchBar
from reviewtui.ui.widgets.status_bar import StatusBar
from tests.ui.conftest import ready

KEY_NAMES = {"esc": "escape", "!": "exclamation_mark"}


def hinted_keys(app: ReviewApp) -> list[str]:
    line = str(app.main.query_one(StatusBar).render())
    found = re.search(r"press (.+) to list them", line) or re.search(r"⚠ [\d,]+ \((.+)\)", line)
    assert found is not None, line
    return [KEY_NAMES.get(key, key) for key in found.group(1).split(", then ")]


async def follow_the_hint(app: ReviewApp, pilot) -> None:  # type: ignore[no-untyped-def]
    typed = app.main.search_bar.value
    for key in hinted_keys(app):
        await pilot.press(key)
    await pilot.pause()
    assert app.main.search_bar.value == typed, "a hinted key was typed into the search box"
    assert isinstance(app.screen, ProblemsScreen)


async def test_the_hint_from_the_search_box_leaves_it_first(app: ReviewApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert isinstance(app.focused, SearchBar)
        assert hinted_keys(app) == ["escape", "exclamation_mark"]
        await follow_the_hint(app, pilot)


async def test_the_hint_from_the_results_is_the_key_itself(app: ReviewApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("escape")
        assert hinted_keys(app) == ["exclamation_mark"]
        await follow_the_hint(app, pilot)


async def test_the_short_hint_beside_a_snippet_follows_the_focus_too(app: ReviewApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press(*"body:words")  # found in the body text: the line shows a snippet
        await ready(pilot)
        line = str(app.main.query_one(StatusBar).render())
        assert line.startswith("“") and "(esc, then !)" in line
        await follow_the_hint(app, pilot)
        assert app.main.search_bar.value == "body:words"


async def test_typing_an_exclamation_mark_in_the_search_box_types_it(app: ReviewApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press(*"acme !zenit")
        await ready(pilot)
        assert app.main.search_bar.value == "acme !zenit"
        assert app.screen is app.main
