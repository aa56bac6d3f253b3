"""The persistent index: warm loads equal cold ones, changes are picked up, a bad cache never hurts."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reviewtui.core.catalog import Catalog
from reviewtui.core.index.searchdata import IndexData
from reviewtui.core.services.library import Library
from reviewtui.core.store import cache as cache_module
from reviewtui.core.store.cache import db_path
from reviewtui.core.store.loader import load_catalog
from reviewtui.core.store.rows import CachedReview
from tests.helpers import index_of, open_lib, review, write


def snapshot(source: Catalog | Library) -> dict[str, Any]:
    """Everything a user can see of a catalog, as plain data."""
    catalog = source.catalog if isinstance(source, Library) else source
    return {
        "files": catalog.files,
        "reviews": [dataclasses.asdict(r) for r in catalog.reviews],
        "problems": [p.as_dict() for p in catalog.problems],
    }


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    write(root, "_products/en/acme/acme-x-1.md", review())
    write(root, "_products/en/acme/acme-x-2.md", review(ref="acme-x-2", target_name='"Acme X-2"', price=None))
    write(root, "_products/en/acme/broken.md", "no front matter here\n")
    write(root, "_products/en/acme/odd.md", review(ref="acme-odd", target_name='"Acme Odd"', date="2025-13-45"))
    return root


def test_warm_load_equals_cold_load(content: Path) -> None:
    cold = open_lib(content)
    assert cold.notices == [] and cold.store is not None
    warm = open_lib(content)
    assert warm.notices == []
    assert all(isinstance(r, CachedReview) for r in warm.catalog.reviews)
    assert snapshot(warm) == snapshot(cold) == snapshot(load_catalog(content, cache=False))


def test_problems_of_cached_files_are_cached_too(tree: Path) -> None:
    cold = open_lib(tree)
    assert {p.path for p in cold.catalog.errors} == {"_products/en/acme/broken.md"}
    assert any(p.path.endswith("odd.md") for p in cold.catalog.warnings)
    warm = open_lib(tree)
    assert snapshot(warm) == snapshot(cold)


def test_only_changed_files_are_parsed_again(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_lib(tree)
    target = tree / "_products/en/acme/acme-x-2.md"
    target.write_text(review(ref="acme-x-2", target_name='"Acme X-2 Mk II"'), encoding="utf-8")
    (tree / "_products/en/acme/broken.md").unlink()
    write(tree, "_products/en/acme/acme-x-3.md", review(ref="acme-x-3", target_name='"Acme X-3"'))
    parsed: list[str] = []
    from reviewtui.core.store import files as catalog_module

    real = catalog_module.read_file

    def counting(entry: Any) -> Any:
        parsed.append(entry.rel)
        return real(entry)

    monkeypatch.setattr(catalog_module, "read_file", counting)
    warm = open_lib(tree)
    assert sorted(parsed) == ["_products/en/acme/acme-x-2.md", "_products/en/acme/acme-x-3.md"]
    monkeypatch.undo()
    assert snapshot(warm) == snapshot(load_catalog(tree, cache=False))
    index = index_of(warm)
    assert index.search("x-2 mk ii", limit=1).hits[0].review.target_name == "Acme X-2 Mk II"
    assert index.search("x-3", limit=1).hits[0].review.path.endswith("acme-x-3.md")


def test_body_search_is_the_same_warm_and_cold(content: Path) -> None:
    queries = ["ldac", "planar magnetic", "body:impedance", "ヘッドホン", "sony", "price<300 tag:headphones"]
    cold = index_of(open_lib(content))
    expected = {q: [h.review.path for h in cold.search(q).hits] for q in queries}
    warm = index_of(open_lib(content))
    assert {q: [h.review.path for h in warm.search(q).hits] for q in queries} == expected
    assert any(expected.values())


def test_sections_load_lazily_and_survive_a_vanished_cache(content: Path) -> None:
    open_lib(content)
    warm = open_lib(content)
    first = warm.catalog.reviews[0]
    assert isinstance(first, CachedReview)
    warm.store.db.close()  # the cache is gone: bodies are read from the files again
    os.remove(db_path(content))
    plain = load_catalog(content, cache=False).by_path[first.path]
    assert first.sections == plain.sections and first.references == plain.references
    assert first == first and dataclasses.replace(first, title="x").sections == plain.sections


def test_corrupt_cache_is_rebuilt_with_a_notice(content: Path) -> None:
    open_lib(content)
    path = db_path(content)
    path.write_bytes(b"this is not a database" * 100)
    catalog = open_lib(content)
    assert len(catalog.notices) == 1 and "rebuilt" in catalog.notices[0]
    assert snapshot(catalog) == snapshot(load_catalog(content, cache=False))
    assert open_lib(content).notices == []


def test_cache_from_another_version_is_rebuilt(content: Path) -> None:
    open_lib(content)
    with sqlite3.connect(db_path(content)) as db:
        db.execute("UPDATE meta SET value = 'old' WHERE key = 'parser'")
    catalog = open_lib(content)
    assert len(catalog.notices) == 1 and "another version" in catalog.notices[0]
    assert snapshot(catalog) == snapshot(load_catalog(content, cache=False))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_cache_folder_falls_back_to_memory(content: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        catalog = open_lib(content, cache_file=folder / "index.sqlite3")
    finally:
        folder.chmod(stat.S_IRWXU)
    assert len(catalog.notices) == 1 and "memory" in catalog.notices[0]
    assert snapshot(catalog) == snapshot(load_catalog(content, cache=False))


def test_unwritable_cache_file_falls_back_to_memory(content: Path, tmp_path: Path) -> None:
    path = tmp_path / "dir-not-file.sqlite3"
    path.mkdir()  # a folder where the cache file should be: cannot be opened as a database
    catalog = open_lib(content, cache_file=path)
    assert len(catalog.notices) == 1 and "memory" in catalog.notices[0]
    assert catalog.store is None
    assert snapshot(catalog) == snapshot(load_catalog(content, cache=False))
    assert index_of(catalog).search("ldac").total > 0


def test_locked_cache_falls_back_to_memory(content: Path) -> None:
    open_lib(content)
    other = sqlite3.connect(db_path(content), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        catalog = open_lib(content)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(catalog.notices) == 1 and "in use" in catalog.notices[0]
    assert snapshot(catalog) == snapshot(load_catalog(content, cache=False))


def test_rebuild_and_clear(content: Path) -> None:
    open_lib(content)
    assert db_path(content).exists()
    before = db_path(content).stat().st_ino
    rebuilt = open_lib(content, rebuild=True)
    assert rebuilt.notices == [] and snapshot(rebuilt) == snapshot(load_catalog(content, cache=False))
    assert db_path(content).stat().st_ino != before or db_path(content).stat().st_size > 0
    removed = cache_module.clear()
    assert db_path(content) in removed and not db_path(content).exists()
    assert cache_module.clear() == []


def test_cache_follows_xdg_cache_home(content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    open_lib(content)
    assert db_path(content).is_relative_to(tmp_path / "elsewhere")
    assert db_path(content).exists()


def test_a_copied_tree_gets_its_own_cache(content: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(content, copy)
    open_lib(content)
    assert db_path(copy) != db_path(content)
    assert snapshot(open_lib(copy)) == snapshot(load_catalog(copy, cache=False))


def test_changed_bodies_leave_no_stale_full_text_hits(tree: Path) -> None:
    target = tree / "_products/en/acme/acme-x-1.md"
    open_lib(tree)
    assert index_of(open_lib(tree)).search("body:sheet").total == 3
    for round_ in range(3):  # a few changes (kept as stale rows), then enough for a rebuild
        text = target.read_text(encoding="utf-8").replace("Spec sheet", f"Data page {round_}")
        target.write_text(text.replace(f"Data page {round_ - 1}", f"Data page {round_}"), encoding="utf-8")
        os.utime(target, ns=(10**18 + round_, 10**18 + round_))
        index = index_of(open_lib(tree))
        assert index.search("body:sheet").total == 2
        assert [h.review.path for h in index.search(f'body:"page {round_}"').hits] == ["_products/en/acme/acme-x-1.md"]


def test_stored_a_chunk_at_a_time(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewtui.core.store import writing

    monkeypatch.setattr(writing.Writer, "CHUNK", 3)
    cold = open_lib(content)
    assert all(isinstance(r, CachedReview) for r in cold.catalog.reviews)  # bodies dropped once stored
    warm = open_lib(content)
    assert snapshot(cold) == snapshot(warm) == snapshot(load_catalog(content, cache=False))
    assert index_of(warm).search("body:helmholtz").total == 1


def test_deferred_store_shows_first_then_caches(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's cold start: results from the parsed files first, the cache written afterwards."""
    from reviewtui.core.store import incremental

    monkeypatch.setattr(incremental, "DEFER_MIN", 1)
    queries = ["ldac", "planar magnetic", "body:impedance", "ヘッドホン", "sony", "body:helmholtz"]
    first = open_lib(content, defer=True)
    assert first.store is None and not first.stored.is_set()
    index = index_of(first)
    plain = index_of(load_catalog(content, cache=False))
    before = {q: [h.review.path for h in plain.search(q).hits] for q in queries}
    assert index.search("").total == plain.search("").total and before["body:helmholtz"] and before["ldac"]
    assert first.finish() == []
    assert first.store is not None and first.stored.is_set()
    assert index.matcher.fulltext is first.store.fulltext  # the stored full-text index from now on
    assert first.finish() == []  # once only
    assert {q: [h.review.path for h in index.search(q).hits] for q in queries} == before
    warm = open_lib(content, defer=True)
    assert warm.stored.is_set() and all(isinstance(r, CachedReview) for r in warm.catalog.reviews)
    assert snapshot(warm) == snapshot(first) == snapshot(load_catalog(content, cache=False))
    warm_index = index_of(warm)
    assert {q: [h.review.path for h in warm_index.search(q).hits] for q in queries} == before
    stored = warm.store.load_index()  # the search data was stored with the files, written in parts
    assert stored is not None and IndexData.loads(stored) == index.data == warm_index.data
    assert bytes(stored) == index.data.dumps()


def test_deferred_store_that_is_never_run_leaves_a_cold_cache(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewtui.core.store import incremental

    monkeypatch.setattr(incremental, "DEFER_MIN", 1)
    first = open_lib(content, defer=True)
    assert not first.stored.is_set()
    again = open_lib(content, defer=True)  # e.g. the app was closed before it ran
    assert not again.stored.is_set() and snapshot(again) == snapshot(first)
    again.finish()
    assert open_lib(content, defer=True).stored.is_set()  # nothing left to store


def test_deferred_store_keeps_a_memory_full_text_built_meanwhile(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviewtui.core.store import incremental

    monkeypatch.setattr(incremental, "DEFER_MIN", 1)
    first = open_lib(content, defer=True)
    index = index_of(first)
    before = [h.review.path for h in index.search("body:helmholtz").hits]  # builds the memory one
    memory = index.matcher.fulltext
    first.finish()
    assert index.matcher.fulltext is memory and first.store is not None
    assert [h.review.path for h in index.search("body:helmholtz").hits] == before != []
    assert [h.review.path for h in index.search("ldac planar").hits] == [
        h.review.path for h in index_of(open_lib(content)).search("ldac planar").hits
    ]


def test_a_review_from_the_cache_equals_the_one_from_its_file(content: Path) -> None:
    open_lib(content)
    warm = open_lib(content)
    plain = load_catalog(content, cache=False)
    cached = [r for r in warm.catalog.reviews if isinstance(r, CachedReview)]
    assert cached and len(cached) == len(plain.reviews)
    assert all(r == plain.by_path[r.path] and hash(r) == hash(plain.by_path[r.path]) for r in cached)
    changed = dataclasses.replace(plain.reviews[0], title="Something else")
    assert changed != warm.catalog.by_path[changed.path] and changed != "not a review"


_FINGERPRINT_AFTER_EACH_CHANGE = """
import sys
from pathlib import Path
from reviewtui.core.store.cache import parser_fingerprint
core = Path(sys.argv[1])
assert Path(parser_fingerprint.__code__.co_filename).is_relative_to(core), "not the copy"
before = parser_fingerprint()
for name in sys.argv[2:]:
    with (core / name).open("a") as file:
        file.write("\\n# changed\\n")
    after = parser_fingerprint()
    print(name, after != before)
    before = after
"""


def test_parser_fingerprint_changes_with_every_parser_module(tmp_path: Path) -> None:
    """A module moved or renamed without the fingerprint following would leave stale rows in use.
    Run on a copy of the package, whose files can be changed."""
    package = Path(cache_module.__file__).resolve().parents[2]
    shutil.copytree(package, tmp_path / "reviewtui", ignore=shutil.ignore_patterns("__pycache__"))
    core = tmp_path / "reviewtui" / "core"
    names = [f"format/{p.name}" for p in sorted((core / "format").glob("*.py")) if p.name != "__init__.py"]
    names += ["model.py", "text.py", "index/fulltext.py", "store/rows.py", "store/cache.py"]
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", _FINGERPRINT_AFTER_EACH_CHANGE, str(core), *names],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.split("\n")[:-1] == [f"{name} True" for name in names]
