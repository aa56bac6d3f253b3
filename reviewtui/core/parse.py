"""Parsing one review file: front matter, validation against the format, and the body."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import PurePosixPath
from typing import Any

import yaml

from reviewtui.core.decode import decode
from reviewtui.core.model import CURRENCY, Kind, ParseResult, Price, Problem, Rating, Review, Severity
from reviewtui.core.sections import SECTION_ORDER, heading_key, split_body
from reviewtui.core.text import clean, script_of

try:  # the C loader is ~8x faster; fall back to pure Python where libyaml is missing
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """SafeLoader without the timestamp resolver: dates stay strings and are checked by us
    (PyYAML raises ValueError, not YAMLError, on an impossible date)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in _Base.yaml_implicit_resolvers.items()
}

MAX_FILE_BYTES = 8 * 1024 * 1024
HUGE_TEXT = 1000
HUGE_SUMMARY = 5000
HUGE_TAGS = 200
OVERALL_TOLERANCE = 0.05
SCORE_TOLERANCE = 0.05
_FENCE = re.compile(r"^---[ \t]*$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")


class _Checker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, severity: Severity, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.path, line, severity, message))

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def path_hints(path: str) -> dict[str, str]:
    """What the real layout's path tells: kind, lang, company_id and ref (the file stem)."""
    parts = PurePosixPath(path).parts
    hints: dict[str, str] = {"ref": PurePosixPath(path).stem}
    for index, part in enumerate(parts[:-1]):
        if part in ("_products", "_companies"):
            hints["kind"] = "product" if part == "_products" else "company"
            rest = parts[index + 1 : -1]
            if rest and rest[0] in ("en", "ja"):
                hints["lang"] = rest[0]
                rest = rest[1:]
            if hints["kind"] == "product" and rest:
                hints["company_id"] = rest[0]
            elif hints["kind"] == "company":
                hints["company_id"] = PurePosixPath(path).stem
            break
    return hints


def parse_bytes(data: bytes, path: str) -> ParseResult:
    """Parse a file's bytes. Never raises: everything wrong becomes a Problem."""
    check = _Checker(path)
    if len(data) > MAX_FILE_BYTES:
        size = len(data) / 1024 / 1024
        check.add(
            "error", f"The file is {size:.1f} MB, larger than the {MAX_FILE_BYTES // 1024 // 1024} MB a review may be."
        )
        return ParseResult(None, check.problems)
    decoded = decode(data)
    if decoded.text is None:
        check.add("error", decoded.error or "The file is not text.")
        return ParseResult(None, check.problems)
    if decoded.encoding:
        check.add("warning", f"The file is not UTF-8; it was read as {decoded.encoding}.")
    try:
        return _parse_text(decoded.text, check)
    except RecursionError:
        check.add("error", "The front matter is nested too deeply to read.")
        return ParseResult(None, check.problems)


def parse_text(text: str, path: str) -> ParseResult:
    check = _Checker(path)
    return _parse_text(text.removeprefix("\ufeff"), check)


def _parse_text(text: str, check: _Checker) -> ParseResult:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first >= len(lines):
        check.add("error", "The file is empty.")
        return ParseResult(None, check.problems)
    if not _FENCE.match(lines[first]):
        check.add("error", "The file has no front matter: its first line should be three dashes (---).", first + 1)
        return ParseResult(None, check.problems)
    end = next((i for i in range(first + 1, len(lines)) if _FENCE.match(lines[i]) or lines[i].rstrip() == "..."), None)
    if end is None:
        check.add(
            "error",
            f"The front matter opened on line {first + 1} is never closed with a line of three dashes.",
            first + 1,
        )
        return ParseResult(None, check.problems)
    head = "\n".join(lines[first + 1 : end])
    meta = _load_yaml(head, first + 2, check)
    if meta is None:
        return ParseResult(None, check.problems)
    key_lines = _key_lines(lines[first + 1 : end], first + 2)
    review = _build(meta, key_lines, "\n".join(lines[end + 1 :]), end + 2, check)
    if check.failed:
        return ParseResult(None, check.problems)
    return ParseResult(review, check.problems)


def _load_yaml(head: str, first_line: int, check: _Checker) -> dict[str, Any] | None:
    try:
        meta = yaml.load(head, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark is not None else None
        what = exc.problem or exc.context or "it could not be parsed"
        hint = " (YAML does not allow tabs for indentation)" if "\t" in head and "tab" in str(exc).lower() else ""
        check.add("error", f"The front matter is not valid YAML: {clean(what)}{hint}.", line)
        return None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        check.add("error", f"The front matter is not valid YAML: {clean(str(exc))[:200]}.", first_line)
        return None
    if meta is None:
        check.add("error", "The front matter is empty.", first_line - 1)
        return None
    if not isinstance(meta, dict):
        kind = "a list" if isinstance(meta, list) else f"a single {type(meta).__name__} value"
        check.add("error", f"The front matter is {kind}, not a mapping of keys to values.", first_line)
        return None
    return {str(k): v for k, v in meta.items()}


def _key_lines(lines: list[str], first_line: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, line in enumerate(lines):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match and match.group(1) not in found:
            found[match.group(1)] = first_line + index
    return found


def _text_field(meta: dict[str, Any], key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = clean(str(value)).strip()
        return text or None
    return None


def _build(meta: dict[str, Any], key_lines: dict[str, int], body: str, body_line: int, check: _Checker) -> Review:
    hints = path_hints(check.path)
    line = key_lines.get

    title = _text_field(meta, "title")
    target = _text_field(meta, "target_name")
    if title is None and target is None:
        check.add("error", "The front matter has neither a title nor a target_name.", None)
    elif title is None:
        check.add("error", "The front matter has no title.", None)
    elif target is None:
        check.add("error", "The front matter has no target_name.", line("title"))
    for name, value in (("title", title), ("target_name", target)):
        if value and len(value) > HUGE_TEXT:
            check.add("warning", f"The {name} is {len(value):,} characters long, which is unusually large.", line(name))

    rating = _rating(meta.get("rating"), line("rating"), check)

    kind = _kind(meta.get("layout"), hints, line("layout"), check)
    lang = _derived(meta, "lang", hints, line, check)
    if lang not in ("en", "ja"):
        guess = hints.get("lang") or script_of(f"{title} {_text_field(meta, 'summary') or ''} {body[:2000]}") or "en"
        if "lang" in meta:
            check.add("warning", f"The lang {lang!r} is not en or ja; it is treated as {guess}.", line("lang"))
        lang = guess
    company_id = _derived(meta, "company_id", hints, line, check) or ""
    ref = _derived(meta, "ref", hints, line, check) or hints["ref"]
    if kind == "company" and not company_id:
        company_id = ref

    date = _date(meta.get("date"), line("date"), check)
    price = _price(meta.get("price"), lang, line("price"), check)
    tags = _tags(meta.get("tags"), line("tags"), check)
    summary = _text_field(meta, "summary") or ""
    if len(summary) > HUGE_SUMMARY:
        check.add(
            "warning", f"The summary is {len(summary):,} characters long, which is unusually large.", line("summary")
        )
    permalink = _text_field(meta, "permalink") or ""

    parsed = split_body(body, body_line)
    if rating is not None:
        _check_scores(parsed.score_lines, rating, check)
    _check_headings(parsed.sections, len(parsed.references), check)

    return Review(
        path=check.path,
        kind=kind,
        lang=lang,
        ref=ref,
        company_id=company_id,
        title=title or "",
        target_name=target or "",
        date=date,
        rating=rating or Rating(0.0, (0.0, 0.0, 0.0, 0.0, 0.0)),
        price=price,
        summary=summary,
        tags=tags,
        permalink=permalink,
        sections=tuple(parsed.sections),
        references=tuple(parsed.references),
    )


def _derived(meta: dict[str, Any], key: str, hints: dict[str, str], line: Any, check: _Checker) -> str | None:
    value = _text_field(meta, key)
    if value is not None:
        return value
    hint = hints.get(key)
    if hint is not None:
        check.add("warning", f"The front matter has no {key}; {hint!r} was taken from the file's path.", None)
        return hint
    if key == "lang":
        return None
    check.add("warning", f"The front matter has no {key}, and the file's path does not give one.", None)
    return None


def _kind(value: Any, hints: dict[str, str], line: int | None, check: _Checker) -> Kind:
    if value in ("product", "company"):
        return "product" if value == "product" else "company"
    fallback: Kind = "company" if hints.get("kind") == "company" else "product"
    if value is None:
        if "kind" not in hints:
            check.add("warning", f"The front matter has no layout; the review is read as a {fallback}.", None)
    else:
        check.add(
            "warning",
            f"The layout {clean(str(value))[:40]!r} is neither product nor company; read as a {fallback}.",
            line,
        )
    return fallback


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _rating(value: Any, line: int | None, check: _Checker) -> Rating | None:
    if value is None:
        check.add("error", "The front matter has no rating; expected six numbers [overall, five criteria].", line)
        return None
    if not isinstance(value, list):
        check.add("error", "The rating is not a list; expected six numbers [overall, five criteria].", line)
        return None
    if len(value) != 6:
        check.add("error", f"The rating has {len(value)} numbers, expected 6 (overall and five criteria).", line)
        return None
    bad = [i for i, v in enumerate(value) if not _is_number(v)]
    if bad:
        shown = clean(repr(value[bad[0]]))[:30]
        check.add("error", f"The rating's entry {bad[0] + 1} ({shown}) is not a number.", line)
        return None
    numbers = [float(v) for v in value]
    out_of_range = [v for v in numbers[1:] if not 0.0 <= v <= 1.0]
    if out_of_range:
        check.add("error", f"A rating criterion is {out_of_range[0]:g}; each criterion must be between 0 and 1.", line)
        return None
    total = sum(numbers[1:])
    if abs(total - numbers[0]) > OVERALL_TOLERANCE:
        check.add(
            "warning", f"The overall rating {numbers[0]:g} is not the sum of the five criteria ({total:.2f}).", line
        )
    c = numbers[1:]
    return Rating(numbers[0], (c[0], c[1], c[2], c[3], c[4]))


def _date(value: Any, line: int | None, check: _Checker) -> str | None:
    if value is None:
        check.add("warning", "The front matter has no date.", None)
        return None
    text = str(value).strip()
    match = _DATE.match(text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
        except ValueError:
            pass
    check.add("warning", f"The date {clean(text)[:40]!r} is not a real calendar date (expected YYYY-MM-DD).", line)
    return None


def _price(value: Any, lang: str, line: int | None, check: _Checker) -> Price | None:
    if value is None:
        return None
    if _is_number(value) and value >= 0:
        return Price(float(value), CURRENCY.get(lang, "USD"))
    shown = clean(str(value))[:40]
    if _is_number(value):
        check.add("warning", f"The price {shown} is negative; it is ignored.", line)
    else:
        check.add("warning", f"The price {shown!r} is not a plain number; it is ignored.", line)
    return None


def _tags(value: Any, line: int | None, check: _Checker) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        check.add("warning", "The tags are a single string, not a list; they were split at commas.", line)
        items: list[Any] = [t for t in value.split(",")]
    elif isinstance(value, list):
        items = value
    else:
        check.add("warning", "The tags are not a list; they are ignored.", line)
        return ()
    tags: list[str] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, (dict, list)) or item is None:
            continue
        tag = clean(str(item)).strip()[:HUGE_TEXT]
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    if len(items) > HUGE_TAGS:
        check.add("warning", f"The review has {len(items):,} tags, which is unusually many.", line)
    return tuple(tags)


def _check_scores(score_lines: list[Any], rating: Rating, check: _Checker) -> None:
    criteria = dict(zip(("sci", "tech", "cost", "rel", "design"), rating.criteria, strict=True))
    everything = (rating.overall, *rating.criteria)
    for score in score_lines:
        if score.value is None:
            check.add("warning", f"The score line holds {clean(score.raw)[:20]!r}, which is not a number.", score.line)
            continue
        expected = criteria.get(score.section_key or "")
        if expected is not None:
            if abs(expected - score.value) > SCORE_TOLERANCE:
                check.add(
                    "warning",
                    f"The section's score line says {score.value:g} but the rating list gives {expected:g}.",
                    score.line,
                )
        elif not any(abs(v - score.value) <= SCORE_TOLERANCE for v in everything):
            check.add(
                "warning", f"A score line says {score.value:g}, which matches nothing in the rating list.", score.line
            )


def _check_headings(sections: list[Any], reference_count: int, check: _Checker) -> None:
    present = {s.key for s in sections if s.key}
    for section in sections:
        if section.key is None:
            check.add(
                "warning",
                f"The heading {section.heading[:60]!r} is not one of the review's known sections.",
                section.line,
            )
    names = {
        "overview": "Overview",
        "sci": "Scientific Validity",
        "tech": "Technology Level",
        "cost": "Cost-Performance",
        "rel": "Reliability & Support",
        "design": "Rationality of Design Philosophy",
        "advice": "Advice",
    }
    for key in SECTION_ORDER:
        if key == "references":
            if key not in present:
                check.add("warning", "The review has no References section.", None)
            elif reference_count == 0:
                check.add("warning", "The References section is empty.", None)
        elif key not in present:
            check.add("warning", f"The review has no {names[key]} section.", None)


__all__ = ["heading_key", "parse_bytes", "parse_text", "path_hints"]
