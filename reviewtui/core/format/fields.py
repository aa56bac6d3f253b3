"""Reading one front-matter value each (a rating, a date, a price, tags), reporting what is wrong."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from reviewtui.core.format.checker import Checker
from reviewtui.core.format.handlers import describe
from reviewtui.core.model import CURRENCY, Price, Rating
from reviewtui.core.text import clean

HUGE_TEXT = 1000
HUGE_TAGS = 200
OVERALL_TOLERANCE = 0.05
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")


def text_field(meta: dict[str, Any], key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = clean(str(value)).strip()
        return text or None
    return None


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool); ints too large for a float are not numbers here."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond 1e308
        return False


def read_rating(value: Any, line: int | None, check: Checker) -> Rating | None:
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
    bad = [i for i, v in enumerate(value) if not is_number(v)]
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


def read_date(value: Any, line: int | None, check: Checker) -> str | None:
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


def read_price(value: Any, lang: str, line: int | None, check: Checker) -> Price | None:
    if value is None:
        return None
    if is_number(value) and value >= 0:
        return Price(float(value), CURRENCY.get(lang, "USD"))
    if is_number(value):
        check.add("warning", f"The price {value:g} is negative; it is ignored.", line)
    elif isinstance(value, str):
        check.add("warning", f"The price {clean(value)[:40]!r} is not a plain number; it is ignored.", line)
    else:
        check.add("warning", f"The price is {describe(value)}, not a plain number; it is ignored.", line)
    return None


def read_tags(value: Any, line: int | None, check: Checker) -> tuple[str, ...]:
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
