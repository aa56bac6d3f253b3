"""Command palette (ctrl+p): the key commands that work here, choices of the view, and tags.

`KeyCommands` lists the commands of the table (`ui/commands.py`) whose keys are active on the
screen the palette was opened from, so the palette offers what the keys do, named as in the
help screen. `ViewCommands` offers each sort, language and kind directly; `TagCommands` each
tag of the current results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.dom import DOMNode

from reviewtui.core.search.sorts import SORTS
from reviewtui.ui.commands import BY_ID, COMMANDS
from reviewtui.ui.screens.main import MainScreen
from reviewtui.ui.view_state import SORT_NAMES, View

Entry = tuple[str, str, Callable[[], object]]


def highlight(matcher: Matcher, text: str) -> Content:
    """Like Matcher.highlight, but text from files stays plain (Matcher.highlight parses markup)."""
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class _Entries(Provider):
    """A provider over a list of (name, help, callback)."""

    def entries(self) -> Iterator[Entry]:
        yield from ()

    async def discover(self) -> Hits:
        for name, help_text, callback in self.entries():
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlight(matcher, name), callback, text=name, help=help_text)


class KeyCommands(_Entries):
    """The table's commands whose keys work on this screen now, in the table's order."""

    def entries(self) -> Iterator[Entry]:
        active: dict[str, DOMNode] = {}
        for binding in self.screen.active_bindings.values():
            command = BY_ID.get(binding.binding.id or "")
            if command is not None and command.name and binding.enabled:
                active.setdefault(command.id, binding.node)
        for command in COMMANDS:
            node = active.get(command.id)
            if node is not None and command.name:
                yield command.name, command.help, partial(self.app.run_action, command.action, node)


class _MainProvider(_Entries):
    @property
    def main(self) -> MainScreen | None:
        screen = self.app.screen_stack[0] if self.app.screen_stack else None
        return screen if isinstance(screen, MainScreen) else None

    def _set_view(self, view: View) -> None:
        main = self.main
        if main is not None:
            while len(self.app.screen_stack) > 1:
                self.app.pop_screen()
            main.view = view


class ViewCommands(_MainProvider):
    """Each sort, language and kind by name (the keys only step through them)."""

    def entries(self) -> Iterator[Entry]:
        main = self.main
        if main is None:
            return
        view = main.view
        for sort in SORTS:
            if sort != view.sort:
                yield (
                    f"Sort by {SORT_NAMES[sort]}",
                    "Reorder the results.",
                    partial(self._set_view, replace(view, sort=sort, descending=None)),
                )
        for lang, label in ((None, "both languages"), ("en", "English only"), ("ja", "Japanese only")):
            if lang != view.only_lang:
                yield (f"Show {label}", "Language filter.", partial(self._set_view, replace(view, only_lang=lang)))
        for kind, label in (
            (None, "products and companies"),
            ("product", "products only"),
            ("company", "companies only"),
        ):
            if kind != view.kind:
                yield (f"Show {label}", "Kind filter.", partial(self._set_view, replace(view, kind=kind)))
        for lang, label in ((None, "the query's language"), ("en", "English"), ("ja", "Japanese")):
            if lang != view.lang:
                yield (
                    f"Prefer {label} for twins",
                    "Which language a twin row shows.",
                    partial(self._set_view, replace(view, lang=lang)),
                )


class TagCommands(_MainProvider):
    """`Tag: DAC (12)` for each tag of the current results: choosing one adds it to the filters.

    Searched for only, never listed: thousands of tags would bury the commands."""

    async def search(self, query: str) -> Hits:
        main = self.main
        if main is None or main.results is None:
            return
        matcher = self.matcher(query)
        view = main.view
        ticked = {t.casefold() for t in view.tags}
        for tag, count in main.results.tag_counts()[:2000]:
            name = f"Tag: {tag}"
            score = matcher.match(name)
            if score > 0:
                verb = "Remove the filter" if tag.casefold() in ticked else f"Narrow to {count} results"
                yield Hit(
                    score, highlight(matcher, name), partial(self._set_view, view.with_tag(tag)), text=name, help=verb
                )
