"""A Catalog: every review loaded from a root, the problems found, and the links between them.

A pure in-memory value: reading files is `store.files`, loading a tree is `store.loader`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from reviewtui.core.model import Problem, Review


@dataclass
class Catalog:
    """Every review loaded from a root, the problems found, and the links between reviews."""

    root: Path
    reviews: list[Review]
    problems: list[Problem]
    files: int
    by_path: dict[str, Review] = field(default_factory=dict)
    _twins: dict[tuple[str, str, str], Review] = field(default_factory=dict)
    _companies: dict[tuple[str, str], Review] = field(default_factory=dict)
    _products: dict[tuple[str, str], list[Review]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.relink()

    def relink(self) -> None:
        self.reviews.sort(key=attrgetter("path"))
        self.by_path = {r.path: r for r in self.reviews}
        self._twins, self._companies, self._products = {}, {}, {}
        duplicates: list[Problem] = []
        for review in self.reviews:
            key = (review.kind, review.ref, review.lang)
            first = self._twins.get(key)
            if first is not None:
                duplicates.append(
                    Problem(
                        review.path,
                        None,
                        "warning",
                        f"Another file, {first.path}, already has ref {review.ref!r} in {review.lang}; "
                        "this one is not linked as a twin.",
                    )
                )
                continue
            self._twins[key] = review
            if review.kind == "company":
                self._companies.setdefault((review.lang, review.company_id.casefold()), review)
            else:
                self._products.setdefault((review.lang, review.company_id.casefold()), []).append(review)
        known = {(p.path, p.message) for p in self.problems}
        self.problems.extend(p for p in duplicates if (p.path, p.message) not in known)
        self.problems.sort(key=lambda p: (p.path, p.line or 0, p.severity))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def twin_of(self, review: Review) -> Review | None:
        """The same review in the other language, linked by `ref`."""
        for lang in ("en", "ja"):
            if lang != review.lang:
                twin = self._twins.get((review.kind, review.ref, lang))
                if twin is not None and twin is not review:
                    return twin
        return None

    def company_of(self, review: Review) -> Review | None:
        """The company review for a product, in its language when there is one, else any language."""
        cid = review.company_id.casefold()
        found = self._companies.get((review.lang, cid))
        if found is None:
            found = next((c for (lang, c_id), c in self._companies.items() if c_id == cid), None)
        return found

    def products_of(self, company: Review) -> list[Review]:
        """Products of a company in the company review's language."""
        return list(self._products.get((company.lang, company.company_id.casefold()), []))

    def is_primary(self, review: Review) -> bool:
        """False for a second file with the same (kind, ref, lang)."""
        return self._twins.get((review.kind, review.ref, review.lang)) is review
