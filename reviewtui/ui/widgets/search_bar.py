"""The search box: an Input that never takes `/` (that key always means "go to the search box")."""

from __future__ import annotations

from textual.binding import BindingType
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input

from reviewtui.ui.commands import bindings

PLACEHOLDER = "name, model, tag:DAC, price<300 …  (/ from anywhere)"


class SearchBar(Input):
    """Typing here searches as you type; Enter opens the top result, Esc goes to the results."""

    BINDINGS: list[BindingType] = bindings("search")

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """Input sets this on every keystroke; as Widget declares it, that relayouts the whole screen
    (repainting every scrollbar, bytes on the wire). The box's size never depends on it."""

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(value, placeholder=PLACEHOLDER, id=id, select_on_focus=False)
        # A blinking cursor repaints the line twice a second: bytes on the wire for nothing.
        self.cursor_blink = False

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # Leaves `/` to the app's binding, so it is never typed into the box.
        if character == "/":
            return False
        return super().check_consume_key(key, character)
