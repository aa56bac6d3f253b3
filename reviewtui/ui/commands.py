"""Every key of the app, declared once.

The bindings of each screen and widget, the command palette's key commands and the help screen
are all made from `COMMANDS`, so a key, its footer label, its help text and its palette name
cannot drift apart. Binding ids never change: users' keymaps (`App.set_keymap`) and the tests
name keys by them.

This module imports no screen or widget: they import it.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType

#: Where a command applies (the class whose BINDINGS hold it), with its heading on the help screen,
#: in the order the help screen lists them.
SCOPES: dict[str, str] = {
    "app": "Anywhere",
    "search": "Search box",
    "main": "Results (act on the highlighted review)",
    "results": "Results (act on the highlighted review)",
    "list": "Moving in the results and tags",
    "tags": "Tag panel",
    "detail": "Detail (pane or screen)",
    "detail-screen": "Detail (pane or screen)",
    "references": "References (in the detail)",
    "problems": "Problems list",
    "help": "This list",
}


@dataclass(frozen=True, slots=True)
class Command:
    """One key command."""

    id: str
    """The binding id (`scope.name`)."""
    keys: str
    """Textual key names, comma-separated (`down,j`)."""
    action: str
    """The action run in the scope's node (`twin`, `sort(-1)`, `screen.focus_results`)."""
    title: str
    """The footer's short label."""
    help: str
    """One sentence: the tooltip, the help screen's line and the palette's help text."""
    scope: str
    """A key of SCOPES."""
    show: bool = True
    """Shown in the footer."""
    name: str | None = None
    """Its name in the command palette; None keeps it out (moving, closing, quitting)."""
    priority: bool = False

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            self.title,
            show=self.show,
            priority=self.priority,
            tooltip=self.help,
            id=self.id,
        )


def _c(
    scope: str,
    id: str,
    keys: str,
    action: str,
    title: str,
    help: str,
    *,
    name: str | None = None,
    show: bool = True,
    priority: bool = False,
) -> Command:
    return Command(id, keys, action, title, help, scope, show=show, name=name, priority=priority)


# One command a line (two when long): a table reads better unformatted.
# fmt: off
COMMANDS: tuple[Command, ...] = (
    # Anywhere
    _c("app", "app.quit", "ctrl+q", "quit", "Quit", "Quit, from anywhere.", show=False, priority=True),
    _c("app", "app.q", "q", "quit", "Quit", "Quit (when no text box has focus).", priority=True),
    _c("app", "app.search", "slash", "focus_search", "Search", "Go to the search box.",
        name="Go to the search box", priority=True),
    _c("app", "app.help", "question_mark", "help", "Keys", "Show every key.", name="Show keys"),
    _c("app", "app.problems", "exclamation_mark", "problems", "Problems", "List files with problems.",
        name="Show problems"),
    # The search box
    _c("search", "search.open", "enter", "submit", "Open top", "Open the top result."),
    _c("search", "search.results", "escape", "screen.focus_results", "Results", "Move to the results list."),
    _c("search", "search.down", "down", "screen.cursor_down", "Next", "Move the results cursor down.", show=False),
    _c("search", "search.up", "up", "screen.cursor_up", "Previous", "Move the results cursor up.", show=False),
    # The main screen: the highlighted review, the filters, the sort
    _c("main", "main.results", "escape", "focus_results", "Results", "Back to the results list.", show=False),
    _c("main", "main.twin", "t", "twin", "Twin", "Show the review in the other language.", name="Jump to twin"),
    _c("main", "main.company", "c", "company", "Company", "Open the company's review.", name="Jump to company review"),
    _c("main", "main.products", "p", "products", "Products", "List the products of this company.",
        name="List the company's products"),
    _c("main", "main.sort", "s", "sort", "Sort", "Sort by the next key.", name="Next sort"),
    _c("main", "main.sort_back", "S", "sort(-1)", "Sort back", "Sort by the previous key.",
        name="Previous sort", show=False),
    _c("main", "main.reverse", "r", "reverse", "Reverse", "Reverse the sort order.",
        name="Reverse sort order", show=False),
    _c("main", "main.lang", "l", "lang_filter", "Lang", "Show en and ja, only en, or only ja.",
        name="Next language filter"),
    _c("main", "main.prefer", "L", "prefer_lang", "Prefer", "Language shown for twin rows.",
        name="Next preferred twin language", show=False),
    _c("main", "main.kind", "K", "kind_filter", "Kind", "Products, companies, or both.",
        name="Next kind filter", show=False),
    _c("main", "main.tags", "f", "toggle_tags", "Tags", "Show or hide the tag panel.", name="Toggle tag panel"),
    _c("main", "main.clear", "x", "clear_filters", "Clear", "Clear tag, language and kind filters.",
        name="Clear filters"),
    _c("main", "main.edit", "e", "edit", "Edit", "Open the review's file in $EDITOR.",
        name="Open file in editor", show=False),
    _c("main", "main.pager", "v", "pager", "View", "Open the review's file in $PAGER.",
        name="Open file in pager", show=False),
    _c("main", "main.open", "o", "open_page", "Web", "Open the review's public page.",
        name="Open public page", show=False),
    _c("main", "main.copy", "y", "copy_page", "Copy URL", "Copy the public page URL (OSC 52).",
        name="Copy public page URL", show=False),
    _c("main", "main.explain", "w", "explain", "Why", "Why the highlighted review matched.",
        name="Why did this match?", show=False),
    # The results list and the tag panel (both are line lists)
    _c("results", "results.open", "enter", "select", "Open", "Open the highlighted review.",
        name="Open the highlighted review"),
    _c("list", "list.down", "down,j", "cursor_down", "Down", "Next row.", show=False),
    _c("list", "list.up", "up,k", "cursor_up", "Up", "Previous row.", show=False),
    _c("list", "list.first", "home,g", "first", "Top", "First row.", show=False),
    _c("list", "list.last", "end,G", "last", "Bottom", "Last row.", show=False),
    _c("list", "list.page_down", "pagedown", "page_down", "Page down", "One page down.", show=False),
    _c("list", "list.page_up", "pageup", "page_up", "Page up", "One page up.", show=False),
    _c("tags", "tags.tick", "space,enter", "select", "Tick", "Tick or untick the highlighted tag."),
    # The detail of a review (a pane beside the list, or its own screen)
    _c("detail", "detail.company", "c", "company", "Company", "Show the company's review.",
        name="Jump to company review"),
    _c("detail", "detail.twin", "t", "twin", "Language", "Show this review in the other language.",
        name="Jump to twin"),
    _c("detail", "detail.products", "p", "products", "Products", "List this company's products.",
        name="List the company's products"),
    _c("detail", "detail.references", "r", "references", "Refs", "Move to the references.",
        name="Go to the references"),
    _c("detail", "detail.open_page", "o", "open_page", "Open page", "Open the public page in a browser.",
        name="Open public page"),
    _c("detail", "detail.copy_page", "y", "copy_page", "Copy URL", "Copy the public page URL (OSC 52).",
        name="Copy public page URL"),
    _c("detail", "detail.edit", "e", "edit", "Edit", "Open the file in $EDITOR.",
        name="Open file in editor", show=False),
    _c("detail", "detail.pager", "v", "pager", "Pager", "Open the file in $PAGER.",
        name="Open file in pager", show=False),
    _c("detail", "detail.down", "j", "scroll_down", "Down", "Scroll down a line.", show=False),
    _c("detail", "detail.up", "k", "scroll_up", "Up", "Scroll up a line.", show=False),
    _c("detail", "detail.top", "g", "scroll_home", "Top", "Back to the top.", show=False),
    _c("detail", "detail.bottom", "G", "scroll_end", "Bottom", "To the end.", show=False),
    _c("detail", "detail.page_down", "space", "page_down", "Page down", "One page down.", show=False),
    _c("detail", "detail.page_up", "b", "page_up", "Page up", "One page up.", show=False),
    _c("detail-screen", "detail.close", "escape", "close", "Back", "Close the review and go back to the results."),
    _c("detail-screen", "detail.previous", "backspace", "previous", "Previous",
        "Show the review shown before the last jump.", name="Previous review", show=False),
    _c("references", "reference.open", "o", "open_link", "Open link", "Open the reference in a browser.",
        name="Open the reference"),
    _c("references", "reference.copy", "y", "copy_link", "Copy link", "Copy the reference link (OSC 52).",
        name="Copy the reference link"),
    _c("references", "reference.down", "j", "cursor_down", "Down", "Next reference.", show=False),
    _c("references", "reference.up", "k", "cursor_up", "Up", "Previous reference.", show=False),
    # The problems screen
    _c("problems", "problems.close", "escape", "close", "Back", "Go back to the results."),
    _c("problems", "problems.filter", "f", "cycle_filter", "Severity", "Show all, errors only, warnings only.",
        name="Next severity filter"),
    _c("problems", "problems.edit", "e", "edit", "Edit", "Open the file in $EDITOR at the line.",
        name="Open file in editor"),
    _c("problems", "problems.pager", "v", "view", "Pager", "Open the file in $PAGER.", name="Open file in pager"),
    _c("problems", "problems.down", "j", "cursor_down", "Down", "Next problem.", show=False),
    _c("problems", "problems.up", "k", "cursor_up", "Up", "Previous problem.", show=False),
    _c("problems", "problems.top", "g", "top", "Top", "First problem.", show=False),
    _c("problems", "problems.bottom", "G", "bottom", "Bottom", "Last problem.", show=False),
    # The help screen
    _c("help", "help.close", "escape,question_mark", "dismiss", "Close", "Close the key list."),
)
# fmt: on

BY_ID: dict[str, Command] = {command.id: command for command in COMMANDS}


def bindings(scope: str) -> list[BindingType]:
    """The BINDINGS of the class that scope names."""
    return [command.binding() for command in COMMANDS if command.scope == scope]


def groups() -> list[tuple[str, list[Command]]]:
    """The commands under their help headings, in the order of SCOPES."""
    grouped: dict[str, list[Command]] = {}
    for scope, heading in SCOPES.items():
        grouped.setdefault(heading, []).extend(c for c in COMMANDS if c.scope == scope)
    return list(grouped.items())
