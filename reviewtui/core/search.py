"""Ranked search over a catalog. (Baseline: fuzzy over names; the query language lives in query.py.)"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Review
from reviewtui.core.text import fold, script_of


@dataclass(frozen=True, slots=True)
class Hit:
    review: Review
    score: float
    highlights: tuple[int, ...] = ()
    """Character offsets in `review.target_name` that matched, for highlighting."""
    snippet: str | None = None
    explain: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Results:
    hits: tuple[Hit, ...]
    total: int
    messages: tuple[str, ...] = ()


class SearchIndex:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.reviews = list(catalog.reviews)
        self._names = [fold(f"{r.target_name} {r.company_id}") for r in self.reviews]

    def search(self, query: str, *, lang: str | None = None, limit: int | None = None) -> Results:
        text = fold(" ".join(query.split()))
        preferred = lang or script_of(query) or "en"
        if not text:
            hits = [Hit(r, 0.0) for r in self.reviews]
        else:
            found = process.extract(text, self._names, scorer=fuzz.WRatio, limit=None, score_cutoff=60)
            hits = [Hit(self.reviews[i], float(s)) for _, s, i in found]
        hits.sort(key=lambda h: (-h.score, h.review.lang != preferred, h.review.path))
        return Results(tuple(hits[:limit] if limit else hits), len(hits))
