"""`split_body` (one regex split over the body) gives exactly what `_split_body_slow` (the line by
line original) gives: on every real file at hand, on bodies built from tricky lines, and on the
pathological lines the hostile tests know, which must stay linear."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reviewtui.core.format.decode import decode
from reviewtui.core.format.sections import Body, _split_body_slow, split_body
from reviewtui.core.text import clean
from tests.conftest import CONTENT, SAMPLE
from tests.helpers import review, run_killable


def bodies(text: str) -> list[str]:
    """The text as the parser hands it over (newlines normalised), whole and after its front matter."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = text.split("\n---\n", 1)
    return [text, parts[1]] if len(parts) == 2 else [text]


def same(body: str, first_line: int = 1) -> Body:
    fast, slow = split_body(body, first_line), _split_body_slow(body, first_line)
    assert fast.preamble == slow.preamble
    assert fast.score_lines == slow.score_lines
    assert fast.sections == slow.sections
    assert fast.references == slow.references
    assert fast == slow
    return fast


# ----------------------------------------------------------------------------- real files


def markdown_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.md"))


def test_every_demo_file_splits_as_line_by_line() -> None:
    files = markdown_files(CONTENT)
    assert len(files) > 50
    for path in files:
        text = decode(path.read_bytes()).text
        assert text is not None, path
        for body in bodies(text):
            same(body, 7)


def test_every_sample_file_splits_as_line_by_line() -> None:
    if not (SAMPLE / "_products").is_dir():
        pytest.skip("../shared/corpus-sample is not present")
    files = markdown_files(SAMPLE)
    assert files
    for path in files:
        text = decode(path.read_bytes()).text
        if text is not None:
            for body in bodies(text):
                same(body, 20)


def test_a_whole_review_splits_into_its_sections() -> None:
    body = same(review().split("\n---\n", 1)[1], 13)
    assert [s.key for s in body.sections] == [
        "overview",
        "sci",
        "tech",
        "cost",
        "rel",
        "design",
        "advice",
        "references",
    ]
    assert [s.score for s in body.sections[1:6]] == [0.5] * 5
    # The body's first line (13) is blank, then each section takes "## x", "", ..., "".
    assert [s.line for s in body.sections] == [14, 18, 24, 30, 36, 42, 48, 52]
    assert [s.line for s in body.score_lines] == [20, 26, 32, 38, 44]
    assert body.sections[1].text == "Some words about scientific validity."
    assert body.references[0].url == "https://acme.example/x-1"


# ----------------------------------------------------------------------------- tricky lines

HEADING_TEXTS = [
    "Overview",
    "References",
    "References (URLs verified)",
    "参考情報",
    "参考情報（外部）",
    "Sources",
    "Scientific Validity",
    "x",
    "",
    " ",
    "#",
    "##",
    "# #",
    "x #",
    "x##",
    "x ##   ",
    "\\#",
    "a\tb",
    "\u3000x",
    "\x1b[31mred",
    "\u202eevil",
]
SCORES = ["0.5", " 1 ", "1.0", "-0", "nan", "inf", "1e999", "", " ", "x", "١", "1_0", "0.5}", "{0.5"]
SPACES = ["", " ", "  ", "\t", "\u3000", "\x0b", "\x1c", "\u2028", "\r"]
LINES = [
    "",
    " ",
    "\t",
    "Some words.",
    "日本語の本文です。",
    "テスト、テスト",
    "# Title",
    "### Sub",
    "#hashtag",
    "##",
    "## ##",
    "##x",
    "##\u00a0x",
    "## \u3000x",
    " ## x",
    "```",
    "```python",
    "  ```",
    "~~~",
    "\t~~~",
    "x ```",
    "`` `",
    "(2025.12.16)",
    "  (2025.1.1)  ",
    "(2025-01-01)",
    "(2025/1/1)\t",
    "(2025.12.16) x",
    "x (2025.12.16)",
    "(２０２５.1.1)",
    "(2025.1.1)(2025.1.2)",
    "[1] https://a.example/x",
    "1. text https://b.example/y.",
    "2) Text",
    "- item",
    "* ",
    "+ http://c.example",
    "HTTPS://Y.EXAMPLE/z",
    "see httpſ://s.example",
    "$$",
    "$$ $$",
    "$$ \\Large \\text{1} $",
    "$$ \\Large \\text{1}} $$",
    "$$ \\Large \\text{1} $$ x",
    "$$ \\large \\text{1} $$",
    "\x1b[2J",
    "\u202e",
    "\x85",
    "a\u00adb",
    "a\tb",
    "\ud800",
]


@st.composite
def heading_lines(draw: st.DrawFn) -> str:
    hashes = draw(st.sampled_from(["#", "##", "###"]))
    gap = draw(st.sampled_from([" ", "\t", "  ", " \t", "", "\u3000"]))
    close = draw(st.sampled_from(["", " #", " ##", "##", " ## ", "\t#", " # x"]))
    return hashes + gap + draw(st.sampled_from(HEADING_TEXTS)) + close


@st.composite
def score_lines(draw: st.DrawFn) -> str:
    ws = [draw(st.sampled_from(SPACES)) for _ in range(5)]
    value = draw(st.sampled_from(SCORES))
    return f"{ws[0]}$${ws[1]}\\Large{ws[2]}\\text{{{value}}}{ws[3]}$${ws[4]}"


LINE = st.one_of(
    st.sampled_from(LINES),
    heading_lines(),
    score_lines(),
    st.text(st.sampled_from("#$ \t`~(){}\\x1.日\u3000\x0b"), max_size=12),
)
#: A section with the lines that matter most: in References, date stamps between other lines.
SECTION = st.tuples(
    st.sampled_from(["## References", "## 参考情報", "## Sources (checked)", "## Advice", "## ## "]),
    st.lists(
        st.sampled_from(["(2025.12.16)", " (2025.1.1) ", "x (2025.1.1)", "[1] https://a.example/b", "text", ""])
        | score_lines(),
        max_size=8,
    ),
).map(lambda section: "\n".join((section[0], *section[1])))


@settings(max_examples=600, deadline=timedelta(seconds=2), suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(LINE | SECTION, max_size=40),
    st.sampled_from(["", "\n", "\n\n"]),
    st.sampled_from(["", "\n", "\n\n"]),
    st.integers(1, 50),
)
@example(["## References", "[1] https://a.example", "", "(2025.12.16)"], "", "\n", 3)
@example(["$$ \\Large \\text{1} $$", "## A", "$$ \\Large \\text{x} $$", "$$ \\Large \\text{2} $$"], "", "", 1)
@example(["x", "$$ \\Large \\text{1} $$"], "", "", 1)
@example(["## ##", "## A", "## ##", "$$ \\Large \\text{1} $$"], "\n", "", 1)
@example(["## References", "```", "(2025.1.1)", "## B", "```", "## C"], "", "", 1)
@example(["## References", "(2025.1.1)", "(2025.1.2)", "x", "(2025.1.3)"], "", "", 1)
@example(["## A", "a\tb", "\x1b"], "", "", 1)
@example(["## References", "a", "(2025.1.1)", "b", "(2025.1.2)", "", "(2025.1.3)x", "c"], "", "", 1)
def test_tricky_bodies_split_as_line_by_line(lines: list[str], before: str, after: str, first_line: int) -> None:
    same(before + "\n".join(lines) + after, first_line)


@settings(max_examples=300, deadline=timedelta(seconds=2), suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.sampled_from("#$ \t\n\r`~(){}\\Largetx0.5[]-*:/hp日\u3000\x1b"), max_size=300))
def test_any_text_of_the_special_characters_splits_as_line_by_line(body: str) -> None:
    same(body)


def test_printable_characters_are_what_clean_keeps() -> None:
    """`split_body` skips `clean` for a body that is all printable but newlines: for every code point
    that `str.isprintable` calls printable, `clean` must change nothing, alone or in a run."""
    printable = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isprintable()]
    changed = [c for c in printable if clean(c, multiline=True) != c]
    assert not changed, [hex(ord(c)) for c in changed[:20]]
    run = "\n".join("".join(printable[i : i + 100]) for i in range(0, len(printable), 100))
    assert clean(run, multiline=True) == run


# ----------------------------------------------------------------------------- pathological lines

PATHOLOGICAL = {
    "spaces then dollars": " " * 200_000 + "$$",
    "dollars then spaces": "$$" + " " * 200_000 + "x",
    "score text then spaces": "$$ \\Large \\text{1}" + " " * 200_000 + "x",
    "score line then spaces": "$$ \\Large \\text{1} $$" + " " * 200_000 + "x",
    "score brace of 200k": "$$ \\Large \\text{" + "1" * 200_000,
    "heading of tabs": "##" + "\t" * 200_000,
    "heading ending in spaces": "## a" + " " * 200_000 + "#",
    "spaces then a fence": " " * 200_000 + "``",
    "many dates on one line": "(2025.1.1) " * 40_000,
    "open brackets": "(" * 200_000,
}
MANY_LINES = {
    "many date stamps": "(2025.1.1)\n" * 50_000,
    "many score lines": "$$ \\Large \\text{1} $$\n" * 50_000,
    "many headings": "## a\n" * 50_000,
    "many empty headings": "## ##\n" * 50_000,
    "many blank lines": "\n" * 200_000,
}


def test_pathological_bodies_split_in_linear_time(tmp_path: Path) -> None:
    """Each body below takes milliseconds when every pattern and loop is linear, and minutes or more
    when one backtracks or copies the text per line; run in a subprocess that can be killed."""
    script = tmp_path / "run.py"
    script.write_text(
        "from reviewtui.core.format.sections import _split_body_slow, split_body\n"
        f"lines = {list(PATHOLOGICAL.values())!r}\n"
        f"blocks = {list(MANY_LINES.values())!r}\n"
        "cases = [line for line in lines] + ['## References\\n' + line + '\\n' for line in lines]\n"
        "cases += ['## References\\n' + block for block in blocks] + blocks\n"
        "for body in cases:\n"
        "    assert split_body(body, 1) == _split_body_slow(body, 1), repr(body[:40])\n"
        "print('done')\n"
    )
    run_killable(script, "splitting a pathological body")
