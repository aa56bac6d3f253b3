"""The user folders follow the XDG variables the README documents, through platformdirs."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reviewtui.core import paths

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG variables are Linux's")


@linux_only
@pytest.mark.parametrize(
    ("variable", "folder", "default"),
    [
        ("XDG_CACHE_HOME", paths.cache_dir, ".cache"),
        ("XDG_CONFIG_HOME", paths.config_dir, ".config"),
        ("XDG_DATA_HOME", paths.data_dir, ".local/share"),
    ],
)
def test_xdg_variables_move_the_folders(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, folder: Callable[[], Path], default: str
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(variable, str(tmp_path / "xdg"))
    assert folder() == tmp_path / "xdg" / "reviewtui"
    monkeypatch.delenv(variable)
    assert folder() == tmp_path / "home" / default / "reviewtui"
    monkeypatch.setenv(variable, "   ")  # blank: as if unset
    assert folder() == tmp_path / "home" / default / "reviewtui"


def test_demo_content_is_the_bundled_collection() -> None:
    assert (paths.demo_content() / "_products").is_dir()
