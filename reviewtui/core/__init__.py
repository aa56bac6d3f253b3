"""The headless core: parsing, catalog, search and query language. Never imports Textual or Rich.

The names below load on first use: importing one small module of the core (the CLI starts its
scan with `scanning` alone) does not load the catalog and the model.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms
if TYPE_CHECKING:
    from typing import Any

    from reviewtui.core.catalog import Catalog
    from reviewtui.core.model import CRITERIA, CRITERION_NAMES, Price, Problem, Rating, Reference, Review, Section
    from reviewtui.core.store.loader import load_catalog

_HOMES = {
    "CRITERIA": "model",
    "CRITERION_NAMES": "model",
    "Catalog": "catalog",
    "Price": "model",
    "Problem": "model",
    "Rating": "model",
    "Reference": "model",
    "Review": "model",
    "Section": "model",
    "load_catalog": "store.loader",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{home}"), name)
