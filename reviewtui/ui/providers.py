"""Command palette (ctrl+p): the app's actions, and tags of the current results to filter by."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from reviewtui.core.search.sorts import SORTS
from reviewtui.ui.view_state import SORT_NAMES, View

Command = tuple[str, str, Callable[[], object]]


def highlight(matcher: Matcher, text: str) -> Content:
    """Like Matcher.highlight, but text from files stays plain (Matcher.highlight parses markup)."""
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class _MainProvider(Provider):
    @property
    def _main(self):  # type: ignore[no-untyped-def]
        from reviewtui.ui.screens.main import MainScreen

        screen = self.app.screen_stack[0] if self.app.screen_stack else None
        return screen if isinstance(screen, MainScreen) else None

    def _set_view(self, view: View) -> None:
        main = self._main
        if main is not None:
            while len(self.app.screen_stack) > 1:
                self.app.pop_screen()
            main.view = view


class ReviewCommands(_MainProvider):
    """Every action of the browser, by name."""

    def commands(self) -> Iterator[Command]:
        main = self._main
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
        yield ("Reverse sort order", "Flip ascending and descending.", partial(self._set_view, view.reversed()))
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
        if view.is_filtered:
            yield ("Clear filters", "Remove tag, language and kind filters.", partial(self._set_view, view.cleared()))
        on_main = self.screen is main
        actions = [
            ("Jump to twin", "The same review in the other language.", "twin"),
            ("Jump to company review", "The company behind the highlighted product.", "company"),
            ("List the company's products", "All products of the highlighted company.", "products"),
            ("Open file in editor", "$EDITOR on the review's Markdown file.", "edit"),
            ("Open file in pager", "$PAGER on the review's Markdown file.", "pager"),
            ("Open public page", "The review on the web site.", "open_page"),
            ("Copy public page URL", "Copied with OSC 52 (works over SSH).", "copy_page"),
            ("Why did this match?", "The search's explanation for the highlighted result.", "explain"),
            ("Toggle tag panel", "Show or hide the tags.", "toggle_tags"),
        ]
        if on_main:
            for name, help_text, action in actions:
                yield (name, help_text, getattr(main, f"action_{action}"))
        yield ("Show problems", "Files that could not be read, and warnings.", self.app.action_problems)  # type: ignore[attr-defined]
        yield ("Show keys", "Every key binding.", self.app.action_help)  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlight(matcher, name), callback, text=name, help=help_text)


class TagCommands(_MainProvider):
    """`Tag: DAC (12)` for each tag of the current results: choosing one adds it to the filters."""

    async def search(self, query: str) -> Hits:
        main = self._main
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
