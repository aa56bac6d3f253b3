"""Rating bars: a label, a bar drawn with eighth blocks and the number, one row per score.

Colour only adds to what the bar length and the number already say, so the bars read the same
in 16-colour and monochrome terminals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from reviewtui.core.model import OVERALL_NAME, Review

#: Partial cells by eighths: index n draws n/8 of a cell.
EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")
FULL = "█"
#: Bars keep at least this many cells (128 steps) before labels are shortened.
MIN_BAR = 16


@dataclass(frozen=True, slots=True)
class BarRow:
    """One bar: its label (may be empty), its value and the value of a full bar."""

    label: str
    value: float
    maximum: float = 1.0

    @property
    def fraction(self) -> float:
        if self.maximum <= 0 or self.value != self.value:  # NaN draws nothing
            return 0.0
        return min(1.0, max(0.0, self.value / self.maximum))


def rows_for(review: Review) -> tuple[BarRow, ...]:
    """Overall (0..5) then the five criteria (0..1), named in the review's language."""
    overall = OVERALL_NAME.get(review.lang, OVERALL_NAME["en"])
    rows = [BarRow(overall, review.rating.overall, 5.0)]
    rows.extend(
        BarRow(name, value) for name, value in zip(review.criterion_names, review.rating.criteria, strict=False)
    )
    return tuple(rows)


def bar_text(fraction: float, width: int) -> str:
    """The filled part of a bar `width` cells wide, in eighths of a cell."""
    if width <= 0:
        return ""
    eighths = round(min(1.0, max(0.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    return FULL * full + EIGHTHS[part]


def format_score(value: float) -> str:
    """`0.8`, `0.75`, `3.8`, `1.0`: as written, at least one decimal, at most two."""
    if value != value:
        return "?"
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def tier(fraction: float) -> str:
    """The colour tier of a score: low, mid or high."""
    if fraction >= 0.7:
        return "high"
    if fraction >= 0.5:
        return "mid"
    return "low"


class RatingBars(Widget):
    """Rows of labelled score bars; set `rows` (see `rows_for`) to show a review's scores."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "rating-bars--label",
        "rating-bars--track",
        "rating-bars--number",
        "rating-bars--maximum",
        "rating-bars--low",
        "rating-bars--mid",
        "rating-bars--high",
    }

    DEFAULT_CSS = """
    RatingBars {
        height: auto;
        width: 1fr;
        & > .rating-bars--label { color: $foreground; }
        & > .rating-bars--track { background: $foreground 8%; }
        & > .rating-bars--number { text-style: bold; }
        & > .rating-bars--maximum { color: $foreground 60%; }
        & > .rating-bars--low { color: $error; }
        & > .rating-bars--mid { color: $text-warning; }
        & > .rating-bars--high { color: $success; }
    }
    """

    rows: reactive[tuple[BarRow, ...]] = reactive((), layout=True)
    """The bars to draw, top to bottom."""

    def __init__(
        self,
        rows: tuple[BarRow, ...] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(RatingBars.rows, rows)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows)  # one line per bar, whatever the width: no need to render to know

    def render(self) -> Content:
        return Content("\n").join(self.render_row(row, self.size.width) for row in self.rows)

    def _number_width(self) -> int:
        return 6 if any(r.maximum != 1.0 for r in self.rows) else 4

    def _label_width(self, width: int) -> int:
        """Whole labels when the bar keeps MIN_BAR cells; else labels give way (cut with …)."""
        longest = max((cell_len(row.label) for row in self.rows), default=0)
        if not longest:
            return 0
        return min(longest, max(8, width - self._number_width() - 2 - MIN_BAR))

    def render_row(self, row: BarRow, width: int) -> Content:
        """One row: label, bar (filled part coloured by tier, on a track) and the number."""
        label_width = self._label_width(width)
        number_width = self._number_width()
        maximum = f"/{row.maximum:g}" if row.maximum != 1.0 else ""
        numbers = Content.assemble(
            (format_score(row.value), ".rating-bars--number"), (maximum, ".rating-bars--maximum")
        )
        numbers = numbers.pad_left(max(0, number_width - numbers.cell_length))
        bar_width = max(4, width - label_width - number_width - (2 if label_width else 1))
        filled = bar_text(row.fraction, bar_width)
        bar = (
            Content(filled.ljust(bar_width))
            .stylize(".rating-bars--track")
            .stylize(f".rating-bars--{tier(row.fraction)}", 0, len(filled))
        )
        parts: list[Content | str] = []
        if label_width:
            label = Content.styled(row.label, ".rating-bars--label").truncate(label_width, ellipsis=True, pad=True)
            parts += [label, " "]
        parts += [bar, " ", numbers]
        return Content.assemble(*parts)
