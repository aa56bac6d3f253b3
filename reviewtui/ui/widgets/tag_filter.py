"""The tag panel: tags of the current results with counts; several can be ticked (AND).

A LineList, so new counts after a search resend only the numbers that changed.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.message import Message
from textual.strip import Strip

from reviewtui.ui.commands import bindings
from reviewtui.ui.widgets.line_list import LineList
from reviewtui.ui.widgets.row_format import fit_text

SHOWN = 300
"""Most tags listed; the rest are reachable with `tag:` in the search box or the palette."""


def tag_key(tag: str) -> str:
    return tag.casefold()


class TagFilter(LineList):
    """`[x] DAC   14`: space, Enter or a click ticks a tag; ticked tags stay at the top."""

    COMPONENT_CLASSES = {"tag-filter--cursor", "tag-filter--cursor-blurred", "tag-filter--ticked"}

    BINDINGS: list[BindingType] = bindings("tags")

    @dataclass
    class Changed(Message):
        """The user ticked or unticked a tag; `tags` is the whole ticked set."""

        tag_filter: TagFilter
        tags: tuple[str, ...]

        @property
        def control(self) -> TagFilter:
            return self.tag_filter

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Tags"
        self.tags: tuple[tuple[str, int], ...] = ()
        self.ticked: tuple[str, ...] = ()
        self._styles: tuple[Style, Style, Style] | None = None

    @property
    def values(self) -> list[str]:
        """The listed tags, in order."""
        return [tag for tag, _ in self.tags]

    def show(self, counts: Sequence[tuple[str, int]], ticked: Sequence[str]) -> None:
        """List ticked tags first, then the most used ones, each with its count in the results."""
        ticked_keys = {tag_key(t) for t in ticked}
        count_of = {tag_key(t): n for t, n in counts}
        first = [(t, count_of.get(tag_key(t), 0)) for t in ticked]
        rest = [(t, n) for t, n in counts if tag_key(t) not in ticked_keys][: max(0, SHOWN - len(first))]
        current = self.tags[self.cursor][0] if 0 <= self.cursor < len(self.tags) else None
        self.tags, self.ticked = tuple(first + rest), tuple(ticked)
        keys = [tag_key(t) for t, _ in self.tags]
        cursor = keys.index(tag_key(current)) if current is not None and tag_key(current) in keys else 0
        self.rows_changed(cursor)
        # A border title change repaints the whole panel: only the ticked count is shown there.
        subtitle = f"{len(ticked)} ticked" if ticked else ""
        if (self.border_subtitle or "") != subtitle:
            self.border_subtitle = subtitle

    # ------------------------------------------------------------------ rows

    @property
    def row_count(self) -> int:
        return len(self.tags)

    def row_key(self, index: int) -> Hashable:
        if index >= len(self.tags):
            return None
        tag, count = self.tags[index]
        return (tag, count, tag_key(tag) in {tag_key(t) for t in self.ticked})

    def render_row(self, index: int, width: int, cursor: bool) -> Strip:
        base, cursor_style, ticked_style = self._row_styles()
        if index >= len(self.tags):
            return Strip.blank(width, base)
        tag, count = self.tags[index]
        ticked = tag_key(tag) in {tag_key(t) for t in self.ticked}
        style = cursor_style if cursor else (ticked_style if ticked else base)
        number = f" {count:,}"
        name, _ = fit_text(tag, max(1, width - 4 - len(number)))
        gap = " " * max(0, width - 4 - cell_len(name) - len(number))
        return Strip([Segment(f"{'[x]' if ticked else '[ ]'} {name}{gap}{number}", style)])

    def _row_styles(self) -> tuple[Style, Style, Style]:
        if self._styles is None:
            style = self.get_component_rich_style
            cursor = "tag-filter--cursor" if self.has_focus else "tag-filter--cursor-blurred"
            self._styles = (
                self.rich_style,
                self.rich_style + style(cursor),
                self.rich_style + style("tag-filter--ticked"),
            )
        return self._styles

    def forget_styles(self) -> None:
        self._styles = None

    # ------------------------------------------------------------------ ticking

    def action_select(self) -> None:
        if not 0 <= self.cursor < len(self.tags):
            return
        tag = self.tags[self.cursor][0]
        if tag_key(tag) in {tag_key(t) for t in self.ticked}:
            ticked = tuple(t for t in self.ticked if tag_key(t) != tag_key(tag))
        else:
            ticked = (*self.ticked, tag)
        self.ticked = ticked
        self.refresh_rows()
        self.post_message(self.Changed(self, ticked))

    def clicked(self, index: int, chain: int) -> None:
        self.action_select()
