"""How one result row looks: column widths for a given width, and the row painted as a Strip.

Pure functions of (hit, width, styles), so they are cheap to cache and easy to test.
File text only ever becomes Segment text here, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from reviewtui.core.search.results import Hit

_EIGHTHS = " ▏▎▍▌▋▊▉█"
SCORE_BAR = 5
"""Cells of the small overall-score bar (one cell per point of 0..5)."""


@dataclass(frozen=True, slots=True)
class Columns:
    """Cell widths of each column; 0 hides a column."""

    name: int
    company: int
    lang: int
    score: int
    price: int

    @classmethod
    def fit(cls, width: int) -> Columns:
        lang, score = 5, 4 + SCORE_BAR
        price = 11 if width >= 56 else 0
        company = 16 if width >= 90 else 12 if width >= 64 else 0
        fixed = lang + 1 + score + 1 + (price + 1 if price else 0) + (company + 1 if company else 0)
        return cls(max(4, width - fixed), company, lang, score, price)


@dataclass(frozen=True, slots=True)
class RowStyles:
    base: Style
    cursor: Style
    match: Style
    high: Style
    mid: Style
    low: Style


def fit_text(text: str, width: int) -> tuple[str, bool]:
    """Cut text to at most width cells; True when it was cut (an ellipsis is then added)."""
    if cell_len(text) <= width:
        return text, False
    out, used = [], 0
    for char in text:
        size = get_character_cell_size(char)
        if used + size > width - 1:
            break
        out.append(char)
        used += size
    return "".join(out) + "…", True


def pad(text: str, width: int, *, right: bool = False) -> str:
    text, _ = fit_text(text, width)
    gap = " " * (width - cell_len(text))
    return gap + text if right else text + gap


def score_bar(value: float, cells: int = SCORE_BAR, top: float = 5.0) -> str:
    """A bar whose length reads without colour: value/top of `cells`, in eighths."""
    eighths = round(max(0.0, min(value, top)) / top * cells * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (_EIGHTHS[part] if part else "")
    return bar + " " * (cells - len(bar))


def score_style(value: float, styles: RowStyles) -> Style:
    return styles.high if value >= 3.5 else styles.mid if value >= 2.5 else styles.low


def name_segments(name: str, highlights: tuple[int, ...], width: int, base: Style, match: Style) -> list[Segment]:
    """The name cut to width cells, matched characters in the match style, padded to width."""
    shown, cut = fit_text(name, width)
    if cut:
        shown = shown[:-1]
    marked = set(highlights)
    segments: list[Segment] = []
    run: list[str] = []
    run_matched = False
    for index, char in enumerate(shown):
        matched = index in marked
        if run and matched != run_matched:
            segments.append(Segment("".join(run), base + match if run_matched else base))
            run = []
        run.append(char)
        run_matched = matched
    if run:
        segments.append(Segment("".join(run), base + match if run_matched else base))
    used = cell_len(shown)
    tail = ("…" if cut else "") + " " * (width - used - (1 if cut else 0))
    segments.append(Segment(tail, base))
    return segments


def render_row(hit: Hit, width: int, styles: RowStyles, *, cursor: bool) -> Strip:
    """One row, exactly width cells wide (the ▶ beside the cursor row is drawn by CursorGutter).

    Every style change costs an escape sequence on the wire (about 40 bytes in truecolor), so a
    row has few: the name (plus its matched characters), then the rest in one run, then the bar.
    The name starts the row because Textual resends a changed row from its first cell: a new
    highlighted letter then costs the name up to that letter, nothing before it.
    """
    cols = Columns.fit(width)
    review = hit.review
    base = styles.cursor if cursor else styles.base
    segments = name_segments(review.target_name, hit.highlights, cols.name, base, styles.match)
    rest = []
    if cols.company:
        rest.append(pad("(company)" if review.kind == "company" else review.company_id, cols.company))
    rest.append(pad(review.lang + ("/" + hit.twin.lang if hit.twin else ""), cols.lang))
    if cols.price:
        rest.append(pad(review.price.format() if review.price else "—", cols.price, right=True))
    overall = review.rating.overall
    rest.append(f"{overall:3.1f} ")
    segments.append(Segment(" " + " ".join(rest), base))
    segments.append(Segment(score_bar(overall), base + score_style(overall, styles)))
    return Strip(Segment.simplify(segments)).adjust_cell_length(width, base)


def _cells(strip: Strip) -> list[tuple[str, Style | None]]:
    """One (character, style) per cell; the second cell of a wide character holds ''."""
    cells: list[tuple[str, Style | None]] = []
    for text, style, _ in strip:
        for char in text:
            cells.append((char, style))
            if get_character_cell_size(char) == 2:
                cells.append(("", style))
    return cells


def changed_span(old: Strip, new: Strip) -> tuple[int, int] | None:
    """The cells [start, end) where two rows differ, or None when they look the same."""
    if old == new:
        return None
    a, b = _cells(old), _cells(new)
    if len(a) != len(b):
        return 0, max(len(a), len(b))
    differ = [i for i in range(len(a)) if a[i] != b[i]]
    if not differ:
        return None
    start, end = differ[0], differ[-1] + 1
    # Never split a wide character: widen over its second cell (or back to its first).
    if start > 0 and (a[start][0] == "" or b[start][0] == ""):
        start -= 1
    if end < len(a) and (a[end][0] == "" or b[end][0] == ""):
        end += 1
    return start, end


def header_text(cols: Columns, sort: str, descending: bool) -> str:
    """The column titles, with an arrow on the column the list is sorted by."""
    arrow = " ▼" if descending else " ▲"

    def title(name: str, key: str) -> str:
        return name + (arrow if sort == key else "")

    parts = ["  " + pad(title("Name", "name"), cols.name)]
    if cols.company:
        parts.append(pad("Company", cols.company))
    parts.append(pad("Lang", cols.lang))
    if cols.price:
        parts.append(pad(title("Price", "price"), cols.price, right=True))
    parts.append(pad(title("Score", "overall"), cols.score))
    return " ".join(parts)
