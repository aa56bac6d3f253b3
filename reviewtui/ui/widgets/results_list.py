"""The results list: a Line-API view that paints only the visible rows, so 100k hits cost nothing.

When the hits change (a keystroke), only the rows whose content changed are repainted: over SSH
that is the difference between a few hundred bytes and a full screen per key.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from reviewtui.core.search import Hit, Results
from reviewtui.ui.widgets.row_format import Columns, RowStyles, header_text, render_row


class ResultsHeader(Widget):
    """Column titles over the list; the sorted column carries an arrow."""

    sort: var[str] = var("relevance")
    descending: var[bool] = var(True)

    def render(self) -> str:
        return header_text(Columns.fit(self.size.width), self.sort, self.descending)

    def watch_sort(self) -> None:
        self.refresh()

    def watch_descending(self) -> None:
        self.refresh()


class ResultsList(ScrollView, can_focus=True):
    """Ranked hits, one row each: name (matches highlighted), company, language, score, price."""

    COMPONENT_CLASSES = {
        "results-list--cursor",
        "results-list--cursor-blurred",
        "results-list--match",
        "results-list--score-high",
        "results-list--score-mid",
        "results-list--score-low",
    }

    BINDINGS: list[BindingType] = [
        Binding("down,j", "cursor_down", "Down", id="results.down", tooltip="Next result.", show=False),
        Binding("up,k", "cursor_up", "Up", id="results.up", tooltip="Previous result.", show=False),
        Binding("home,g", "first", "Top", id="results.first", tooltip="First result.", show=False),
        Binding("end,G", "last", "Bottom", id="results.last", tooltip="Last result.", show=False),
        Binding("pagedown", "page_down", "Page down", id="results.page_down", tooltip="One page down.", show=False),
        Binding("pageup", "page_up", "Page up", id="results.page_up", tooltip="One page up.", show=False),
        Binding("enter", "select", "Open", id="results.open", tooltip="Open the highlighted review."),
    ]

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
        self.cursor = 0
        self.placeholder = "Loading…"
        """Shown on the first row when there are no hits."""
        self._painted: dict[int, Hashable] = {}
        """What each screen row shows now, so an update repaints only rows that differ."""
        self._strips: LRUCache[Hashable, Strip] = LRUCache(1024)
        self._styles: RowStyles | None = None
        self._last_posted: str | None = None

    # ------------------------------------------------------------------ state

    @property
    def highlighted(self) -> Hit | None:
        return self.hits[self.cursor] if 0 <= self.cursor < len(self.hits) else None

    def show(self, results: Results, *, keep: bool = False, placeholder: str = "No matches.") -> None:
        """Replace the hits. With keep, the cursor stays on the same review when it is still listed."""
        previous = self.highlighted
        self.hits = results.hits
        self.placeholder = placeholder
        cursor = 0
        if keep and previous is not None:
            path = previous.review.path
            cursor = next((i for i, h in enumerate(self.hits) if h.review.path == path), 0)
        self.cursor = cursor
        self._set_height(len(self.hits))
        self._scroll_to_cursor()
        self._repaint_changed()
        self._post_highlighted()

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        if not self.hits:
            self._repaint_changed()

    def replace_hit(self, index: int, hit: Hit) -> None:
        """Swap one row (the twin toggle), keeping everything else as it is."""
        if 0 <= index < len(self.hits):
            self.hits = (*self.hits[:index], hit, *self.hits[index + 1 :])
            self._repaint_changed()
            self._post_highlighted()

    def move_cursor(self, index: int) -> None:
        if not self.hits:
            return
        index = max(0, min(index, len(self.hits) - 1))
        if index != self.cursor:
            self.cursor = index
            self._scroll_to_cursor()
            self._repaint_changed()
            self._post_highlighted()

    # ------------------------------------------------------------------ painting

    def _set_height(self, rows: int) -> None:
        """Set the scrollable height without the full relayout (and full repaint) a reactive change costs."""
        size = Size(0, rows)
        if size == self.virtual_size:
            return
        scrollable = self.show_vertical_scrollbar
        self.set_reactive(Widget.virtual_size, size)
        self._refresh_scrollbars()
        if self.show_vertical_scrollbar != scrollable:
            self.refresh(layout=True)
        self._scroll_update(size)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def _scroll_to_cursor(self) -> None:
        top, height = round(self.scroll_offset.y), self._page()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, force=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, force=True)

    def _row_key(self, index: int, width: int) -> Hashable:
        if index >= len(self.hits):
            return ("placeholder", self.placeholder, width) if index == 0 else ("blank", width)
        hit = self.hits[index]
        return (
            hit.review.path,
            hit.highlights,
            hit.twin.lang if hit.twin else None,
            index == self.cursor,
            self.has_focus,
            width,
        )

    def _repaint_changed(self) -> None:
        """Refresh just the screen rows whose content differs from what was painted."""
        top = round(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        for y in range(self._page()):
            if self._painted.get(y) != self._row_key(top + y, width):
                self.refresh_line(top + y)

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        key = self._row_key(index, width)
        self._painted[y] = key
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_index(index, width)
            self._strips[key] = strip
        return strip

    def _render_index(self, index: int, width: int) -> Strip:
        styles = self._row_styles()
        if index >= len(self.hits):
            text = self.placeholder if index == 0 else ""
            return Strip([Segment(f" {text}", styles.base)]).adjust_cell_length(width, styles.base)
        return render_row(self.hits[index], width, styles, cursor=index == self.cursor)

    def _row_styles(self) -> RowStyles:
        if self._styles is None:
            style = self.get_component_rich_style
            self._styles = RowStyles(
                base=self.rich_style,
                cursor=self.rich_style
                + style("results-list--cursor" if self.has_focus else "results-list--cursor-blurred"),
                match=style("results-list--match", partial=True),
                high=style("results-list--score-high", partial=True),
                mid=style("results-list--score-mid", partial=True),
                low=style("results-list--score-low", partial=True),
            )
        return self._styles

    def _forget_paint(self) -> None:
        self._styles = None
        self._strips.clear()
        self._painted.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_paint()

    def on_resize(self, event: events.Resize) -> None:
        self._painted.clear()
        self._set_height(len(self.hits))

    def on_focus(self) -> None:
        self._styles = None
        self._repaint_changed()

    def on_blur(self) -> None:
        self._styles = None
        self._repaint_changed()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._painted.clear()

    # ------------------------------------------------------------------ messages

    def _post_highlighted(self) -> None:
        hit = self.highlighted
        path = hit.review.path if hit else None
        if path != self._last_posted:
            self._last_posted = path
            self.post_message(self.Highlighted(self, hit))

    def repost_highlighted(self) -> None:
        """Announce the highlighted hit again (after a twin swap, the same row shows another file)."""
        self._last_posted = None
        self._post_highlighted()

    # ------------------------------------------------------------------ actions

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.hits) - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + self._page())

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - self._page())

    def action_select(self) -> None:
        hit = self.highlighted
        if hit is not None:
            self.post_message(self.Selected(self, hit))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_offset.y) + offset.y
        if index < len(self.hits):
            self.move_cursor(index)
            if event.chain >= 2:
                self.action_select()
