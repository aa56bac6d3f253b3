from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewtui.core.catalog import Catalog
from reviewtui.core.store.loader import load_catalog
from tests.hostile.corpus import Corpus, build


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder of the module's own (XDG_CACHE_HOME): the user's real cache is never touched."""
    home = tmp_path_factory.mktemp("cache-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(home))
        yield home


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build(tmp_path_factory.mktemp("hostile") / "collection")


@pytest.fixture(scope="module")
def catalog(corpus: Corpus, cache_home: Path) -> Catalog:
    return load_catalog(corpus.root)


def problem_key(problem: tuple[str, str, int | None]) -> tuple[int, str, str]:
    """The order Catalog lists problems in within one file: by line (None first), then severity."""
    severity, message, line = problem
    return (line or 0, severity, message)
