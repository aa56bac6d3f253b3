"""Parsing one review file: front matter, validation against the format, and the body."""

from __future__ import annotations

import datetime as dt
import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from frontmatter import detect_format

from reviewtui.core.format.decode import decode
from reviewtui.core.format.handlers import MAX_FRONT_MATTER, FrontMatterError, ReviewHandler, describe
from reviewtui.core.format.json_front import JSONFrontMatter
from reviewtui.core.format.sections import SECTION_ORDER, Body, heading_key, split_body
from reviewtui.core.format.toml_front import TOMLFrontMatter
from reviewtui.core.format.yaml_front import YAMLFrontMatter
from reviewtui.core.model import (
    CRITERIA,
    CRITERION_NAMES,
    CURRENCY,
    Kind,
    ParseResult,
    Price,
    Problem,
    Rating,
    Reference,
    Review,
    Section,
    Severity,
)
from reviewtui.core.text import clean, script_of

#: The formats a review's front matter may take, in the order python-frontmatter tries them.
HANDLERS: tuple[ReviewHandler, ...] = (YAMLFrontMatter(), TOMLFrontMatter(), JSONFrontMatter())

MAX_FILE_BYTES = 8 * 1024 * 1024
#: Warnings listed per file; the rest are counted in one last warning.
MAX_WARNINGS = 30
HUGE_TEXT = 1000
HUGE_SUMMARY = 5000
HUGE_TAGS = 200
OVERALL_TOLERANCE = 0.05
SCORE_TOLERANCE = 0.05
#: A language neither the front matter nor the path gives is guessed from the body's first characters.
LANG_GUESS = 2000
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_NO_BODY = Body([], [], [], "")


class _Checker:
    def __init__(self, path: str, body: bool = True) -> None:
        self.path = path
        self.body = body
        """Split and check the body too (else the review has no sections and references, and
        only the front matter's problems are found)."""
        self.problems: list[Problem] = []
        self.warnings = 0
        self.body_at: tuple[int, int, int] | None = None
        """(offset in the normalised text, file line, characters `head_crc` covers) of the body,
        once the front matter is read."""
        self.head_crc = 0
        self.lang_from_body = False
        """The language was guessed from the body's start (then `head_crc` covers that too)."""
        self.rating: Rating | None = None

    def add(self, severity: Severity, message: str, line: int | None = None) -> None:
        if severity == "warning":
            self.warnings += 1
            if self.warnings > MAX_WARNINGS:
                return
        self.problems.append(Problem(self.path, line, severity, message))

    def finish(self) -> None:
        hidden = self.warnings - MAX_WARNINGS
        if hidden > 0:
            more = f"{hidden:,} more warning{'s' * (hidden != 1)}"
            self.problems.append(Problem(self.path, None, "warning", f"{more} about this file are not listed."))

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def path_hints(path: str) -> dict[str, str]:
    """What the real layout's path tells: kind, lang, company_id and ref (the file stem)."""
    parts = [part for part in path.split("/") if part and part != "."]  # as PurePosixPath(path).parts
    name = parts[-1] if parts else ""
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name  # as PurePosixPath(path).stem
    hints: dict[str, str] = {"ref": stem}
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
                hints["company_id"] = stem
            break
    return hints


def too_large(size: int) -> str:
    """The message for a file of `size` bytes, over MAX_FILE_BYTES."""
    return (
        f"The file is {size / 1024 / 1024:.1f} MB, larger than the {MAX_FILE_BYTES // 1024 // 1024} MB a review may be."
    )


def parse_bytes(data: bytes, path: str, *, body: bool = True) -> ParseResult:
    """Parse a file's bytes. Never raises: everything wrong becomes a Problem.

    With `body=False`, only the front matter is read: the review comes without its sections and
    references, and the problems are those of the front matter (the body only ever adds
    warnings, so the same files are kept). About half the work of a whole parse."""
    return _parse_bytes(data, _Checker(path, body))[0]


@dataclass(frozen=True, slots=True)
class BodyStart:
    """What `parse_head` leaves for `parse_body`: where the body starts and what its checks need
    from the front matter. Small (no text), so a load can keep one for each of 100,000 files."""

    offset: int
    """Where the body starts in the decoded text, once CRLF and CR are made LF."""
    line: int
    """The file line number of the body's first line."""
    head_crc: int
    """`zlib.crc32` of the text's first `checked` characters (UTF-8): tells that a file still has
    this front matter."""
    checked: int
    """The front matter, and the body's first LANG_GUESS characters when the language was guessed from them."""
    encoding: str | None
    """What the file was decoded as (None: UTF-8)."""
    rating: Rating | None
    """For the score lines' checks (None when the rating is unusable: they are skipped)."""
    warnings: int
    """How many warnings the front matter had, listed or not (MAX_WARNINGS counts on)."""

    def packed(self) -> tuple[Any, ...]:
        """Plain values (for `marshal`: a load keeps one per file between its two passes); see `unpacked`."""
        rating = None if self.rating is None else (self.rating.overall, *self.rating.criteria)
        return (self.offset, self.line, self.head_crc, self.checked, self.encoding, rating, self.warnings)

    @classmethod
    def unpacked(cls, values: tuple[Any, ...]) -> BodyStart:
        *where, rating, warnings = values
        if rating is not None:
            rating = Rating(rating[0], tuple(rating[1:]))
        return cls(*where, rating, warnings)


@dataclass(frozen=True, slots=True)
class BodyResult:
    """What `parse_body` adds to the front matter: the review's sections and references, and
    all its problems (the front matter's first), as `parse_bytes` of the whole file gives them."""

    sections: tuple[Section, ...]
    references: tuple[Reference, ...]
    problems: list[Problem]


def parse_head(data: bytes, path: str) -> tuple[ParseResult, BodyStart | None]:
    """`parse_bytes(data, path, body=False)`, and where the body starts for `parse_body`; None when
    the file fails before its front matter is read (no front matter, bad YAML...): then the whole
    parse has no more to say about it. Never raises."""
    check = _Checker(path, False)
    result, encoding = _parse_bytes(data, check)
    if check.body_at is None:
        return result, None
    offset, line, checked = check.body_at
    return result, BodyStart(offset, line, check.head_crc, checked, encoding, check.rating, check.warnings)


def parse_body(data: bytes, path: str, start: BodyStart, problems: Sequence[Problem]) -> BodyResult | None:
    """The rest of `parse_bytes(data, path)` after `parse_head(data, path)` gave `start` and
    `problems`: the body split into sections, its score lines and headings checked, the problems
    continued (the same order and "N more warnings" line as a whole parse). The front matter is
    not read again. None when `data` no longer has the front matter `start` was made from (the
    file changed): parse it whole then. May raise only where `parse_bytes` of the whole file would."""
    if len(data) > MAX_FILE_BYTES:
        return None
    decoded = decode(data)
    if decoded.text is None or decoded.encoding != start.encoding:
        return None
    text = _lf(decoded.text)
    if len(text) < start.offset or _crc(text, start.checked) != start.head_crc:
        return None
    check = _Checker(path)
    check.problems = list(problems)
    check.warnings = start.warnings
    if start.warnings > MAX_WARNINGS and check.problems:  # its "N more warnings" line comes last again
        check.problems.pop()
    parsed = split_body(text[start.offset :], start.line)
    _check_body(parsed, start.rating, check)
    check.finish()
    return BodyResult(tuple(parsed.sections), tuple(parsed.references), check.problems)


def _lf(text: str) -> str:
    """CRLF and CR line ends as LF. (Python 3.11 looks for a 2-character string in ASCII text
    about 100x slower than for one character: 5 us a file for nothing, as most have no CR.)"""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _crc(text: str, end: int) -> int:
    return zlib.crc32(text[:end].encode("utf-8", "surrogatepass"))


def _parse_bytes(data: bytes, check: _Checker) -> tuple[ParseResult, str | None]:
    """The parse, and what the file was decoded as."""
    if len(data) > MAX_FILE_BYTES:
        check.add("error", too_large(len(data)))
        return ParseResult(None, check.problems), None
    decoded = decode(data)
    if decoded.text is None:
        check.add("error", decoded.error or "The file is not text.")
        return ParseResult(None, check.problems), None
    if decoded.encoding:
        check.add("warning", f"The file is not UTF-8; it was read as {decoded.encoding}.")
    return _parse_guarded(decoded.text, check), decoded.encoding


def parse_text(text: str, path: str) -> ParseResult:
    """Parse text already decoded. Never raises: everything wrong becomes a Problem."""
    if not text.isascii():  # lone surrogates (never in decoded bytes) cannot reach YAML or a screen
        text = _LONE_SURROGATE.sub("\ufffd", text)
    return _parse_guarded(text.removeprefix("\ufeff"), _Checker(path))


def _parse_guarded(text: str, check: _Checker) -> ParseResult:
    try:
        result = _parse_text(text, check)
    except RecursionError:
        check.add("error", "The front matter is nested too deeply to read.")
        check.body_at = None
        result = ParseResult(None, check.problems)
    check.finish()
    return result


def _parse_text(text: str, check: _Checker) -> ParseResult:
    text = _lf(text)
    blank = len(text) - len(text.lstrip())
    if blank == len(text):
        check.add("error", "The file is empty.")
        return ParseResult(None, check.problems)
    start = text.rfind("\n", 0, blank) + 1  # the first line that is not blank, as the file has it
    opening = text.count("\n", 0, start) + 1 if start else 1
    rest = text[start:] if start else text
    handler = detect_format(rest, HANDLERS)
    located = handler.locate(rest) if isinstance(handler, ReviewHandler) else None
    if located is None or not isinstance(handler, ReviewHandler):
        if isinstance(handler, ReviewHandler) and handler.closing is not None:
            message = f"The front matter opened on line {opening} is never closed with a line of {handler.closing}."
        else:
            message = "The file has no front matter: its first line should be three dashes (---)."
        check.add("error", message, opening)
        return ParseResult(None, check.problems)
    head = located.head
    if len(head) > MAX_FRONT_MATTER:
        check.add(
            "error",
            f"The front matter is {len(head):,} characters long, more than the {MAX_FRONT_MATTER:,} a review may have.",
            opening,
        )
        return ParseResult(None, check.problems)
    try:
        loaded = handler.read(head)
    except FrontMatterError as exc:
        check.add("error", exc.message, None if exc.line is None else opening + 1 + exc.line)
        return ParseResult(None, check.problems)
    for key, first, repeat in loaded.duplicates:
        since = f" (first on line {opening + 1 + first})" if first is not None else ""
        check.add(
            "warning",
            f"The key {clean(key)[:40]!r} appears more than once in the front matter{since}; the last value is used.",
            None if repeat is None else opening + 1 + repeat,
        )
    key_lines = {key: opening + 1 + number for key, number in loaded.key_lines.items()}
    offset = start + located.body_offset
    body_line = opening + located.newlines + 1
    body = text[offset:]
    review = _build(loaded.meta, key_lines, body, body_line, check)
    if not check.body:  # for `parse_body`
        checked = offset + LANG_GUESS * check.lang_from_body
        check.body_at = (offset, body_line, checked)
        check.head_crc = _crc(text, checked)
    if check.failed:
        return ParseResult(None, check.problems)
    return ParseResult(review, check.problems)


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
    if meta.get("title") is None and meta.get("target_name") is None:
        check.add("error", "The front matter has neither a title nor a target_name.", None)
    else:
        for name, value in (("title", title), ("target_name", target)):
            raw = meta.get(name)
            if raw is None:
                check.add("error", f"The front matter has no {name}.", None)
            elif value is None:
                what = "empty" if isinstance(raw, str) else f"{describe(raw)}, not text"
                check.add("error", f"The {name} is {what}.", line(name))
    for name, value in (("title", title), ("target_name", target)):
        if value and len(value) > HUGE_TEXT:
            check.add("warning", f"The {name} is {len(value):,} characters long, which is unusually large.", line(name))

    rating = _rating(meta.get("rating"), line("rating"), check)

    kind = _kind(meta.get("layout"), hints, line("layout"), check)
    lang = _derived(meta, "lang", hints, line, check)
    if lang not in ("en", "ja"):
        guess = hints.get("lang")
        if not guess:
            check.lang_from_body = True
            guess = script_of(f"{title} {_text_field(meta, 'summary') or ''} {body[:LANG_GUESS]}") or "en"
        if "lang" in meta:
            shown = f"The lang {lang[:40]!r} is" if lang is not None else f"The lang is {describe(meta['lang'])},"
            check.add("warning", f"{shown} not en or ja; it is treated as {guess}.", line("lang"))
        lang = guess
    company_id = _derived(meta, "company_id", hints, line, check) or ""
    ref = _derived(meta, "ref", hints, line, check) or hints["ref"]
    if kind == "company" and not company_id:
        company_id = ref

    date = _date(meta.get("date"), line("date"), check)
    price = _price(meta.get("price"), lang, line("price"), check)
    tags = _tags(meta.get("tags"), line("tags"), check)
    for key in ("summary", "permalink"):
        raw = meta.get(key)
        if raw is not None and not isinstance(raw, str) and _text_field(meta, key) is None:
            check.add("warning", f"The {key} is {describe(raw)}, not text; it is ignored.", line(key))
    summary = _text_field(meta, "summary") or ""
    if len(summary) > HUGE_SUMMARY:
        check.add(
            "warning", f"The summary is {len(summary):,} characters long, which is unusually large.", line("summary")
        )
    permalink = _text_field(meta, "permalink") or ""

    check.rating = rating
    parsed = split_body(body, body_line) if check.body else _NO_BODY
    if check.body:
        _check_body(parsed, rating, check)

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
    raw = meta.get(key)
    missing = f"The front matter has no {key}" if raw is None else f"The {key} is {describe(raw)}, not text"
    hint = hints.get(key)
    if hint is not None:
        check.add("warning", f"{missing}; {hint!r} was taken from the file's path.", line(key) if raw else None)
        return hint
    if key == "lang":  # the caller guesses the language and says so when a lang was given
        return None
    check.add("warning", f"{missing}, and the file's path does not give one.", line(key) if raw else None)
    return None


def _kind(value: Any, hints: dict[str, str], line: int | None, check: _Checker) -> Kind:
    if value in ("product", "company"):
        return "product" if value == "product" else "company"
    fallback: Kind = "company" if hints.get("kind") == "company" else "product"
    if value is None:
        if "kind" not in hints:
            check.add("warning", f"The front matter has no layout; the review is read as a {fallback}.", None)
    else:
        what = f"{clean(value)[:40]!r} is" if isinstance(value, str) else f"is {describe(value)},"
        shown = f"The layout {what}"
        check.add("warning", f"{shown} neither product nor company; read as a {fallback}.", line)
    return fallback


def _is_number(value: Any) -> bool:
    """A finite int or float (not a bool); ints too large for a float are not numbers here."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond 1e308
        return False


def _rating(value: Any, line: int | None, check: _Checker) -> Rating | None:
    if value is None:
        check.add("error", "The front matter has no rating; expected six numbers [overall, five criteria].", line)
        return None
    if not isinstance(value, list):
        check.add(
            "error", f"The rating is {describe(value)}, not a list of six numbers [overall, five criteria].", line
        )
        return None
    if len(value) != 6:
        numbers = f"{len(value)} number{'s' * (len(value) != 1)}"
        check.add("error", f"The rating has {numbers}, expected 6 (overall and five criteria).", line)
        return None
    bad = [i for i, v in enumerate(value) if not _is_number(v)]
    if bad:
        what = describe(value[bad[0]])
        check.add("error", f"The rating's entry {bad[0] + 1} is {what}; each entry must be a plain number.", line)
        return None
    numbers = [float(v) for v in value]
    out_of_range = [i for i, v in enumerate(numbers) if i and not 0.0 <= v <= 1.0]
    if out_of_range:
        i = out_of_range[0]
        check.add(
            "error",
            f"The rating's entry {i + 1} is {numbers[i]:g}; each of the five criteria must be between 0 and 1.",
            line,
        )
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
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        check.add("warning", f"The date is {describe(value)}, not a date (expected YYYY-MM-DD).", line)
        return None
    text = str(value).strip() if isinstance(value, str) or abs(value) < 10**100 else ""
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
    if _is_number(value):
        check.add("warning", f"The price {value:g} is negative; it is ignored.", line)
    elif isinstance(value, str):
        check.add("warning", f"The price {clean(value)[:40]!r} is not a plain number; it is ignored.", line)
    else:
        check.add("warning", f"The price is {describe(value)}, not a plain number; it is ignored.", line)
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
    nested = 0
    for item in items:
        if isinstance(item, (dict, list)) or item is None:
            nested += item is not None
            continue
        tag = clean(str(item)).strip()[:HUGE_TEXT]
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    if nested:
        what = f"{nested:,} of the tags are lists or mappings" if nested > 1 else "One tag is a list or a mapping"
        check.add("warning", f"{what}, not words; ignored.", line)
    if len(items) > HUGE_TAGS:
        check.add("warning", f"The review has {len(items):,} tags, which is unusually many.", line)
    return tuple(tags)


def _check_body(parsed: Body, rating: Rating | None, check: _Checker) -> None:
    """The body's problems, after the front matter's."""
    if rating is not None:
        _check_scores(parsed.score_lines, rating, check)
    _check_headings(parsed.sections, len(parsed.references), check)


def _check_scores(score_lines: list[Any], rating: Rating, check: _Checker) -> None:
    criteria = dict(zip(CRITERIA, rating.criteria, strict=True))
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
    names = {"overview": "Overview", **dict(zip(CRITERIA, CRITERION_NAMES["en"], strict=True)), "advice": "Advice"}
    for key in SECTION_ORDER:
        if key == "references":
            if key not in present:
                check.add("warning", "The review has no References section.", None)
            elif reference_count == 0:
                check.add("warning", "The References section is empty.", None)
        elif key not in present:
            check.add("warning", f"The review has no {names[key]} section.", None)


__all__ = [
    "BodyResult",
    "BodyStart",
    "heading_key",
    "parse_body",
    "parse_bytes",
    "parse_head",
    "parse_text",
    "path_hints",
]
