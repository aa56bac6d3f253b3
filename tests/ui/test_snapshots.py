"""SVG snapshots of the browser on the demo content (content/) at 80x24, 100x30 and 120x40.

Each test's docstring says what the picture must show; review changes in the HTML report and
update deliberately with `pytest tests/ui/test_snapshots.py --snapshot-update` (content/ changes
move these pictures too). Settings come from a fixed Config and a private config folder, the
cache is off, the search box cursor does not blink, and every deferred update is done before
the picture is taken.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

import pytest
from textual.pilot import Pilot

from reviewtui.core.config import Config
from reviewtui.core.paths import demo_content
from reviewtui.ui.app import ReviewApp, make_app
from tests.ui.conftest import ready

SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The status line says how long loading took: always "0.0 s" in pictures."""
    monkeypatch.setattr("reviewtui.ui.screens.loading.time.perf_counter", lambda: 0.0)


def demo(config: Config | None = None) -> ReviewApp:
    return make_app(demo_content(), config=config or Config())


def steps(*keys: str, settle: bool = True) -> Callable[[Pilot[int]], Awaitable[None]]:
    """Wait for the catalog, press keys (waiting for each search), then wait again."""

    async def run_before(pilot: Pilot[int]) -> None:
        await ready(pilot)
        for key in keys:
            await pilot.press(key)
            await ready(pilot)
        if settle:
            await ready(pilot)

    return run_before


def typed(text: str) -> Iterable[str]:
    return ["space" if c == " " else c for c in text]


def test_start_80x24(snap_compare: SnapCompare) -> None:
    """80x24 after loading: the search box on top with its placeholder and "62 matches" beside it,
    the filter line (sort relevance, en+ja, all), column titles Name/Company/Lang/Price/Score, the
    list from Audio-Technica down with ▶ on the first row, en/ja on folded twins, prices with $ and
    score bars; the status line "89 reviews from 89 files in 0.0 s · no problems"; the footer keys.
    No tag panel and no detail pane at this width."""
    assert snap_compare(demo(), terminal_size=(80, 24), run_before=steps())


def test_typed_query_80x24(snap_compare: SnapCompare) -> None:
    """80x24 after typing "dt 770": the Beyerdynamic DT 770 PRO on top with the matched letters
    bold and underlined, the count beside the search box, the position 1/N at the right."""
    assert snap_compare(demo(), terminal_size=(80, 24), run_before=steps(*typed("dt 770")))


def test_tags_panel_100x30(snap_compare: SnapCompare) -> None:
    """100x30: the tag panel on the left ("Tags" border, "[ ] Headphones 22" and other tags with
    counts for all results), the list beside it; no detail pane yet."""
    assert snap_compare(demo(), terminal_size=(100, 30), run_before=steps())


def test_two_tags_ticked_100x30(snap_compare: SnapCompare) -> None:
    """100x30 with DAC and Budget ticked: both at the top of the tag panel as "[x]", its border
    says "2 ticked", the filter line says "tags: DAC + Budget", and the list only holds reviews
    tagged with both."""

    async def run_before(pilot: Pilot[int]) -> None:
        await ready(pilot)
        app = pilot.app
        assert isinstance(app, ReviewApp)
        from reviewtui.ui.widgets.tag_filter import TagFilter

        tags = app.main.query_one(TagFilter)
        tags.focus()
        for tag in ("DAC", "Budget"):
            tags.move_cursor(tags.values.index(tag))
            await pilot.press("space")
            await ready(pilot)
        await pilot.press("escape")
        await ready(pilot)

    assert snap_compare(demo(), terminal_size=(100, 30), run_before=run_before)


def test_detail_pane_120x40(snap_compare: SnapCompare) -> None:
    """120x40 after typing "hd 600" and Enter: the list on the left, the detail pane on the right
    with the focus in it: "Sennheiser HD 600", its company, date and price, tags, summary, the six
    rating bars labelled Overall and the five criteria with their numbers, then the Overview."""
    assert snap_compare(demo(), terminal_size=(120, 40), run_before=steps(*typed("hd 600"), "enter"))


def test_sorted_by_price_120x40(snap_compare: SnapCompare) -> None:
    """120x40, products only (K), sorted by price (s pressed seven times), then g: the filter line
    says "sort: price ▲  kind: products", the Price title carries ▲, the list starts with the
    cheapest (Moondrop Chu II, $18.99) and the cursor is on it; the detail pane shows it."""
    assert snap_compare(demo(), terminal_size=(120, 40), run_before=steps("escape", "K", *["s"] * 7, "g"))


def test_detail_screen_80x24(snap_compare: SnapCompare) -> None:
    """80x24, Enter on "hd 600": the review on its own screen: the file path on top, the name,
    company, date, price, tags and summary, then the rating bars, each with its label and number."""
    assert snap_compare(demo(), terminal_size=(80, 24), run_before=steps(*typed("hd 600"), "enter"))


def test_help_80x24(snap_compare: SnapCompare) -> None:
    """80x24, `?` from the results: the Keys box over the list, starting with the focus rules
    (/ goes to the search box from anywhere, Enter opens the top result, two Esc, q and ctrl+q)."""
    assert snap_compare(demo(), terminal_size=(80, 24), run_before=steps("escape", "question_mark"))


def test_light_theme_japanese_only_80x24(snap_compare: SnapCompare) -> None:
    """80x24 in the textual-light theme with only Japanese reviews (l pressed twice): dark text on a
    light background, the filter line says "lang: ja only", every row's Lang is "ja" and the
    prices are in yen (¥13,000); company reviews show "(company)" and "—" for no price."""
    assert snap_compare(
        demo(Config(theme="textual-light")), terminal_size=(80, 24), run_before=steps("escape", "l", "l")
    )
