"""The search box: an Input that never takes `/` (that key always means "go to the search box"),
and that says when its text should be searched (`SearchBar.QueryChanged`)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from textual import on
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widgets import Input

from reviewtui.ui.commands import bindings

PLACEHOLDER = "name, model, tag:DAC, price<300 …  (/ from anywhere)"
#: Typing over a network: the query is searched once keys pause this long, and at least this
#: often while they don't.
QUERY_DELAY = 0.1
QUERY_MAX_WAIT = 0.3


def remote() -> bool:
    """Whether the screen is sent over a network: an SSH login, or `reviewtui serve` (which sets
    REVIEWTUI_READONLY for its visitors). Only then do keys typed in a burst wait for a pause."""
    return any(os.environ.get(name) for name in ("SSH_CONNECTION", "SSH_CLIENT", "REVIEWTUI_READONLY"))


class SearchBar(Input):
    """Typing here searches as you type; Enter opens the top result, Esc goes to the results."""

    BINDINGS: list[BindingType] = bindings("search")

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """Input sets this on every keystroke; as Widget declares it, that relayouts the whole screen
    (repainting every scrollbar, bytes on the wire). The box's size never depends on it."""

    @dataclass
    class QueryChanged(Message):
        """Search for the text now: sent for each key locally; over a network, for the first key
        of a burst and then when typing pauses (or every QUERY_MAX_WAIT): intermediate result
        sets that the next key replaces would only cost repaints, which matter over SSH."""

        search_bar: SearchBar

        @property
        def control(self) -> SearchBar:
            return self.search_bar

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(value, placeholder=PLACEHOLDER, id=id, select_on_focus=False)
        # A blinking cursor repaints the line twice a second: bytes on the wire for nothing.
        self.cursor_blink = False
        self.typing_pause = remote()
        """Coalesce keys typed in a burst (over a network, where each repaint costs bytes)."""
        self._typing_since: float | None = None
        self._last_key = 0.0
        self._waiting: Timer | None = None

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # Leaves `/` to the app's binding, so it is never typed into the box.
        if character == "/":
            return False
        return super().check_consume_key(key, character)

    @on(Input.Changed)
    def _typed(self) -> None:
        now = time.monotonic()
        last, self._last_key = self._last_key, now
        if not self.typing_pause or now - last >= QUERY_DELAY:  # local, or the first key of a burst
            self._send()
            return
        if self._typing_since is None:
            self._typing_since = now
        if now - self._typing_since >= QUERY_MAX_WAIT:
            self._send()
        else:
            self.cancel_wait()
            self._waiting = self.set_timer(QUERY_DELAY, self._send)

    def _send(self) -> None:
        self.cancel_wait()
        self.post_message(self.QueryChanged(self))

    @property
    def waiting(self) -> bool:
        """True while typed text waits for a pause before it is searched."""
        return self._waiting is not None

    def cancel_wait(self) -> None:
        """Forget a pause being waited for (the owner reads `value` now)."""
        self._typing_since = None
        if self._waiting is not None:
            self._waiting.stop()
            self._waiting = None
