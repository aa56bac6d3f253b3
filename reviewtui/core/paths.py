"""Where reviewtui keeps its files, and where the bundled demo content lives."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

APP = "reviewtui"


def demo_content() -> Path:
    """The bundled demo collection: `reviewtui/content` in a wheel, `content/` in a checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "content", here.parent / "content"):
        if (candidate / "_products").is_dir():
            return candidate
    return here.parent / "content"


def cache_dir() -> Path:
    return user_cache_path(APP)


def config_dir() -> Path:
    return user_config_path(APP)


def data_dir() -> Path:
    return user_data_path(APP)
