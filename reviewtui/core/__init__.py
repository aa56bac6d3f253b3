"""The headless core: parsing, catalog, search and query language. Never imports Textual or Rich."""

from reviewtui.core.catalog import Catalog, load_catalog
from reviewtui.core.model import CRITERIA, CRITERION_NAMES, Price, Problem, Rating, Reference, Review, Section

__all__ = [
    "CRITERIA",
    "CRITERION_NAMES",
    "Catalog",
    "Price",
    "Problem",
    "Rating",
    "Reference",
    "Review",
    "Section",
    "load_catalog",
]
