"""User settings that persist between runs: theme, preferred language, sort, site base.

Stored as JSON in the platformdirs config folder (``REVIEWTUI_CONFIG_DIR`` overrides it, which
tests and snapshots use). Loading never fails: a missing, unreadable or corrupt file, or a field
with a wrong value, falls back to the default for that field.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from reviewtui.core.model import CRITERIA
from reviewtui.core.paths import config_dir

ENV_DIR = "REVIEWTUI_CONFIG_DIR"
FILE_NAME = "config.json"
SORT_KEYS: tuple[str, ...] = ("relevance", "overall", *CRITERIA, "price", "date", "name")
LANGS: tuple[str, ...] = ("en", "ja")
DEFAULT_SITE = "https://frieve-a.github.io/audioreview"


@dataclass(frozen=True, slots=True)
class Config:
    theme: str = "textual-dark"
    """Name of a Textual theme."""
    lang: str | None = None
    """Preferred language for en/ja twins; None lets each query's script decide."""
    sort: str = "relevance"
    """One of SORT_KEYS."""
    descending: bool | None = None
    """Sort direction; None means the natural one for the sort (high scores first, A-Z, cheap first)."""
    site_base: str = DEFAULT_SITE
    """Public site that `permalink` paths are relative to."""

    def with_changes(self, **changes: Any) -> Config:
        return _validated(replace(self, **changes))


def config_file() -> Path:
    override = os.environ.get(ENV_DIR)
    return (Path(override) if override else config_dir()) / FILE_NAME


def _validated(config: Config) -> Config:
    """Replace each out-of-range field by its default."""
    default = Config()
    fixes: dict[str, Any] = {}
    if not isinstance(config.theme, str) or not config.theme.strip():
        fixes["theme"] = default.theme
    if config.lang not in (None, *LANGS):
        fixes["lang"] = default.lang
    if config.sort not in SORT_KEYS:
        fixes["sort"] = default.sort
    if config.descending not in (None, True, False):
        fixes["descending"] = default.descending
    if not isinstance(config.site_base, str) or not config.site_base.startswith(("https://", "http://")):
        fixes["site_base"] = default.site_base
    return replace(config, **fixes) if fixes else config


def from_dict(data: object) -> Config:
    if not isinstance(data, dict):
        return Config()
    known = {f.name for f in fields(Config)}
    return _validated(Config(**{k: v for k, v in data.items() if k in known}))


def load_config(path: Path | None = None) -> Config:
    """Read the config file; anything wrong with it gives defaults, never an exception."""
    path = path or config_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Config()
    return from_dict(data)


def save_config(config: Config, path: Path | None = None) -> bool:
    """Write the config atomically. Returns False (and changes nothing) when it cannot be written."""
    path = path or config_file()
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(asdict(config), indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
    return True
