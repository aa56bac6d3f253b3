"""The query language: one parser for the search box, the CLI and the command palette.

A query is a list of terms separated by spaces, all of which must match (AND). Terms joined by a
lone `|` form a group of which one must match (OR). A term is:

- a free word, matched fuzzily against names and model numbers, and against company, tags,
  summary and body text; fzf's operators change how: `'exact`, `^prefix`, `suffix$`, `^equal$`;
- a field term: `tag:X`, `company:X`, `lang:en|ja`, `type:product|company`, `body:X`
  (double quotes hold spaces: `tag:"in-ear monitors"`, `body:"planar magnetic"`);
- a numeric term: `price<100`, `price:50..200`, `score>=3.5`, `cost>=0.8`, `date>=2025-06`.

`!` in front of any term negates it. Parsing never raises: a part that cannot be understood
becomes a message (a sentence) and the rest of the query still applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from reviewtui.core.model import CRITERIA
from reviewtui.core.text import fold, norm_label, script_of, squash

WordMode = Literal["fuzzy", "exact", "prefix", "suffix", "equal"]

#: Field names of field terms, with their aliases.
FIELDS: dict[str, str] = {
    "tag": "tag",
    "tags": "tag",
    "company": "company",
    "maker": "company",
    "brand": "company",
    "lang": "lang",
    "language": "lang",
    "type": "type",
    "kind": "type",
    "body": "body",
    "text": "body",
}

#: Numeric fields and their aliases; criteria use the short names of `model.CRITERIA`.
NUMERIC: dict[str, str] = {
    "price": "price",
    "score": "score",
    "overall": "score",
    "rating": "score",
    "date": "date",
    **{name: name for name in CRITERIA},
}

_LANGS = {"en": "en", "english": "en", "英語": "en", "ja": "ja", "jp": "ja", "japanese": "ja", "日本語": "ja"}
_TYPES = {
    "product": "product",
    "products": "product",
    "company": "company",
    "companies": "company",
    "maker": "company",
    "makers": "company",
}
_NUMERIC_TERM = re.compile(r"^([a-z]+)(<=|>=|=<|=>|==|<|>|=|:)(.*)$", re.DOTALL | re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$")


@dataclass(frozen=True, slots=True)
class Word:
    """A free word: `text` is folded, `squashed` has only letters and digits."""

    text: str
    squashed: str
    mode: WordMode = "fuzzy"


@dataclass(frozen=True, slots=True)
class FieldTerm:
    """`tag:`, `company:`, `lang:`, `type:` or `body:`; a review matches when any value does."""

    field: str
    values: tuple[str, ...]


Bound = float | str


@dataclass(frozen=True, slots=True)
class NumberTerm:
    """A numeric or date comparison as an interval; `None` ends are open."""

    field: str
    low: Bound | None
    high: Bound | None
    low_inclusive: bool = True
    high_inclusive: bool = True

    def holds(self, value: Bound) -> bool:
        low, high = self.low, self.high
        if low is not None and (value < low if self.low_inclusive else value <= low):  # type: ignore[operator]
            return False
        return not (high is not None and (value > high if self.high_inclusive else value >= high))  # type: ignore[operator]


Item = Word | FieldTerm | NumberTerm


@dataclass(frozen=True, slots=True)
class Term:
    item: Item
    negated: bool = False
    raw: str = ""


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: every group must match; within a group, any term."""

    groups: tuple[tuple[Term, ...], ...] = ()
    messages: tuple[str, ...] = ()
    text: str = ""
    script: str | None = None
    """'ja' when the query's words hold kana or kanji, 'en' for Latin letters, else None."""
    words: tuple[Word, ...] = field(default=(), repr=False)
    """The free words every match must have (not negated, not in an OR group), in order."""

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(term for group in self.groups for term in group)


def parse_query(text: str) -> Query:
    """Parse a query. Never raises: problems become `Query.messages`."""
    messages: list[str] = []
    tokens = _tokens(text, messages)
    groups: list[list[Term]] = []
    joining = False
    for token, quoted in tokens:
        if token == "|" and not quoted:
            if not groups or joining:
                messages.append("A | needs a term on each side; it was ignored.")
            joining = bool(groups)
            continue
        term = _term(token, quoted, messages)
        if term is None:
            continue
        if joining and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        joining = False
    if joining:
        messages.append("A | needs a term on each side; it was ignored.")
    frozen = tuple(tuple(group) for group in groups)
    words = tuple(g[0].item for g in frozen if len(g) == 1 and isinstance(g[0].item, Word) and not g[0].negated)
    script_text = " ".join(_script_text(term.item) for group in frozen for term in group if not term.negated)
    return Query(frozen, tuple(messages), " ".join(text.split()), script_of(script_text), words)


def _script_text(item: Item) -> str:
    if isinstance(item, Word):
        return item.text
    if isinstance(item, FieldTerm) and item.field in ("tag", "company", "body"):
        return " ".join(item.values)
    return ""


def _tokens(text: str, messages: list[str]) -> list[tuple[str, bool]]:
    """Split at whitespace outside double quotes. Returns (token, had quotes)."""
    tokens: list[tuple[str, bool]] = []
    current: list[str] = []
    quoted = False
    in_quote = False
    quote_start = 0
    for index, char in enumerate(text):
        if in_quote:
            if char == '"':
                in_quote = False
            else:
                current.append(char)
        elif char == '"':
            in_quote, quoted, quote_start = True, True, index
        elif char.isspace():
            if current or quoted:
                tokens.append(("".join(current), quoted))
            current, quoted = [], False
        else:
            current.append(char)
    if in_quote:
        shown = text[quote_start : quote_start + 20].strip()
        messages.append(f"The quote in {shown!r} is not closed; it was read to the end of the query.")
    if current or quoted:
        tokens.append(("".join(current), quoted))
    return tokens


def _term(token: str, quoted: bool, messages: list[str]) -> Term | None:
    raw = token
    negated = False
    if token.startswith("!") and not (quoted and token == "!"):
        negated, token = True, token[1:]
        if not token and not quoted:
            messages.append("A ! must be followed by the term it negates; it was ignored.")
            return None
    name, sep, value = token.partition(":")
    key = name.casefold()
    if sep and key in FIELDS:
        item = _field_term(FIELDS[key], value, raw, messages)
        return None if item is None else Term(item, negated, raw)
    match = _NUMERIC_TERM.match(token)
    if match and match.group(1).casefold() in NUMERIC:
        number = _number_term(NUMERIC[match.group(1).casefold()], match.group(2), match.group(3), raw, messages)
        return None if number is None else Term(number, negated, raw)
    word = _word(token, quoted, negated)
    return None if word is None else Term(word, negated, raw)


def _word(token: str, quoted: bool, negated: bool) -> Word | None:
    mode: WordMode = "exact" if (quoted or negated) else "fuzzy"
    if not quoted:
        if token.startswith("'"):
            token, mode = token[1:].removesuffix("'"), "exact"
        elif token.startswith("^") and token.endswith("$") and len(token) > 1:
            token, mode = token[1:-1], "equal"
        elif token.startswith("^"):
            token, mode = token[1:], "prefix"
        elif token.endswith("$") and len(token) > 1:
            token, mode = token[:-1], "suffix"
    text = " ".join(fold(token).split())
    squashed = squash(text)
    if not squashed:
        return None  # only punctuation: nothing to look for
    return Word(text, squashed, mode)


def _field_term(name: str, value: str, raw: str, messages: list[str]) -> FieldTerm | None:
    values = [v for v in (value.split("|") if name in ("lang", "type", "tag", "company") else [value])]
    values = [" ".join(v.split()) for v in values if v.strip()]
    if not values:
        messages.append(f"{raw!r} needs a value after the colon; it was ignored.")
        return None
    if name in ("tag", "company"):
        normed = tuple(n for n in (norm_label(v) for v in values) if n)
        if not normed:
            messages.append(f"{raw!r} has no letters or digits to look for; it was ignored.")
            return None
        return FieldTerm(name, normed)
    if name == "body":
        text = " ".join(fold(values[0]).split())
        if not squash(text):
            messages.append(f"{raw!r} has no letters or digits to look for; it was ignored.")
            return None
        return FieldTerm(name, (text,))
    table = _LANGS if name == "lang" else _TYPES
    known: list[str] = []
    for v in values:
        mapped = table.get(v.casefold())
        if mapped is None:
            choices = "en or ja" if name == "lang" else "product or company"
            messages.append(f"{raw!r}: {v!r} is not a known {name}; use {choices}. This part was ignored.")
            return None
        known.append(mapped)
    return FieldTerm(name, tuple(dict.fromkeys(known)))


def _number_term(name: str, op: str, value: str, raw: str, messages: list[str]) -> NumberTerm | None:
    op = {"=<": "<=", "=>": ">=", "==": "=", ":": "="}.get(op, op)
    value = value.strip()
    if not value:
        messages.append(f"{raw!r} needs a value after {op}; it was ignored.")
        return None
    if op == "=" and ".." in value:
        first, _, second = value.partition("..")
        low = _bounds(name, first, raw, messages) if first.strip() else (None, None)
        high = _bounds(name, second, raw, messages) if second.strip() else (None, None)
        if low is None or high is None:
            return None
        if low[0] is not None and high[1] is not None and low[0] > high[1]:  # type: ignore[operator]
            messages.append(f"{raw!r} is an empty range (the first value is larger); it was ignored.")
            return None
        return NumberTerm(name, low[0], high[1])
    bounds = _bounds(name, value, raw, messages)
    if bounds is None:
        return None
    low, high = bounds
    if op == "<":
        return NumberTerm(name, None, low, high_inclusive=False)
    if op == "<=":
        return NumberTerm(name, None, high)
    if op == ">":
        return NumberTerm(name, high, None, low_inclusive=False)
    if op == ">=":
        return NumberTerm(name, low, None)
    return NumberTerm(name, low, high)


def _bounds(name: str, value: str, raw: str, messages: list[str]) -> tuple[Bound, Bound] | None:
    """The interval a value stands for: a number is itself; `2025-06` is all of June 2025."""
    value = value.strip()
    if name == "date":
        match = _DATE.match(value)
        if match:
            year, month, day = int(match.group(1)), match.group(2), match.group(3)
            if month is None:
                return f"{year:04d}-01-01", f"{year:04d}-12-31"
            m = int(month)
            if 1 <= m <= 12:
                import calendar  # 1 ms to import: only date ranges need it

                last = calendar.monthrange(year, m)[1] if year > 0 else 31
                if day is None:
                    return f"{year:04d}-{m:02d}-01", f"{year:04d}-{m:02d}-{last:02d}"
                if 1 <= int(day) <= last:
                    text = f"{year:04d}-{m:02d}-{int(day):02d}"
                    return text, text
        messages.append(f"{raw!r}: {value!r} is not a date; write it as 2025, 2025-06 or 2025-06-15. It was ignored.")
        return None
    cleaned = value.replace(",", "").replace("_", "").lstrip("$¥￥")
    if _NUMBER.match(cleaned):
        number = float(cleaned)
        return number, number
    messages.append(f"{raw!r}: {value!r} is not a number; this part was ignored.")
    return None
