from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
SAMPLE = REPO.parent / "shared" / "corpus-sample"


@pytest.fixture
def content() -> Path:
    return CONTENT


@pytest.fixture
def sample() -> Path:
    if not (SAMPLE / "_products").is_dir():
        pytest.skip("../shared/corpus-sample is not present")
    return SAMPLE


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own user cache folder: the persistent index never touches ~/.cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
