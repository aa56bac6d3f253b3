"""Debouncing: of a burst of changes, only the last does the (costly) work, after a pause."""

from __future__ import annotations

from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.timer import Timer


class Debouncer:
    """Named delayed calls on a message pump; calling again with a name restarts its delay."""

    def __init__(self, owner: MessagePump) -> None:
        self._owner = owner
        self._pending: dict[str, tuple[Timer, Callable[[], None]]] = {}

    def call_later(self, name: str, delay: float, callback: Callable[[], None]) -> None:
        self.cancel(name)
        timer = self._owner.set_timer(delay, lambda: self._run(name))
        self._pending[name] = (timer, callback)

    def cancel(self, name: str) -> None:
        pending = self._pending.pop(name, None)
        if pending is not None:
            pending[0].stop()

    def _run(self, name: str) -> None:
        pending = self._pending.pop(name, None)
        if pending is not None:
            pending[1]()

    @property
    def pending(self) -> bool:
        """True while a call waits for its delay."""
        return bool(self._pending)

    def flush(self) -> None:
        """Do every pending call now."""
        for name in list(self._pending):
            timer, _callback = self._pending[name]
            timer.stop()
            self._run(name)
