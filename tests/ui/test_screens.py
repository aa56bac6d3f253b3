"""Layout by width, live resize, help, problems, palette, loading progress and settings that persist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Static

from reviewtui.core.config import Config, load_config
from reviewtui.ui.app import ReviewApp, make_app
from reviewtui.ui.messages import IndexProgress
from reviewtui.ui.screens.detail import DetailScreen
from reviewtui.ui.screens.help import HelpScreen
from reviewtui.ui.screens.problems import ProblemsScreen
from reviewtui.ui.widgets.review_detail import ReviewDetail
from reviewtui.ui.widgets.status_bar import StatusBar
from reviewtui.ui.widgets.tag_filter import TagFilter
from tests.ui.conftest import ready


async def test_detail_is_a_pane_when_wide_and_a_screen_when_narrow(app: ReviewApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        main = app.main
        assert main.detail.display and main.detail.region.width > 40
        assert main.detail.review == main.results_list.highlighted.review
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not main.detail.display
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("escape")
        await pilot.resize_terminal(130, 40)
        await pilot.pause()
        assert main.detail.display


async def test_detail_pane_follows_the_cursor_at_once(collection: Path) -> None:
    """The pane's review is bound to the screen's: right after the cursor moves the pane names
    the highlighted review, and the previous review's sections are never on show under it (the
    pane says it is catching up until the new ones are rendered, once the cursor rests)."""
    shown: list[object] = []
    app = make_app(collection, config=Config())
    async with app.run_test(size=(120, 40), message_hook=shown.append) as pilot:
        await ready(pilot)
        main, detail = app.main, app.main.detail
        await pilot.press("escape")
        for _ in range(3):
            await pilot.press("down")
            hit = main.results_list.highlighted
            assert hit is not None and detail.review is hit.review and main.reading is hit.review
            assert str(detail.query_one("#review-name", Static).render()) == hit.review.target_name
            last = [m.review for m in shown if isinstance(m, ReviewDetail.Shown)][-1]
            assert last is hit.review or detail.catching_up
        await pilot.pause()
        assert detail.query_one("#detail-catching-up").display != detail.query_one("#detail-sections").display
        rendered = len({id(m) for m in shown if isinstance(m, ReviewDetail.Shown)})
        await ready(pilot)
        await pilot.pause(0.3)
        done = list({id(m): m.review for m in shown if isinstance(m, ReviewDetail.Shown)}.values())
        assert done[-1] is hit.review and not detail.catching_up
        assert detail.query_one("#detail-sections").display and not detail.query_one("#detail-catching-up").display
        assert len(done) - rendered <= 1  # the reviews passed on the way were never rendered


async def test_tag_panel_follows_width_and_f_toggles_it(app: ReviewApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        tags = app.main.query_one(TagFilter)
        assert not tags.display
        await pilot.press("escape", "f")
        await pilot.pause()
        assert tags.display and app.focused is tags
        await pilot.press("f")
        await pilot.pause()
        assert not tags.display
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not tags.display  # the user's choice wins over the width


async def test_80x24_shows_every_column_title_and_rows(app: ReviewApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        header = str(app.main.query_one("#results-header").render())
        for title in ("Name", "Company", "Lang", "Price", "Score"):
            assert title in header
        assert app.main.results_list.region.height >= 15
        # Titles stand over their columns (the two-cell cursor gutter included).
        listing = app.main.results_list
        index = next(i for i, h in enumerate(listing.hits) if h.review.kind == "product")
        hit = listing.hits[index]
        row = "  " + listing.render_line(index).text
        assert row.index(hit.review.company_id[:8]) == header.index("Company")
        assert row.index(" " + hit.review.lang) + 1 == header.index("Lang")


async def test_help_lists_every_key(app: ReviewApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-body Static").render())
        from reviewtui.ui.screens.main import MainScreen
        from reviewtui.ui.widgets.review_detail import ReviewDetail

        for binding in [*ReviewApp.BINDINGS, *MainScreen.BINDINGS, *ReviewDetail.BINDINGS]:
            assert (binding.tooltip or binding.description) in text
        for rule in ("/ goes to the search box", "two Esc", "ctrl+q always quits"):
            assert rule in text
        await pilot.press("escape")
        assert app.screen is app.main


async def test_problem_count_is_shown_and_bang_lists_them(app: ReviewApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        status = str(app.main.query_one(StatusBar).render())
        assert "1 error" in status and "press esc, then ! to list them" in status  # the search box has focus
        await pilot.press("escape")
        assert "1 error — press ! to list them" in str(app.main.query_one(StatusBar).render())
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        assert [p.path for p in app.screen.problems] == ["_products/en/acme/broken.md"]
        await pilot.press("escape")
        assert app.screen is app.main


async def test_progress_is_shown_while_indexing(app: ReviewApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.main.post_message(IndexProgress(1200, 7611))
        await pilot.pause()
        assert "1,200/7,611" in str(app.main.query_one(StatusBar).render())


async def test_first_frame_comes_before_the_catalog(collection: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Loading runs in a thread: the screen is up and typing works while the loader is still busy."""
    import threading

    gate = threading.Event()
    from reviewtui.ui.screens import loading as main_module

    real = main_module.open_library

    def slow(root, **kw):  # type: ignore[no-untyped-def]
        gate.wait(10)
        return real(root, **kw)

    monkeypatch.setattr(main_module, "open_library", slow)
    app = make_app(collection, config=Config())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.main.catalog is None
        assert "Loading" in str(app.main.results_list.render_line(0).text)
        await pilot.press(*"bolt")
        assert app.main.search_bar.value == "bolt"
        gate.set()
        await ready(pilot)
        assert app.main.results_list.hits[0].review.company_id == "bolt"


async def test_palette_runs_app_actions(app: ReviewApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"sort by price")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await ready(pilot)
        assert app.main.view.sort == "price"


async def test_palette_filters_by_tag(app: ReviewApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"tag: balanced")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await ready(pilot)
        assert app.main.view.tags == ("Balanced",)
        assert [h.review.target_name for h in app.main.results_list.hits] == ["Acme Z-9"]


async def test_settings_persist_between_runs(collection: Path, private_settings: Path) -> None:
    app = make_app(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("escape", "s", "s", "r", "L")
        await ready(pilot)
        app.theme = "nord"
        await pilot.pause()
    saved = json.loads((private_settings / "config.json").read_text())
    assert saved["sort"] == "sci" and saved["descending"] is False
    assert saved["lang"] == "en" and saved["theme"] == "nord"
    again = make_app(collection)
    async with again.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert again.theme == "nord"
        assert (again.main.view.sort, again.main.view.descending, again.main.view.lang) == ("sci", False, "en")


async def test_lang_option_overrides_but_is_not_saved(collection: Path, private_settings: Path) -> None:
    app = make_app(collection, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.main.view.lang == "ja"
        folded = next(h for h in app.main.results_list.hits if h.review.ref == "acme-x-1")
        assert folded.review.lang == "ja"
        await pilot.press("escape", "s")
        await ready(pilot)
    assert load_config().lang is None


async def test_every_builtin_theme_renders(app: ReviewApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            assert app.main.results_list.render_line(0).cell_length == app.main.results_list.size.width


async def test_an_unusable_cache_is_a_one_line_notice(
    collection: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.delenv("REVIEWTUI_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    app = make_app(collection, config=Config())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert len(app.main.results_list.hits) == 7
        messages = [str(n.message) for n in app._notifications]
        assert any("cache cannot be used" in m for m in messages)


async def test_the_persistent_cache_gives_the_same_list(
    collection: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REVIEWTUI_NO_CACHE")
    seen = []
    for _ in range(2):  # cold, then warm from the cache
        app = make_app(collection, config=Config())
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            seen.append([h.review.path for h in app.main.results_list.hits])
    assert seen[0] == seen[1] and len(seen[0]) == 7


async def test_problems_from_the_detail_screen_replace_it(app: ReviewApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is app.main


async def test_enter_on_a_warning_opens_that_review(tmp_path: Path) -> None:
    from tests.helpers import write
    from tests.ui.conftest import build_collection

    root = build_collection(tmp_path / "warned")
    text = (root / "_products/en/zenit/zenit-one.md").read_text().replace("{0.4}", "{0.5}", 1)
    write(root, "_products/en/zenit/zenit-one.md", text)  # a score line disagrees: a warning, still indexed
    app = make_app(root, config=Config())
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("escape", "exclamation_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProblemsScreen)
        warned = next(i for i, p in enumerate(screen.shown) if p.path.endswith("zenit-one.md"))
        screen.table.move_cursor(row=warned)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.review.target_name == "Zenit One"


async def test_resizing_moves_the_review_between_screen_and_pane(app: ReviewApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("escape", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        reading = app.screen.review
        await pilot.resize_terminal(130, 40)
        await pilot.pause(0.2)
        assert app.screen is app.main
        assert app.main.detail.review == reading
        assert app.main.detail.has_focus_within
        await pilot.resize_terminal(90, 30)
        await pilot.pause(0.2)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.review == reading


async def test_problems_in_the_bodies_reach_the_status_bar_once_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold load in worker processes lists the reviews from their front matter; the warnings
    the bodies hold (a score line that disagrees) join the count when the cache is written."""
    import threading

    from reviewtui.core.services.library import Library
    from reviewtui.core.store import workers as parallel
    from reviewtui.core.store.loader import load_catalog
    from tests.helpers import write
    from tests.ui.conftest import build_collection

    monkeypatch.delenv("REVIEWTUI_NO_CACHE")
    monkeypatch.setattr(parallel, "MIN_FILES_PER_JOB", 1)
    monkeypatch.setenv("REVIEWTUI_JOBS", "2")
    root = build_collection(tmp_path / "warned")
    text = (root / "_products/en/zenit/zenit-one.md").read_text().replace("{0.4}", "{0.5}", 1)
    write(root, "_products/en/zenit/zenit-one.md", text)
    expected = load_catalog(root, cache=False).problems
    assert [p.path for p in expected if p.severity == "warning"] == ["_products/en/zenit/zenit-one.md"]
    gate = threading.Event()  # holds the store back until the first results are checked
    real = Library.finish

    def finish(library: Library) -> list[str]:
        gate.wait(30)
        return real(library)

    monkeypatch.setattr(Library, "finish", finish)
    app = make_app(root, config=Config())
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(200):  # not `ready`: it waits for the load worker, held at the gate
            await pilot.pause(0.02)
            if app.main.results is not None:
                break
        line = str(app.main.query_one(StatusBar).render())
        assert "⚠ 1 error so far" in line and line.endswith("reading the bodies…")
        gate.set()
        await ready(pilot)
        for _ in range(100):  # the load worker stores the cache after the first results
            await pilot.pause(0.05)
            if app.main.query_one(StatusBar).problems == len(expected):
                break
        assert app.main.catalog is not None and app.main.catalog.problems == expected
        assert app.main.query_one(StatusBar).problems == len(expected)
        line = str(app.main.query_one(StatusBar).render())
        assert "1 error, 1 warning — press esc, then ! to list them" in line and "reading" not in line
