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
