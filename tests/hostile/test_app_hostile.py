"""The whole app on the hostile corpus (Pilot): everything good is listed, every problem is counted
and listed, and nothing a file holds is painted as markup or reaches the terminal as a control."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from reviewtui.core.catalog import Catalog
from reviewtui.core.config import Config
from reviewtui.ui.app import ReviewApp, make_app
from reviewtui.ui.screens.problems import ProblemsScreen
from tests.hostile.corpus import HOSTILE_CLEAN, UNSAFE, Corpus
from tests.ui.conftest import ready
from tests.ui.detail_harness import painted_text, screen_text


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's config or cache, or starts a real editor or browser."""
    monkeypatch.setenv("REVIEWTUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("REVIEWTUI_BROWSER", "0")
    monkeypatch.delenv("REVIEWTUI_READONLY", raising=False)
    for name in ("EDITOR", "VISUAL", "PAGER"):
        monkeypatch.delenv(name, raising=False)


def listed_paths(app: ReviewApp) -> set[str]:
    """Every review the results list holds, twins folded into a row included."""
    results = app.main.results
    assert results is not None
    paths: set[str] = set()
    for i in range(len(results.hits)):
        hit = results.hits[i]
        paths.add(hit.review.path)
        if hit.twin is not None:
            paths.add(hit.twin.path)
    return paths


def assert_nothing_unsafe_painted(app: ReviewApp) -> None:
    painted = painted_text(app)
    assert not UNSAFE - {"\n"} & set(painted), sorted(UNSAFE & set(painted))
    assert not any("\ud800" <= c <= "\udfff" for c in painted)


async def test_good_reviews_listed_and_problems_counted(corpus: Corpus, catalog: Catalog) -> None:
    app = make_app(corpus.root, config=Config())
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot)
        loaded = app.main.catalog
        assert loaded is not None
        assert listed_paths(app) == {c.rel for c in corpus.kept}
        errors, warnings = len(loaded.errors), len(loaded.warnings)
        assert (errors, warnings) == (len(catalog.errors), len(catalog.warnings))
        text = screen_text(app)
        assert f"{len(corpus.kept)} reviews from {len(corpus.counted)} files" in text
        assert f"⚠ {errors} errors, {warnings} warnings" in text
        assert_nothing_unsafe_painted(app)


async def search(pilot: Pilot[int], words: str) -> None:
    await pilot.press("slash")
    await pilot.press(*words)
    await ready(pilot)


async def test_hostile_title_shows_literally_in_the_list_and_the_detail(corpus: Corpus) -> None:
    app = make_app(corpus.root, config=Config())
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        await search(pilot, "zerowidth")
        results = app.main.results
        assert results is not None and results.hits[0].review.path == corpus.case("hostile-fields").rel
        listing = screen_text(app)
        assert HOSTILE_CLEAN[:40] in listing, "the title in the results list, markup and all"
        assert_nothing_unsafe_painted(app)
        await pilot.press("enter")  # opens the top result
        await ready(pilot)
        detail = screen_text(app)
        assert "[bold red]x[/] [link=file:///etc/passwd]y[/]" in detail
        assert "␛[31mred␛[0m" in detail
        assert_nothing_unsafe_painted(app)


async def test_every_review_in_the_detail_pane_is_safe(corpus: Corpus) -> None:
    """Walk the whole list with the detail beside it: each review (10,000-character title, 5,000 tags,
    a hostile file name, a hostile heading, YAML aliases...) is painted without a control character."""
    app = make_app(corpus.root, config=Config())
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        await pilot.press("escape", "g")
        results = app.main.results
        assert results is not None
        seen: set[str] = set()
        for _ in range(len(results.hits)):
            app.main.settle()  # the detail follows the highlight after a short delay; do it now
            await app.workers.wait_for_complete()
            await pilot.pause()
            review = app.main.detail.review
            assert review is not None
            seen.add(review.path)
            assert_nothing_unsafe_painted(app)
            await pilot.press("j")
        assert len(seen) == len(results.hits)


async def test_hostile_file_name_in_the_full_screen_detail(corpus: Corpus) -> None:
    """At 80 columns the detail is its own screen, headed by the file's path: the name is data too."""
    rel = corpus.case("hostile-name").rel
    app = make_app(corpus.root, config=Config())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("escape", "g")
        results = app.main.results
        assert results is not None
        row = next(i for i in range(len(results.hits)) if results.hits[i].review.path == rel)
        await pilot.press(*["j"] * row)
        await ready(pilot)
        await pilot.press("enter")
        await ready(pilot)
        assert "evil name.md" in screen_text(app) or "␛[31mevil name.md" in screen_text(app)
        assert_nothing_unsafe_painted(app)


async def test_problems_screen_lists_every_problem(corpus: Corpus, catalog: Catalog) -> None:
    app = make_app(corpus.root, config=Config())
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("escape")
        await pilot.press("exclamation_mark")
        await ready(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        table = app.screen.query_one(DataTable)
        rows = [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]
        assert len(rows) == len(catalog.problems)
        assert {(r[1], r[3]) for r in rows} == {(p.path, p.message) for p in catalog.problems} or {
            r[3] for r in rows
        } == {p.message for p in catalog.problems}
        assert_nothing_unsafe_painted(app)
        for row in range(0, len(rows), 5):  # the highlighted problem is shown in full below the table
            table.move_cursor(row=row)
            await pilot.pause()
            assert_nothing_unsafe_painted(app)
        await pilot.press("escape")
        await ready(pilot)
        assert not isinstance(app.screen, ProblemsScreen)
