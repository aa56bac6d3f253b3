"""What the results list shows: query, filters and sort, as one immutable value.

The main screen keeps one `View`; every key that changes a filter makes a new one, and the
search runs on it. `describe()` is the always-visible line of active filters.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from textual.content import Content

from reviewtui.core.search.sorts import SORTS

LANG_FILTERS: tuple[str | None, ...] = (None, "en", "ja")
KIND_FILTERS: tuple[str | None, ...] = (None, "product", "company")
PREFERRED: tuple[str | None, ...] = (None, "en", "ja")
SORT_NAMES = {
    "relevance": "relevance",
    "overall": "overall score",
    "sci": "scientific validity",
    "tech": "technology level",
    "cost": "cost-performance",
    "rel": "reliability",
    "design": "design rationality",
    "price": "price",
    "date": "date",
    "name": "name",
}


def natural_descending(sort: str) -> bool:
    """The direction a sort takes unless reversed: best, newest, first; A-Z and cheapest first."""
    return sort not in ("name", "price")


def cycle(values: tuple[Any, ...], current: Any, step: int = 1) -> Any:
    index = values.index(current) if current in values else 0
    return values[(index + step) % len(values)]


@dataclass(frozen=True, slots=True)
class View:
    query: str = ""
    tags: tuple[str, ...] = ()
    only_lang: str | None = None
    """None shows both languages (twins folded into one row)."""
    kind: str | None = None
    """None shows products and companies."""
    sort: str = "relevance"
    descending: bool | None = None
    """None: the sort's natural direction."""
    lang: str | None = None
    """Preferred language of a folded twin row; None lets the query's script decide."""

    @property
    def is_descending(self) -> bool:
        return natural_descending(self.sort) if self.descending is None else self.descending

    @property
    def is_filtered(self) -> bool:
        return bool(self.tags) or self.only_lang is not None or self.kind is not None

    def search_kwargs(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "sort": self.sort,
            "descending": self.descending,
            "collapse_twins": self.only_lang is None,
            "tags": self.tags,
            "kind": self.kind,
            "only_lang": self.only_lang,
        }

    def next_sort(self, step: int = 1) -> View:
        return replace(self, sort=cycle(SORTS, self.sort, step), descending=None)

    def reversed(self) -> View:
        return replace(self, descending=not self.is_descending)

    def with_tag(self, tag: str) -> View:
        if tag.casefold() in {t.casefold() for t in self.tags}:
            return replace(self, tags=tuple(t for t in self.tags if t.casefold() != tag.casefold()))
        return replace(self, tags=(*self.tags, tag))

    def cleared(self) -> View:
        return replace(self, tags=(), only_lang=None, kind=None)

    def describe(self) -> Content:
        """`sort: overall ▼  lang: en+ja  kind: all  tags: DAC + USB`: in words, not colour."""
        arrow = "▼" if self.is_descending else "▲"
        parts: list[str | tuple[str, str]] = [f"sort: {SORT_NAMES[self.sort]} {arrow}"]
        lang = {None: "en+ja", "en": "en only", "ja": "ja only"}[self.only_lang]
        if self.only_lang is None and self.lang:
            lang += f" (prefer {self.lang})"
        parts.append(f"  lang: {lang}")
        kind = {None: "all", "product": "products", "company": "companies"}[self.kind]
        parts.append(f"  kind: {kind}")
        if self.tags:
            parts.append("  tags: ")
            parts.append((" + ".join(self.tags), "bold underline"))
        return Content.assemble(*parts)


def count_text(shown: int | None, total: int | None = None) -> str:
    """`46 matches`, `20 of 46 matches`, or `…` while the first search runs."""
    if shown is None:
        return "…"
    if total is not None and total > shown:
        return f"{shown:,} of {total:,} matches"
    return f"{shown:,} match{'es' * (shown != 1)}"
