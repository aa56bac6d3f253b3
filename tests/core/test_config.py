"""Settings file: defaults, round trip, and robustness to anything wrong with the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewtui.core.config import Config, config_file, load_config, save_config


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REVIEWTUI_CONFIG_DIR", str(tmp_path / "cfg"))
    return tmp_path / "cfg"


def test_missing_file_gives_defaults(config_dir: Path) -> None:
    assert load_config() == Config()
    assert config_file() == config_dir / "config.json"


def test_round_trip(config_dir: Path) -> None:
    config = Config(theme="nord", lang="ja", sort="price", descending=True, site_base="https://example.org/r")
    assert save_config(config)
    assert load_config() == config
    assert json.loads((config_dir / "config.json").read_text())["sort"] == "price"


@pytest.mark.parametrize(
    "text",
    ["", "{", "[1, 2]", "null", '"x"', "\x00\xff", '{"sort": 5}', '{"theme": ""}'],
)
def test_corrupt_file_gives_defaults(config_dir: Path, text: str) -> None:
    config_dir.mkdir(parents=True)
    (config_dir / "config.json").write_text(text, encoding="utf-8", errors="replace")
    assert load_config() == Config()


def test_bad_fields_fall_back_one_by_one(config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    data = {
        "theme": "nord",
        "lang": "fr",
        "sort": "loudness",
        "descending": "yes",
        "site_base": "javascript:x",
        "new": 1,
    }
    (config_dir / "config.json").write_text(json.dumps(data))
    assert load_config() == Config(theme="nord")


def test_unwritable_location_is_reported_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("REVIEWTUI_CONFIG_DIR", str(blocker / "sub"))
    assert save_config(Config(sort="name")) is False
    assert load_config() == Config()


def test_with_changes_validates() -> None:
    assert Config().with_changes(sort="price").sort == "price"
    assert Config().with_changes(sort="nonsense").sort == "relevance"
