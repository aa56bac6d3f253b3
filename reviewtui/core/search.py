"""Ranked search over a catalog.

Baseline version: fuzzy over target name and company; the full query language replaces it.
The *interface* here is what the UI and CLI rely on; keep it stable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import CRITERIA, Review
from reviewtui.core.text import fold, script_of

#: Sort keys accepted by `SearchIndex.search`.
SORTS: tuple[str, ...] = ("relevance", "overall", *CRITERIA, "price", "date", "name")


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


@dataclass(frozen=True, slots=True)
class Results:
    hits: tuple[Hit, ...]
    total: int
    """Matches before the limit."""
    messages: tuple[str, ...] = ()
    """Sentences about parts of the query that could not be understood."""
    _tags: tuple[tuple[str, int], ...] | None = field(default=None, repr=False)

    def tag_counts(self) -> list[tuple[str, int]]:
        """Tags of the hits with counts, compared case-insensitively, most used first."""
        counts: Counter[str] = Counter()
        shown: dict[str, Counter[str]] = {}
        for hit in self.hits:
            for tag in hit.review.tags:
                key = tag.casefold()
                counts[key] += 1
                shown.setdefault(key, Counter())[tag] += 1
        return sorted(((shown[k].most_common(1)[0][0], n) for k, n in counts.items()), key=lambda t: (-t[1], t[0]))


def sort_value(review: Review, sort: str) -> tuple[int, float | str]:
    if sort == "overall":
        return (0, review.rating.overall)
    if sort in CRITERIA:
        return (0, review.rating.criterion(sort))
    if sort == "price":
        return (0, review.price.amount) if review.price else (1, 0.0)
    if sort == "date":
        return (0, review.date) if review.date else (1, "")
    return (0, fold(review.target_name))


class SearchIndex:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.reviews = list(catalog.reviews)
        self._names = [fold(f"{r.target_name} {r.company_id}") for r in self.reviews]

    def search(
        self,
        query: str,
        *,
        lang: str | None = None,
        sort: str = "relevance",
        descending: bool | None = None,
        limit: int | None = None,
        collapse_twins: bool = False,
        tags: Sequence[str] = (),
        kind: str | None = None,
        only_lang: str | None = None,
    ) -> Results:
        """`lang` is the preferred language for twins; `only_lang`/`kind`/`tags` filter."""
        text = fold(" ".join(query.split()))
        preferred = lang or script_of(query) or "en"
        wanted = {fold(t) for t in tags}
        candidates = [
            i
            for i, r in enumerate(self.reviews)
            if (kind is None or r.kind == kind)
            and (only_lang is None or r.lang == only_lang)
            and wanted <= {fold(t) for t in r.tags}
        ]
        if not text:
            hits = [Hit(self.reviews[i], 0.0) for i in candidates]
        else:
            names = {i: self._names[i] for i in candidates}
            found = process.extract(text, names, scorer=fuzz.WRatio, limit=None, score_cutoff=60)
            hits = [Hit(self.reviews[i], float(s)) for _, s, i in found]
        hits.sort(key=lambda h: (-h.score, h.review.lang != preferred, h.review.path))
        if collapse_twins:
            hits = self._collapse(hits, preferred)
        if sort != "relevance":
            desc = descending if descending is not None else sort not in ("name", "price")
            present = [h for h in hits if sort_value(h.review, sort)[0] == 0]
            missing = [h for h in hits if sort_value(h.review, sort)[0] == 1]
            present.sort(key=lambda h: sort_value(h.review, sort)[1], reverse=desc)
            hits = present + missing
        elif descending is False:
            hits.reverse()
        return Results(tuple(hits[:limit] if limit else hits), len(hits))

    def _collapse(self, hits: list[Hit], preferred: str) -> list[Hit]:
        out: list[Hit] = []
        index: dict[tuple[str, str], int] = {}
        for hit in hits:
            key = (hit.review.kind, hit.review.ref)
            if key not in index:
                index[key] = len(out)
                out.append(hit)
                continue
            first = out[index[key]]
            if first.twin is not None or first.review.lang == hit.review.lang:
                out.append(hit)
                continue
            if hit.review.lang == preferred and first.review.lang != preferred:
                out[index[key]] = Hit(hit.review, first.score, hit.highlights, hit.snippet, hit.explain, first.review)
            else:
                out[index[key]] = Hit(
                    first.review, first.score, first.highlights, first.snippet, first.explain, hit.review
                )
        return out
