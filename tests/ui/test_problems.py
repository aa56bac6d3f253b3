"""ProblemsScreen: every problem listed, the severity filter, Enter and Esc, editor hand-off."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Problem
from reviewtui.core.store.loader import load_catalog
from reviewtui.ui.screens.problems import ProblemsScreen, column_widths
from tests.helpers import front, review, write
from tests.ui.detail_harness import ProblemsApp, screen_text


@pytest.fixture
def messy(tmp_path: Path) -> Catalog:
    """Two good files, two dropped (errors), one kept with a warning."""
    write(tmp_path, "_products/en/acme/good-1.md", review(ref="good-1", permalink="/products/en/good-1/"))
    write(tmp_path, "_products/en/acme/good-2.md", review(ref="good-2", permalink="/products/en/good-2/"))
    write(tmp_path, "_products/en/acme/no-front.md", "Just text, no front matter.\n")
    write(tmp_path, "_products/en/acme/unclosed.md", "---\ntitle: x\n")
    write(tmp_path, "_products/en/acme/no-refs.md", front(ref="no-refs") + "\n## Overview\n\nShort.\n")
    catalog = load_catalog(tmp_path)
    assert catalog.errors and catalog.warnings
    return catalog


def rows(app: ProblemsApp) -> list[tuple[str, ...]]:
    table = app.screen.query_one(DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def test_every_problem_is_listed_with_path_line_severity_and_message(messy: Catalog) -> None:
    app = ProblemsApp(messy.problems, messy.root)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        listed = rows(app)
        text = screen_text(app)
    assert [(r[1], r[3]) for r in listed] == [(p.path, p.message) for p in messy.problems]
    assert [r[2] for r in listed] == ["" if p.line is None else str(p.line) for p in messy.problems]
    assert {r[0] for r in listed} == {"✖ error", "▲ warning"}
    errors, warnings = len(messy.errors), len(messy.warnings)
    assert f"{errors + warnings} problems: {errors} error" in text
    assert messy.problems[0].message in text, "the highlighted problem is shown in full below the table"


async def test_f_cycles_all_errors_warnings(messy: Catalog) -> None:
    app = ProblemsApp(messy.problems, messy.root)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert len(rows(app)) == len(messy.problems)
        await pilot.press("f")
        assert {r[0] for r in rows(app)} == {"✖ error"} and len(rows(app)) == len(messy.errors)
        assert f"showing errors: {len(messy.errors)}" in screen_text(app)
        await pilot.press("f")
        assert {r[0] for r in rows(app)} == {"▲ warning"} and len(rows(app)) == len(messy.warnings)
        await pilot.press("f")
        assert len(rows(app)) == len(messy.problems)


async def test_enter_closes_with_the_highlighted_problem_and_escape_with_none(messy: Catalog) -> None:
    app = ProblemsApp(messy.problems, messy.root)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j", "enter")
        await pilot.pause()
        assert app.results == [messy.problems[1]]
        app.push_screen(ProblemsScreen(messy.problems), app.results.append)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [messy.problems[1], None]


async def test_moving_the_cursor_shows_that_problem_in_full(messy: Catalog) -> None:
    app = ProblemsApp(messy.problems, messy.root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
        full = str(app.screen.query_one("#problems-full").render())
    assert messy.problems[-1].path in full and messy.problems[-1].message in full


async def test_empty_list_says_so() -> None:
    app = ProblemsApp([])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "e")
        text = screen_text(app)
    assert "0 problems" in text and "No problems to show." in text


async def test_editor_needs_a_root_and_a_terminal(messy: Catalog) -> None:
    app = ProblemsApp(messy.problems, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        assert app.notices[-1] == ("Opening files in the editor is turned off here.", "warning")
    app = ProblemsApp(messy.problems, messy.root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        assert app.notices[-1][1] == "warning", "a headless session cannot hand the terminal over"


@pytest.mark.parametrize("width", [60, 80, 120, 250])
def test_columns_fit_the_width(width: int) -> None:
    problems = [Problem("_products/en/" + "x" * 80 + ".md", 1, "warning", "m")]
    widths = column_widths(problems, width)
    assert sum(widths.values()) + 8 + 2 <= max(width, 9 + 5 + 12 + 16 + 10)
    assert widths["path"] <= max(12, width // 3)
