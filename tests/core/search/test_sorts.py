"""sorts.SORTS spells out the criteria (to import nothing): it must follow model.CRITERIA."""

from __future__ import annotations

from reviewtui.core.model import CRITERIA
from reviewtui.core.search.sorts import SORTS


def test_sorts_are_relevance_overall_each_criterion_price_date_name() -> None:
    assert ("relevance", "overall", *CRITERIA, "price", "date", "name") == SORTS
