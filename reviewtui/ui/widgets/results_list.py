"""The results list (a LineList of hits: only visible rows painted, only changed cells resent)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.reactive import var
from textual.strip import Strip
from textual.widget import Widget

from reviewtui.core.search.results import Hit, Results
from reviewtui.ui.commands import bindings
from reviewtui.ui.widgets.line_list import LineList
from reviewtui.ui.widgets.row_format import Columns, RowStyles, header_text, render_row


class ResultsHeader(Widget):
    """Column titles over the list; the sorted column carries an arrow."""

    sort: var[str] = var("relevance")
    descending: var[bool] = var(True)

    def render(self) -> Content:
        # The rows are two cells narrower: the cursor gutter sits left of them.
        return Content(header_text(Columns.fit(self.size.width - 2), self.sort, self.descending))

    def watch_sort(self) -> None:
        self.refresh()

    def watch_descending(self) -> None:
        self.refresh()


class CursorGutter(Widget):
    """The ▶ beside the cursor row (so the cursor never rests on colour alone).

    A widget of its own: when typing changes every row, the rows are resent from their first cell,
    and this column is not part of them.
    """

    def __init__(self, listing: ResultsList, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.listing = listing
        listing.cursor_gutter = self

    def render_line(self, y: int) -> Strip:
        listing = self.listing
        if listing.hits and listing.cursor_screen_row == y:
            return Strip([Segment("▶ ", listing.cursor_style)], 2).adjust_cell_length(self.size.width, self.rich_style)
        return Strip.blank(self.size.width, self.rich_style)

    def refresh_row(self, y: int | None) -> None:
        if y is not None:
            self.refresh(Region(0, y, self.size.width, 1))


class ResultsList(LineList):
    """Ranked hits, one row each: name (matches highlighted), company, language, price, score."""

    COMPONENT_CLASSES = {
        "results-list--cursor",
        "results-list--cursor-blurred",
        "results-list--match",
        "results-list--score-high",
        "results-list--score-mid",
        "results-list--score-low",
    }

    BINDINGS: list[BindingType] = bindings("results")

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another review (None when the list is empty)."""

        results_list: ResultsList
        hit: Hit | None

        @property
        def control(self) -> ResultsList:
            return self.results_list

    @dataclass
    class Selected(Message):
        """Enter (or a double click) on a row."""

        results_list: ResultsList
        hit: Hit

        @property
        def control(self) -> ResultsList:
            return self.results_list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.hits: tuple[Hit, ...] = ()
        self.placeholder = "Loading…"
        """Shown on the first row when there are no hits."""
        self._styles: RowStyles | None = None
        self._last_posted: str | None = None
        self.cursor_gutter: CursorGutter | None = None
        self._gutter_row: int | None = None

    @property
    def highlighted(self) -> Hit | None:
        return self.hits[self.cursor] if 0 <= self.cursor < len(self.hits) else None

    def show(self, results: Results, *, keep: bool = False, placeholder: str = "No matches.") -> None:
        """Replace the hits. With keep (a new sort or filter), a cursor the user moved off the top
        stays on its review when that is still listed; otherwise the cursor goes to the top."""
        previous = self.highlighted if self.cursor > 0 else None
        self.hits = results.hits
        self.placeholder = placeholder
        cursor = 0
        if keep and previous is not None:
            path = previous.review.path
            cursor = next((i for i, h in enumerate(self.hits) if h.review.path == path), 0)
        self.rows_changed(cursor)
        self._post_highlighted()

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        if not self.hits:
            self.refresh_rows()

    def replace_hit(self, index: int, hit: Hit) -> None:
        """Swap one row (the twin toggle), keeping everything else as it is."""
        if 0 <= index < len(self.hits):
            self.hits = (*self.hits[:index], hit, *self.hits[index + 1 :])
            self.refresh_rows()
            self._post_highlighted()

    # ------------------------------------------------------------------ rows

    @property
    def row_count(self) -> int:
        return len(self.hits)

    def row_key(self, index: int) -> Hashable:
        if index >= len(self.hits):
            return ("placeholder", self.placeholder) if index == 0 else None
        hit = self.hits[index]
        return (hit.review.path, hit.highlights, hit.twin.lang if hit.twin else None)

    def render_row(self, index: int, width: int, cursor: bool) -> Strip:
        styles = self._row_styles()
        if index >= len(self.hits):
            text = f" {self.placeholder}" if index == 0 else ""
            return Strip([Segment(text, styles.base)]).adjust_cell_length(width, styles.base)
        return render_row(self.hits[index], width, styles, cursor=cursor)

    def _row_styles(self) -> RowStyles:
        if self._styles is None:
            style = self.get_component_rich_style
            cursor = "results-list--cursor" if self.has_focus else "results-list--cursor-blurred"
            self._styles = RowStyles(
                base=self.rich_style,
                cursor=self.rich_style + style(cursor),
                match=style("results-list--match", partial=True),
                high=style("results-list--score-high", partial=True),
                mid=style("results-list--score-mid", partial=True),
                low=style("results-list--score-low", partial=True),
            )
        return self._styles

    def forget_styles(self) -> None:
        self._styles = None

    @property
    def cursor_screen_row(self) -> int | None:
        return self.cursor - round(self.scroll_offset.y) if self.hits else None

    @property
    def cursor_style(self) -> Style:
        return self._row_styles().cursor

    def refresh_rows(self) -> None:
        super().refresh_rows()
        if self.cursor_gutter is not None:
            row = self.cursor_screen_row
            if row != self._gutter_row:
                self.cursor_gutter.refresh_row(self._gutter_row)
                self.cursor_gutter.refresh_row(row)
                self._gutter_row = row

    def on_focus(self) -> None:
        super().on_focus()
        if self.cursor_gutter is not None:
            self.cursor_gutter.refresh_row(self.cursor_screen_row)

    def on_blur(self) -> None:
        super().on_blur()
        if self.cursor_gutter is not None:
            self.cursor_gutter.refresh_row(self.cursor_screen_row)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self.cursor_gutter is not None:
            self.cursor_gutter.refresh()
            self._gutter_row = self.cursor_screen_row

    # ------------------------------------------------------------------ messages

    def cursor_moved(self) -> None:
        self._post_highlighted()

    def _post_highlighted(self) -> None:
        hit = self.highlighted
        path = hit.review.path if hit else None
        if path != self._last_posted:
            self._last_posted = path
            self.post_message(self.Highlighted(self, hit))

    def action_select(self) -> None:
        hit = self.highlighted
        if hit is not None:
            self.post_message(self.Selected(self, hit))
