"""The search data blob kept in the cache: a round trip gives the same index, damage gives None."""

from __future__ import annotations

import pytest

from reviewtui.core.index.builder import build
from reviewtui.core.index.searchdata import IndexData
from reviewtui.core.search.engine import SearchIndex
from reviewtui.core.store.loader import load_catalog
from tests.conftest import CONTENT


@pytest.fixture(scope="module")
def data() -> IndexData:
    catalog = load_catalog(CONTENT, cache=False)
    twins = {r.path: t.path for r in catalog.reviews if (t := catalog.twin_of(r)) is not None}
    return build(catalog.reviews, twins)


FIELDS = [
    "paths",
    "names",
    "squashed",
    "models",
    "companies",
    "langs",
    "kinds",
    "tags",
    "prices",
    "scores",
    "dates",
    "pair",
    "vocab",
    "whole",
    "ranks",
    "tag_names",
]


@pytest.mark.parametrize("name", FIELDS)
def test_each_field_survives_the_round_trip(data: IndexData, name: str) -> None:
    loaded = IndexData.loads(data.dumps())
    assert loaded is not None
    assert getattr(loaded, name) == getattr(data, name)
    assert None in data.prices or all(p is not None for p in loaded.prices)


def test_a_loaded_index_dumps_the_same_data(data: IndexData) -> None:
    loaded = IndexData.loads(data.dumps())
    assert loaded is not None and IndexData.loads(loaded.dumps()) == data  # fields not read yet pass on as they are
    loaded.tags, loaded.paths  # noqa: B018 - read some fields, then dump again
    assert IndexData.loads(loaded.dumps()) == data
    assert loaded == data


@pytest.mark.parametrize("where", [0, 5, 100, -1])
def test_a_damaged_or_foreign_blob_is_refused(data: IndexData, where: int) -> None:
    blob = bytearray(data.dumps())
    blob[where] ^= 0x01
    assert IndexData.loads(bytes(blob)) is None


@pytest.mark.parametrize("blob", [b"", b"\x00", b"garbage" * 10])
def test_garbage_is_refused(blob: bytes) -> None:
    assert IndexData.loads(blob) is None


def test_a_missing_field_is_an_attribute_error(data: IndexData) -> None:
    with pytest.raises(AttributeError):
        data.nothing  # type: ignore[attr-defined]  # noqa: B018


def test_search_from_a_loaded_index_equals_search_from_a_built_one(tmp_path: object) -> None:
    cold = SearchIndex(load_catalog(CONTENT))  # builds and stores the blob
    warm = SearchIndex(load_catalog(CONTENT))  # loads it
    for query in ("sony xm5", "tag:headphones", "price<300", "", "ヘッドホン", "!sony", "score>=3 | lang:ja"):
        a, b = cold.search(query, limit=0), warm.search(query, limit=0)
        assert [(h.review.path, h.score) for h in a.hits] == [(h.review.path, h.score) for h in b.hits], query
        assert a.tag_counts() == b.tag_counts()
