from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from reviewtui.core.format.parse import MAX_WARNINGS, BodyStart, parse_body, parse_bytes, parse_head, parse_text
from reviewtui.core.model import ParseResult
from tests.helpers import JA_HEADINGS, body, front, review


def messages(text: str | bytes, path: str = "_products/en/acme/acme-x-1.md") -> list[tuple[str, str]]:
    data = text.encode() if isinstance(text, str) else text
    return [(p.severity, p.message) for p in parse_bytes(data, path).problems]


def test_good_review_parses_every_field() -> None:
    result = parse_text(review(), "_products/en/acme/acme-x-1.md")
    assert result.problems == []
    r = result.review
    assert r is not None
    assert (r.kind, r.lang, r.ref, r.company_id) == ("product", "en", "acme-x-1", "acme")
    assert r.rating.overall == 2.5 and r.rating.criteria == (0.5,) * 5
    assert r.price is not None and (r.price.amount, r.price.currency) == (99.0, "USD")
    assert r.tags == ("Headphones", "Test")
    assert r.date == "2025-05-01"
    assert [s.key for s in r.sections] == ["overview", "sci", "tech", "cost", "rel", "design", "advice", "references"]
    assert [s.score for s in r.sections[1:6]] == [0.5] * 5
    assert "$$" not in r.sections[1].text
    assert r.references[0].number == 1 and r.references[0].url == "https://acme.example/x-1"
    assert r.criterion_names[0] == "Scientific Validity"


def test_bom_and_crlf_are_fine() -> None:
    data = ("\ufeff" + review()).replace("\n", "\r\n").encode("utf-8")
    result = parse_bytes(data, "_products/en/acme/acme-x-1.md")
    assert result.problems == [] and result.review is not None
    assert result.review.title == "Acme X-1 Product Review"


def test_ja_price_is_yen_and_headings_known() -> None:
    ja = JA_HEADINGS
    text = front(lang="ja", price="20800") + body(headings=ja)
    result = parse_text(text, "_products/ja/acme/acme-x-1.md")
    assert result.problems == []
    assert result.review is not None and result.review.price is not None
    assert result.review.price.currency == "JPY"
    assert result.review.criterion_names[0] == "科学的有効性"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no front matter here\n", "no front matter"),
        ("---\ntitle: x\n", "never closed"),
        ("---\ntitle: [unclosed\n---\n", "not valid YAML"),
        ("---\n- a\n- b\n---\n", "is a list"),
        ("---\njust a string\n---\n", "is the text 'just a string', not a set of `key: value` lines"),
        (front(title=None, target_name=None) + body(), "neither a title nor a target_name"),
        (front(rating="[2.0, 0.5, 0.5, 0.5, 0.5]") + body(), "has 5 numbers, expected 6"),
        (front(rating="[2.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]") + body(), "has 7 numbers, expected 6"),
        (front(rating="[2.0, a, 0.5, 0.5, 0.5, 0.5]") + body(), "entry 2 is the text 'a'; each entry must be a plain"),
        (front(rating="[2.0, 1.5, 0.5, 0.5, 0.5, 0.5]") + body(), "between 0 and 1"),
        (front(rating="[2.0, -0.5, 0.5, 0.5, 0.5, 0.5]") + body(), "between 0 and 1"),
        (front(rating="[2.0, .nan, 0.5, 0.5, 0.5, 0.5]") + body(), "entry 2 is NaN (not a number)"),
        (b"\x00\x01\x02binary\x00", "binary"),
        ("", "empty"),
    ],
)
def test_errors_drop_the_file(text: str | bytes, expected: str) -> None:
    data = text.encode() if isinstance(text, str) else text
    result = parse_bytes(data, "_products/en/acme/acme-x-1.md")
    assert result.review is None
    errors = [p for p in result.problems if p.severity == "error"]
    assert len(errors) == 1 and expected in errors[0].message
    assert errors[0].message.endswith(".")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (front(rating="[3.5, 0.5, 0.5, 0.5, 0.5, 0.5]") + body(), "not the sum"),
        (front() + body(scores=(0.5, 0.9, 0.5, 0.5, 0.5)), "score line says 0.9"),
        (front(date="2025-13-45") + body(), "not a real calendar date"),
        (front(price='"$80"') + body(), "not a plain number"),
        (front(price='"N/A"') + body(), "not a plain number"),
        (front(price="-5") + body(), "negative"),
        (front(tags='"a, b, c"') + body(), "single string"),
        (front(lang=None) + body(), "no lang; 'en' was taken from the file's path"),
        (front(company_id=None) + body(), "no company_id; 'acme'"),
        (front(ref=None) + body(), "no ref; 'acme-x-1'"),
        (
            front()
            + body(
                headings=(
                    "Overview",
                    "Scientific Validity",
                    "Technology Level",
                    "Cost-Performance",
                    "Reliability & Support",
                    "Rationality of Design Philosophy",
                    "Advice",
                )
            ),
            "no References section",
        ),
        (front() + body() + "\n## Bonus Round\n\ntext\n", "'Bonus Round' is not one of"),
    ],
)
def test_warnings_keep_the_file(text: str, expected: str) -> None:
    result = parse_bytes(text.encode(), "_products/en/acme/acme-x-1.md")
    assert result.review is not None
    assert [p.severity for p in result.problems] == ["warning"]
    assert expected in result.problems[0].message


def test_impossible_date_has_its_line() -> None:
    result = parse_text(front(date="2025-02-30") + body(), "a.md")
    problem = next(p for p in result.problems if "date" in p.message)
    assert problem.line == 8


def test_yaml_error_line_points_into_the_file() -> None:
    text = "---\ntitle: ok\nrating: [1, 2\nprice: 3\n---\n"
    result = parse_text(text, "a.md")
    assert result.review is None and result.problems[0].line is not None
    assert 3 <= result.problems[0].line <= 5


def test_shift_jis_is_decoded_with_a_warning() -> None:
    ja = JA_HEADINGS
    text = front(lang="ja", title='"テスト 製品レビュー"') + body(headings=ja)
    result = parse_bytes(text.encode("shift_jis"), "_products/ja/acme/acme-x-1.md")
    assert result.review is not None and result.review.title == "テスト 製品レビュー"
    assert [p.message for p in result.problems] == ["The file is not UTF-8; it was read as Shift_JIS."]


def test_hostile_text_is_neutralised() -> None:
    text = front(title='"\\e[31mred\\e[0m \\u202e x\\u200b"', summary='"bell\\a \\x9b2J"') + body()
    result = parse_text(text, "a.md")
    assert result.review is not None
    for value in (result.review.title, result.review.summary):
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in "\u202e\u200b" for c in value)
    assert "␛[31mred" in result.review.title


def _corpus_files(where: str, request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, bytes]:
    """Every file of the demo content, the sample corpus or the hostile corpus, by relative path."""
    if where == "hostile":
        from tests.hostile.corpus import build

        root = tmp_path / "hostile"
        build(root)
    else:
        root = request.getfixturevalue(where)
    paths = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in paths}


@pytest.mark.parametrize("where", ["content", "sample", "hostile"])
def test_the_front_matter_alone_gives_the_same_head_and_its_problems(
    where: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """`body=False` (what parsing processes answer first): the same review without sections and
    references, the same errors (the same files dropped), and only problems the whole parse has."""
    files = _corpus_files(where, request, tmp_path)
    assert len(files) > 20
    fewer = 0
    for rel, data in files.items():
        whole, heads = parse_bytes(data, rel), parse_bytes(data, rel, body=False)
        if whole.review is None:
            errors = [p for p in whole.problems if p.severity == "error"]
            assert heads.review is None and [p for p in heads.problems if p.severity == "error"] == errors, rel
            continue
        assert heads.review == dataclasses.replace(whole.review, sections=(), references=()), rel
        assert set(heads.problems) <= set(whole.problems), rel
        assert [p for p in heads.problems if p.severity == "error"] == [], rel
        fewer += len(heads.problems) < len(whole.problems)
    if where != "content":
        assert fewer  # some bodies hold problems of their own


def _in_two_passes(data: bytes, rel: str) -> tuple[ParseResult, BodyStart | None]:
    """`parse_head`, then `parse_body` on the same bytes, put together as one ParseResult."""
    head, start = parse_head(data, rel)
    assert head == parse_bytes(data, rel, body=False), rel
    if start is None:
        return head, None
    rest = parse_body(data, rel, start, head.problems)
    assert rest is not None, rel
    review = head.review and dataclasses.replace(head.review, sections=rest.sections, references=rest.references)
    return ParseResult(review, rest.problems), start


def _many_warnings(head: int, tail: int, newline: str = "\n") -> bytes:
    """A review whose front matter has `head` warnings (repeated keys) and its body `tail` more."""
    lines = front().split("\n")
    repeats = [f"summary: s{n}" for n in range(head)]
    headings = "".join(f"\n## Extra {n}\nx\n" for n in range(tail))
    return (
        newline.join([*lines[:-2], *repeats, *lines[-2:]]).encode()
        + (body() + headings).replace("\n", newline).encode()
    )


def _edge_files() -> dict[str, bytes]:
    """Files that make the body pass continue the front matter's problems in each way."""
    files = {
        f"_products/en/acme/warnings-{head}-{tail}.md": _many_warnings(head, tail)
        for head, tail in ((0, 0), (0, MAX_WARNINGS + 4), (MAX_WARNINGS - 1, 1), (MAX_WARNINGS - 1, 5))
        + ((MAX_WARNINGS, 3), (MAX_WARNINGS + 6, 0), (MAX_WARNINGS + 6, 7))
    }
    files["_products/en/acme/crlf.md"] = _many_warnings(3, 3, "\r\n")
    files["_products/en/acme/cr.md"] = _many_warnings(3, 3, "\r")
    files["_products/en/acme/bom.md"] = b"\xef\xbb\xbf" + _many_warnings(1, 1)
    files["_products/ja/acme/sjis.md"] = (front(lang="ja") + body(headings=JA_HEADINGS) + "\n## 余談\nx\n").encode(
        "shift_jis"
    )
    files["_products/en/acme/no-title.md"] = _many_warnings(2, 4).replace(b"title:", b"titel:", 1)
    files["_products/en/acme/bad-rating.md"] = (front(rating="[9, 9]") + body(scores=(0.1,) * 5)).encode()
    files["_products/en/acme/no-body.md"] = front().encode()
    files["_products/en/acme/no-newline.md"] = front().rstrip("\n").encode()
    files["_products/en/acme/dots.md"] = front().replace("\n---\n", "\n...\n").encode() + body().encode()
    files["notes/lang-guess.md"] = (front(lang="xx") + "\n## 概要\n日本語の本文。\n").encode()
    return files


@pytest.mark.parametrize("where", ["content", "sample", "hostile", "edges"])
def test_the_front_matter_then_the_body_is_the_whole_parse(
    where: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """`parse_head` + `parse_body` (what parsing processes store after answering): the same
    review, sections and references, and the same problems in the same order as `parse_bytes`."""
    files = _edge_files() if where == "edges" else _corpus_files(where, request, tmp_path)
    assert len(files) > 15
    continued = 0
    for rel, data in files.items():
        whole = parse_bytes(data, rel)
        parts, start = _in_two_passes(data, rel)
        assert parts.review == whole.review, rel
        assert parts.problems == whole.problems, rel
        continued += start is not None and len(whole.problems) > len(parse_bytes(data, rel, body=False).problems)
    if where != "content":  # the demo content is clean
        assert continued  # some bodies added problems


def test_the_many_warnings_line_counts_the_body_s_warnings_on() -> None:
    rel = "_products/en/acme/acme-x-1.md"
    data = _many_warnings(MAX_WARNINGS - 1, 5)
    head, start = parse_head(data, rel)
    assert start is not None and start.warnings == MAX_WARNINGS - 1 and not head.problems[-1].message[0].isdigit()
    rest = parse_body(data, rel, start, head.problems)
    assert rest is not None and len(rest.problems) == MAX_WARNINGS + 1
    assert rest.problems[-1].message == "4 more warnings about this file are not listed."
    data = _many_warnings(MAX_WARNINGS + 6, 7)
    head, start = parse_head(data, rel)
    assert start is not None and head.problems[-1].message == "6 more warnings about this file are not listed."
    rest = parse_body(data, rel, start, head.problems)
    assert rest is not None and rest.problems[-1].message == "13 more warnings about this file are not listed."
    assert rest.problems[:-1] == head.problems[:-1]


def test_the_body_of_a_changed_file_is_not_taken() -> None:
    """`parse_body` refuses bytes whose front matter is not the one `parse_head` read."""
    rel = "_products/en/acme/acme-x-1.md"
    data = (front() + body()).encode()
    head, start = parse_head(data, rel)
    assert start is not None and parse_body(data, rel, start, head.problems) is not None
    for changed in (
        data.replace(b"Acme X-1", b"Acme X-2"),  # the same length, another front matter
        data.replace(b"date:", b"\ndate:"),  # the body one line further
        data.replace(b"A test device.", b"A test devic\xe9."),  # now Latin-1
        front().encode()[:-10],  # shorter than the front matter
        b"\x00" * len(data),  # binary
    ):
        assert parse_body(changed, rel, start, head.problems) is None, changed[:80]
    assert parse_body(data.replace(b"Some words", b"Other text"), rel, start, head.problems) is not None
    guessed = (front(lang="xx") + "\n## Overview\n日本語の本文。\n").encode()  # no lang in the path either
    head, start = parse_head(guessed, "notes/x.md")
    assert head.review is not None and head.review.lang == "ja" and start is not None
    assert parse_body(guessed, "notes/x.md", start, head.problems) is not None
    english = guessed.replace("日本語の本文。".encode(), b"English text, same l.")
    assert len(english) == len(guessed) and parse_head(english, "notes/x.md")[0].review.lang == "en"  # type: ignore[union-attr]
    assert parse_body(english, "notes/x.md", start, head.problems) is None


def test_iso_2022_jp_is_read_with_a_warning() -> None:
    """7-bit ISO-2022-JP decodes as ASCII full of escapes: recognised by its `ESC $` sequences."""
    text = front(lang="ja", title='"テスト製品レビュー"') + body(headings=JA_HEADINGS)
    for data in (text.encode("iso2022_jp"), text.replace("\n", "\r\n").encode("iso2022_jp")):
        result = parse_bytes(data, "_products/ja/acme/acme-x-1.md")
        assert result.review is not None and result.review.title == "テスト製品レビュー"
        assert len(result.review.sections) == 8
        assert messages(data, "_products/ja/acme/acme-x-1.md") == [
            ("warning", "The file is not UTF-8; it was read as ISO-2022-JP.")
        ]
