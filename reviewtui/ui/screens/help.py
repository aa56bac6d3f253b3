"""`?`: every key, grouped by where it works, read from the bindings themselves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

FOCUS_RULES = (
    "/ goes to the search box from anywhere (it is never typed into it).",
    "Enter in the search box opens the top result; Esc moves to the results.",
    "At most two Esc presses bring you back to the results list.",
    "q quits unless a text box has focus; ctrl+q always quits.",
    "Tab and shift+tab move between the search box, tag panel, results and detail.",
    "ctrl+p opens the command palette with every action below.",
)


def _groups() -> list[tuple[str, list[BindingType]]]:
    from reviewtui.ui.app import ReviewApp
    from reviewtui.ui.screens.detail import DetailScreen
    from reviewtui.ui.screens.main import MainScreen
    from reviewtui.ui.widgets.line_list import LineList
    from reviewtui.ui.widgets.results_list import ResultsList
    from reviewtui.ui.widgets.review_detail import ReviewDetail
    from reviewtui.ui.widgets.search_bar import SearchBar
    from reviewtui.ui.widgets.tag_filter import TagFilter

    return [
        ("Anywhere", ReviewApp.BINDINGS),
        ("Results (act on the highlighted review)", MainScreen.BINDINGS),
        ("Moving in the results and tags", [*LineList.BINDINGS, *ResultsList.BINDINGS]),
        ("Detail (pane or screen)", [*ReviewDetail.BINDINGS, *DetailScreen.BINDINGS]),
        ("Search box", SearchBar.BINDINGS),
        ("Tag panel", TagFilter.BINDINGS),
    ]


class HelpScreen(ModalScreen[None]):
    BINDINGS: list[BindingType] = [
        Binding("escape,question_mark", "dismiss", "Close", id="help.close", tooltip="Close the key list."),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "Esc closes"
            yield Static(self._text(), markup=False)

    def _text(self) -> Content:
        parts: list[str | tuple[str, str]] = []
        for rule in FOCUS_RULES:
            parts.append(f"• {rule}\n")
        for title, bindings in _groups():
            parts.append((f"\n{title}\n", "bold underline"))
            for binding in bindings:
                if not isinstance(binding, Binding):
                    continue
                keys = ", ".join(self.app.get_key_display(Binding(k, "")) for k in binding.key.split(","))
                what = binding.tooltip or binding.description
                parts += [(f"  {keys:<18}", "bold"), f" {what}\n"]
        return Content.assemble(*parts)
