"""paths.cache_dir answers what platformdirs answers, without importing it in the plain cases."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from reviewtui.core import paths


@pytest.mark.parametrize(
    ("xdg", "home"),
    [
        ("/tmp/xdg-cache", "/home/someone"),
        (None, "/home/someone"),
        ("", "/home/someone"),
        ("   ", "/home/someone"),
        ("relative/cache", "/home/someone"),
        (None, "/"),
        ("/tmp/xdg-cache/", "/home/someone/"),
    ],
)
def test_cache_dir_is_the_platformdirs_one(monkeypatch: pytest.MonkeyPatch, xdg: str | None, home: str) -> None:
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    monkeypatch.setenv("HOME", home)
    assert paths.cache_dir() == platformdirs.user_cache_path(paths.APP)


def test_cache_dir_does_not_import_platformdirs_in_the_plain_case(tmp_path: Path) -> None:
    code = "import sys; from reviewtui.core.paths import cache_dir; cache_dir(); print('platformdirs' in sys.modules)"
    env = {"XDG_CACHE_HOME": str(tmp_path), "HOME": str(tmp_path), "PATH": ""}
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=repo)
    expected = "False" if sys.platform.startswith("linux") else out.stdout.strip()
    assert out.stdout.strip() == expected
