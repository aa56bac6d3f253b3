"""JSON front matter: `{` alone on the first line, `}` alone on a later line, as python-frontmatter
(and Hugo) detect it."""

from __future__ import annotations

import json
import re
from typing import Any

from frontmatter.default_handlers import JSONHandler

from reviewtui.core.format.handlers import FrontMatterError, Loaded, ReviewHandler, describe
from reviewtui.core.text import clean

#: A key at the start of a line: `"title": ...` (escapes inside the name are kept as written).
_KEY = re.compile(r'([ \t]*)"((?:[^"\\]|\\.)*)"[ \t]*:')
_ARRAY_END = re.compile(r"^\]$", re.MULTILINE)


class JSONFrontMatter(ReviewHandler, JSONHandler):
    """`{` ... `}`. A `[` ... `]` block is read too, only to say that front matter must be an
    object (rather than that the file has none)."""

    name = "JSON"
    closing = None  # python-frontmatter reads an unclosed `{` as no front matter: a body may start so

    def detect(self, text: str) -> bool:
        return text[:1] in ("{", "[") and text[1:2] in ("", "\n")

    def split(self, text: str) -> tuple[str, str]:
        if text[:1] == "{":
            return super().split(text)
        fm, content = _ARRAY_END.split(text[1:], 1)  # ValueError when unclosed, as python-frontmatter's
        return "[" + fm + "]", content

    def head_of(self, fm: str) -> str:
        """The whole JSON text, brackets included (so its line 0 is the opening line)."""
        return fm

    def read(self, head: str) -> Loaded:
        objects: list[list[str]] = []

        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            seen: set[str] = set()
            repeated = []
            for key, _ in items:
                if key in seen:
                    repeated.append(key)
                seen.add(key)
            objects.append(repeated)  # innermost first: the front matter itself comes last
            return dict(items)

        try:
            meta = json.loads(head, object_pairs_hook=pairs)
        except json.JSONDecodeError as exc:  # JSON's line 1 is the opening line, the head's -1
            message = f"The front matter is not valid JSON: {clean(exc.msg)[:200]}."
            raise FrontMatterError(message, exc.lineno - 2) from None
        except ValueError as exc:  # Python refuses ints of more than 4,300 digits
            raise FrontMatterError(f"The front matter could not be read: {clean(str(exc))[:200]}.", None) from None
        if not isinstance(meta, dict):
            raise FrontMatterError(f"The front matter is {describe(meta)}, not a JSON object of fields.", -1)
        lines, every = _key_lines(head)
        duplicates: list[tuple[str, int | None, int | None]] = []
        for key in dict.fromkeys(objects[-1] if objects else ()):
            at = every.get(key, [])
            duplicates += [(key, at[0], repeat) for repeat in at[1:]] or [(key, None, None)]
        return Loaded(meta, lines, duplicates)


def _key_lines(head: str) -> tuple[dict[str, int], dict[str, list[int]]]:
    """The first line of each top-level key, and every line it is on. Top-level keys are those
    least indented (pretty-printed JSON indents each level further)."""
    found: list[tuple[int, str, int]] = []
    for index, line in enumerate(head.split("\n")):
        match = _KEY.match(line)
        if match:
            found.append((len(match.group(1)), match.group(2), index - 1))  # the head's line 0 is `{`
    top = min((indent for indent, _, _ in found), default=0)
    every: dict[str, list[int]] = {}
    for indent, key, index in found:
        if indent == top:
            every.setdefault(key, []).append(index)
    return {key: at[0] for key, at in every.items()}, every
