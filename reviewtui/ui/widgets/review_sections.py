"""The body of a review on screen: one view per `## ` section, and the references with a cursor.

Section text is rendered by Textual's Markdown widget with raw HTML turned off (it shows as
text) and links routed through `links.open_url`, which only opens http and https.
"""

from __future__ import annotations

from typing import ClassVar

from markdown_it import MarkdownIt
from textual import on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Markdown, OptionList, Static
from textual.widgets.option_list import Option

from reviewtui.core.model import CRITERIA, Reference, Section
from reviewtui.ui.commands import bindings
from reviewtui.ui.links import copy_url, is_safe_url, open_url
from reviewtui.ui.widgets.rating_bars import BarRow, RatingBars


def safe_parser() -> MarkdownIt:
    """Textual's default "gfm-like" parser, with raw HTML shown as text rather than dropped."""
    return MarkdownIt("gfm-like", {"html": False})


class SafeMarkdown(Markdown):
    """Markdown whose links open only when they are http(s), via `links.open_url`."""

    DEFAULT_CSS = """
    SafeMarkdown > MarkdownBlock:last-child { margin-bottom: 0; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, parser_factory=safe_parser, open_links=False)

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        open_url(self.app, event.href)


class SectionView(Vertical):
    """One section: its heading, its score as a bar when it is a criterion, its Markdown."""

    DEFAULT_CSS = """
    SectionView {
        height: auto;
        & > .section-heading { text-style: bold; color: $text-accent; margin: 1 0 0 0; }
        & > RatingBars { max-width: 64; }
        & > SafeMarkdown { padding: 0; margin: 0; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        # Kept, not queried: `show` may come before this view's compose has run (a view mounted
        # while its screen is being covered by another).
        self._heading = Static(classes="section-heading")
        self._bars = RatingBars(classes="section-score")
        self._markdown = SafeMarkdown()

    def compose(self) -> ComposeResult:
        yield self._heading
        yield self._bars
        yield self._markdown

    def show(self, section: Section) -> AwaitComplete:
        """Show a section; await the result to know the Markdown is mounted."""
        self._heading.update(Content(section.heading))
        bars = self._bars
        scored = section.score is not None and section.key in CRITERIA
        bars.display = scored
        if scored and section.score is not None:
            bars.rows = (BarRow("", section.score),)
        markdown = self._markdown
        if markdown.source == section.text:
            return AwaitComplete.nothing()
        return markdown.update(section.text)


def reference_prompt(reference: Reference) -> Content:
    """`[n] text`, with the URL underlined when it can be opened."""
    number = f"[{reference.number}] "
    content = Content.assemble((number, "bold"), reference.text)
    url = reference.url
    if url and is_safe_url(url):
        start = reference.text.find(url)
        if start >= 0:
            offset = len(number) + start
            content = content.stylize("underline $text-accent", offset, offset + len(url))
    return content


class ReferenceList(OptionList):
    """The references of a review; the highlighted one can be opened (enter, o) or copied (y)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("references")

    DEFAULT_CSS = """
    ReferenceList {
        border: none;
        padding: 0;
        margin: 0;
        background: transparent;
        max-height: 100%;
        &:focus { border: none; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.references: tuple[Reference, ...] = ()

    def set_references(self, references: tuple[Reference, ...]) -> None:
        if references == self.references:
            return
        self.references = references
        self.clear_options()
        self.add_options(Option(reference_prompt(ref)) for ref in references)
        self.highlighted = 0 if references else None

    @property
    def current(self) -> Reference | None:
        index = self.highlighted
        return self.references[index] if index is not None and 0 <= index < len(self.references) else None

    def action_open_link(self) -> None:
        reference = self.current
        if reference is not None:
            open_url(self.app, reference.url or reference.text, what=f"Reference [{reference.number}]")

    def action_copy_link(self) -> None:
        reference = self.current
        if reference is not None:
            copy_url(self.app, reference.url or reference.text, what=f"Reference [{reference.number}] link")

    @on(OptionList.OptionSelected)
    def _open_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_link()


class ReferencesView(Vertical):
    """The References section: its heading and the reference list (or Markdown when none parse)."""

    DEFAULT_CSS = """
    ReferencesView {
        height: auto;
        & > .section-heading { text-style: bold; color: $text-accent; margin: 1 0 0 0; }
        & > SafeMarkdown { padding: 0; margin: 0; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(classes="section-heading")
        yield ReferenceList()
        yield SafeMarkdown()

    def show(self, section: Section, references: tuple[Reference, ...]) -> AwaitComplete:
        self.query_one(".section-heading", Static).update(Content(section.heading))
        listing = self.query_one(ReferenceList)
        listing.set_references(references)
        listing.display = bool(references)
        markdown = self.query_one(SafeMarkdown)
        markdown.display = not references
        text = "" if references else section.text
        if markdown.source == text:
            return AwaitComplete.nothing()
        return markdown.update(text)
