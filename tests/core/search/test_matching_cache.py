"""The matcher's caches: bounded by count and by the items they hold, and never a reason for
another answer (a word or filter evicted is worked out again)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewtui.core.search import matching
from reviewtui.core.search.engine import SearchIndex
from reviewtui.core.search.matching import LRU
from reviewtui.core.store.loader import load_catalog


def test_values_go_oldest_first_when_the_items_pass_the_budget() -> None:
    cache: LRU[str, list[int]] = LRU(10, budget=10)
    cache.put("a", [1] * 4)
    cache.put("b", [1] * 4)
    assert cache.get("a") is not None  # now the newest
    cache.put("c", [1] * 4)  # 12 > 10: the oldest ("b") goes
    assert list(cache.data) == ["a", "c"] and cache.weight == 8
    cache.put("a", [1])  # a new value for a key: its old weight goes with it
    assert cache.weight == 5
    cache.put("huge", [1] * 50)  # alone over the budget: kept, the rest goes
    assert list(cache.data) == ["huge"] and cache.weight == 50


def test_without_a_budget_only_the_count_bounds_it() -> None:
    cache: LRU[int, list[int]] = LRU(3)
    for n in range(5):
        cache.put(n, [0] * 1000)
    assert list(cache.data) == [2, 3, 4]


def test_tiny_budgets_give_the_same_results(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    queries = ["sennheiser hd600", "tag:headphones price<300", "body:impedance", "ヘッドホン", "!tag:iem sony"]
    typed = [q[:n] for q in queries for n in range(1, len(q) + 1)]
    catalog = load_catalog(content, cache=False)
    roomy = SearchIndex(catalog)
    expected = [[(h.review.path, h.score) for h in roomy.search(q).hits] for q in typed]
    monkeypatch.setattr(matching, "WORD_BUDGET", 1)
    monkeypatch.setattr(matching, "IDS_BUDGET", 1)
    tight = SearchIndex(catalog)
    assert tight.matcher._words.budget == 1
    assert [[(h.review.path, h.score) for h in tight.search(q).hits] for q in typed] == expected
    assert len(tight.matcher._words.data) <= 1 < len(roomy.matcher._words.data)
