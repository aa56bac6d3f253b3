"""App-level messages: the indexing thread's progress and outcome.

Widgets keep their own messages nested (``ResultsList.Highlighted``, ``ReviewDetail.JumpTo``).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from reviewtui.core.catalog import Catalog
from reviewtui.core.search import SearchIndex


@dataclass
class IndexProgress(Message):
    """Files read so far while the catalog loads (sent from the indexing thread)."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, IndexProgress)


@dataclass
class IndexReady(Message):
    """The catalog is loaded and searchable."""

    catalog: Catalog
    index: SearchIndex
    seconds: float


@dataclass
class IndexFailed(Message):
    """Loading stopped with an unexpected error (bad files never cause this: they are problems)."""

    error: str
