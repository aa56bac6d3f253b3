"""A fast path for the plain front matter nearly every review has, giving what YAML would.

Real front matter is a dozen `key: value` lines: quoted strings, plain words, numbers and one-line
lists. Reading those without libyaml's machinery is several times faster. Anything this module
is not certain to read exactly as PyYAML's SafeLoader (without timestamps) would - comments,
escapes, indented or multi-line values, anchors, tags, duplicate keys, unusual numbers, YAML
booleans - returns None, and the caller uses YAML. Tests compare both on every file they have.
"""

from __future__ import annotations

import re
from typing import Any

_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?")
_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,30})")
_FLOAT = re.compile(r"-?[0-9]{1,30}\.[0-9]{1,30}")
_NOT_A_NUMBER = re.compile(r"[^0-9a-fA-F_.:+\-xXiInN]")
_BOOL = {
    **dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
}
_NULL = {"~", "null", "Null", "NULL", ""}
#: Characters that start something other than a plain scalar, or need YAML's rules.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`<=~\\")
_NUMBERISH = frozenset("0123456789+-.")
_FLOW = re.compile(r"[\[\]{}\t]")
#: A flow sequence of double-quoted items without escapes or quotes inside (what `_double` reads).
_QUOTED_ITEMS = re.compile(r' *"[^"\\]*"(?: *, *"[^"\\]*")* *')
_QUOTED = re.compile(r'"([^"\\]*)"')


class _Unsure(Exception):
    pass


def load_simple(head: str) -> dict[str, Any] | None:
    """The front matter as YAML would load it, or None when it is not of the simple kind."""
    loaded = load_simple_lines(head)
    return loaded[0] if loaded is not None else None


def load_simple_lines(head: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """`load_simple`, and the line of each key (counted from 0 in head)."""
    meta: dict[str, Any] = {}
    lines: dict[str, int] = {}
    try:
        for number, line in enumerate(head.split("\n")):
            if not line or line.isspace():
                continue
            match = _LINE.fullmatch(line)
            if match is None:
                return None
            key, raw = match.group(1), match.group(2)
            if key in meta or key in _BOOL or key in _NULL:
                return None
            meta[key] = _value(raw.rstrip(" ") if raw is not None else "")
            lines[key] = number
    except _Unsure:
        return None
    return (meta, lines) if meta else None


def _value(raw: str) -> Any:
    if not raw:
        return None
    first = raw[0]
    if first == '"':
        return _double(raw)
    if first == "'":
        return _single(raw)
    if first == "[":
        if raw[-1] != "]":
            raise _Unsure
        return _sequence(raw[1:-1])
    if " #" in raw or ": " in raw or raw[-1] == ":" or "\t" in raw:
        raise _Unsure
    return _plain(raw)


def _plain(raw: str) -> Any:
    first = raw[0]
    if first in _NUMBERISH:
        if _INT.fullmatch(raw):
            return int(raw)
        if _FLOAT.fullmatch(raw):
            return float(raw)
        if first == "-" and (len(raw) == 1 or raw[1] == " "):
            raise _Unsure
        if "-" in raw[1:] and "e" not in raw and "E" not in raw and raw.isprintable():
            return raw  # a dash inside (a date, a model number): YAML's numbers only have one in front
        if _NOT_A_NUMBER.search(raw) and raw.isprintable():
            return raw
        raise _Unsure
    if first in _INDICATORS or not raw.isprintable():
        raise _Unsure
    if raw in _BOOL:
        return _BOOL[raw]
    if raw in _NULL:
        return None
    return raw


def _double(raw: str) -> str:
    if len(raw) < 2 or raw[-1] != '"':
        raise _Unsure
    text = raw[1:-1]
    if '"' in text or "\\" in text or not text.isprintable():
        raise _Unsure
    return text


def _single(raw: str) -> str:
    if len(raw) < 2 or raw[-1] != "'":
        raise _Unsure
    text = raw[1:-1]
    if "'" in text.replace("''", "") or not text.isprintable():
        raise _Unsure
    return text.replace("''", "'")


def _sequence(inner: str) -> list[Any]:
    """A one-line flow sequence of plain or quoted scalars."""
    items: list[Any] = []
    if not inner.strip(" "):
        if inner:
            raise _Unsure
        return items
    if inner[-1] == '"' and _QUOTED_ITEMS.fullmatch(inner):  # tags: only double-quoted plain text
        quoted = _QUOTED.findall(inner)
        if all(text.isprintable() for text in quoted):
            return quoted
        raise _Unsure
    for part in _split_items(inner):
        item = part.strip(" ")
        if not item:
            raise _Unsure  # `[a, , b]` or a trailing comma: let YAML decide
        if item[0] == '"':
            items.append(_double(item))
        elif item[0] == "'":
            items.append(_single(item))
        else:
            if _FLOW.search(item) or ": " in item or item[-1] == ":" or " #" in item:
                raise _Unsure
            items.append(_plain(item))
    return items


def _split_items(inner: str) -> list[str]:
    if '"' not in inner and "'" not in inner:
        return inner.split(",")
    parts: list[str] = []
    start = 0
    quote = ""
    for index, char in enumerate(inner):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'" and not inner[start:index].strip(" "):
            quote = char
        elif char == ",":
            parts.append(inner[start:index])
            start = index + 1
    if quote:
        raise _Unsure
    parts.append(inner[start:])
    return parts
