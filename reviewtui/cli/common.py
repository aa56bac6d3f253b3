"""What the subcommands share: the folder a command works on, one-line notices, JSON output, and
`load`, the one place the CLI loads a collection."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewtui.core.paths import demo_content
from reviewtui.core.text import clean

if TYPE_CHECKING:
    from reviewtui.core.services.library import Library

SUBCOMMANDS = ("validate", "search", "serve", "cache")
"""A first argument naming one of these runs it; anything else opens the browser."""

# Characters that JSON leaves raw with ensure_ascii=False but a terminal may act on, and lone
# surrogates (a file name that is not valid UTF-8) that cannot be written as UTF-8 at all.
_UNSAFE_JSON = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


def dump_json(value: Any) -> str:
    import json  # here: only --json output needs it, and a plain search would load it for nothing

    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def notice(message: str) -> None:
    """One line on stderr, so that stdout keeps only the command's output (`--json` stays pure)."""
    print(message, file=sys.stderr, flush=True)


def collection_root(path: str | None) -> Path:
    """The folder a command works on: PATH, else the bundled demo content. A PATH that is not a
    folder is a usage error (exit 2)."""
    root = Path(path) if path else demo_content()
    if not root.exists():
        notice(f"reviewtui: {clean(str(root))}: no such folder")
        raise SystemExit(2)
    if not root.is_dir():
        notice(f"reviewtui: {clean(str(root))}: not a folder")
        raise SystemExit(2)
    return root


def load(root: Path, *, rebuild: bool = False, search: bool = False) -> Library:
    """The collection at root, through the index cache, with its search index built when `search`
    asks (before the cache is written, so that the cache keeps it); what went wrong with the cache
    is told on stderr, one line each. The one place the CLI loads a collection.

    The core loads here, not at import: `cache` and `serve` never need it.
    """
    from reviewtui.core.services.library import open_library

    library = open_library(root, rebuild=rebuild)
    for message in library.notices:
        notice(f"reviewtui: {clean(message)}")
    if search:
        library.index  # noqa: B018 - built now, so that `finish` stores it with the files
    for message in library.finish():
        notice(f"reviewtui: {clean(message)}")
    return library
