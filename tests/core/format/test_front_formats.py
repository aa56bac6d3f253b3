"""TOML (`+++`) and JSON (`{`) front matter: the same model and the same problems as YAML, and the
edges (BOM, CRLF, syntax errors and their lines, unclosed, not a mapping, a body that starts with `{`)."""

from __future__ import annotations

import frontmatter
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtui.core.format.json_front import JSONFrontMatter
from reviewtui.core.format.parse import HANDLERS, parse_body, parse_bytes, parse_head
from reviewtui.core.format.toml_front import TOMLFrontMatter
from reviewtui.core.format.yaml_front import YAMLFrontMatter
from reviewtui.core.model import ParseResult, Price
from tests.helpers import as_json, as_toml, body, review

PATH = "_products/en/acme/acme-x-1.md"
NO_FRONT_MATTER = "The file has no front matter: its first line should be three dashes (---)."


def parse(text: str | bytes) -> ParseResult:
    return parse_bytes(text.encode("utf-8") if isinstance(text, str) else text, PATH)


def problems(text: str | bytes) -> list[tuple[str, int | None, str]]:
    return [(p.severity, p.line, p.message) for p in parse(text).problems]


def test_toml_and_json_give_the_yaml_review() -> None:
    yaml = parse(review())
    assert yaml.review is not None and not yaml.problems
    for text in (as_toml(review()), as_json(review())):
        assert parse(text) == yaml


def test_a_bom_before_toml() -> None:
    data = b"\xef\xbb\xbf" + as_toml(review()).encode("utf-8")
    assert parse(data) == parse(review())


def test_crlf_json_keeps_its_lines() -> None:
    text = as_json(review(rating="[3.5, 0.5, 0.5, 0.5, 0.5, 0.5]")).replace("## Advice", "## Advise")
    lf = parse(text)
    crlf = parse(text.replace("\n", "\r\n"))
    assert crlf == lf
    assert [p.line for p in crlf.problems if "not the sum" in p.message] == [9]
    assert [p.line for p in crlf.problems if "Advise" in p.message] == [text.split("\n").index("## Advise") + 1]


def test_toml_datetimes_and_dates_become_iso_text() -> None:
    for value in ("2025-05-01T09:30:00+09:00", "2025-05-01 09:30:00", "2025-05-01T09:30:00Z", "2025-05-01"):
        result = parse(as_toml(review(), "{}").replace("date = 2025-05-01", f"date = {value}"))
        assert result.review is not None and result.review.date == "2025-05-01", value
        assert not result.problems
    tags = parse(as_toml(review()).replace('tags = ["Headphones", "Test"]', "tags = [2024-01-02, 10:00:00]"))
    assert tags.review is not None and tags.review.tags == ("2024-01-02", "10:00:00")
    assert TOMLFrontMatter().read("when = 1979-05-27T07:32:00-08:00").meta == {"when": "1979-05-27T07:32:00-08:00"}


def test_toml_syntax_error_gives_its_file_line() -> None:
    text = as_toml(review()).replace('lang = "en"', "lang = en")
    assert problems(text) == [("error", 6, "The front matter is not valid TOML: Invalid value.")]
    assert problems("\n\n" + text) == [("error", 8, "The front matter is not valid TOML: Invalid value.")]
    unterminated = as_toml(review()).replace('summary = "A test device."', 'summary = "A test device.')
    assert problems(unterminated)[0][0] == "error" and "not valid TOML" in problems(unterminated)[0][2]
    twice = as_toml(review()).replace('lang = "en"', 'lang = "en"\nlang = "ja"')
    assert problems(twice) == [("error", 7, "The front matter is not valid TOML: Cannot overwrite a value.")]


def test_toml_values_are_checked_on_their_lines() -> None:
    text = as_toml(review(price="-5", tags='"a, b"'))
    assert problems(text) == [
        ("warning", 10, "The price -5 is negative; it is ignored."),
        ("warning", 12, "The tags are a single string, not a list; they were split at commas."),
    ]
    tabled = as_toml(review()).replace("+++\n\n", '[extra]\nnote = "tables after the fields are fine"\n+++\n\n', 1)
    assert tabled.count("+++") == 2 and parse(tabled).review is not None


def test_unclosed_toml() -> None:
    text = "+++\n" + as_toml(review()).split("+++\n")[1]
    expected = "The front matter opened on line 1 is never closed with a line of three plus signs (+++)."
    assert problems(text) == [("error", 1, expected)]


def test_json_that_is_not_a_mapping() -> None:
    not_a_mapping = ("error", 1, "The front matter is a list, not a JSON object of fields.")
    assert problems("[\n1, 2\n]\n" + body()) == [not_a_mapping]
    assert problems('[\n"title"\n]') == [not_a_mapping]


def test_json_syntax_error_and_duplicate_keys() -> None:
    text = as_json(review()).replace('"lang": "en",', '"lang": en,')
    assert problems(text) == [("error", 6, "The front matter is not valid JSON: Expecting value.")]
    twice = as_json(review()).replace('"price": 99,', '"price": 99,\n  "price": 120,')
    result = parse(twice)
    assert result.review is not None and result.review.price == Price(120.0, "USD")
    message = "The key 'price' appears more than once in the front matter (first on line 10); the last value is used."
    assert problems(twice) == [("warning", 11, message)]


@pytest.mark.parametrize(
    "text",
    [
        "{{< figure src=x.png >}}\n\n## Overview\n",  # a Hugo shortcode
        '{"title": "on one line"}\n\n## Overview\n',  # JSON, but not on lines of its own
        "{\nNot JSON, and nothing closes it.\n\n## Overview\n",
        "{",
        "[\nnothing closes this\n",
    ],
)
def test_a_body_that_starts_with_a_brace_has_no_front_matter(text: str) -> None:
    assert problems(text) == [("error", 1, NO_FRONT_MATTER)]


def test_json_with_garbage_between_braces_is_a_json_error() -> None:
    assert problems("{\nNot JSON\n}\n\n## Overview\n")[0][:2] == ("error", 2)


@pytest.mark.parametrize("convert", [as_toml, as_json])
def test_head_and_body_passes_equal_the_whole_parse(convert: object) -> None:
    text = convert(review(rating="[3.5, 0.5, 0.5, 0.5, 0.5, 0.5]").replace("## Advice", "## Advise"))  # type: ignore[operator]
    data = text.encode("utf-8")
    whole = parse_bytes(data, PATH)
    head, start = parse_head(data, PATH)
    assert start is not None and head.review is not None
    rest = parse_body(data, PATH, start, head.problems)
    assert rest is not None and whole.review is not None
    assert (rest.sections, rest.references, rest.problems) == (
        whole.review.sections,
        whole.review.references,
        whole.problems,
    )
    # The checksum covers the front matter in every format: a value changed, the length kept.
    changed = data.replace(b"Acme X-1", b"Acme X-2", 1)
    assert changed != data and parse_body(changed, PATH, start, head.problems) is None


def test_python_frontmatter_uses_our_handlers() -> None:
    toml_text = as_toml(review())
    assert frontmatter.detect_format(toml_text, HANDLERS).__class__ is TOMLFrontMatter
    assert frontmatter.detect_format(as_json(review()), HANDLERS).__class__ is JSONFrontMatter
    assert frontmatter.detect_format(review(), HANDLERS).__class__ is YAMLFrontMatter
    meta, content = frontmatter.parse(toml_text, handler=TOMLFrontMatter())
    assert meta["date"] == "2025-05-01" and meta["rating"] == [2.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    assert content.startswith("## Overview")
    post = frontmatter.loads(as_json(review()), handler=JSONFrontMatter())
    assert post["target_name"] == "Acme X-1" and post["tags"] == ["Headphones", "Test"]
    assert frontmatter.loads(review(), handler=YAMLFrontMatter())["date"] == "2025-05-01"  # no timestamp resolver


@settings(max_examples=300, deadline=None)
@given(opening=st.sampled_from(["+++\n", "{\n", "[\n", "---\n"]), rest=st.text(max_size=300))
def test_any_text_after_an_opening_never_raises(opening: str, rest: str) -> None:
    for closing in ("", "\n+++\n", "\n}\n", "\n]\n"):
        result = parse((opening + rest + closing).encode("utf-8", "surrogatepass"))
        assert result.review is not None or any(p.severity == "error" for p in result.problems)
