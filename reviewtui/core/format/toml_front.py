"""TOML front matter (`+++`), as Hugo writes it, read with the standard `tomllib`.

python-frontmatter's own TOMLHandler needs the third-party `toml` package (and is None without
it), so this handler subclasses its BaseHandler. TOML's dates and times become ISO strings: the
model keeps dates as text, as YAML front matter gives them (without the timestamp resolver)."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from typing import Any

from reviewtui.core.format.handlers import FrontMatterError, Loaded, ReviewHandler
from reviewtui.core.text import clean

_OPENING = re.compile(r"\+\+\+[ \t]*$", re.MULTILINE)
#: tomllib's messages end with where it stopped: "(at line 3, column 9)" or "(at end of document)".
_WHERE = re.compile(r" \(at (?:line (\d+), column \d+|end of document)\)$")
#: A top-level key line: `title = ...`, `"title" = ...`, `rating.overall = ...`.
_KEY = re.compile(r"""[ \t]*(?:([A-Za-z0-9_-]+)|"([^"\\]*)"|'([^']*)')[ \t]*[=.]""")


class TOMLFrontMatter(ReviewHandler):
    """`+++` ... `+++`."""

    name = "TOML"
    closing = "three plus signs (+++)"
    # Exactly three, as Hugo writes them; `[ \t]` rather than python-frontmatter's `\s`, which
    # would run across blank lines and move the line numbers.
    FM_BOUNDARY = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def detect(self, text: str) -> bool:
        return text.startswith("+++") and _OPENING.match(text) is not None

    def read(self, head: str) -> Loaded:
        try:
            meta = tomllib.loads(head)
        except tomllib.TOMLDecodeError as exc:
            text = str(exc)
            where = _WHERE.search(text)
            line = None
            if where is not None:
                line = int(where.group(1)) - 1 if where.group(1) else head.count("\n")
                text = text[: where.start()]
            raise FrontMatterError(f"The front matter is not valid TOML: {clean(text)[:200]}.", line) from None
        except ValueError as exc:  # Python refuses ints of more than 4,300 digits
            raise FrontMatterError(f"The front matter could not be read: {clean(str(exc))[:200]}.", None) from None
        return Loaded({key: _plain(value) for key, value in meta.items()}, _key_lines(head))


def _plain(value: Any) -> Any:
    """TOML's dates, datetimes and times as ISO text, inside lists and tables too."""
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _key_lines(head: str) -> dict[str, int]:
    """The line of each top-level key: those before the first table header."""
    found: dict[str, int] = {}
    for index, line in enumerate(head.split("\n")):
        if line.lstrip(" \t")[:1] == "[":
            break
        match = _KEY.match(line)
        if match:
            key = match.group(1) or match.group(2) or match.group(3) or ""
            found.setdefault(key, index)
    return found
