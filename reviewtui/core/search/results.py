"""What a search returns: ranked hits (made lazily, on first access) and the result set."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from reviewtui.core.model import Review


@dataclass(frozen=True, slots=True)
class Hit:
    review: Review
    score: float
    highlights: tuple[int, ...] = ()
    """Character offsets in `review.target_name` that matched, for highlighting."""
    snippet: str | None = None
    """A short piece of body text around a full-text match."""
    explain: tuple[str, ...] = ()
    """Why it matched: one line per field/term/score part."""
    twin: Review | None = None
    """With collapse_twins, the other-language review folded into this row."""


class _LazyHit(Hit):
    """A Hit whose highlights and snippet are worked out when first read: the JSON output reads
    neither, and a snippet reads the review's body from the cache."""

    __slots__ = ("_later",)


def _lazy(name: str) -> property:
    slot = Hit.__dict__[name]

    def get(self: _LazyHit) -> Any:
        try:
            return slot.__get__(self)
        except AttributeError:
            value = self._later[name]()  # type: ignore[attr-defined]
            slot.__set__(self, value)
            return value

    def put(self: _LazyHit, value: Any) -> None:  # dataclasses.replace and __init__ set fields
        slot.__set__(self, value)

    return property(get, put, doc=Hit.__dict__[name].__doc__)


_LazyHit.highlights = _lazy("highlights")  # type: ignore[assignment]
_LazyHit.snippet = _lazy("snippet")  # type: ignore[assignment]
_SET_HIT = {name: Hit.__dict__[name].__set__ for name in ("review", "score", "explain", "twin")}
_SET_LATER = _LazyHit._later.__set__  # type: ignore[attr-defined]


def lazy_hit(review: Review, score: float, explain: tuple[str, ...], twin: Review | None, later: dict[str, Any]) -> Hit:
    hit = object.__new__(_LazyHit)
    _SET_HIT["review"](hit, review)
    _SET_HIT["score"](hit, score)
    _SET_HIT["explain"](hit, explain)
    _SET_HIT["twin"](hit, twin)
    _SET_LATER(hit, later)
    return hit


class HitList(Sequence[Hit]):
    """The ranked hits; each Hit is made on first access. `index_of(path)` finds a row fast."""

    def __init__(self, rows: list[int], make: Callable[[int], Hit], paths: Callable[[int], tuple[str, ...]]) -> None:
        self._rows = rows
        self._make = make
        self._paths = paths
        self._made: dict[int, Hit] = {}

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Hit: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Hit, ...]: ...
    def __getitem__(self, index: int | slice) -> Hit | tuple[Hit, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self._rows))))
        if index < 0:
            index += len(self._rows)
        if not 0 <= index < len(self._rows):
            raise IndexError(index)
        hit = self._made.get(index)
        if hit is None:
            hit = self._made[index] = self._make(self._rows[index])
        return hit

    def __iter__(self) -> Iterator[Hit]:
        for index in range(len(self._rows)):
            yield self[index]

    def index_of(self, path: str) -> int | None:
        """The row showing the review at path (or holding it as the folded twin), without making hits."""
        for index, row in enumerate(self._rows):
            if path in self._paths(row):
                return index
        return None


@dataclass(frozen=True, slots=True)
class Results:
    hits: Sequence[Hit]
    total: int
    """Matches before the limit."""
    messages: tuple[str, ...] = ()
    """Sentences about parts of the query that could not be understood."""
    _tags: Callable[[], list[tuple[str, int]]] | None = field(default=None, repr=False, compare=False)

    def tag_counts(self) -> list[tuple[str, int]]:
        """Tags of the matches with counts, compared case-insensitively, most used first."""
        if self._tags is not None:
            return self._tags()
        counts: Counter[str] = Counter()
        shown: dict[str, Counter[str]] = {}
        for hit in self.hits:
            for tag in hit.review.tags:
                key = tag.casefold()
                counts[key] += 1
                shown.setdefault(key, Counter())[tag] += 1
        return sorted(((shown[k].most_common(1)[0][0], n) for k, n in counts.items()), key=lambda t: (-t[1], t[0]))
