"""Search semantics: words, operators, fields, numbers, twins, hits, explain, sorting."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewtui.core.search.engine import SORTS, HitList, SearchIndex
from reviewtui.core.services.library import open_library
from reviewtui.core.store.loader import load_catalog
from tests.conftest import CONTENT
from tests.helpers import review, write


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(load_catalog(CONTENT, cache=False))


def paths(index: SearchIndex, query: str, **options: object) -> list[str]:
    return [h.review.path for h in index.search(query, **options).hits]  # type: ignore[arg-type]


def names(index: SearchIndex, query: str, **options: object) -> list[str]:
    return [h.review.target_name for h in index.search(query, **options).hits]  # type: ignore[arg-type]


def test_empty_query_lists_everything_by_name(index: SearchIndex) -> None:
    results = index.search("")
    assert results.total == len(index.reviews) and len(results.hits) == results.total
    shown = [h.review.target_name.casefold() for h in results.hits]
    assert shown == sorted(shown)


def test_words_are_anded(index: SearchIndex) -> None:
    assert set(names(index, "sony xm")) == {"Sony WH-1000XM5", "Sony WF-1000XM4"}
    assert names(index, "sony xm5", limit=1) == ["Sony WH-1000XM5"]
    assert index.search("sony genelec").total == 0


def test_exact_and_prefix_rank_above_fuzzy(index: SearchIndex) -> None:
    hits = index.search("hd600").hits
    assert hits[0].review.target_name == "Sennheiser HD 600"
    typo = [h for h in hits if h.review.target_name == "Sennheiser HD 800 S"]
    assert typo and typo[0].score < hits[0].score


def test_typos_transpositions_and_missing_hyphens(index: SearchIndex) -> None:
    for query in ("sennhieser hd600", "sennheiser hd-600", "SENNHEISER HD 600", "sennheisr hd600"):
        assert names(index, query, limit=1) == ["Sennheiser HD 600"], query
    assert names(index, "wh1000mx5", limit=1) == ["Sony WH-1000XM5"]
    assert names(index, "ath m50x", limit=1) == ["Audio-Technica ATH-M50x"]


def test_a_nonsense_word_finds_nothing(index: SearchIndex) -> None:
    assert index.search("zqxjv").total == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("'m50x", {"Audio-Technica ATH-M50x"}),
        ("^genelec 8", {"Genelec 8030C", "Genelec 8341A"}),
        ("^kef", {"KEF", "KEF KC62", "KEF LS50", "KEF LS50 Meta", "KEF LSX II"}),
        ("pro$ beyerdynamic", {"Beyerdynamic DT 770 PRO", "Beyerdynamic DT 990 PRO", "Beyerdynamic DT 1990 PRO"}),
        ("^kef ls50$", {"KEF LS50"}),
        ("^kefls50$", {"KEF LS50"}),
    ],
)
def test_fzf_operators(index: SearchIndex, query: str, expected: set[str]) -> None:
    assert set(names(index, query, only_lang="en", kind="product" if query == "'m50x" else None)) == expected


def test_negation_and_or(index: SearchIndex) -> None:
    sony = set(names(index, "sony", only_lang="en", kind="product"))
    assert "Sony WF-1000XM4" in sony
    assert "Sony WF-1000XM4" not in set(names(index, "sony !wf", only_lang="en"))
    assert "Sony WF-1000XM4" not in set(names(index, "sony !tag:discontinued", only_lang="en"))
    either = set(names(index, "^genelec | ^kef type:product", only_lang="en"))
    assert either == {
        "Genelec 7350A",
        "Genelec 8030C",
        "Genelec 8341A",
        "KEF KC62",
        "KEF LS50",
        "KEF LS50 Meta",
        "KEF LSX II",
    }


def test_field_terms(index: SearchIndex) -> None:
    assert set(names(index, 'tag:"in-ear monitor"', only_lang="en")) == {
        "Moondrop Aria 2",
        "Moondrop Blessing 2",
        "Moondrop Blessing 3",
        "Moondrop Chu II",
    }
    assert names(index, "tag:In_Ear-monitor") == names(index, 'tag:"in ear monitor"')
    by_company = paths(index, "company:Nordvik-Acoustics")
    assert "_companies/en/nordvik-acoustics.md" in by_company and len(by_company) == 6  # 2 companies, 4 products
    assert all(p.startswith("_products/ja") or p.startswith("_companies/ja") for p in paths(index, "lang:ja"))
    assert all(p.startswith("_companies/") for p in paths(index, "type:company"))
    assert index.search("type:product|company").total == len(index.reviews)
    assert paths(index, "body:helmholtz") == ["_products/en/sennheiser/sennheiser-hd-800-s.md"]


def test_numbers_and_missing_values(index: SearchIndex) -> None:
    cheap = index.search("price<100", limit=0).hits
    assert cheap and all(h.review.price and h.review.price.amount < 100 for h in cheap)
    band = index.search("price:99..149 lang:en").hits
    assert {h.review.price.amount for h in band if h.review.price} <= {99.0, 109.0, 109.99, 129.0, 149.0}
    assert all(h.review.price is not None for h in index.search("price>=0").hits)
    unpriced = [r for r in index.reviews if r.price is None]
    assert unpriced and not set(paths(index, "!price<100")) & {r.path for r in unpriced}
    assert all(h.review.rating.overall >= 4 for h in index.search("score>=4").hits)
    assert all(h.review.rating.criterion("cost") >= 0.9 for h in index.search("cost>=0.9").hits)
    assert all((h.review.date or "") >= "2026-01-01" for h in index.search("date>=2026").hits)
    assert paths(index, "date>=2026-09") == ["_products/en/nordvik-acoustics/nordvik-acoustics-isbre-sub-10.md"]


def test_bad_parts_are_messages_and_the_rest_applies(index: SearchIndex) -> None:
    results = index.search("price<abc genelec 8030")
    assert len(results.messages) == 1 and "not a number" in results.messages[0]
    assert results.hits[0].review.target_name == "Genelec 8030C"


def test_twins_follow_the_query_script_unless_a_language_is_set(index: SearchIndex) -> None:
    latin = index.search("sennheiser hd600", limit=2).hits
    assert [h.review.lang for h in latin] == ["en", "ja"]
    assert index.search("ヘッドホン hd600", limit=1).hits[0].review.lang == "ja"
    assert index.search("sennheiser hd600", lang="ja", limit=1).hits[0].review.lang == "ja"
    collapsed = index.search("hd600", collapse_twins=True).hits
    top = collapsed[0]
    assert top.review.lang == "en" and top.twin is not None and top.twin.lang == "ja"
    assert collapsed[0].review.path not in [h.review.path for h in collapsed[1:]]
    assert index.search("hd600", collapse_twins=True, lang="ja").hits[0].review.lang == "ja"


def test_full_text_ranks_below_title_hits_and_gives_a_snippet(index: SearchIndex) -> None:
    hits = index.search("ldac", only_lang="en").hits
    in_title = [h for h in hits if "LDAC" in h.review.tags]
    body_only = [h for h in hits if "LDAC" not in h.review.tags and "ldac" not in h.review.summary.casefold()]
    assert in_title and body_only
    assert max(h.score for h in body_only) < min(h.score for h in in_title)
    assert all(h.snippet and "ldac" in h.snippet.casefold() for h in body_only)
    assert all(h.snippet is None for h in in_title)


def test_highlights_point_into_the_target_name(index: SearchIndex) -> None:
    hit = index.search("wh1000xm5", limit=1).hits[0]
    assert "".join(hit.review.target_name[i] for i in hit.highlights) == "WH1000XM5"
    fuzzy = index.search("sennhieser", limit=1).hits[0]
    assert fuzzy.highlights and max(fuzzy.highlights) < len("Sennheiser")


def test_explain_tells_fields_terms_and_parts(index: SearchIndex) -> None:
    hit = index.search("sennhieser hd600 price<500", limit=1, explain=True).hits[0]
    text = "\n".join(hit.explain)
    assert "typo" in text and "name" in text and "price<500" in text and "total" in text
    assert index.explain(hit.review, "sennhieser hd600")[:2] == hit.explain[:2]


def test_limit_total_and_every_match(index: SearchIndex) -> None:
    limited = index.search("headphones", limit=3)
    assert len(limited.hits) == 3 and limited.total > 3 and isinstance(limited.hits, tuple)
    everything = index.search("headphones", limit=0)
    assert len(everything.hits) == everything.total == limited.total


@pytest.mark.parametrize("sort", SORTS)
def test_sorts(index: SearchIndex, sort: str) -> None:
    hits = index.search("lang:en type:product", sort=sort).hits
    assert len(hits) == len([r for r in index.reviews if r.lang == "en" and r.kind == "product"])
    if sort == "price":
        amounts = [h.review.price.amount for h in hits if h.review.price]
        assert amounts == sorted(amounts) and hits[-1].review.price is None
        dearest = index.search("lang:en", sort="price", descending=True).hits
        flipped = [h.review.price.amount for h in dearest if h.review.price]
        assert flipped == sorted(flipped, reverse=True)
    elif sort == "overall":
        overall = [h.review.rating.overall for h in hits]
        assert overall == sorted(overall, reverse=True)


def test_hit_list_is_lazy_and_findable(index: SearchIndex) -> None:
    results = index.search("", collapse_twins=True)
    hits = results.hits
    assert isinstance(hits, HitList)
    assert hits.index_of("_products/ja/sennheiser/sennheiser-hd-600.md") == hits.index_of(
        "_products/en/sennheiser/sennheiser-hd-600.md"
    )
    assert hits.index_of("nope.md") is None
    assert hits[-1] == hits[len(hits) - 1] and hits[:2] == (hits[0], hits[1])
    counts = dict(results.tag_counts())
    assert counts["Headphones"] >= 10


def test_diacritics_and_width_fold(tmp_path: Path) -> None:
    write(tmp_path, "_products/en/dcs/bartok.md", review(ref="bartok", target_name='"dCS Bartók Apex DAC"'))
    write(tmp_path, "_products/en/acme/acme-x-1.md", review())
    index = SearchIndex(load_catalog(tmp_path, cache=False))
    assert names(index, "bartok") == ["dCS Bartók Apex DAC"]
    assert names(index, "ＢＡＲＴＯＫ") == ["dCS Bartók Apex DAC"]
    hit = index.search("bartok").hits[0]
    assert "".join(hit.review.target_name[i] for i in hit.highlights) == "Bartók"


def test_catalog_without_cache_still_searches_bodies(tmp_path: Path) -> None:
    write(tmp_path, "_products/en/acme/acme-x-1.md", review())
    library = open_library(tmp_path, cache=False)
    assert library.store is None
    assert library.index.search("body:spec").total == 1


def test_filters_prepared_ahead_give_what_the_data_says() -> None:
    """`prepare` builds the label indexes and number columns the app builds in the background;
    filters read from them must still equal a plain scan of the reviews."""
    catalog = load_catalog(CONTENT, cache=False)
    index = SearchIndex(catalog)
    index.prepare()
    reviews = catalog.reviews

    def every(query: str, **options: object) -> set[str]:
        return {h.review.path for h in index.search(query, limit=0, **options).hits}

    assert every("price<100") == {r.path for r in reviews if r.price and r.price.amount < 100}
    assert every("cost>=0.8") == {r.path for r in reviews if r.rating.criteria[2] >= 0.8}
    assert every("score>=3.5") == {r.path for r in reviews if r.rating.overall >= 3.5}
    assert every("date>=2025-06") == {r.path for r in reviews if r.date and r.date >= "2025-06"}
    assert every("lang:ja") == {r.path for r in reviews if r.lang == "ja"}
    assert every("", tags=("Headphones",)) == {r.path for r in reviews if "headphones" in {t.lower() for t in r.tags}}
    assert every("price<100") and every("lang:ja")
