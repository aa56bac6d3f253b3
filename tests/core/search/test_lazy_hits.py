"""Hits work out highlights and snippets when read, and still behave as plain Hit values."""

from __future__ import annotations

import dataclasses

from reviewtui.core.search.engine import Hit, SearchIndex
from reviewtui.core.search.explain import highlights, snippet
from reviewtui.core.search.query import parse_query
from reviewtui.core.store.loader import load_catalog
from tests.conftest import CONTENT


def test_lazy_fields_equal_the_eager_ones() -> None:
    index = SearchIndex(load_catalog(CONTENT, cache=False))
    snippets = 0
    for text in ("ldac", "sennheiser hd600", "wh1000xm5", "body:planar", "bartok", "sony"):
        query = parse_query(text)
        needles = SearchIndex._needles(query)
        for hit in index.search(query).hits:
            assert hit.highlights == highlights(hit.review.target_name, query.words)
            assert hit.snippet is None or hit.snippet == snippet(hit.review, needles)
            snippets += hit.snippet is not None
    assert snippets  # body-only matches show one


def test_a_lazy_hit_copies_compares_and_prints_like_a_hit() -> None:
    index = SearchIndex(load_catalog(CONTENT, cache=False))
    first = index.search("ldac", limit=1).hits[0]
    again = index.search("ldac", limit=1).hits[0]
    assert first == again and hash(first) == hash(again)
    copy = dataclasses.replace(first, score=0.5)
    assert (copy.score, copy.snippet, copy.highlights) == (0.5, first.snippet, first.highlights)
    plain = Hit(first.review, first.score, first.highlights, first.snippet, first.explain, first.twin)
    assert dataclasses.astuple(plain) == dataclasses.astuple(first)
    assert "snippet=" in repr(first)
