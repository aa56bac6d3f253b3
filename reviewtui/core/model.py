"""The typed model of a review, its sections, references and the problems found in files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["product", "company"]
Severity = Literal["error", "warning"]

#: Short names of the five criteria, in rating order; used by the query language (`cost>=0.8`).
CRITERIA: tuple[str, ...] = ("sci", "tech", "cost", "rel", "design")

#: Full criterion names per language, in rating order.
CRITERION_NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "Scientific Validity",
        "Technology Level",
        "Cost-Performance",
        "Reliability & Support",
        "Rationality of Design Philosophy",
    ),
    "ja": (
        "科学的有効性",
        "技術レベル",
        "コストパフォーマンス",
        "信頼性・サポート",
        "設計思想の合理性",
    ),
}

OVERALL_NAME: dict[str, str] = {"en": "Overall", "ja": "総合評価"}

#: Currency of prices per language.
CURRENCY: dict[str, str] = {"en": "USD", "ja": "JPY"}


@dataclass(frozen=True, slots=True)
class Rating:
    """Overall score (0..5, the sum of the criteria) and the five criteria (each 0..1)."""

    overall: float
    criteria: tuple[float, float, float, float, float]

    def as_list(self) -> list[float]:
        return [self.overall, *self.criteria]

    def criterion(self, short: str) -> float:
        return self.criteria[CRITERIA.index(short)]


@dataclass(frozen=True, slots=True)
class Price:
    amount: float
    currency: str

    def format(self) -> str:
        if self.currency == "JPY":
            return f"¥{self.amount:,.0f}"
        if self.amount == int(self.amount):
            return f"${self.amount:,.0f}"
        return f"${self.amount:,.2f}"


@dataclass(frozen=True, slots=True)
class Reference:
    number: int
    text: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Section:
    """One `## heading` of the body: its canonical key (None when unknown), score and Markdown."""

    heading: str
    key: str | None
    score: float | None
    text: str
    line: int


@dataclass(frozen=True, slots=True, eq=False)
class Review:
    """One review file's content. Equal to another Review with the same fields, whatever their
    classes (a review read back from the cache equals the one parsed from its file); hashed by
    path, which equal reviews share."""

    path: str
    """Path relative to the catalog root, POSIX style; the key of everything."""
    kind: Kind
    lang: str
    ref: str
    company_id: str
    title: str
    target_name: str
    date: str | None
    rating: Rating
    price: Price | None
    summary: str
    tags: tuple[str, ...]
    permalink: str
    sections: tuple[Section, ...] = ()
    references: tuple[Reference, ...] = ()

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Review):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _REVIEW_FIELDS)

    def __hash__(self) -> int:
        return hash(self.path)

    @property
    def criterion_names(self) -> tuple[str, ...]:
        return CRITERION_NAMES.get(self.lang, CRITERION_NAMES["en"])

    def section(self, key: str) -> Section | None:
        for section in self.sections:
            if section.key == key:
                return section
        return None

    @property
    def body(self) -> str:
        return "\n\n".join(s.text for s in self.sections)


_REVIEW_FIELDS = tuple(Review.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one file. Errors drop the file; warnings keep it."""

    path: str
    line: int | None
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "severity": self.severity, "message": self.message}


@dataclass(slots=True)
class ParseResult:
    review: Review | None
    problems: list[Problem] = field(default_factory=list)
