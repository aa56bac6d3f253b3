"""The query language parser: terms, operators, fields, numbers, messages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtui.core.search.query import FieldTerm, NumberTerm, Query, Word, parse_query


def items(query: Query) -> list[object]:
    return [term.item for term in query.terms]


def test_free_words_are_folded_and_and_ed() -> None:
    query = parse_query("  Sennheiser   HD-600 ")
    assert query.words == (Word("sennheiser", "sennheiser"), Word("hd-600", "hd600"))
    assert [len(g) for g in query.groups] == [1, 1]
    assert query.messages == ()
    assert query.text == "Sennheiser HD-600"


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("'ldac", Word("ldac", "ldac", "exact")),
        ("'ldac'", Word("ldac", "ldac", "exact")),
        ("^sony", Word("sony", "sony", "prefix")),
        ("xm5$", Word("xm5", "xm5", "suffix")),
        ("^sony wh-1000xm5$", None),
        ("^HD600$", Word("hd600", "hd600", "equal")),
        ('"planar magnetic"', Word("planar magnetic", "planarmagnetic", "exact")),
    ],
)
def test_fzf_operators(text: str, word: Word | None) -> None:
    query = parse_query(text)
    if word is not None:
        assert items(query) == [word]
    assert query.messages == ()


def test_negation_is_exact_and_not_a_required_word() -> None:
    query = parse_query("sony !wireless !^wh")
    assert query.words == (Word("sony", "sony"),)
    negated = [t for t in query.terms if t.negated]
    assert [t.item for t in negated] == [Word("wireless", "wireless", "exact"), Word("wh", "wh", "prefix")]


def test_or_groups() -> None:
    query = parse_query("dac | amp headphones")
    assert [[t.item for t in g] for g in query.groups] == [
        [Word("dac", "dac"), Word("amp", "amp")],
        [Word("headphones", "headphones")],
    ]
    assert query.words == (Word("headphones", "headphones"),)


@pytest.mark.parametrize("text", ["| sony", "sony |", "sony | | dac"])
def test_dangling_or_is_a_message(text: str) -> None:
    query = parse_query(text)
    assert len(query.messages) == 1 and "|" in query.messages[0]
    assert "sony" in [t.item.text for t in query.terms if isinstance(t.item, Word)]


def test_field_terms() -> None:
    query = parse_query('tag:"In-Ear_Monitors" company:Audio-Technica lang:JA type:company body:LDAC')
    assert items(query) == [
        FieldTerm("tag", ("in ear monitors",)),
        FieldTerm("company", ("audio technica",)),
        FieldTerm("lang", ("ja",)),
        FieldTerm("type", ("company",)),
        FieldTerm("body", ("ldac",)),
    ]
    assert query.words == ()


def test_field_alternatives_and_negation() -> None:
    query = parse_query("lang:en|ja !tag:discontinued type:products|companies")
    assert items(query) == [
        FieldTerm("lang", ("en", "ja")),
        FieldTerm("tag", ("discontinued",)),
        FieldTerm("type", ("product", "company")),
    ]
    assert [t.negated for t in query.terms] == [False, True, False]


def test_unknown_field_is_a_word() -> None:
    assert items(parse_query("Zero:2")) == [Word("zero:2", "zero2")]


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("price<100", NumberTerm("price", None, 100.0, high_inclusive=False)),
        ("price<=100", NumberTerm("price", None, 100.0)),
        ("price>$1,000", NumberTerm("price", 1000.0, None, low_inclusive=False)),
        ("price:50..200", NumberTerm("price", 50.0, 200.0)),
        ("price:..200", NumberTerm("price", None, 200.0)),
        ("price:50..", NumberTerm("price", 50.0, None)),
        ("price=0", NumberTerm("price", 0.0, 0.0)),
        ("score>=3.5", NumberTerm("score", 3.5, None)),
        ("overall>4", NumberTerm("score", 4.0, None, low_inclusive=False)),
        ("cost>=0.8", NumberTerm("cost", 0.8, None)),
        ("SCI>=.5", NumberTerm("sci", 0.5, None)),
        ("design<0.3", NumberTerm("design", None, 0.3, high_inclusive=False)),
        ("date>=2025-06", NumberTerm("date", "2025-06-01", None)),
        ("date>2025-06", NumberTerm("date", "2025-06-30", None, low_inclusive=False)),
        ("date<=2025-02", NumberTerm("date", None, "2025-02-28")),
        ("date<2025", NumberTerm("date", None, "2025-01-01", high_inclusive=False)),
        ("date:2024", NumberTerm("date", "2024-01-01", "2024-12-31")),
        ("date:2025-01..2025-03-15", NumberTerm("date", "2025-01-01", "2025-03-15")),
    ],
)
def test_numeric_terms(text: str, term: NumberTerm) -> None:
    query = parse_query(text)
    assert items(query) == [term]
    assert query.messages == ()


def test_number_term_bounds() -> None:
    below = NumberTerm("price", None, 100.0, high_inclusive=False)
    assert below.holds(99.99) and not below.holds(100.0)
    band = NumberTerm("price", 50.0, 200.0)
    assert band.holds(50.0) and band.holds(200.0) and not band.holds(200.01)
    june = parse_query("date:2025-06").terms[0].item
    assert isinstance(june, NumberTerm)
    assert june.holds("2025-06-30") and not june.holds("2025-07-01")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("price<abc sony", "not a number"),
        ("price< sony", "needs a value"),
        ("date>=2025-13 sony", "not a date"),
        ("date:2025-02-30 sony", "not a date"),
        ("price:200..50 sony", "empty range"),
        ("lang:fr sony", "not a known lang"),
        ("type:shop sony", "not a known type"),
        ("tag: sony", "needs a value"),
        ('tag:"in-ear sony', "not closed"),
        ("! sony", "must be followed"),
    ],
)
def test_bad_parts_become_messages_and_the_rest_applies(text: str, needle: str) -> None:
    query = parse_query(text)
    assert len(query.messages) == 1
    message = query.messages[0]
    assert needle in message
    assert message[0].isupper() or message[0] in "'\"", message
    assert message.endswith(".")
    if "not closed" in needle:
        assert items(query) == [FieldTerm("tag", ("in ear sony",))]
    else:
        assert Word("sony", "sony") in items(query)


def test_punctuation_only_words_are_dropped_quietly() -> None:
    query = parse_query("at & t -")
    assert [w.text for w in query.words] == ["at", "t"]
    assert query.messages == ()


def test_script_decides_twin_language() -> None:
    assert parse_query("sony wh-1000xm5").script == "en"
    assert parse_query("ソニー wh-1000xm5").script == "ja"
    assert parse_query("tag:ヘッドホン").script == "ja"
    assert parse_query("price<100").script is None
    assert parse_query("lang:ja").script is None


def test_unicode_folding() -> None:
    assert parse_query("Bartók").words[0].text == "bartok"
    assert parse_query("ＷＨ－１０００ＸＭ５").words[0].squashed == "wh1000xm5"
    assert parse_query("ヘッドホン").words[0].text == parse_query("へっどほん").words[0].text
    assert parse_query("ﾍｯﾄﾞﾎﾝ").words[0].text == parse_query("へっどほん").words[0].text


@pytest.mark.parametrize("text", ["", "   ", '"', "!", "|", "'", "^", "$", "^$", 'tag:""', "price:..", "::::"])
def test_degenerate_queries_never_raise(text: str) -> None:
    query = parse_query(text)
    assert isinstance(query, Query)
    for message in query.messages:
        assert message.endswith(".")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 1.:<>=!|^$'\"-_tagpricedt日ア\u0301\x00\u202e")) | st.characters()))
def test_any_text_parses_without_raising(text: str) -> None:
    query = parse_query(text)
    assert all(isinstance(m, str) and m.endswith(".") for m in query.messages)
    assert all(w.squashed for w in query.words)
