"""Gathering a load's reviews and problems: from unchanged files' cache rows, and from parsing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reviewtui.core.model import ParseResult, Problem, Review
from reviewtui.core.store.cache import (
    Store,
)
from reviewtui.core.store.rows import (
    KnownRow,
    problems_from,
    review_from,
)

if TYPE_CHECKING:
    pass


def reuse(rel: str, row: KnownRow, store: Store, reviews: list[Review], problems: list[Problem]) -> bool:
    """Take an unchanged file's review and problems from its cache row. False when the row is
    damaged: what it added is taken back, and the file is to be parsed again."""
    try:
        if row.has_head:
            reviews.append(review_from(row, store))
            store.rowids[rel] = row.id
        if row.problems:
            problems.extend(problems_from(rel, row.problems))
    except (ValueError, EOFError, TypeError):
        reviews[:] = [r for r in reviews if r.path != rel]
        problems[:] = [p for p in problems if p.path != rel]
        store.rowids.pop(rel, None)
        return False
    return True


def parsed(result: ParseResult, reviews: list[Review], problems: list[Problem]) -> ParseResult:
    problems.extend(result.problems)
    if result.review is not None:
        reviews.append(result.review)
    return result


def in_memory(
    found: Any, notices: list[str], progress: Any, cancelled: Any
) -> tuple[list[Review], list[Problem], Store | None, list[str], Any]:
    from reviewtui.core.store.files import parse_entries

    reviews: list[Review] = []
    problems: list[Problem] = list(found.problems)
    for result in parse_entries(found.files, len(found.files), progress=progress, cancelled=cancelled):
        parsed(result, reviews, problems)
    return reviews, problems, None, notices, None
