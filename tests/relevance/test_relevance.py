"""The labelled relevance set: queries as users type them, each with the review a person reading
the data expects on top (tests/relevance/queries.tsv). Top-1 must be right for >= 97 %."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest

from reviewtui.core.search.engine import SearchIndex
from reviewtui.core.store.loader import load_catalog
from tests.conftest import CONTENT, SAMPLE

HERE = Path(__file__).resolve().parent
TARGET = 0.97


class Case(NamedTuple):
    corpus: str
    query: str
    expected: str
    lang: str | None


def cases(corpus: str) -> list[Case]:
    out = []
    for line in (HERE / "queries.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, query, expected, *rest = line.split("\t")
        options = dict(o.split("=", 1) for o in (rest[0].split(",") if rest and rest[0] else []))
        if name == corpus:
            out.append(Case(name, query, expected, options.get("lang")))
    return out


@cache
def index(root: Path) -> SearchIndex:
    return SearchIndex(load_catalog(root, cache=False))


def top1(case: Case, root: Path) -> str | None:
    hits = index(root).search(case.query, lang=case.lang, limit=1).hits
    return hits[0].review.path if hits else None


def check(corpus: str, root: Path) -> None:
    labelled = cases(corpus)
    assert labelled
    for case in labelled:
        assert (root / case.expected).is_file(), f"the label of {case.query!r} names a missing file"
    wrong = [(c.query, c.expected, top1(c, root)) for c in labelled if top1(c, root) != c.expected]
    share = 1 - len(wrong) / len(labelled)
    report = "\n".join(f"  {q!r}: expected {e}, got {g}" for q, e, g in wrong)
    assert share >= TARGET, f"top-1 {share:.1%} of {len(labelled)} queries; wrong:\n{report}"


def test_the_set_is_large_and_varied() -> None:
    everything = cases("content") + cases("sample")
    assert len(everything) >= 150
    queries = [c.query for c in everything]
    assert any("-" in q for q in queries) and any(":" in q for q in queries)
    assert any(any("\u3040" <= ch <= "\u30ff" for ch in q) for q in queries)
    assert any(c.lang for c in everything)


def test_top1_on_demo_content() -> None:
    check("content", CONTENT)


def test_top1_on_sample_corpus() -> None:
    if not (SAMPLE / "_products").is_dir():
        pytest.skip("../shared/corpus-sample is not present")
    check("sample", SAMPLE)
