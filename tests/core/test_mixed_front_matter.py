"""One tree mixing YAML, TOML and JSON front matter reads as the all-YAML tree it was made from:
the same reviews and problems, the same search answers, through the library and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reviewtui.core.model import Price, Problem, Review
from reviewtui.core.search.engine import SearchIndex
from reviewtui.core.store import workers
from reviewtui.core.store.loader import load_catalog
from tests.conftest import CONTENT
from tests.helpers import as_json, as_toml, open_lib

REPO = Path(__file__).resolve().parents[2]
HD600 = "_products/en/sennheiser/sennheiser-hd-600.md"
FIIO_JA = "_companies/ja/fiio.md"


def formats_of() -> dict[str, str]:
    """The format each file of the mixed tree has (by the rule `mixed_tree` writes them with)."""
    found = {}
    for number, path in enumerate(sorted(CONTENT.rglob("*.md"))):
        rel = path.relative_to(CONTENT).as_posix()
        found[rel] = {HD600: "toml", FIIO_JA: "json"}.get(rel, ("yaml", "toml", "json")[number % 3])
    return found


def with_warnings(text: str) -> str:
    """A review with a rating whose overall is not the sum of its criteria (a warning on the
    rating's line) and a misspelt heading (warnings on a body line and on none)."""
    return text.replace("rating: [", "rating: [9", 1).replace("\n## Overview\n", "\n## Overveiw\n", 1)


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample content (every fifth file with warnings) all in YAML, and the same with a third
    of its files in TOML front matter and a third in JSON; every fourth TOML date is a datetime
    with a time zone; some JSON files have CRLF line ends and some TOML files a BOM."""
    yaml_root = tmp_path_factory.mktemp("yaml")
    mixed_root = tmp_path_factory.mktemp("mixed")
    for number, (rel, kind) in enumerate(formats_of().items()):
        text = (CONTENT / rel).read_text(encoding="utf-8")
        if number % 5 == 0 and rel not in (HD600, FIIO_JA):
            text = with_warnings(text)
        (yaml_root / rel).parent.mkdir(parents=True, exist_ok=True)
        (yaml_root / rel).write_text(text, encoding="utf-8")
        if kind == "toml":
            text = as_toml(text, "{}T09:30:00+09:00" if number % 4 == 1 else "{}")
        elif kind == "json":
            text = as_json(text)
        data = text.encode("utf-8")
        if kind == "json" and number % 2:
            data = data.replace(b"\n", b"\r\n")
        elif kind == "toml" and number % 2:
            data = b"\xef\xbb\xbf" + data
        (mixed_root / rel).parent.mkdir(parents=True, exist_ok=True)
        (mixed_root / rel).write_bytes(data)
    return yaml_root, mixed_root


@pytest.fixture(scope="module")
def mixed_tree(trees: tuple[Path, Path]) -> Path:
    return trees[1]


@pytest.fixture(scope="module")
def yaml_tree(trees: tuple[Path, Path]) -> Path:
    return trees[0]


def head_fields(review: Review) -> tuple[Any, ...]:
    """What a review's front matter gives (== would compare the bodies too)."""
    return (
        review.path,
        review.kind,
        review.lang,
        review.ref,
        review.company_id,
        review.title,
        review.target_name,
        review.date,
        review.rating,
        review.price,
        review.summary,
        review.tags,
        review.permalink,
    )


def test_the_tree_mixes_every_format_in_products_and_companies(mixed_tree: Path) -> None:
    starts: dict[tuple[str, str, str], int] = {}
    for path in mixed_tree.rglob("*.md"):
        rel = path.relative_to(mixed_tree).as_posix()
        kind, lang = rel.split("/")[:2]
        first = path.read_bytes().removeprefix(b"\xef\xbb\xbf")[:1]
        fmt = {b"-": "yaml", b"+": "toml", b"{": "json"}[first]
        starts[(fmt, kind, lang)] = starts.get((fmt, kind, lang), 0) + 1
    for fmt in ("yaml", "toml", "json"):
        for kind in ("_products", "_companies"):
            for lang in ("en", "ja"):
                assert starts.get((fmt, kind, lang), 0) >= 2, (fmt, kind, lang, starts)


def problem_key(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.path, problem.line or 0, problem.severity, problem.message)


def test_mixed_tree_reads_as_the_yaml_tree(mixed_tree: Path, yaml_tree: Path) -> None:
    original = load_catalog(yaml_tree, cache=False)
    mixed = load_catalog(mixed_tree, cache=False)
    assert not [p for p in mixed.problems if p.severity == "error"]
    assert len(mixed.reviews) == len(original.reviews) == len(formats_of())
    assert sorted(mixed.reviews, key=lambda r: r.path) == sorted(original.reviews, key=lambda r: r.path)
    # The same problems on the same lines: the front matter keeps one key a line (a BOM and CRLF aside).
    assert len(original.problems) > 40
    assert sorted(mixed.problems, key=problem_key) == sorted(original.problems, key=problem_key)
    rating_lines = {p.line for p in mixed.problems if "is not the sum" in p.message}
    assert rating_lines == {9}  # the rating's line in every format (the opening line is line 1)


def test_values_from_toml_and_json(mixed_tree: Path) -> None:
    reviews = {r.path: r for r in load_catalog(mixed_tree, cache=False).reviews}
    hd600 = reviews[HD600]  # TOML with a TOML date
    assert (hd600.target_name, hd600.date, hd600.price) == ("Sennheiser HD 600", "2025-03-14", Price(399.0, "USD"))
    assert (hd600.rating.overall, hd600.rating.criteria) == (3.8, (0.8, 0.6, 0.7, 0.9, 0.8))
    assert hd600.tags[:3] == ("Headphones", "Open-Back", "Dynamic") and len(hd600.sections) == 8
    fiio = reviews[FIIO_JA]  # JSON, a ja company
    assert (fiio.kind, fiio.lang, fiio.title, fiio.date, fiio.price) == (
        "company",
        "ja",
        "FiiO 企業レビュー",
        "2025-07-05",
        None,
    )
    assert fiio.tags[:2] == ("企業", "中国") and fiio.rating.overall == 3.5
    datetimes = [rel for number, rel in enumerate(formats_of()) if number % 4 == 1]
    toml_datetimes = [rel for rel in datetimes if formats_of()[rel] == "toml"]
    assert toml_datetimes and all(reviews[rel].date for rel in toml_datetimes)


def test_search_answers_as_for_the_yaml_tree(mixed_tree: Path, yaml_tree: Path) -> None:
    original = SearchIndex(load_catalog(yaml_tree, cache=False))
    mixed = SearchIndex(load_catalog(mixed_tree, cache=False))
    queries = ["hd600", "fiio", "tag:open-back", "price<500", "date>=2025-06", "score>=3.5", "ヘッドホン", "body:ldac"]
    for query in queries:
        expected = [h.review.path for h in original.search(query, limit=0).hits]
        assert [h.review.path for h in mixed.search(query, limit=0).hits] == expected, query
        assert expected, query
    assert mixed.search("hd600").hits[0].review.path == HD600
    assert mixed.search("fiio", only_lang="ja", kind="company").hits[0].review.path == FIIO_JA


@pytest.mark.parametrize("early", [False, True], ids=["cli", "app"])
def test_cache_and_workers_read_toml_and_json(
    mixed_tree: Path, yaml_tree: Path, early: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cold load in two worker processes (the front matter first, then the bodies), then the
    warm load from the cache, as the CLI and as the app open the library."""
    monkeypatch.setattr(workers, "MIN_FILES_PER_JOB", 1)
    monkeypatch.setenv("REVIEWTUI_JOBS", "2")
    started: list[Any] = []
    real = workers.start

    def start(*args: Any) -> Any:
        pool = real(*args)
        started.append(pool)
        return pool

    monkeypatch.setattr(workers, "start", start)
    original = load_catalog(yaml_tree, cache=False)
    expected = sorted(head_fields(r) for r in original.reviews)
    cache_file = mixed_tree.parent / f"cache-{early}.sqlite"
    for run in ("cold", "warm"):
        library = open_lib(mixed_tree, heads_first=early, cache_file=cache_file)
        library.finish()
        assert sorted(head_fields(r) for r in library.catalog.reviews) == expected, run
        assert sorted(library.catalog.problems, key=problem_key) == sorted(original.problems, key=problem_key), run
        assert library.index.search("body:ldac", limit=0).total > 0
        assert library.index.search("hd600").hits[0].review.path == HD600
    assert [pool for pool in started if pool is not None]  # the cold load parsed in the workers


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "reviewtui", *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=120
    )


def test_cli_validates_and_searches_the_mixed_tree(mixed_tree: Path, yaml_tree: Path) -> None:
    done = cli("validate", str(mixed_tree), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["files"] == report["indexed"] == len(formats_of())
    assert not [p for p in report["problems"] if p["severity"] == "error"]
    yaml_report = json.loads(cli("validate", str(yaml_tree), "--json").stdout)
    assert report["problems"] == yaml_report["problems"]

    done = cli("search", "hd600", "--root", str(mixed_tree), "--json", "--limit", "1")
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)[0]
    assert (row["path"], row["target_name"]) == (HD600, "Sennheiser HD 600")
    assert (row["price"], row["currency"]) == (399.0, "USD")
    assert (row["rating"], row["date"]) == ([3.8, 0.8, 0.6, 0.7, 0.9, 0.8], "2025-03-14")
    assert "Open-Back" in row["tags"]

    rows = json.loads(cli("search", "tag:企業", "fiio", "--root", str(mixed_tree), "--json").stdout)
    fiio = next(r for r in rows if r["path"] == FIIO_JA)
    assert (fiio["kind"], fiio["title"]) == ("company", "FiiO 企業レビュー")
    assert (fiio["date"], fiio["price"], fiio["tags"][:2]) == ("2025-07-05", None, ["企業", "中国"])
    yaml_rows = json.loads(cli("search", "tag:企業", "fiio", "--root", str(yaml_tree), "--json").stdout)
    assert rows == yaml_rows
