"""A keyboard list drawn with the Line API that resends only the cells that changed.

Only visible rows are ever rendered (100k rows cost nothing), and when the rows change (a
keystroke in the search box, new tag counts) each screen row is compared with what was painted:
unchanged rows are not sent at all, changed ones only from their first to their last differing
cell. Over SSH that is a few hundred bytes per keystroke instead of a screenful.

Subclasses say how many rows there are, what identifies a row's content, and how to draw it.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from reviewtui.ui.commands import bindings
from reviewtui.ui.widgets.row_format import changed_span


class LineList(ScrollView, can_focus=True):
    """Rows with a cursor; j/k, arrows, g/G, page keys and clicks move it."""

    BINDINGS: list[BindingType] = bindings("list")

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.cursor = 0
        self._painted: dict[int, tuple[Hashable, Strip]] = {}
        """What each screen row shows now: (content key, strip)."""
        self._strips: LRUCache[Hashable, Strip] = LRUCache(1024)

    # ------------------------------------------------------------------ for subclasses

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def row_key(self, index: int) -> Hashable:
        """What row `index` shows (the cursor, focus and width are added here)."""
        raise NotImplementedError

    def render_row(self, index: int, width: int, cursor: bool) -> Strip:
        """Row `index`, exactly width cells; index may be past the end (draw a blank or a hint)."""
        raise NotImplementedError

    def cursor_moved(self) -> None:
        """Called after the cursor moved to another row."""

    def forget_styles(self) -> None:
        """Called when the theme, the CSS or the focus changed: drop cached styles."""

    # ------------------------------------------------------------------ cursor

    def move_cursor(self, index: int) -> None:
        if not self.row_count:
            return
        index = max(0, min(index, self.row_count - 1))
        if index != self.cursor:
            self.cursor = index
            self.scroll_to_cursor()
            self.refresh_rows()
            self.cursor_moved()

    def rows_changed(self, cursor: int | None = None) -> None:
        """The rows were replaced: fix the height, place the cursor and resend what differs."""
        if cursor is not None:
            self.cursor = cursor
        self.cursor = max(0, min(self.cursor, self.row_count - 1))
        self._set_height(self.row_count)
        self.scroll_to_cursor()
        self.refresh_rows()

    def page_size(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def scroll_to_cursor(self) -> None:
        top, height = round(self.scroll_offset.y), self.page_size()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, force=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, force=True)

    # ------------------------------------------------------------------ painting

    def _set_height(self, rows: int) -> None:
        """Set the scrollable height without the relayout (which repaints everything) a reactive causes."""
        size = Size(0, rows)
        if size == self.virtual_size:
            return
        scrollable = self.show_vertical_scrollbar
        self.set_reactive(Widget.virtual_size, size)
        self._refresh_scrollbars()
        if self.show_vertical_scrollbar != scrollable:
            self.refresh(layout=True)
        self._scroll_update(size)

    def _key(self, index: int, width: int) -> Hashable:
        return (self.row_key(index), index == self.cursor, self.has_focus, width)

    def refresh_rows(self) -> None:
        """Resend the cells that differ from what each visible row shows now."""
        top = round(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        for y in range(self.page_size()):
            key = self._key(top + y, width)
            painted = self._painted.get(y)
            if painted is None:
                self.refresh(Region(0, y, width, 1))
            elif painted[0] != key:
                span = changed_span(painted[1], self._strip(top + y, key, width))
                if span is not None:
                    self.refresh(Region(span[0], y, span[1] - span[0], 1))

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        key = self._key(index, width)
        strip = self._strip(index, key, width)
        self._painted[y] = (key, strip)
        return strip

    def _strip(self, index: int, key: Hashable, width: int) -> Strip:
        strip = self._strips.get(key)
        if strip is None:
            strip = self.render_row(index, width, index == self.cursor).adjust_cell_length(width)
            self._strips[key] = strip
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.forget_styles()
        self._strips.clear()
        self._painted.clear()

    def on_resize(self, event: events.Resize) -> None:
        self._painted.clear()
        self._set_height(self.row_count)

    def on_focus(self) -> None:
        self.forget_styles()
        self.refresh_rows()

    def on_blur(self) -> None:
        self.forget_styles()
        self.refresh_rows()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._painted.clear()

    # ------------------------------------------------------------------ keys and mouse

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.row_count - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + self.page_size())

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - self.page_size())

    def action_select(self) -> None:
        """Enter on the cursor row."""

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_offset.y) + offset.y
        if index < self.row_count:
            self.move_cursor(index)
            self.clicked(index, event.chain)

    def clicked(self, index: int, chain: int) -> None:
        """A click on row index (chain 2 for a double click)."""
        if chain >= 2:
            self.action_select()
