"""RatingBars: bar lengths in eighths, numbers as written, labels in the review's language."""

from __future__ import annotations

import math

import pytest
from textual.app import App, ComposeResult

from reviewtui.core.model import CRITERION_NAMES
from reviewtui.ui.widgets.rating_bars import BarRow, RatingBars, bar_text, format_score, rows_for, tier
from tests.ui.detail_harness import HD600, content_catalog, screen_text


@pytest.mark.parametrize(
    ("fraction", "width", "expected"),
    [
        (0.0, 10, ""),
        (0.5, 10, "█████"),
        (1.0, 4, "████"),
        (0.55, 10, "█████▌"),  # 44 eighths: five cells and a half
        (0.0125, 10, "▏"),  # one eighth
        (1.7, 4, "████"),  # clamped
        (-0.3, 4, ""),
        (math.nan, 4, ""),
        (0.5, 0, ""),
    ],
)
def test_bar_text_draws_eighths(fraction: float, width: int, expected: str) -> None:
    assert bar_text(fraction, width) == expected


def test_bar_length_grows_with_the_score() -> None:
    lengths = [len(bar_text(value / 10, 20)) for value in range(11)]
    assert lengths == sorted(lengths) and lengths[0] == 0 and lengths[-1] == 20


@pytest.mark.parametrize(
    ("value", "text"), [(0.8, "0.8"), (0.75, "0.75"), (1, "1.0"), (3.8, "3.8"), (0, "0.0"), (4.125, "4.12")]
)
def test_format_score(value: float, text: str) -> None:
    assert format_score(value) == text


def test_format_score_of_nan() -> None:
    assert format_score(math.nan) == "?"


def test_tiers() -> None:
    assert [tier(f) for f in (0.0, 0.49, 0.5, 0.69, 0.7, 1.0)] == ["low", "low", "mid", "mid", "high", "high"]


def test_rows_for_names_the_criteria_in_the_review_language() -> None:
    catalog = content_catalog()
    en = catalog.by_path[HD600]
    ja = catalog.twin_of(en)
    assert ja is not None
    assert [row.label for row in rows_for(en)] == ["Overall", *CRITERION_NAMES["en"]]
    assert [row.label for row in rows_for(ja)] == ["総合評価", *CRITERION_NAMES["ja"]]
    assert rows_for(en)[0] == BarRow("Overall", 3.8, 5.0)
    assert [row.value for row in rows_for(en)[1:]] == [0.8, 0.6, 0.7, 0.9, 0.8]


class BarsApp(App[None]):
    def __init__(self, rows: tuple[BarRow, ...]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield RatingBars(self.rows)


@pytest.mark.parametrize("width", [40, 56, 80, 120])
async def test_each_row_holds_label_bar_and_number_within_the_width(width: int) -> None:
    rows = rows_for(content_catalog().by_path[HD600])
    app = BarsApp(rows)
    async with app.run_test(size=(width, 10)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()[: len(rows)]
    assert lines[0].startswith("Overall") and lines[0].rstrip().endswith("3.8/5")
    assert lines[1].startswith("Scientific Val") and lines[1].rstrip().endswith("0.8")
    assert lines[5].rstrip().endswith("0.8")
    if width >= 56:
        assert "Rationality of Design Philosophy" in lines[5]
    else:
        assert lines[5].startswith("Rationality of") and "…" in lines[5]
    # Bars read without colour: the 0.9 bar is longer than the 0.6 one.
    bars = [line.count("█") for line in lines[1:]]
    assert bars[3] > bars[0] > bars[2]


async def test_a_bar_without_label_is_just_bar_and_number() -> None:
    app = BarsApp((BarRow("", 0.5),))
    async with app.run_test(size=(30, 3)) as pilot:
        await pilot.pause()
        line = screen_text(app).splitlines()[0]
    assert line.startswith("█") and line.rstrip().endswith("0.5")
    assert line.count("█") == (30 - 4 - 1) // 2
