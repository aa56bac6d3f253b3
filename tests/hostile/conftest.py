from __future__ import annotations

import pytest

from reviewtui.core.catalog import Catalog, load_catalog
from tests.hostile.corpus import Corpus, build


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build(tmp_path_factory.mktemp("hostile") / "collection")


@pytest.fixture(scope="module")
def catalog(corpus: Corpus) -> Catalog:
    return load_catalog(corpus.root)


def problem_key(problem: tuple[str, str, int | None]) -> tuple[int, str, str]:
    """The order Catalog lists problems in within one file: by line (None first), then severity."""
    severity, message, line = problem
    return (line or 0, severity, message)
