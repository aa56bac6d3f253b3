"""Text from files is data: markup shows literally, escapes and bidi tricks never reach the screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Problem
from reviewtui.core.store.loader import load_catalog
from reviewtui.ui.widgets.review_detail import ReviewDetail
from tests.helpers import body, front, write
from tests.ui.detail_harness import DetailApp, DetailScreenApp, ProblemsApp, painted_text, screen_text, settle

# YAML double-quoted strings turn \e, \a, \x9b and \u202e into the real characters.
HOSTILE_FRONT = front(
    title=r'"[bold red]x[/] \e[31mred\e[0m"',
    target_name=r'"[bold red]x[/] [link=file:///etc/passwd]y[/] \e[5mblink \u202Egnp.exe"',
    summary=(
        r'"[link=file:///etc/passwd]click[/] \e]52;c;ZXZpbA==\a '
        r'\e]8;;https://evil.example\e\\osc8\e]8;;\e\\ \x9b31m"'
    ),
    tags=r'["[red]tag[/]", "\e[2J", "zero\u200bwidth", "\u202Eright"]',
    company_id='"[b]acme[/b]"',
)
HOSTILE_BODY = (
    body()
    .replace("Some words about overview.", "[bold red]body[/] <script>alert(1)</script> \x1b[2J\x07 `[b]code[/b]`")
    .replace(
        "Some words about advice.", "[js](javascript:alert(1)) [f](file:///etc/passwd) <b>raw</b>\x1b]52;c;ZXZpbA==\x07"
    )
    .replace(
        '[1] Acme, "Spec sheet," https://acme.example/x-1, accessed 2025-05-01',
        "[1] [link=file:///etc/passwd]ref[/] javascript:alert(1)\n\n[2] \x1b[31mred\x1b[0m https://acme.example/ok",
    )
)

# What must never be painted: ESC, BEL, CSI (C1), bidi overrides, zero-width characters.
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\u202e", "\u202d", "\u200b", "\u2066")


@pytest.fixture
def hostile(tmp_path: Path) -> Catalog:
    write(tmp_path, "_products/en/acme/acme-x-1.md", HOSTILE_FRONT + HOSTILE_BODY)
    catalog = load_catalog(tmp_path)
    assert len(catalog.reviews) == 1, catalog.problems
    return catalog


async def test_markup_in_fields_and_body_shows_literally(hostile: Catalog) -> None:
    app = DetailApp(hostile, hostile.reviews[0])
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        detail = app.query_one(ReviewDetail)
        detail.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        text += screen_text(app)
    for literal in (
        "[bold red]x[/] [link=file:///etc/passwd]y[/]",  # target name
        "[link=file:///etc/passwd]click[/]",  # summary
        "[red]tag[/]",  # a tag
        "[b]acme[/b]",  # company id (no company review)
        "[bold red]body[/]",  # body text
        "<script>alert(1)</script>",  # raw HTML shows as text
        "<b>raw</b>",
        "[b]code[/b]",  # inline code
        "[js](javascript:alert(1))",  # not a link: markdown-it refuses the scheme
        "[link=file:///etc/passwd]ref[/] javascript:alert(1)",  # reference
    ):
        assert literal in text, literal


async def test_escapes_are_neutralised_before_they_reach_the_screen(hostile: Catalog) -> None:
    app = DetailApp(hostile, hostile.reviews[0])
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(app, pilot)
        painted = painted_text(app)
        text = screen_text(app)
        app.query_one(ReviewDetail).scroll_end(animate=False, immediate=True)
        await pilot.pause()
        painted += painted_text(app)
        text += screen_text(app)
    for char in FORBIDDEN:
        assert char not in painted, repr(char)
    assert "␛[5mblink" in text, "ESC shows as a visible control picture"
    assert "␛]52;c;ZXZpbA==␇" in text
    assert "gnp.exe" in text and "\u202egnp" not in text
    assert "zerowidth" in text


async def test_detail_screen_path_and_footer_with_hostile_review(hostile: Catalog) -> None:
    app = DetailScreenApp(hostile, hostile.reviews[0].path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        painted = painted_text(app)
        await pilot.press("c")  # company id has markup in it
        await pilot.pause()
    for char in FORBIDDEN:
        assert char not in painted, repr(char)
    assert app.notices == [("No company review for '[b]acme[/b]' in this collection.", "warning")]


async def test_long_title_and_thousands_of_tags_stay_in_bounds(tmp_path: Path) -> None:
    tags = "[" + ", ".join(f"tag{i}" for i in range(5000)) + "]"
    write(tmp_path, "_products/en/acme/acme-x-1.md", front(target_name='"' + "Long" * 2500 + '"', tags=tags) + body())
    catalog = load_catalog(tmp_path)
    app = DetailApp(catalog, catalog.reviews[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        lines = screen_text(app).splitlines()
    assert lines[0].strip().startswith("LongLong") and lines[0].strip().endswith("…"), "one line, cut with an ellipsis"
    assert "LongLong" not in lines[1]
    text = "\n".join(lines)
    assert "Overall" in text and "Rationality of Design" in text, "the bars still fit on the first screen"
    assert "tag4999" not in text


def test_tags_beyond_the_cap_are_counted() -> None:
    from reviewtui.ui.widgets.review_header import MAX_TAGS, tags_line

    line = tags_line(tuple(f"t{i}" for i in range(5000))).plain
    assert line.endswith(f"+{5000 - MAX_TAGS} more")


async def test_problem_text_shows_literally() -> None:
    problems = [
        Problem("_products/en/[b]x[/b].md", 3, "error", "[link=file:///etc/passwd]bad[/] front matter."),
        Problem("_products/en/\u241b[31m.md", None, "warning", "Title is [bold red]loud[/]."),
    ]
    app = ProblemsApp(problems)
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        painted = painted_text(app)
    assert "_products/en/[b]x[/b].md" in text
    assert "[link=file:///etc/passwd]bad[/] front matter." in text
    assert "␛[31m.md" in text
    assert "\x1b[31m" not in painted
