"""Parsing one review file: its bytes to a Review and its problems, whole or in two passes.

The front matter's format is detected, and the front matter split from the body, by
python-frontmatter's handlers (ours: `yaml_front`, `toml_front`, `json_front`); `validate` checks
the fields and the body."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from frontmatter import detect_format

from reviewtui.core.format.checker import MAX_WARNINGS, Checker
from reviewtui.core.format.decode import decode
from reviewtui.core.format.handlers import MAX_FRONT_MATTER, FrontMatterError, ReviewHandler
from reviewtui.core.format.json_front import JSONFrontMatter
from reviewtui.core.format.sections import heading_key, split_body
from reviewtui.core.format.toml_front import TOMLFrontMatter
from reviewtui.core.format.validate import LANG_GUESS, build_review, check_body, path_hints
from reviewtui.core.format.yaml_front import YAMLFrontMatter
from reviewtui.core.model import ParseResult, Problem, Rating, Reference, Section
from reviewtui.core.text import clean

#: The formats a review's front matter may take, in the order python-frontmatter tries them.
HANDLERS: tuple[ReviewHandler, ...] = (YAMLFrontMatter(), TOMLFrontMatter(), JSONFrontMatter())

MAX_FILE_BYTES = 8 * 1024 * 1024
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


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
    return _parse_bytes(data, Checker(path, body))[0]


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
    check = Checker(path, False)
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
    check = Checker(path)
    check.problems = list(problems)
    check.warnings = start.warnings
    if start.warnings > MAX_WARNINGS and check.problems:  # its "N more warnings" line comes last again
        check.problems.pop()
    parsed = split_body(text[start.offset :], start.line)
    check_body(parsed, start.rating, check)
    check.finish()
    return BodyResult(tuple(parsed.sections), tuple(parsed.references), check.problems)


def _lf(text: str) -> str:
    """CRLF and CR line ends as LF. (Python 3.11 looks for a 2-character string in ASCII text
    about 100x slower than for one character: 5 us a file for nothing, as most have no CR.)"""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _crc(text: str, end: int) -> int:
    return zlib.crc32(text[:end].encode("utf-8", "surrogatepass"))


def _parse_bytes(data: bytes, check: Checker) -> tuple[ParseResult, str | None]:
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
    return _parse_guarded(text.removeprefix("\ufeff"), Checker(path))


def _parse_guarded(text: str, check: Checker) -> ParseResult:
    try:
        result = _parse_text(text, check)
    except RecursionError:
        check.add("error", "The front matter is nested too deeply to read.")
        check.body_at = None
        result = ParseResult(None, check.problems)
    check.finish()
    return result


def _parse_text(text: str, check: Checker) -> ParseResult:
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
    review = build_review(loaded.meta, key_lines, body, body_line, check)
    if not check.body:  # for `parse_body`
        checked = offset + LANG_GUESS * check.lang_from_body
        check.body_at = (offset, body_line, checked)
        check.head_crc = _crc(text, checked)
    if check.failed:
        return ParseResult(None, check.problems)
    return ParseResult(review, check.problems)


__all__ = [
    "BodyResult",
    "BodyStart",
    "HANDLERS",
    "MAX_FILE_BYTES",
    "MAX_WARNINGS",
    "heading_key",
    "parse_body",
    "parse_bytes",
    "parse_head",
    "parse_text",
    "path_hints",
]
