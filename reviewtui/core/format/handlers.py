"""What our front-matter handlers add to python-frontmatter's: line numbers and problems to report.

python-frontmatter's handlers detect a format by its first line (`detect`), split the front
matter from the body (`split`) and load it (`load`). A review's checks need more than the loaded
mapping: the line of each key, the line of a syntax error, duplicate keys, and where the body
starts. `ReviewHandler.locate` and `ReviewHandler.read` give those; `load` stays as the library
defines it, so `frontmatter.parse(text, handler=...)` works with our handlers too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from frontmatter.default_handlers import BaseHandler

from reviewtui.core.text import clean

#: Real front matter is about 1 KB; 5,000 tags or a 10,000-character title still fit easily.
MAX_FRONT_MATTER = 256 * 1024


class FrontMatterError(Exception):
    """The front matter cannot be read: a sentence for the reader, and its line where known
    (counted from 0 at the head's first line; -1 is the opening delimiter's line)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(slots=True)
class Loaded:
    """The front matter read as a mapping, with what the checks report lines from."""

    meta: dict[str, Any]
    key_lines: dict[str, int]
    """The line of each top-level key, counted from 0 at the head's first line."""
    duplicates: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    """(key, line of its first use, line of the repeat) for each key given more than once."""


@dataclass(frozen=True, slots=True)
class Located:
    """Where a handler found the front matter in text that starts with its opening line."""

    head: str
    """The front matter between its delimiter lines (without them)."""
    body_offset: int
    """Where the body starts: just after the closing delimiter's line."""
    newlines: int
    """Line ends from the opening delimiter's line to the closing one (the closing line's index)."""


class ReviewHandler(BaseHandler):
    """A python-frontmatter handler that also locates the front matter and reads it with lines.

    Subclasses set `name` (for messages), `closing` (how the unclosed-front-matter error names the
    closing line; None: an unclosed opening means the file has no front matter) and `read`."""

    name = ""
    closing: str | None = None

    def head_of(self, fm: str) -> str:
        """The head in `split`'s front matter: without the line ends next to the delimiters."""
        return fm[1:-1]

    def locate(self, text: str) -> Located | None:
        """The front matter of text that `detect` accepted; None when no closing line ends it."""
        try:
            fm, content = self.split(text)
        except ValueError:  # python-frontmatter's own sign of an unclosed front matter
            return None
        offset = len(text) - len(content)
        if content[:1] == "\n":
            offset += 1
        return Located(self.head_of(fm), offset, fm.count("\n"))

    def read(self, head: str) -> Loaded:
        """The head as a mapping with its key lines; raises FrontMatterError (and only that,
        RecursionError aside) when it cannot be read or is not a mapping."""
        raise NotImplementedError

    def load(self, fm: str, **kwargs: object) -> dict[str, Any]:
        """python-frontmatter's entry point: `fm` as `split` returns it."""
        return self.read(self.head_of(fm)).meta


def describe(value: Any) -> str:
    """A short phrase for a value in a message. Never str() of a container: YAML aliases can make a
    small file load as a list that would print as gigabytes ("billion laughs")."""
    if isinstance(value, bool):
        return f"the yes/no value {'true' if value else 'false'}"
    if isinstance(value, int):
        digits = len(str(abs(value))) if abs(value) < 10**100 else None
        return f"the number {value}" if digits is not None and digits <= 20 else "a number with over 20 digits"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN (not a number)"
        return f"the number {value:g}" if math.isfinite(value) else "infinite"
    if isinstance(value, str):
        shown = clean(value[:40]) + ("…" if len(value) > 40 else "")
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bytes):
        return "binary data"
    if value is None:
        return "empty"
    return f"a {type(value).__name__}"
