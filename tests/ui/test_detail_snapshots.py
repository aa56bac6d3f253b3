"""SVG snapshots of the review detail and problems screens (pytest-textual-snapshot).

Update deliberately with `pytest tests/ui/test_detail_snapshots.py --snapshot-update` and review
the pictures in the HTML report; each docstring says what the picture must show.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from reviewtui.core.catalog import Catalog
from reviewtui.core.store.loader import load_catalog
from tests.helpers import front, review, write
from tests.ui.detail_harness import DetailScreenApp, ProblemsApp, content_catalog, settle
from tests.ui.test_detail_hostile import HOSTILE_BODY, HOSTILE_FRONT

Snap = Callable[..., bool]


def after(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot.app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot.app, pilot)

    return run_before


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return content_catalog()


def test_detail_80x24(snap_compare: Snap, catalog: Catalog) -> None:
    """Sennheiser HD 600 (en) on its own screen at 80x24.

    Top bar: the file path. Then "Sennheiser HD 600"; "by Sennheiser · 2025-03-14 · $399 USD ·
    English · 日本語 too (t)"; the tags; the two-line summary; six labelled bars with their numbers:
    Overall 3.8/5, Scientific Validity 0.8, Technology Level 0.6 (shorter bar, mid colour),
    Cost-Performance 0.7, Reliability & Support 0.9 (longest), Rationality of Design Philosophy 0.8.
    Below them the start of "Overview". Footer: c Company, t Language, r Refs, o Open page,
    y Copy URL, esc Back. No `$$ \\Large` line anywhere.
    """
    assert snap_compare(DetailScreenApp(catalog), terminal_size=(80, 24), run_before=after())


def test_detail_120x40(snap_compare: Snap, catalog: Catalog) -> None:
    """The same review at 120x40: header and bars, then Overview and Scientific Validity with its
    own 0.8 bar under the heading (no raw score line), and the start of Technology Level."""
    assert snap_compare(DetailScreenApp(catalog), terminal_size=(120, 40), run_before=after())


def test_detail_ja_twin_80x24(snap_compare: Snap, catalog: Catalog) -> None:
    """After `t`: the Japanese twin. Path _products/ja/...; "¥55,000 JPY · 日本語 · English too (t)";
    bars labelled 総合評価, 科学的有効性, 技術レベル, コストパフォーマンス, 信頼性・サポート,
    設計思想の合理性 with the same numbers as the English review; then 概要."""
    assert snap_compare(DetailScreenApp(catalog), terminal_size=(80, 24), run_before=after("t"))


def test_detail_references_80x24(snap_compare: Snap, catalog: Catalog) -> None:
    """After `r` then `down`: scrolled to the end, the References heading and the numbered list
    with URLs underlined; reference [2] highlighted. Footer now offers o Open link, y Copy link."""
    assert snap_compare(DetailScreenApp(catalog), terminal_size=(80, 24), run_before=after("r", "down"))


def test_detail_company_120x40(snap_compare: Snap, catalog: Catalog) -> None:
    """After `c`: the Sennheiser company review. "Company review · N products here (p)" in the
    meta line; bars; Overview; each criterion section with its bar. Footer offers p Products and
    no c Company (this is the company)."""
    assert snap_compare(DetailScreenApp(catalog), terminal_size=(120, 40), run_before=after("c"))


def test_detail_hostile_80x24(snap_compare: Snap, tmp_path: Path) -> None:
    """A review made of hostile text. The name line shows `[bold red]x[/] [link=file:///etc/passwd]y[/]
    ␛[5mblink gnp.exe` literally (not red, not a link, not blinking, not reversed); the summary shows
    `[link=file:///etc/passwd]click[/] ␛]52;c;ZXZpbA==␇ …` as text; tags `[red]tag[/] · ␛[2J ·
    zerowidth · right`; the bars look like any other review's."""
    write(tmp_path, "_products/en/acme/acme-x-1.md", HOSTILE_FRONT + HOSTILE_BODY)
    app = DetailScreenApp(load_catalog(tmp_path), "_products/en/acme/acme-x-1.md")
    assert snap_compare(app, terminal_size=(80, 24), run_before=after())


def test_problems_80x24(snap_compare: Snap, tmp_path: Path) -> None:
    """The problems screen at 80x24: a count line ("9 problems: 2 errors (file left out), 7 warnings
    (file kept) · showing all: 9"), a table with Severity (✖ error / ▲ warning, readable without
    colour), File (cut at the front, so the file name shows: "…/acme/no-front.md"), Line and
    Message, the first row highlighted, its full path, line and message below the table, and a
    footer with esc Back, f Severity, e Edit, v Pager."""
    write(tmp_path, "_products/en/acme/good.md", review(ref="good"))
    write(tmp_path, "_products/en/acme/no-front.md", "Just text, no front matter.\n")
    write(tmp_path, "_products/en/acme/unclosed.md", "---\ntitle: x\n")
    write(tmp_path, "_products/en/acme/no-refs.md", front(ref="no-refs") + "\n## Overview\n\nShort.\n")
    catalog = load_catalog(tmp_path)
    assert snap_compare(ProblemsApp(catalog.problems, catalog.root), terminal_size=(80, 24))


def test_problems_warnings_only_80x24(snap_compare: Snap, tmp_path: Path) -> None:
    """After `f` twice: only the ▲ warning rows; the count line ends "showing warnings: N"."""
    write(tmp_path, "_products/en/acme/no-front.md", "Just text, no front matter.\n")
    write(tmp_path, "_products/en/acme/no-refs.md", front(ref="no-refs") + "\n## Overview\n\nShort.\n")
    catalog = load_catalog(tmp_path)
    app = ProblemsApp(catalog.problems, catalog.root)
    assert snap_compare(app, terminal_size=(80, 24), press=["f", "f"])
