"""`?`: every key, grouped by where it works, read from the command table (`ui/commands.py`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reviewtui.ui.commands import bindings, groups

FOCUS_RULES = (
    "/ goes to the search box from anywhere (it is never typed into it).",
    "Enter in the search box opens the top result; Esc moves to the results.",
    "At most two Esc presses bring you back to the results list.",
    "q quits unless a text box has focus; ctrl+q always quits.",
    "Tab and shift+tab move between the search box, tag panel, results and detail.",
    "ctrl+p opens the command palette: the commands below that work where you are, by name.",
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: list[BindingType] = bindings("help")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "Esc closes"
            yield Static(self._text(), markup=False)

    def _text(self) -> Content:
        parts: list[str | tuple[str, str]] = []
        for rule in FOCUS_RULES:
            parts.append(f"• {rule}\n")
        for heading, commands in groups():
            parts.append((f"\n{heading}\n", "bold underline"))
            for command in commands:
                keys = ", ".join(self.app.get_key_display(Binding(k, "")) for k in command.keys.split(","))
                parts += [(f"  {keys:<18}", "bold"), f" {command.help}\n"]
        return Content.assemble(*parts)
