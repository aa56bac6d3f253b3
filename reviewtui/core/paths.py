"""Where reviewtui keeps its files, and where the bundled demo content lives."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "reviewtui"


def demo_content() -> Path:
    """The bundled demo collection: `reviewtui/content` in a wheel, `content/` in a checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "content", here.parent / "content"):
        if (candidate / "_products").is_dir():
            return candidate
    return here.parent / "content"


def _xdg_cache_home() -> str | None:
    """The user cache folder as platformdirs gives it on Linux, in the plain cases only (an
    absolute XDG_CACHE_HOME, else ~/.cache under an absolute HOME); None for anything else.
    Importing platformdirs costs 7 ms (tempfile, shutil, random...): a warm search takes 100."""
    if not sys.platform.startswith("linux") or (
        os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system"
    ):
        return None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg.startswith("/"):
        return xdg
    home = os.environ.get("HOME", "")
    if xdg.strip() or not home.startswith("/"):
        return None  # a relative XDG_CACHE_HOME, or no usable HOME: platformdirs decides
    return os.path.expanduser("~/.cache")


def cache_dir() -> Path:
    base = _xdg_cache_home()
    if base is not None:
        return Path(os.path.join(base, APP))
    from platformdirs import user_cache_path

    return user_cache_path(APP)


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP)


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP)
