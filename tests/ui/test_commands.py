"""The key commands are declared once (`ui/commands.py`): the bindings, the help screen and the
command palette are all made from that table, and nothing else adds to them."""

from __future__ import annotations

from textual.binding import Binding
from textual.command import CommandPalette

from reviewtui.ui.app import ReviewApp
from reviewtui.ui.commands import BY_ID, COMMANDS, SCOPES
from reviewtui.ui.providers import KeyCommands
from reviewtui.ui.screens.detail import DetailScreen
from reviewtui.ui.screens.help import FOCUS_RULES, HelpScreen
from reviewtui.ui.screens.main import MainScreen
from reviewtui.ui.screens.problems import ProblemsScreen
from reviewtui.ui.widgets.line_list import LineList
from reviewtui.ui.widgets.results_list import ResultsList
from reviewtui.ui.widgets.review_detail import ReviewDetail
from reviewtui.ui.widgets.review_sections import ReferenceList
from reviewtui.ui.widgets.search_bar import SearchBar
from reviewtui.ui.widgets.tag_filter import TagFilter
from tests.ui.conftest import ready

BOUND = (
    ReviewApp,
    MainScreen,
    DetailScreen,
    HelpScreen,
    ProblemsScreen,
    SearchBar,
    LineList,
    ResultsList,
    TagFilter,
    ReviewDetail,
    ReferenceList,
)

#: Ids and keys as released: users' keymaps and scripts name them.
RELEASED = {
    "app.quit": "ctrl+q", "app.q": "q", "app.search": "slash", "app.help": "question_mark",
    "app.problems": "exclamation_mark", "main.results": "escape", "main.twin": "t", "main.company": "c",
    "main.products": "p", "main.sort": "s", "main.sort_back": "S", "main.reverse": "r", "main.lang": "l",
    "main.prefer": "L", "main.kind": "K", "main.tags": "f", "main.clear": "x", "main.edit": "e", "main.pager": "v",
    "main.open": "o", "main.copy": "y", "main.explain": "w", "search.open": "enter", "search.results": "escape",
    "search.down": "down", "search.up": "up", "list.down": "down,j", "list.up": "up,k", "list.first": "home,g",
    "list.last": "end,G", "list.page_down": "pagedown", "list.page_up": "pageup", "results.open": "enter",
    "tags.tick": "space,enter", "detail.company": "c", "detail.twin": "t", "detail.products": "p",
    "detail.references": "r", "detail.open_page": "o", "detail.copy_page": "y", "detail.edit": "e",
    "detail.pager": "v", "detail.close": "escape", "detail.previous": "backspace", "help.close": "escape,question_mark",
    "problems.close": "escape", "problems.filter": "f", "problems.edit": "e", "problems.pager": "v",
    "reference.open": "o", "reference.copy": "y",
}  # fmt: skip


def test_every_binding_comes_from_the_table_and_every_command_is_bound() -> None:
    declared = [b for cls in BOUND for b in cls.__dict__["BINDINGS"]]
    assert all(isinstance(b, Binding) for b in declared)
    assert sorted(b.id for b in declared) == sorted(c.id for c in COMMANDS)  # nothing twice, nothing missing
    for binding in declared:
        command = BY_ID[binding.id]
        assert (binding.key, binding.action, binding.description, binding.tooltip) == (
            command.keys,
            command.action,
            command.title,
            command.help,
        )
        assert (binding.show, binding.priority) == (command.show, command.priority)
    assert {c.scope for c in COMMANDS} == set(SCOPES)


def test_released_ids_and_keys_are_kept() -> None:
    for binding_id, keys in RELEASED.items():
        assert BY_ID[binding_id].keys == keys


async def test_help_lists_every_command_once_and_nothing_else(app: ReviewApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-body Static").render())
    lines = [line for line in text.splitlines() if line.startswith("  ")]
    expected = [c for scope in SCOPES for c in COMMANDS if c.scope == scope]
    assert len(lines) == len(expected)
    for line, command in zip(lines, expected, strict=True):
        assert line.endswith(" " + command.help), (line, command.id)
    headings = [line for line in text.splitlines() if line and not line.startswith(("  ", "•"))]
    assert headings == list(dict.fromkeys(SCOPES.values()))
    assert len([line for line in text.splitlines() if line.startswith("•")]) == len(FOCUS_RULES)


async def _key_names(app: ReviewApp) -> list[str]:
    provider = KeyCommands(app.screen)
    return [hit.text async for hit in provider.discover() if hit.text]


async def test_palette_offers_the_named_commands_of_the_focused_scopes(app: ReviewApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("escape")  # the results list
        assert app.focused is app.main.results_list
        names = await _key_names(app)
        in_reach = ("app", "main", "results", "list")
        assert names == [c.name for c in COMMANDS if c.name and c.scope in in_reach]
        app.main.detail.focus()  # the detail pane: its keys come first where they share a key
        await pilot.pause()
        assert app.main.detail.has_focus
        names = await _key_names(app)
        assert "Go to the references" in names and "Reverse sort order" not in names  # `r` there is references
        assert len(names) == len(set(names))


async def test_a_palette_command_runs_its_keys_action(app: ReviewApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("escape", "ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"toggle tag panel")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.show_tags is True
