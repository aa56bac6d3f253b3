"""App-level messages: the indexing and search threads' results, and settings to save.

Widgets keep their own messages nested (``ResultsList.Highlighted``, ``ReviewDetail.JumpTo``).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from reviewtui.core.search.results import Results
from reviewtui.core.services.library import Library
from reviewtui.ui.view_state import View


@dataclass
class IndexProgress(Message):
    """Files read so far while the catalog loads (sent from the indexing thread)."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, IndexProgress)


@dataclass
class IndexReady(Message):
    """The library is loaded and searchable."""

    library: Library
    seconds: float


@dataclass
class IndexStored(Message):
    """The library's deferred writes have run (`Library.finish`): the bodies are in, with the
    problems they hold."""

    library: Library


@dataclass
class IndexFailed(Message):
    """Loading stopped with an unexpected error (bad files never cause this: they are problems)."""

    error: str


@dataclass
class SearchDone(Message):
    """Results of one search, from the search thread; `keep` keeps the cursor on its review."""

    view: View
    results: Results
    keep: bool


@dataclass
class SettingsChanged(Message):
    """Sort or preferred language changed: the app saves them."""

    old: View
    view: View
