"""Where reviewtui keeps its files (platformdirs: XDG_CACHE_HOME, XDG_CONFIG_HOME and
XDG_DATA_HOME move them on Linux), and where the bundled demo content lives.

platformdirs loads on the first call, not at import: the CLI needs `demo_content` before it
knows whether the command touches the user's folders at all.
"""

from __future__ import annotations

from pathlib import Path

APP = "reviewtui"


def demo_content() -> Path:
    """The bundled demo collection: `reviewtui/content` in a wheel, `content/` in a checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "content", here.parent / "content"):
        if (candidate / "_products").is_dir():
            return candidate
    return here.parent / "content"


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path(APP)


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP)


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP)
