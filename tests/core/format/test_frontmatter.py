"""The front-matter fast path reads exactly what YAML reads, or steps aside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtui.core.format.frontmatter import load_simple
from reviewtui.core.format.yaml_front import ReviewLoader


def yaml_load(head: str) -> Any:
    loader = ReviewLoader(head)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def assert_same_as_yaml(head: str) -> bool:
    """True when the fast path answered (and agreed with YAML, types included)."""
    fast = load_simple(head)
    if fast is None:
        return False
    slow = yaml_load(head)
    assert fast == slow
    assert list(fast) == list(slow)
    assert [type(v) for v in fast.values()] == [type(v) for v in slow.values()]
    for key, value in fast.items():
        if isinstance(value, list):
            assert [type(v) for v in value] == [type(v) for v in slow[key]]
    return True


def heads(root: Path) -> list[str]:
    out = []
    for path in sorted(root.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        if text.startswith("---\n") and "\n---\n" in text:
            out.append(text[4 : text.index("\n---\n")])
    return out


def test_real_front_matter_takes_the_fast_path(content: Path) -> None:
    found = heads(content / "_products") + heads(content / "_companies")
    assert found
    answered = [assert_same_as_yaml(head) for head in found]
    assert sum(answered) >= 0.9 * len(answered)


def test_sample_front_matter_agrees_with_yaml(sample: Path) -> None:
    answered = [assert_same_as_yaml(head) for head in heads(sample)]
    assert sum(answered) >= 0.9 * len(answered)


@pytest.mark.parametrize(
    "head",
    [
        'title: "A"\nprice: 35.99\ndate: 2025-11-30\nrating: [2.4, 0.5, 0.3, 1.0, 0.2, 0.4]',
        "tags: [Headphones, 360 Reality Audio, 3.5mm, 5G, C++, Hi-Fi, 'it''s', \"a, b\"]",
        "lang: no\nflag: on\nnothing:\ntilde: x~\nneg: -3\nzero: 0\nfloat: -0.0",
        "title: Foo, Bar [x] {y}\npermalink: /products/en/x/\nname: 日本語のタイトル",
        "key: 1-2\nmodel: 7-11x\nratio: 3:2\nsexagesimal: 1:30\noctal: 0755\nhex: 0x1F\nexp: 1e5\nunder: 1_000",
        "empty: []\nspaced: [ a , b ]\n\nblank_line_above: yes",
    ],
)
def test_tricky_values_agree_with_yaml(head: str) -> None:
    assert_same_as_yaml(head)


@pytest.mark.parametrize(
    "head",
    [
        "a: 1\na: 2",  # duplicate keys: YAML's loader reports them
        "a: x # comment",
        "tags:\n  - a\n  - b",
        "tags:\n- a",
        'a: "escaped \\" quote"',
        "a: &anchor x\nb: *anchor",
        "a: !!str 1",
        "a: |\n  block",
        "yes: 1",
        "a: [x, [y]]",
        "a: [x, , y]",
        "a: 'unclosed",
        "a:b",
        "a: b: c",
        "  a: 1",
        "a: .5",
        "a:\tb",
    ],
)
def test_anything_unusual_goes_to_yaml(head: str) -> None:
    assert load_simple(head) is None


_VALUES = st.one_of(
    st.from_regex(r"[A-Za-z0-9 .:\-_,#'\"\[\]{}/+~!&*|>%@`=?]{0,12}", fullmatch=True),
    st.sampled_from(["yes", "No", "null", "~", "0", "-0", "007", "1.5", "-2.25", "2025-06-01", "1e3", ".inf"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.from_regex(r"[a-z_][a-z0-9_-]{0,6}", fullmatch=True), _VALUES), max_size=6))
def test_generated_front_matter_agrees_with_yaml(pairs: list[tuple[str, str]]) -> None:
    head = "\n".join(f"{key}: {value}" for key, value in pairs)
    try:
        expected = yaml_load(head)
    except Exception:  # noqa: BLE001 - YAML refuses it: the fast path must step aside too
        assert load_simple(head) is None
        return
    fast = load_simple(head)
    if fast is not None:
        assert isinstance(expected, dict)
        assert fast == expected and list(fast) == list(expected)
        assert [type(v) for v in fast.values()] == [type(v) for v in expected.values()]
