"""Jumps from a result: twin, company (or a clear notice that there is none), products, files, links."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from reviewtui.ui.app import ReviewApp
from reviewtui.ui.screens.detail import DetailScreen
from tests.ui.conftest import ready

NARROW = (80, 24)


async def select(pilot, app: ReviewApp, query: str) -> None:  # type: ignore[no-untyped-def]
    """Search for query and put the focus on the results, top hit highlighted."""
    app.main.search_bar.value = query
    await ready(pilot)
    await pilot.press("escape")


def notices(app: ReviewApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_twin_key_flips_a_folded_row_to_the_other_language(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await select(pilot, app, "acme x-1")
        hit = app.main.results_list.highlighted
        assert hit is not None and hit.twin is not None and hit.review.lang == "en"
        await pilot.press("t")
        flipped = app.main.results_list.highlighted
        assert flipped is not None and flipped.review.lang == "ja" and flipped.twin is not None
        assert flipped.review.ref == hit.review.ref
        await pilot.press("t")
        assert app.main.results_list.highlighted.review.lang == "en"


async def test_twin_hidden_by_the_language_filter_opens_on_its_own_screen(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await select(pilot, app, "acme x-1")
        await pilot.press("l")  # en only: the ja twin is filtered out
        await ready(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.review.lang == "ja"


async def test_twin_missing_says_so(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await select(pilot, app, "zenit")
        await pilot.press("t")
        assert "This review has no Japanese (日本語) twin in this collection." in notices(app)


async def test_company_jump_opens_the_company_review(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await select(pilot, app, "bolt amp")
        assert app.main.results_list.highlighted.review.target_name == "Bolt Amp 2"
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.review.kind == "company" and app.screen.review.company_id == "bolt"
        await pilot.press("escape")  # back where we were
        await pilot.pause()
        assert app.screen is app.main
        assert app.main.results_list.highlighted.review.target_name == "Bolt Amp 2"


async def test_company_jump_without_a_company_review_says_so_clearly(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await select(pilot, app, "zenit")
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is app.main
        assert "No company review for 'zenit' in this collection." in notices(app)


async def test_products_key_lists_the_company_products(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await select(pilot, app, "bolt audio")
        await pilot.press("p")
        await ready(pilot)
        assert app.main.search_bar.value == "company:bolt type:product"
        assert app.main.view.query == "company:bolt type:product"
        assert app.focused is app.main.results_list
        names = sorted(h.review.target_name for h in app.main.results_list.hits)
        assert names == ["Bolt Amp 2", "Bolt DAC Mini"]


async def test_products_from_the_detail_screen_returns_to_the_list(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await select(pilot, app, "bolt amp")
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("p")
        await ready(pilot)
        assert app.screen is app.main
        assert app.main.view.query == "company:bolt type:product"


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record programs the app starts instead of starting them; suspend is a no-op headless."""
    calls: list[list[str]] = []

    def run(argv: list[str], check: bool = False) -> subprocess.CompletedProcess[bytes]:
        calls.append(argv)
        return subprocess.CompletedProcess(argv, 0)

    @contextmanager
    def suspend(self):  # type: ignore[no-untyped-def]
        yield

    monkeypatch.setattr("reviewtui.ui.external.subprocess.run", run)
    monkeypatch.setattr(ReviewApp, "suspend", suspend)
    return calls


async def test_edit_and_pager_keys_start_the_users_programs(
    app: ReviewApp, launched: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "myeditor --wait")
    monkeypatch.setenv("PAGER", "mypager")
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await select(pilot, app, "zenit")
        await pilot.press("e", "v")
        path = str(Path(app.root) / "_products/en/zenit/zenit-one.md")
        assert launched == [["myeditor", "--wait", path], ["mypager", path]]


async def test_read_only_sessions_never_start_an_editor(
    collection: Path, launched: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviewtui.core.config import Config
    from reviewtui.ui.app import make_app

    monkeypatch.setenv("REVIEWTUI_READONLY", "1")
    app = make_app(collection, config=Config())
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await select(pilot, app, "zenit")
        await pilot.press("e", "v")
        assert launched == []


async def test_copy_page_url_uses_site_base_and_permalink(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await select(pilot, app, "zenit")
        await pilot.press("y")
        assert app.clipboard == "https://frieve-a.github.io/audioreview/products/en/zenit-one/"


async def test_open_page_without_a_browser_copies_instead(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await select(pilot, app, "zenit")
        await pilot.press("o")
        assert app.clipboard.endswith("/products/en/zenit-one/")


async def test_explain_key_shows_why_a_result_is_listed(app: ReviewApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("escape", "w")
        assert any("filters" in n for n in notices(app))


def cli_explanation(root: Path, query: str, path: str) -> list[str]:
    """What `reviewtui search --explain --json` says about the review at path."""
    argv = [sys.executable, "-m", "reviewtui", "search", "--root", str(root), "--explain", "--json", "--", query]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120).stdout
    return next(item["explain"] for item in json.loads(out) if item["path"] == path)


@pytest.mark.parametrize(("query", "flip"), [("acme x1", False), ("acme x1", True), ("dac price<500 boltt", False)])
async def test_explain_key_says_what_search_explain_says(app: ReviewApp, query: str, flip: bool) -> None:
    """`w` on a row (a folded twin pair; its other language; a typo and a filter) shows the lines
    the CLI prints for that review, never "No explanation given."."""
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await select(pilot, app, query)
        if flip:
            await pilot.press("t")
        hit = app.main.results_list.highlighted
        assert hit is not None and (hit.twin is not None or not flip)
        await pilot.press("w")
        shown = notices(app)[-1]
    expected = cli_explanation(app.root, query, hit.review.path)
    assert len(expected) >= 2 and expected[-1].startswith("total ")
    assert shown.splitlines() == expected
