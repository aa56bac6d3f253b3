"""The orders a result list can be sorted in (`SearchIndex.search(sort=...)`, `--sort`).

A module of its own so that the CLI can check `--sort` without loading the search code.
"""

from __future__ import annotations

from reviewtui.core.model import CRITERIA

#: Sort keys accepted by `SearchIndex.search`.
SORTS: tuple[str, ...] = ("relevance", "overall", *CRITERIA, "price", "date", "name")
