"""Ranked search over a catalog: the query language, relevance ranking, filters, sorts, twins.

The interface (`SearchIndex.search`, `Results`, `Hit`) is what the UI and the CLI rely on. How a
query is scored lives in `matching.py`; the ranking is documented in the README ("Search").
`Results.hits` is lazy: a hit (with its highlights, snippet and explanation) is made when it is
read, so a keystroke costs the same for 10 matches and for 100,000.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Container, Sequence
from functools import cached_property
from itertools import chain
from typing import Any

from reviewtui.core.catalog import Catalog
from reviewtui.core.index.builder import build
from reviewtui.core.index.fulltext import FullText
from reviewtui.core.index.searchdata import IndexData
from reviewtui.core.model import Review
from reviewtui.core.search.explain import field_tokens, highlights, snippet, word_match
from reviewtui.core.search.matching import BODY, Matcher
from reviewtui.core.search.query import FieldTerm, NumberTerm, Query, Term, Word, parse_query
from reviewtui.core.search.results import Hit, HitList, Results, lazy_hit
from reviewtui.core.search.sorts import SORTS
from reviewtui.core.search.sources import REPACK_FROM, LazyFullText, SearchStore, Sources
from reviewtui.core.text import norm_label


class SearchIndex:
    def __init__(self, catalog: Catalog, sources: Sources | None = None) -> None:
        sources = sources or Sources()
        store = sources.store
        data: IndexData | None = None
        if store is not None:
            blob = store.load_index()
            data = IndexData.loads(blob) if blob else None
            if data is not None and len(data.paths) != len(catalog.reviews):
                data = None
        if data is None:
            if store is not None:
                store.prefetch_heads(catalog.reviews)
            twins = {r.path: t.path for r in catalog.reviews if (t := catalog.twin_of(r)) is not None}
            pieces = sources.pieces
            collecting = gc.isenabled()
            gc.disable()  # building makes a million objects and no cycles (at 100k: 3.8 -> 2.8 s)
            made_by_workers = bool(pieces)
            try:
                if made_by_workers and sources.columns is not None:  # packed heads, read without unpacking them
                    data = build(catalog.reviews, twins, pieces, sources.columns)
                else:
                    data = build(catalog.reviews, twins, pieces)
            finally:
                if collecting:
                    gc.enable()
            if made_by_workers and len(catalog.reviews) >= REPACK_FROM and sources.repack is not None:
                sources.repack(catalog.reviews)  # (the build emptied `pieces`)
            if store is not None:
                store.save_index(data.dump_parts())
        self.data = data
        paths = data.paths
        self.reviews: list[Review] = list(map(catalog.by_path.__getitem__, paths))  # C-level loops: 7.6k each
        fulltext: FullText | None = store.fulltext if store is not None else None
        rowids: dict[int, int] = {}
        if fulltext is not None and store is not None:
            rowids = dict(zip(map(store.rowids.get, paths), range(len(paths)), strict=True))  # type: ignore[arg-type]
            rowids.pop(None, None)  # type: ignore[call-overload]  # a path without a row
        else:
            fulltext = LazyFullText(self.reviews, self._rowids_ready, sources.bodies)
        self.matcher = Matcher(data, fulltext, rowids)
        twin = [-1] * len(data.paths)
        for i, p in enumerate(data.pair):
            if p != i:
                twin[i], twin[p] = p, i
        self._twin = twin
        self._orders: dict[str, list[int]] = {}
        gc.freeze()  # the index lives as long as the catalog: keep collections from walking it

    @cached_property
    def _position(self) -> dict[str, int]:
        """Review path -> id (made when first needed: explain, a store adopted later)."""
        paths = self.data.paths
        return dict(zip(paths, range(len(paths)), strict=True))

    def adopt_store(self, store: SearchStore) -> bool:
        """Answer body terms from `store`'s full-text index from now on (a deferred cold load has
        just stored the catalog), unless the in-memory one was built meanwhile. True if adopted."""
        lazy = self.matcher.fulltext
        if not isinstance(lazy, LazyFullText) or store.fulltext is None:
            return False
        position = self._position
        rowids = {r: position[p] for p, r in store.rowids.items() if p in position}
        stored = store.fulltext

        def switch() -> None:
            self.matcher.rowids = rowids
            self.matcher.fulltext = stored

        return lazy.adopt(stored, switch)

    def prepare(self) -> None:
        """Build the filters' indexes now (see `Matcher.prepare`); for a background thread."""
        self.matcher.prepare()

    def _rowids_ready(self, paths: dict[int, str]) -> None:
        position = {p: i for i, p in enumerate(self.data.paths)}
        self.matcher.rowids.update({r: position[p] for r, p in paths.items()})

    # ------------------------------------------------------------------ search

    def search(
        self,
        query: str | Query,
        *,
        lang: str | None = None,
        sort: str = "relevance",
        descending: bool | None = None,
        limit: int | None = None,
        collapse_twins: bool = False,
        tags: Sequence[str] = (),
        kind: str | None = None,
        only_lang: str | None = None,
        explain: bool = False,
    ) -> Results:
        """`lang` is the preferred language for twins (default: the query's script, else en);
        `only_lang`/`kind`/`tags` filter; `explain` fills `Hit.explain`."""
        parsed = query if isinstance(query, Query) else parse_query(query)
        preferred = lang or parsed.script or "en"
        m = self.matcher
        allowed: frozenset[int] | set[int] | None = None
        excluded: set[int] = set()
        scored: list[dict[int, float]] = []

        def narrow(ids: frozenset[int] | set[int]) -> None:
            nonlocal allowed
            allowed = ids if allowed is None else allowed & ids

        if kind:
            narrow(set(m.labels("type", kind)))
        if only_lang:
            narrow(set(m.labels("lang", only_lang)))
        for tag in tags:
            narrow(set(m.labels("tag", norm_label(tag))))
        for group in parsed.groups:
            if len(group) > 1:
                scored.append(self._any_of(group))
                continue
            term = group[0]
            item = term.item
            if isinstance(item, Word):
                if term.negated:
                    excluded |= m.negated(item)
                else:
                    scored.append(m.word(item))
            elif not term.negated:
                narrow(m.filter(item))
            elif isinstance(item, NumberTerm):
                narrow(self._has_value(item.field) - m.filter(item))
            else:
                excluded |= m.filter(item)

        scores: dict[int, float] | None = None
        if scored:
            scored.sort(key=len)
            candidates = set(scored[0])
            for other in scored[1:]:
                candidates.intersection_update(other)
            if allowed is not None:
                candidates &= allowed
            candidates -= excluded
            if len(scored) == 1:
                only = scored[0]
                scores = {i: only[i] for i in candidates}
            else:  # rounded: equal parts must give equal totals, for the tie order to decide
                scores = {i: round(sum(d[i] for d in scored), 4) for i in candidates}
            if parsed.words:
                bonus = m.whole_query_bonus("".join(w.squashed for w in parsed.words))
                for i in bonus.keys() & candidates:
                    scores[i] = round(scores[i] + bonus[i], 4)
            ordered = self._rank(scores, preferred)
            members: Container[int] = scores
        else:
            everyone = self._in_name_order(preferred)
            if allowed is None and not excluded:
                ordered, members = everyone, range(len(everyone))
            else:
                keep = (allowed if allowed is not None else frozenset(everyone)) - excluded
                if len(keep) * 8 < len(everyone):  # few: sorting them beats walking everyone
                    ordered = sorted(keep, key=self._alphabetical(preferred).__getitem__)
                else:
                    ordered = [i for i in everyone if i in keep]
                members = keep
        return self._results(
            parsed, ordered, scores, members, preferred, sort, descending, limit, collapse_twins, explain
        )

    def _in_name_order(self, preferred: str) -> list[int]:
        """Every id in the order an empty query lists them (see `_alphabetical`)."""
        key = f"order-{preferred}"
        order = self._orders.get(key)
        if order is None:
            rank = self._alphabetical(preferred)
            order = [0] * len(rank)
            for i, position in enumerate(rank):
                order[position] = i
            self._orders[key] = order
        return order

    def _any_of(self, group: tuple[Term, ...]) -> dict[int, float]:
        m = self.matcher
        merged: dict[int, float] = {}
        everything = frozenset(range(len(self.reviews)))
        for term in group:
            item = term.item
            part: dict[int, float]
            if isinstance(item, Word):
                part = dict.fromkeys(everything - m.negated(item), 0.0) if term.negated else m.word(item)
            else:
                ids = m.filter(item)
                if term.negated:
                    ids = (self._has_value(item.field) if isinstance(item, NumberTerm) else everything) - ids
                part = dict.fromkeys(ids, 0.0)
            for i, value in part.items():
                if value >= merged.get(i, -1.0):
                    merged[i] = value
        return merged

    def _has_value(self, name: str) -> frozenset[int]:
        return self.matcher.filter(NumberTerm(name, None, None))

    def _alphabetical(self, preferred: str) -> list[int]:
        """Rank of each id when no words score: by name, a twin in the preferred language first."""
        return self.data.ranks.get(preferred, self.data.ranks["en"])[0]

    def _ties(self, preferred: str) -> list[int]:
        """Rank of each id among equal scores: preferred language, then shorter name, then name order."""
        return self.data.ranks.get(preferred, self.data.ranks["en"])[1]

    def _rank(self, scores: dict[int, float], preferred: str) -> list[int]:
        """Best score first; equal scores in tie order. Two stable sorts with C-level keys."""
        ordered = sorted(scores, key=self._ties(preferred).__getitem__)
        ordered.sort(key=scores.__getitem__, reverse=True)
        return ordered

    # ------------------------------------------------------------------ results

    def _results(
        self,
        query: Query,
        ordered: list[int],
        scores: dict[int, float] | None,
        members: Container[int],
        preferred: str,
        sort: str,
        descending: bool | None,
        limit: int | None,
        collapse: bool,
        explain: bool,
    ) -> Results:
        twin = self._twin
        langs = self.data.langs

        def twin_of(i: int) -> int | None:
            other = twin[i]
            return other if collapse and other >= 0 and other in members else None

        def shown(p: int) -> int:
            """The review a collapsed row shows: of the pair keyed p, the preferred-language one."""
            other = twin[p]
            if other < 0 or other not in members:
                return p
            if p not in members:
                return other
            return other if langs[other] == preferred and langs[p] != preferred else p

        rows: list[int]
        pick: Callable[[int], int] = int  # row -> review id
        if collapse:
            pair = self.data.pair
            rows = list(dict.fromkeys(map(pair.__getitem__, ordered)))  # one row per pair, best first
            pick = shown
        else:
            rows = ordered
        if sort != "relevance" and sort in SORTS:
            if collapse:
                rows, pick = [shown(p) for p in rows], int
            values = self.data.names if sort == "name" else self.matcher.values(sort)
            desc = descending if descending is not None else sort not in ("name", "price")
            present = [i for i in rows if values[i] is not None]
            present.sort(key=values.__getitem__, reverse=desc)
            rows = present + [i for i in rows if values[i] is None]
        elif descending is False:
            rows = rows[::-1]
        total = len(rows)
        if limit:
            rows = rows[:limit]
        needles = self._needles(query)

        def make(row: int) -> Hit:
            i = pick(row)
            review = self.reviews[i]
            other = twin_of(i)
            score = scores.get(i, 0.0) if scores is not None else 0.0
            if other is not None and scores is not None:
                score = max(score, scores.get(other, 0.0))
            body_only = scores is not None and any(self.matcher.word(w).get(i) == BODY for w in query.words)
            shows_snippet = bool(needles) and (body_only or self._body_terms(query))
            return lazy_hit(
                review,
                score,
                self.explain(review, query, score) if explain else (),
                self.reviews[other] if other is not None else None,
                {
                    "highlights": lambda: highlights(review.target_name, query.words),
                    "snippet": (lambda: snippet(review, needles)) if shows_snippet else lambda: None,
                },
            )

        def paths(row: int) -> tuple[str, ...]:
            i = pick(row)
            other = twin_of(i)
            return (self.data.paths[i],) if other is None else (self.data.paths[i], self.data.paths[other])

        hits: Sequence[Hit] = HitList(rows, make, paths)
        if limit:
            hits = tuple(hits)
        messages = query.messages
        if self.matcher.body_failed:
            messages += ("The full-text index could not be read, so body text was not searched.",)
        return Results(hits, total, messages, lambda: self._tag_counts(list(map(pick, rows))))

    @staticmethod
    def _body_terms(query: Query) -> bool:
        return any(isinstance(t.item, FieldTerm) and t.item.field == "body" and not t.negated for t in query.terms)

    @staticmethod
    def _needles(query: Query) -> list[str]:
        needles = [w.text for w in query.words if len(w.squashed) >= 3]
        for term in query.terms:
            if isinstance(term.item, FieldTerm) and term.item.field == "body" and not term.negated:
                needles.insert(0, term.item.values[0])
        return needles

    def _tag_counts(self, rows: list[int]) -> list[tuple[str, int]]:
        """Tags compared as `tag:` compares them (case, `-`, `_` and spaces alike), shown in their
        most used spelling. Counted from the index: no review needs to be read."""
        counts = Counter(chain.from_iterable(map(self.data.tags.__getitem__, rows)))
        names = self.data.tag_names
        return sorted(((names.get(k, k), n) for k, n in counts.items()), key=lambda t: (-t[1], t[0]))

    # ------------------------------------------------------------------ explain

    def explain(self, review: Review, query: str | Query, score: float | None = None) -> tuple[str, ...]:
        """Why a review matches a query: one line per word and filter, and the score parts."""
        parsed = query if isinstance(query, Query) else parse_query(query)
        i = self._position.get(review.path)
        if i is None:
            return ("This review is not in the index.",)
        lines: list[str] = []
        fields = field_tokens(self.matcher, i, review)
        for word in parsed.words:
            found = word_match(self.matcher, i, review, word, fields)
            lines.append(found.line(word) if found else f"{word.text!r}: no match")
        squashed = "".join(w.squashed for w in parsed.words)
        bonus = self.matcher.whole_query_bonus(squashed).get(i) if parsed.words else None
        if bonus:
            lines.append(f"whole query {squashed!r} ~ name/model {self.data.models[i]!r}  +{bonus:.2f}")
        for term in parsed.terms:
            if not isinstance(term.item, Word) or term.negated:
                lines.append(f"filter {term.raw}: {_shown_value(self, i, term.item)}")
        if score is not None:
            lines.append(f"total {score:.2f} (equal totals: the query's language first, then the shorter name)")
        return tuple(lines)


def _shown_value(index: SearchIndex, i: int, item: Any) -> str:
    data = index.data
    if isinstance(item, NumberTerm):
        value = index.matcher.values(item.field)[i]
        return "no value" if value is None else f"{value}"
    if isinstance(item, FieldTerm):
        return {
            "tag": ", ".join(data.tags[i]),
            "company": data.companies[i],
            "lang": data.langs[i],
            "type": data.kinds[i],
            "body": "in the text",
        }.get(item.field, "")
    return "excluded words absent"
