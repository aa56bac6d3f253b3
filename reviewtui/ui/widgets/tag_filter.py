"""The tag panel: tags of the current results with counts; several can be ticked (AND)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import SelectionList
from textual.widgets.selection_list import Selection

SHOWN = 300
"""Most tags listed; the rest are reachable with `tag:` in the search box or the palette."""


def tag_key(tag: str) -> str:
    return tag.casefold()


class TagFilter(SelectionList[str]):
    """Space or Enter ticks a tag; ticked tags stay at the top."""

    BINDINGS: list[BindingType] = [
        Binding("enter", "select", "Tick", id="tags.tick", tooltip="Tick or untick the highlighted tag.", show=False),
        Binding("j", "cursor_down", "Down", id="tags.down", tooltip="Next tag.", show=False),
        Binding("k", "cursor_up", "Up", id="tags.up", tooltip="Previous tag.", show=False),
    ]

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
        self._shown: tuple[tuple[str, int], ...] = ()

    def show(self, counts: Sequence[tuple[str, int]], ticked: Sequence[str]) -> None:
        """List ticked tags first, then the most used ones, each with its count in the results."""
        ticked_keys = {tag_key(t) for t in ticked}
        count_of = {tag_key(t): n for t, n in counts}
        first = [(t, count_of.get(tag_key(t), 0)) for t in ticked]
        rest = [(t, n) for t, n in counts if tag_key(t) not in ticked_keys][: max(0, SHOWN - len(first))]
        shown = tuple(first + rest)
        if shown == self._shown and set(self.selected) == ticked_keys:
            return
        self._shown = shown
        highlighted = self.highlighted
        current = self.get_option_at_index(highlighted).value if highlighted is not None and self.option_count else None
        with self.prevent(SelectionList.SelectedChanged):
            self.clear_options()
            self.add_options(
                Selection(Content.assemble(tag, (f"  {n}", "dim")), tag_key(tag), tag_key(tag) in ticked_keys)
                for tag, n in shown
            )
        if current is not None:
            index = next((i for i, (t, _) in enumerate(shown) if tag_key(t) == current), None)
            self.highlighted = index if index is not None else (0 if shown else None)
        self.border_subtitle = f"{len(ticked)} ticked" if ticked else (f"{len(counts)}" if counts else "")

    def tag_for(self, key: str) -> str:
        return next((t for t, _ in self._shown if tag_key(t) == key), key)

    @on(SelectionList.SelectedChanged)
    def _changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        self.post_message(self.Changed(self, tuple(self.tag_for(k) for k in self.selected)))
