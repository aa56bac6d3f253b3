"""Splitting a review body into sections by `## ` heading, reading score lines and references."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import chain

from reviewtui.core.model import Reference, Section
from reviewtui.core.text import clean

#: Canonical section keys in the order a review holds them; the five criteria keep rating order.
SECTION_ORDER: tuple[str, ...] = ("overview", "sci", "tech", "cost", "rel", "design", "advice", "references")

HEADINGS: dict[str, str] = {
    "overview": "overview",
    "scientific validity": "sci",
    "technology level": "tech",
    "cost-performance": "cost",
    "cost performance": "cost",
    "reliability & support": "rel",
    "reliability and support": "rel",
    "rationality of design philosophy": "design",
    "advice": "advice",
    "references": "references",
    "概要": "overview",
    "科学的有効性": "sci",
    "技術レベル": "tech",
    "コストパフォーマンス": "cost",
    "信頼性・サポート": "rel",
    "信頼性とサポート": "rel",
    "設計思想の合理性": "design",
    "アドバイス": "advice",
    "参考情報": "references",
    "参考文献": "references",
    "参考資料": "references",
}

# Both patterns avoid adjacent quantifiers that can match the same characters: `(.+?)\s*#*\s*$`
# took minutes on a heading line ending in 20,000 spaces. The captured text is stripped in Python.
SCORE_LINE = re.compile(r"^\s*\$\$\s*\\Large\s*\\text\{([^}]*)\}\s*\$\$\s*$")
_HEADING = re.compile(r"^(#{1,2})[ \t]+(\S.*)$")
#: Headings longer than this are never one of the known ones; qualifier stripping stays cheap.
_LONGEST_KNOWN_HEADING = 200
_FENCE = re.compile(r"^\s*(```|~~~)")
_REFERENCE = re.compile(r"^\s*(?:\[(\d{1,6})\]|(\d{1,6})[.)]|[-*+])\s*(.*)$")
_URL = re.compile(r"https?://[^\s<>\"')\]]+[^\s<>\"')\].,;:]", re.IGNORECASE)
_DATE_TAIL = re.compile(r"^\s*\(\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2}\)\s*$")
_DATE = re.compile(r"\(\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2}\)")
# The lines `split_body` acts on, each with the newline before it: `_HEADING` (level 2 only; group 1
# is the line, 2 its text), `SCORE_LINE` (3) and `_FENCE` (4), with `\s` kept inside the line. The
# leading newline is a literal prefix the regex engine scans for quickly. Every run of one kind of
# character is followed by a character it cannot hold, so a failed try costs its line's length.
_SPLIT = re.compile(
    r"\n(?:(##[ \t]+(\S[^\n]*))"
    r"|[^\S\n]*(?:\$\$[^\S\n]*\\Large[^\S\n]*\\text\{([^}\n]*)\}[^\S\n]*\$\$[^\S\n]*(?=\n|\Z)|(```|~~~)))"
)
#: What the split pieces of `split_body` end with.
_END = (None, None, None, None, "")


_QUALIFIER = re.compile(r"\s*(?:\(.*?\)|（.*?）|\*.*?\*)\s*$")


def heading_key(heading: str) -> str | None:
    """The canonical key of a heading, or None. Qualified variants such as
    `References (URLs verified)` or `参考情報（外部）`, and `Sources`/`参考URL`, count as References."""
    if len(heading) > _LONGEST_KNOWN_HEADING:
        return None
    text = " ".join(heading.lower().split())
    key = HEADINGS.get(text)
    if key is None:
        text = _QUALIFIER.sub("", text).strip()
        key = HEADINGS.get(text)
        if key is None and (text in ("reference", "sources", "出典") or text.startswith("参考")):
            key = "references"
    return key


@dataclass(frozen=True, slots=True)
class ScoreLine:
    line: int
    value: float | None
    raw: str
    section_key: str | None


@dataclass(slots=True)
class Body:
    sections: list[Section]
    references: list[Reference]
    score_lines: list[ScoreLine]
    preamble: str


def _number(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None  # NaN and infinity are no score


def _heading_text(raw: str) -> str:
    """A heading's text without its optional closing `#`s (CommonMark: only after a space)."""
    text = raw.rstrip()
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        text = bare.rstrip()
    return text


#: A heading line's raw text -> (its text, cleaned, key); "" text when the line is no heading.
#: A collection repeats a few dozen headings thousands of times.
_HEADINGS_SEEN: dict[str, tuple[str, str, str | None]] = {}
_HEADINGS_KEPT = 4096


def _heading_seen(raw: str) -> tuple[str, str, str | None]:
    text = _heading_text(raw)
    seen = (text, clean(text), heading_key(text)) if text else ("", "", None)
    if len(raw) <= _LONGEST_KNOWN_HEADING:  # a bounded cache of short strings
        if len(_HEADINGS_SEEN) >= _HEADINGS_KEPT:
            _HEADINGS_SEEN.clear()
        _HEADINGS_SEEN[raw] = seen
    return seen


def split_body(body: str, first_line: int) -> Body:
    """Split Markdown into sections. `first_line` is the file line number of the body's first line.

    One regex split finds the only lines that matter (level-2 headings, score lines, fences) and
    hands back the text between them, so no Python code walks the body line by line. A body with
    a code fence goes the line-by-line way (`_split_body_slow`), which knows what a fence hides.
    """
    # Every line, the first too, follows a newline; each split takes a marked line with the newline
    # before it, so the text between two marks is whole lines, each after its newline.
    pieces = _SPLIT.split("\n" + body)
    sections: list[Section] = []
    score_lines: list[ScoreLine] = []
    references: list[Reference] = []
    preamble = ""
    in_section = False  # False in the preamble
    heading = ""  # the current section's heading, cleaned
    key: str | None = None
    heading_line = 0
    score: float | None = None
    parts = [pieces[0]]  # the current section's text, in pieces
    newlines = pieces[0].count("\n")  # in "\n" + body up to here: the number of the next marked line
    # A body that is all printable but newlines has nothing `clean` would change (a test checks
    # every code point); one scan instead of one per section.
    plain = body.replace("\n", " ").isprintable()
    flow = iter(pieces)
    next(flow)
    for line, raw_heading, raw_score, fence, text in chain(zip(flow, flow, flow, flow, flow, strict=True), (_END,)):
        if raw_score is not None:
            raw = raw_score.strip()
            value = _number(raw)
            score_lines.append(ScoreLine(first_line + newlines, value, raw, key))
            if score is None:  # the preamble's is dropped at the first heading
                score = value
            parts.append(text)
            newlines += 1 + text.count("\n")
            continue
        if raw_heading is not None:
            seen = _HEADINGS_SEEN.get(raw_heading) or _heading_seen(raw_heading)
            if not seen[0]:  # `## ##`: text, not a heading
                parts.append("\n" + line)
                parts.append(text)
                newlines += 1 + text.count("\n")
                continue
        elif fence is not None:
            return _split_body_slow(body, first_line)
        content = "".join(parts) if len(parts) > 1 else parts[0]
        if not in_section:
            preamble = content[1:]  # without the newline put before the body
        else:
            if key == "references" and "(" in content:
                content = _without_date_tails(content)
            content = content.strip("\n")
            sections.append(
                Section(heading, key, score, content if plain else clean(content, multiline=True), heading_line)
            )
            if key == "references":
                references.extend(parse_references(sections[-1].text))
        if line is None:  # the end
            break
        _, heading, key = seen
        in_section, heading_line, score, parts = True, first_line + newlines, None, [text]
        newlines += 1 + text.count("\n")
    return Body(sections, references, score_lines, preamble)


def _without_date_tails(text: str) -> str:
    """`text` (lines each after a newline) without its "(2025.12.16)" stamp lines."""
    kept: list[str] = []
    done = 0  # text before this is in `kept`
    match = _DATE.search(text)
    while match:
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        if line_end < 0:
            line_end = len(text)
        if _DATE_TAIL.match(text[line_start:line_end]):
            kept.append(text[done : line_start - 1])  # the line goes with the newline before it
            done = line_end
        match = _DATE.search(text, line_end)  # one look per line, however many dates it holds
    if not kept:
        return text
    kept.append(text[done:])
    return "".join(kept)


def _split_body_slow(body: str, first_line: int) -> Body:
    """`split_body` line by line: the reference it must agree with, and its path for bodies with code fences."""
    lines = body.split("\n")
    sections: list[Section] = []
    score_lines: list[ScoreLine] = []
    preamble: list[str] = []
    heading: str | None = None
    heading_line = 0
    chunk: list[str] = []
    score: float | None = None
    in_fence = False
    key: str | None = None  # heading_key(heading), worked out once per heading
    fences = "```" in body or "~~~" in body

    def flush() -> None:
        if heading is None:
            preamble.extend(chunk)
            return
        text = "\n".join(chunk).strip("\n")
        sections.append(Section(clean(heading), key, score, clean(text, multiline=True), heading_line))

    # Cheap substring tests guard each regex: most lines are prose that needs none of them.
    for index, line in enumerate(lines):
        number = first_line + index
        if fences and ("```" in line or "~~~" in line) and _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence or line[:1] != "#" else _HEADING.match(line)
        if match and len(match.group(1)) == 2 and _heading_text(match.group(2)):
            flush()
            heading, heading_line, chunk, score = _heading_text(match.group(2)), number, [], None
            key = heading_key(heading)
            continue
        score_match = None if in_fence or "$$" not in line else SCORE_LINE.match(line)
        if score_match:
            value = _number(score_match.group(1).strip())
            score_lines.append(ScoreLine(number, value, score_match.group(1).strip(), key))
            if score is None and heading is not None:
                score = value
            continue
        if key == "references" and "(" in line and _DATE_TAIL.match(line):
            continue  # the "(2025.12.16)" stamp after the references
        chunk.append(line)
    flush()
    references: list[Reference] = []
    for section in sections:
        if section.key == "references":
            references.extend(parse_references(section.text))
    return Body(sections, references, score_lines, "\n".join(preamble))


def parse_references(text: str) -> list[Reference]:
    """`[1] ...`, `1. ...` and bullet lines; failing those, any line with a URL."""
    refs: list[Reference] = []
    for line in text.split("\n"):
        match = _REFERENCE.match(line)
        if match:
            rest = match.group(3).strip()
            number = match.group(1) or match.group(2)
        elif _URL.search(line):
            rest, number = line.strip(), None
        else:
            continue
        if not rest:
            continue
        url = _URL.search(rest)
        refs.append(Reference(int(number) if number else len(refs) + 1, rest, url.group() if url else None))
    return refs
