"""Property tests: the parser and the query parser never raise, and never take long, on any input.

Time is bounded two ways. Hypothesis gives each example a generous deadline (2 s, for inputs that
take milliseconds), which catches blow-ups that grow with the input. Catastrophic regex
backtracking cannot be interrupted from Python, so the known shapes of it run in a subprocess that
is killed after a minute: each input there is 200,000 characters, parsed in milliseconds when the
code is linear and in hours when a pattern backtracks.
"""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reviewtui.core.format.parse import parse_bytes, parse_text
from reviewtui.core.model import ParseResult, Review
from reviewtui.core.search.query import Query, parse_query
from tests.helpers import body, front, review, run_killable
from tests.hostile.corpus import HOSTILE, UNSAFE, yaml_quoted

PATH = "_products/en/acme/acme-x-1.md"

PROPERTY = settings(
    max_examples=300,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ----------------------------------------------------------------------------- what must hold


def check(result: ParseResult) -> None:
    """The invariants of any parse: problems are sentences, a review is only there without errors,
    and whatever is kept is safe to show and sane to draw."""
    assert isinstance(result, ParseResult)
    for problem in result.problems:
        assert problem.severity in ("error", "warning")
        assert problem.message and problem.message[0].isupper() or problem.message[0].isdigit()
        assert problem.message.endswith("."), problem.message
        assert len(problem.message) < 400, problem.message[:100]
        assert safe(problem.message), problem.message
        assert problem.line is None or problem.line >= 1
    errors = [p for p in result.problems if p.severity == "error"]
    if result.review is None:
        assert errors, "a dropped file must say why"
    else:
        assert not errors
        check_review(result.review)


def safe(text: str) -> bool:
    """No control, bidi or invisible character, and no lone surrogate (which cannot even be printed)."""
    return not UNSAFE & set(text) and not any("\ud800" <= c <= "\udfff" for c in text)


def check_review(r: Review) -> None:
    for text in (r.title, r.target_name, r.summary, r.permalink, r.ref, r.company_id, *r.tags):
        assert safe(text) and "\n" not in text, text[:80]
    for section in r.sections:
        assert safe(section.heading) and "\n" not in section.heading
        assert safe(section.text)
        assert section.score is None or math.isfinite(section.score)
    for reference in r.references:
        assert safe(reference.text)
        assert reference.url is None or reference.url.lower().startswith(("http://", "https://"))
    assert r.lang in ("en", "ja") and r.kind in ("product", "company")
    assert all(0.0 <= c <= 1.0 for c in r.rating.criteria)
    assert math.isfinite(r.rating.overall)
    assert r.price is None or (math.isfinite(r.price.amount) and r.price.amount >= 0)
    assert r.date is None or (len(r.date) == 10 and r.date[4] == "-" and r.date[7] == "-")
    assert r.title and r.target_name


# ----------------------------------------------------------------------------- arbitrary input


@PROPERTY
@given(st.binary(max_size=4096))
def test_any_bytes(data: bytes) -> None:
    check(parse_bytes(data, PATH))


#: Any code point, lone surrogates included (Hypothesis leaves them out of text() by default).
ANY_CHAR = st.one_of(st.characters(), st.characters(categories=["Cs", "Cc", "Cf", "Zl", "Zp", "Co"]))


@PROPERTY
@given(st.text(ANY_CHAR, max_size=4096))
def test_any_text(text: str) -> None:
    check(parse_text(text, PATH))
    check(parse_bytes(text.encode("utf-8", "surrogatepass"), PATH))


@PROPERTY
@given(st.text(max_size=2000), st.sampled_from(["shift_jis", "euc_jp", "latin-1", "cp1252", "utf-16", "utf-32"]))
def test_any_text_in_another_encoding(text: str, codec: str) -> None:
    check(parse_bytes(review(summary=f'"{text[:0]}x"').encode() + text.encode(codec, "replace"), PATH))
    check(parse_bytes((review() + text).encode(codec, "replace"), PATH))


@PROPERTY
@given(st.text(ANY_CHAR, max_size=500), st.sampled_from(["title", "target_name", "summary", "tags", "lang", "ref"]))
@example("a\udce9b", "title")
@example("\x1b[31m\u202e\x9b", "summary")
def test_any_text_in_a_field(text: str, key: str) -> None:
    """Quoted (every character reaches the value) and raw (YAML decides what it means)."""
    check(parse_text(front(**{key: yaml_quoted(text)}) + body(), PATH))
    check(parse_text(front(**{key: text}) + body(), PATH))
    check(parse_text(review() + f"\n## {text}\n\n{text}\n", PATH))


# ----------------------------------------------------------------------------- front-matter-ish text

FRAGMENTS = [
    "---",
    "...",
    "",
    " ",
    "\t",
    "title: X",
    'title: "[bold]x[/]"',
    "title:",
    "target_name: Y",
    "layout: product",
    "layout: company",
    "lang: ja",
    "lang: [en]",
    "ref: r",
    "company_id: c",
    "date: 2025-02-30",
    "date: 2025-05-01",
    "date: 99999999999999999999",
    "rating: [2.5, 0.5, 0.5, 0.5, 0.5, 0.5]",
    "rating: [",
    "rating: [.nan, .inf, -.inf, 1e400, 1.0e+400, -0.0]",
    "rating: 3",
    "rating: [2.5, 0.5, 0.5, 0.5, 0.5, " + "9" * 400 + "]",
    "price: 99",
    'price: "$80"',
    "price: -1",
    "price: .inf",
    "tags: [a, b, a, A]",
    "tags: a, b",
    "tags: {a: 1}",
    "tags: [[x], {y: 1}, null]",
    "  - item",
    "- item",
    "? [a, b]",
    ": value",
    "a: &x [1, 2]",
    "b: *x",
    "c: *undefined",
    "<<: *x",
    "m: &m {k: 1}",
    "n: {<<: [*m, *m]}",
    "x: !!python/object/apply:os.system [ls]",
    "x: !!binary aGVsbG8=",
    "x: !!set {a, b}",
    "x: !!omap [{a: 1}]",
    "x: !custom tag",
    'x: "\\e[31m\\x9b\\u202e\\ud800"',
    "x: |",
    "x: >-",
    "summary: '" + "s" * 300,
    "title: title",
    "[[[[[[[[[[",
    "{{{{{",
    "&a &b",
    "%YAML 1.1",
    "--- !!map",
    "## Overview",
    "## Scientific Validity",
    "## References",
    "## 参考情報",
    "# Title",
    "$$ \\Large \\text{0.5} $$",
    "$$ \\Large \\text{nan} $$",
    "$$ \\Large \\text{1e999} $$",
    "$$ \\Large \\text{" + " " * 200,
    "## " + "(" * 300,
    "## a" + " " * 300 + "x",
    "```",
    "~~~",
    "[1] https://example.com/a",
    "[2] javascript:alert(1)",
    "1. file:///etc/passwd",
    "- http://" + "." * 100,
    "(2025.12.16)",
    HOSTILE,
    "\x1b[2J\x1b]52;c;aGk=\x07",
    "\r",
    "\ufeff",
    "テスト製品のレビュー",
]


@st.composite
def front_matterish(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(ANY_CHAR, max_size=40)), max_size=60))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    start = draw(st.sampled_from(["---\n", "", "\n\n---\n", "\ufeff---\n", front()]))
    return start + newline.join(lines)


@PROPERTY
@given(front_matterish())
def test_front_matterish_text(text: str) -> None:
    check(parse_text(text, PATH))
    check(parse_bytes(text.encode("utf-8", "surrogatepass"), PATH))


@PROPERTY
@given(
    st.dictionaries(
        st.sampled_from(["title", "target_name", "rating", "price", "tags", "date", "lang", "layout", "summary"]),
        st.sampled_from([f for f in FRAGMENTS if ":" in f]).map(lambda f: f.split(":", 1)[1]),
    )
)
def test_every_field_with_every_odd_value(fields: dict[str, str]) -> None:
    check(parse_text(front(**fields) + "\n## Overview\n\ntext\n", PATH))


# ----------------------------------------------------------------------------- pathological lines

PATHOLOGICAL = {
    "heading ending in spaces": "## a" + " " * 200_000 + "x",
    "heading of open brackets": "## " + "(" * 200_000,
    "heading of full-width brackets": "## " + "（" * 200_000,
    "heading of hashes and spaces": "## " + "# " * 100_000 + "x",
    "score line without its brace": "$$ \\Large \\text{" + " " * 200_000,
    "score line without its dollars": "$$ \\Large \\text{0.5" + " " * 200_000 + "} $",
    "reference of http prefixes": "[1] " + "http://" * 30_000,
    "reference of dots": "- http://" + "." * 200_000 + " x",
    "fence of spaces": " " * 200_000 + "`",
    "key of letters then spaces": "a" * 100_000 + " " * 100_000,
    "date stamp": "(" + "2025." * 40_000,
}


def test_pathological_lines_parse_in_linear_time(tmp_path: Path) -> None:
    """Each body line below took minutes or hours with a backtracking pattern; all together must take
    well under a minute (they take about a second). Run in a subprocess that can be killed."""
    script = tmp_path / "run.py"
    script.write_text(
        "import sys\n"
        "from reviewtui.core.format.parse import parse_text\n"
        "from tests.helpers import review\n"
        f"lines = {list(PATHOLOGICAL.values())!r}\n"
        "for line in lines:\n"
        "    parse_text(review() + '\\n' + line + '\\n', 'a.md')\n"
        "    parse_text('---\\n' + line + '\\n---\\n', 'a.md')\n"
        "print('done')\n"
    )
    run_killable(script, "parsing a pathological line")


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_lines_give_sane_results(name: str) -> None:
    line = PATHOLOGICAL[name]
    check(parse_text(review() + "\n" + line + "\n", PATH))
    check(parse_text("---\n" + line + "\n---\n", PATH))


# ----------------------------------------------------------------------------- the query parser

QUERY_FRAGMENTS = [
    "tag:",
    "tag:a",
    'tag:"in ear"',
    "company:",
    "lang:",
    "lang:xx",
    "type:",
    "body:",
    "price<",
    "price<100",
    "price:50..200",
    "price:..",
    "price>=1e400",
    "price<nan",
    "score>=3.5",
    "cost>=0.8",
    "date>=2025-06",
    "date:2025-13",
    "date<99999",
    "!",
    "!!",
    "|",
    "||",
    "'",
    "^",
    "$",
    "^$",
    '"',
    '""',
    "..",
    "-",
    ":",
    "=",
    "<=",
    "\\",
    HOSTILE,
    "ヘッドホン",
    "ｗｈ－１０００",
    "\x00",
    "\ud800",
]


@st.composite
def queryish(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(QUERY_FRAGMENTS), st.text(max_size=12)), max_size=12))
    glue = draw(st.sampled_from(["", " ", "  "]))
    return glue.join(parts)


@PROPERTY
@given(st.one_of(st.text(max_size=300), queryish()))
def test_query_parser_never_raises(text: str) -> None:
    query = parse_query(text)
    assert isinstance(query, Query)
    for message in query.messages:
        assert isinstance(message, str) and message
        assert (message[0].isupper() or message[0] in "'`\"") and message.endswith("."), message
    for group in query.groups:
        assert group, "an empty OR group"


@pytest.fixture(scope="module")
def index() -> object:
    from reviewtui.core.search.engine import SearchIndex
    from reviewtui.core.store.loader import load_catalog
    from tests.conftest import CONTENT

    return SearchIndex(load_catalog(CONTENT, **_no_cache()))


def _no_cache() -> dict[str, object]:
    import inspect

    from reviewtui.core.store.loader import load_catalog

    return {"cache": False} if "cache" in inspect.signature(load_catalog).parameters else {}


@settings(PROPERTY, max_examples=150)
@given(text=st.one_of(st.text(max_size=80), queryish()))
def test_search_never_raises(index: object, text: str) -> None:
    from reviewtui.core.search.engine import SearchIndex

    assert isinstance(index, SearchIndex)
    results = index.search(text, limit=20)
    assert results.total >= len(results.hits)
    for message in results.messages:
        assert isinstance(message, str) and message


# ----------------------------------------------------------------------------- the front matter fast path

SCALARS = [
    "",
    "x",
    "word",
    "two words",
    "Acme X-1",
    "acme-x-1",
    "2025-05-01",
    "2025-5-1",
    "2025-13-45",
    "1",
    "0",
    "-0",
    "01",
    "007",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_000",
    "1,000",
    "1e3",
    "1E3",
    "1.5e3",
    "1.0e+3",
    "1.0e+400",
    ".5",
    "5.",
    "+1",
    "+1.5",
    "-1.5",
    "1:30",
    "190:20:30",
    ".inf",
    "-.inf",
    ".nan",
    ".NaN",
    "1.0",
    "-1.0",
    "99999999999999999999999999999999",
    "1.2.3",
    "v1.2",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "true",
    "False",
    "~",
    "null",
    "Null",
    "NULL",
    "nil",
    "'single'",
    "'it''s'",
    "''",
    '""',
    '"double"',
    '"with \\" escape"',
    '"tab\\there"',
    '"\\u00e9"',
    "'#not comment'",
    "a # comment",
    "a#b",
    "a: b",
    "a:b",
    "a:",
    "-",
    "- a",
    "-a",
    "--",
    "?",
    "? a",
    "!tag",
    "!!str 1",
    "&a x",
    "*a",
    "|",
    ">",
    "%x",
    "@x",
    "`x`",
    "{a: 1}",
    "[a, b]",
    "[]",
    "[ ]",
    "[a,b]",
    "[a, 'b', \"c\"]",
    "[1, 2.5, -3, 0x10]",
    "[a, , b]",
    "[a,]",
    "[[a]]",
    "[a: b]",
    "[yes, no, ~]",
    '["a, b", c]',
    "['a', 'b''c']",
    "[a #x]",
    "[é, ü]",
    "Café",
    "テスト",
    "x ",
    " x",
    "x\t",
    "\u00a0x",
    "x\u2028y",
    "<<",
    "=",
    "1.",
    ".",
    "0.",
    "-.5",
    "+.5",
    "1__0",
    "0_1",
    "1e",
    "e1",
    "inf",
    "NaN",
    "1/2",
    "$80",
    "¥20,800",
    "N/A",
    "50%",
    "3 dB",
    "1.5k",
]
KEYS = ["title", "rating", "price", "tags", "date", "a", "a-b", "a_b", "_x", "x1", "yes", "null", "on", "1", "Title"]


@st.composite
def simple_heads(draw: st.DrawFn) -> str:
    """Mostly what the fast path accepts (distinct keys, `: `, listed scalars), with odd bits mixed in."""
    scalar = st.one_of(st.sampled_from(SCALARS), st.sampled_from(SCALARS), st.text(ANY_CHAR, max_size=12))
    listed = st.lists(st.sampled_from(SCALARS), max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]")
    lines = draw(
        st.lists(
            st.tuples(
                st.sampled_from(KEYS),
                st.sampled_from([": ", ": ", ": ", ":", ":  ", " : "]),
                st.one_of(scalar, listed),
            ),
            min_size=1,
            max_size=6,
            unique_by=lambda line: line[0],
        )
    )
    return "\n".join(f"{k}{sep}{v}" for k, sep, v in lines) + draw(st.sampled_from(["", "\n", "\n\n", "\n "]))


def same(a: object, b: object) -> bool:
    """Equal in value and in type all the way down (1 == 1.0 == True must not pass), NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


@settings(PROPERTY, max_examples=2000)
@given(simple_heads())
def test_fast_path_reads_front_matter_exactly_as_yaml(head: str) -> None:
    """Whenever the fast path answers, YAML (our SafeLoader, without timestamps) says the same."""
    import yaml

    from reviewtui.core.format.frontmatter import load_simple
    from reviewtui.core.format.yaml_front import ReviewLoader

    fast = load_simple(head)
    if fast is None:
        return
    loaded = yaml.load(head, Loader=ReviewLoader)  # noqa: S506 - a SafeLoader subclass
    assert isinstance(loaded, dict)
    assert same(fast, {str(k): v for k, v in loaded.items()}), (fast, loaded)
