"""The orders a result list can be sorted in (`SearchIndex.search(sort=...)`, `--sort`).

A module of its own, importing nothing, so that the CLI can check `--sort` before it loads the
model and the search code (its scan starts right after the arguments are read).
"""

#: Sort keys accepted by `SearchIndex.search`: relevance, the overall score, each of
#: `model.CRITERIA` (tests/core/search/test_sorts.py holds them equal), price, date and name.
SORTS: tuple[str, ...] = ("relevance", "overall", "sci", "tech", "cost", "rel", "design", "price", "date", "name")
