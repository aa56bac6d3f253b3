"""Parsing in worker processes: the same catalog, problems and search as parsing in the process
itself, a cache the next start uses, and nothing lost when a worker dies or the load is stopped."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from reviewtui.core.model import Review
from reviewtui.core.search.engine import SearchIndex
from reviewtui.core.services.library import Library
from reviewtui.core.store import workers as parallel
from reviewtui.core.store.cache import Cache, db_path
from reviewtui.core.store.files import scan
from reviewtui.core.store.loader import load, load_catalog
from reviewtui.core.store.rows import CachedReview
from tests.core.store.test_cache import snapshot
from tests.helpers import index_of, open_lib

QUERIES = ["ldac", "planar magnetic", "body:impedance", "ヘッドホン", "sony", "body:helmholtz", "周波数"]


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> list[parallel.Pool]:
    """Worker processes for any number of files (two of them), and the pools started."""
    monkeypatch.setattr(parallel, "MIN_FILES_PER_JOB", 1)
    monkeypatch.setenv("REVIEWTUI_JOBS", "2")
    pools: list[parallel.Pool] = []
    real = parallel.start

    def start(*args: Any) -> parallel.Pool | None:
        pool = real(*args)
        if pool is not None:
            pools.append(pool)
        return pool

    monkeypatch.setattr(parallel, "start", start)
    return pools


def copies(content: Path, root: Path, count: int) -> Path:
    """`count` copies of every review of `content` under `root`, each copy with refs of its own."""
    for n in range(count):
        for path in content.rglob("*.md"):
            rel = path.relative_to(content)
            target = root / rel.parent / f"{rel.stem}-{n}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes().replace(b"\nref: ", f"\nref: n{n}-".encode(), 1))
    return root


def has_slot(review: Any, name: str) -> bool:
    """Whether a review's field is set (a cached review's are unpacked on first read)."""
    try:
        Review.__dict__[name].__get__(review)
    except AttributeError:
        return False
    return True


def stop_after(checks: int) -> Any:
    """A `cancelled` callback that says stop from its (checks + 1)th call on."""
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > checks

    return cancelled


def found(index: SearchIndex, queries: list[str]) -> dict[str, list[str]]:
    return {q: [h.review.path for h in index.search(q).hits] for q in queries}


@pytest.fixture
def mixed(tmp_path: Path, content: Path) -> Path:
    """The demo content plus the hostile corpus's files: good and bad files together."""
    from tests.hostile.corpus import build

    root = tmp_path / "mixed"
    shutil.copytree(content, root, symlinks=True)
    build(root / "_products" / "en" / "hostile")
    return root


def test_workers_give_what_the_process_itself_gives(content: Path, workers: list[parallel.Pool]) -> None:
    plain = load_catalog(content, cache=False)
    cold = open_lib(content)
    assert len(workers) == 1 and len(workers[0].workers) == 2  # it really went through two processes
    assert cold.notices == [] and cold.store is not None and cold.stored.is_set()
    assert all(isinstance(r, CachedReview) for r in cold.catalog.reviews)
    assert snapshot(cold) == snapshot(plain)
    cold_index = index_of(cold)
    assert cold_index.data == index_of(plain).data
    assert found(cold_index, QUERIES) == found(index_of(plain), QUERIES)
    warm = open_lib(content)
    assert len(workers) == 1  # nothing left to parse
    assert snapshot(warm) == snapshot(plain)
    assert found(index_of(warm), QUERIES) == found(index_of(plain), QUERIES)


def test_the_index_is_built_from_the_packed_heads_without_unpacking_them(
    content: Path, workers: list[parallel.Pool]
) -> None:
    """~1 KB per review less at 100k: the build reads the workers' packed heads and leaves the
    reviews' fields packed (only the companies' names are read, for the company index)."""
    loaded = load(content, cache=Cache(defer=True, heads_first=True))
    assert workers and len(loaded.pieces) == len(loaded.catalog.reviews)  # the workers made the search data
    cold = Library(loaded)
    index = cold.index
    assert not loaded.pieces  # the build took them
    assert [r.path for r in cold.catalog.reviews if r.kind == "product" and has_slot(r, "tags")] == []
    assert index.data == index_of(load_catalog(content, cache=False)).data
    assert cold.finish() == []


def test_bad_files_are_the_same_problems_from_workers(mixed: Path, workers: list[parallel.Pool]) -> None:
    plain = load_catalog(mixed, cache=False)
    assert plain.errors and plain.warnings
    cold = open_lib(mixed)
    assert workers and cold.notices == []
    assert snapshot(cold) == snapshot(plain)
    assert snapshot(open_lib(mixed)) == snapshot(plain)


def test_deferred_first_results_then_body_search_stores_them(content: Path, workers: list[parallel.Pool]) -> None:
    """The app's cold start: the list from the workers' answers; the first body query waits for
    the bodies to be stored (running the store itself when nobody has yet)."""
    expected = found(index_of(load_catalog(content, cache=False)), QUERIES)
    first = open_lib(content, defer=True)
    assert first.store is None and not first.stored.is_set() and first.bodies_pending
    index = index_of(first)
    assert index.search("sony").total == len(expected["sony"])
    assert found(index, ["body:helmholtz"]) == {"body:helmholtz": expected["body:helmholtz"]}
    assert first.stored.is_set() and first.store is not None and not first.bodies_pending
    assert index.matcher.fulltext is first.store.fulltext
    assert first.finish() == []  # once only
    assert found(index, QUERIES) == expected
    warm = open_lib(content, defer=True)
    assert warm.stored.is_set() and warm.store is not None and warm.store.load_index() is not None


def front_matter_end(path: Path) -> int:
    """The line number of the line closing a file's front matter (0 when there is none)."""
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    fences = [n for n, line in enumerate(lines, 1) if line.strip() == "---"]
    return fences[1] if len(fences) > 1 else 0


def test_heads_first_lists_the_same_reviews_and_adds_the_body_problems_when_stored(
    mixed: Path, workers: list[parallel.Pool]
) -> None:
    """The app's cold start with `heads_first`: the workers answer from the front matter alone,
    so the bodies' warnings are missing until `store_later`; then it is the same catalog."""
    plain = load_catalog(mixed, cache=False)
    body_only = [p for p in plain.warnings if p.line is not None and 0 < front_matter_end(mixed / p.path) < p.line]
    assert len(body_only) >= 5  # the hostile files include bodies with bad sections
    first = open_lib(mixed, heads_first=True)
    assert len(workers) == 1 and len(workers[0].workers) == 2 and first.bodies_pending
    assert [r.path for r in first.catalog.reviews] == [r.path for r in plain.reviews]
    heads = [dataclasses.replace(r, sections=(), references=()) for r in plain.reviews]
    assert [dataclasses.asdict(dataclasses.replace(r, sections=(), references=())) for r in first.catalog.reviews] == [
        dataclasses.asdict(r) for r in heads
    ]  # (a review's body is read from its file while the cache has none yet)
    assert plain.errors == first.catalog.errors  # only the front matter drops a file
    before = set(first.catalog.problems)
    assert before < set(plain.problems) and not before & set(body_only)
    index = index_of(first)
    assert first.finish() == [] and workers[0].updates
    assert snapshot(first) == snapshot(plain)
    assert found(index, QUERIES) == found(index_of(plain), QUERIES)
    assert snapshot(open_lib(mixed, heads_first=True)) == snapshot(plain)


def test_a_load_that_waits_for_the_store_gets_the_body_problems_too(mixed: Path, workers: list[parallel.Pool]) -> None:
    """`heads_first` without `defer` (nothing shown before the store) is the plain load."""
    plain = load_catalog(mixed, cache=False)
    assert snapshot(open_lib(mixed)) == snapshot(plain)
    assert workers and not workers[0].updates


def test_changed_and_new_files_replace_their_rows(tmp_path: Path, content: Path, workers: list[parallel.Pool]) -> None:
    root = tmp_path / "tree"
    shutil.copytree(content, root)
    open_lib(root)
    changed = root / "_products/en/sennheiser/sennheiser-hd-600.md"
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("## Overview\n", "## Overview\nQuokkabeat was here.\n", 1), encoding="utf-8")
    os.utime(changed, ns=(10**18, 10**18))
    for n in range(3):
        copy = root / f"_products/en/sennheiser/copy-{n}.md"
        copy.write_text(text.replace("ref: sennheiser-hd-600", f"ref: copy-{n}"), encoding="utf-8")
    (root / "_products/en/sony/sony-wh-1000xm5.md").unlink()
    again = open_lib(root)
    assert len(workers) == 2 and again.notices == []
    assert snapshot(again) == snapshot(load_catalog(root, cache=False))
    index = index_of(again)
    assert [h.review.path for h in index.search("body:quokkabeat").hits] == [
        "_products/en/sennheiser/sennheiser-hd-600.md"
    ]
    with sqlite3.connect(db_path(root)) as db:
        (count,) = db.execute("SELECT count(*) FROM files").fetchone()
    assert count == len(scan(root).files)


def test_a_worker_that_dies_leaves_its_files_to_the_process(
    content: Path, workers: list[parallel.Pool], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = parallel.start

    def start_and_kill_one(*args: Any) -> parallel.Pool | None:
        pool = real(*args)
        assert pool is not None
        pool.workers[0].proc.kill()
        return pool

    monkeypatch.setattr(parallel, "start", start_and_kill_one)
    cold = open_lib(content)
    assert snapshot(cold) == snapshot(load_catalog(content, cache=False))
    if cold.notices:  # it died after answering for some files: they are not in the cache
        assert cold.store is None and "incomplete" in cold.notices[0]
    else:  # it died first: this process parsed and stored its share
        assert cold.store is not None
        warm = open_lib(content)
        assert warm.stored.is_set() and all(isinstance(r, CachedReview) for r in warm.catalog.reviews)
    expected = found(index_of(load_catalog(content, cache=False)), QUERIES)
    assert found(index_of(cold), QUERIES) == expected


def test_a_stopped_load_stops_its_workers(content: Path, workers: list[parallel.Pool]) -> None:
    load_catalog(content, cancelled=stop_after(1))
    assert workers and all(w.proc.poll() is not None for w in workers[0].workers)


def test_workers_still_store_their_files_when_the_app_quits_before_them(
    tmp_path: Path, content: Path, workers: list[parallel.Pool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quit right after the first results (the app's pipes close): the workers' last rows are
    written before they find nobody listening, so the next start has nothing to parse."""
    monkeypatch.setattr(parallel, "WRITE_ROWS", 10_000)  # one write, at the very end
    content = copies(content, tmp_path / "many", 20)  # bodies enough to outlast the closing
    first = open_lib(content, heads_first=True)
    assert not first.stored.is_set() and len(workers) == 1
    for worker in workers[0].workers:  # as when the app's process ends
        workers[0]._close(worker)
    for worker in workers[0].workers:
        assert worker.proc.wait(timeout=60) is not None
    with sqlite3.connect(db_path(content)) as db:
        (files,) = db.execute("SELECT count(*) FROM files").fetchone()
        (bodies,) = db.execute("SELECT count(*) FROM bodies").fetchone()
    assert files == first.catalog.files and bodies == len(first.catalog.reviews)


def test_jobs_follow_the_files_and_the_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWTUI_JOBS", "2")
    assert parallel.jobs_for(100) == 0
    assert parallel.jobs_for(parallel.MIN_FILES_PER_JOB * 2) == 2
    assert parallel.jobs_for(100_000) == 2
    monkeypatch.setenv("REVIEWTUI_JOBS", "1")
    assert parallel.jobs_for(100_000) == 1  # one worker would only add its start: parsed in the process


@pytest.fixture
def early(monkeypatch: pytest.MonkeyPatch) -> list[parallel.Process]:
    """Every first load counts as large: workers start before the scan. The processes spawned."""
    monkeypatch.setattr(parallel, "EARLY_FOLDERS", 1)
    monkeypatch.setenv("REVIEWTUI_JOBS", "2")
    spawned: list[parallel.Process] = []
    real = parallel.spawn

    def spawn(count: int) -> list[parallel.Process]:
        procs = real(count)
        spawned.extend(procs)
        return procs

    monkeypatch.setattr(parallel, "spawn", spawn)
    return spawned


def ended(procs: list[parallel.Process]) -> bool:
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            return False
    return True


def test_workers_started_before_the_scan_do_the_parsing(
    content: Path, workers: list[parallel.Pool], early: list[parallel.Process]
) -> None:
    cold = open_lib(content)
    assert len(early) == 2 and [w.proc for w in workers[0].workers] == early  # no third process
    assert snapshot(cold) == snapshot(load_catalog(content, cache=False))
    open_lib(content)
    assert len(early) == 2  # a warm start starts none


def test_workers_started_early_but_not_needed_go_away(content: Path, early: list[parallel.Process]) -> None:
    cold = open_lib(content)  # 89 files: parsed in the process itself
    assert len(early) == 2 and ended(early)
    assert snapshot(cold) == snapshot(load_catalog(content, cache=False))


def test_the_cli_gives_the_same_answers_with_workers(
    tmp_path: Path, content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end, as a script runs it: 890 files (enough for two workers on their own), a cold
    then a warm `search --batch` and `validate`, against the same with all parsing in one process."""
    import json
    import sys

    root = copies(content, tmp_path / "many", 10)
    queries = tmp_path / "queries.txt"
    queries.write_text("sennheiser hd600\nbody:helmholtz\nヘッドホン\ntag:headphones price<300\n\n", encoding="utf-8")

    def run(jobs: str, *argv: str) -> tuple[str, str]:
        env = {**os.environ, "REVIEWTUI_JOBS": jobs, "XDG_CACHE_HOME": str(tmp_path / f"cache-{jobs}")}
        out = subprocess.run(
            [sys.executable, "-m", "reviewtui", *argv], env=env, capture_output=True, text=True, timeout=120
        )
        assert out.returncode in (0, 1), out.stderr
        return out.stdout, out.stderr

    batch = ["search", "--batch", str(queries), "--root", str(root), "--json", "--limit", "0"]
    one = run("1", *batch)
    lines = one[0].splitlines()
    assert len(lines) == 5 and all(json.loads(line) for line in lines[:4]) and json.loads(lines[4]) == []
    monkeypatch.setenv("REVIEWTUI_JOBS", "2")
    assert parallel.jobs_for(len(scan(root).files)) == 2  # what the "2" runs below use
    assert run("2", *batch) == one  # cold: parsed by two processes
    assert run("2", *batch) == one  # warm
    assert run("2", "validate", "--json", str(root)) == run("1", "validate", "--json", str(root))


def shard_files(root: Path) -> list[Path]:
    path = db_path(root)
    return sorted(path.parent.glob(f"{path.name}.fts*"))


def test_each_worker_writes_its_own_full_text_shard(
    tmp_path: Path, content: Path, workers: list[parallel.Pool], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviewtui.core.store import cache as cache_module
    from reviewtui.core.store.cache import forget

    root = tmp_path / "tree"
    shutil.copytree(content, root)
    expected = found(index_of(load_catalog(root, cache=False)), QUERIES)
    open_lib(root)
    assert len(shard_files(root)) == 2  # one per worker
    assert found(index_of(open_lib(root)), QUERIES) == expected
    monkeypatch.setattr(cache_module, "MAX_SHARDS", 5)
    from reviewtui.core.store import writing

    monkeypatch.setattr(writing, "MAX_SHARDS", 5)
    target = root / "_products/en/sennheiser/sennheiser-hd-600.md"
    text = target.read_text(encoding="utf-8")
    for round_ in range(2):  # a load in workers adds two shards, until there are too many
        for n in range(2):
            extra = root / f"_products/en/sennheiser/extra-{round_}-{n}.md"
            extra.write_text(text.replace("ref: sennheiser-hd-600", f"ref: extra-{round_}-{n}"), encoding="utf-8")
        target.write_text(text + f"\nWombat{round_}\n", encoding="utf-8")
        os.utime(target, ns=(10**18 + round_, 10**18 + round_))
        catalog = open_lib(root)
        assert workers[-1] is not workers[0] and len(workers[-1].workers) == 2
        index = index_of(catalog)
        assert all(f"_products/en/sennheiser/extra-{round_}-{n}.md" in catalog.catalog.by_path for n in range(2))
        hits = [h.review.path for h in index.search(f"body:wombat{round_}").hits]
        assert hits == [target.relative_to(root).as_posix()]
        assert index.search(f"body:wombat{round_ - 1}").total == 0  # the old text left no hit
        assert len(shard_files(root)) == (4 if round_ == 0 else 0)  # then 6 > 5: folded into the cache file
        assert found(index_of(open_lib(root)), ["body:helmholtz", "ldac"]) == {
            q: expected[q] for q in ["body:helmholtz", "ldac"]
        }
    forget(root)
    assert shard_files(root) == []


def test_a_missing_shard_is_made_good_from_the_stored_bodies(
    tmp_path: Path, content: Path, workers: list[parallel.Pool]
) -> None:
    root = tmp_path / "tree"
    shutil.copytree(content, root)
    expected = found(index_of(load_catalog(root, cache=False)), QUERIES)
    open_lib(root)
    shard_files(root)[0].unlink()
    warm = open_lib(root)
    assert warm.stored.is_set() and shard_files(root) == []  # the index went back into the cache file
    assert found(index_of(warm), QUERIES) == expected
    assert found(index_of(open_lib(root)), QUERIES) == expected


def test_a_large_cold_catalog_goes_back_to_packed_heads_after_indexing(
    content: Path, workers: list[parallel.Pool], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviewtui.core.search import engine as search

    monkeypatch.setattr(search, "REPACK_FROM", 1)
    cold = open_lib(content)
    index = index_of(cold)
    assert all(r._head is not None for r in cold.catalog.reviews)  # type: ignore[attr-defined]
    assert not any(has_slot(r, "title") for r in cold.catalog.reviews)
    assert snapshot(cold) == snapshot(load_catalog(content, cache=False))  # unpacked again when read
    assert found(index, QUERIES) == found(index_of(load_catalog(content, cache=False)), QUERIES)


def run_worker(
    monkeypatch: pytest.MonkeyPatch, job: list[tuple[Any, ...]], heads_first: bool
) -> tuple[list[Any], dict[str, tuple[Any, ...]]]:
    """`worker_main.main()` in this process (so a test can patch what it calls) on `job`: the frames
    it sent, and the rows it stored by path (blobs unpacked), each with its full-text entry."""
    import gc
    import io
    import marshal
    import signal
    import sys
    from types import SimpleNamespace

    rows: dict[str, tuple[Any, ...]] = {}

    def write(db: str, shard: str | None, batch: list[tuple[Any, ...]], texts: list[tuple[int, str]]) -> None:
        text = dict(texts)
        assert len(text) == len(texts) and db == "cache.db"
        rows.update((row[1], (*unpacked(row), text.pop(row[0], None))) for row in batch)
        assert text == {}

    out = io.BytesIO()
    from reviewtui.core.store import worker_main

    monkeypatch.setattr(worker_main, "_write", write)
    job_bytes = marshal.dumps(("cache.db", None, job, heads_first))
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(job_bytes)))
    monkeypatch.setattr(sys, "stdout", SimpleNamespace(buffer=out))
    monkeypatch.setattr(os, "nice", lambda _: 0)
    monkeypatch.setattr(signal, "signal", lambda *_: None)
    try:
        worker_main.main()
    finally:
        gc.enable()
        monkeypatch.undo()
    frames, data, at = [], out.getvalue(), 0
    while at < len(data):
        size = int.from_bytes(data[at : at + 4], "little")
        frames.append(marshal.loads(data[at + 4 : at + 4 + size]))
        at += 4 + size
    assert len(rows) == len(job)
    return frames, rows


def unpacked(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row or record with its blobs read: marshal's bytes depend on which objects were shared."""
    import marshal

    return tuple(marshal.loads(v) if isinstance(v, bytes) else v for v in row)


def job_of(root: Path) -> list[tuple[Any, ...]]:
    return [(n, os.fspath(e.path), e.rel, e.mtime_ns, e.size) for n, e in enumerate(scan(root).files, 1)]


def test_heads_first_stores_the_rows_of_one_whole_parse(mixed: Path) -> None:
    """The second pass parses only the bodies, and stores what one whole parse of each file
    stores: head, problems (in order, the "N more warnings" line too), body, full text."""
    job = job_of(mixed)
    frames, whole = run_worker(pytest.MonkeyPatch(), job, heads_first=False)
    heads, in_two = run_worker(pytest.MonkeyPatch(), job, heads_first=True)
    assert in_two == whole
    answered = {record[0]: unpacked(record) for frame in frames if frame[0] == "p" for record in frame[1]}
    first = {record[0]: unpacked(record) for frame in heads if frame[0] == "p" for record in frame[1]}
    updates = next(frame[1] for frame in heads if frame[0] == "q")
    assert len(updates) >= 3  # bodies with problems of their own (the hostile files)
    for rowid, *blobs in updates:  # the first answer, then what the whole file has
        quick, problems = unpacked(tuple(blobs))
        assert first[rowid][6] == quick and answered[rowid][6] == problems != quick
    assert {k: v[:6] for k, v in first.items()} == {k: v[:6] for k, v in answered.items()}


@pytest.mark.parametrize("change", ["body", "front matter", "front matter, new mtime"])
def test_a_file_changed_between_the_passes_is_stored_as_it_is_now(
    change: str, content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file rewritten after its front matter was read: the body pass never joins the old front
    matter to the new body (same size and mtime too: the front matter's checksum tells)."""
    from reviewtui.core.format import parse

    root = tmp_path / "tree"
    shutil.copytree(content, root)
    job = job_of(root)
    target = root / "_products/en/sennheiser/sennheiser-hd-600.md"
    text = target.read_text(encoding="utf-8")
    if change == "body":  # the same length: only the body pass can see it
        new = text.replace("## Overview\n", "## Overviwe\n", 1)
    else:
        new = text.replace("Sennheiser", "Sennhiesre", 1)
    assert new != text and len(new) == len(text)
    real = parse.parse_head

    def head_then_change(data: bytes, rel: str) -> Any:
        answer = real(data, rel)
        if rel.endswith("sennheiser-hd-600.md"):
            info = target.stat()
            target.write_text(new, encoding="utf-8")
            later = info.st_mtime_ns + 10**9 if "mtime" in change else info.st_mtime_ns
            os.utime(target, ns=(info.st_atime_ns, later))
        return answer

    monkeypatch.setattr(parse, "parse_head", head_then_change)
    frames, in_two = run_worker(monkeypatch, job, heads_first=True)
    assert in_two == run_worker(pytest.MonkeyPatch(), job, heads_first=False)[1]  # the file as it is now
    rel = target.relative_to(root).as_posix()
    updates = {rowid for rowid, *_ in next(frame[1] for frame in frames if frame[0] == "q")}
    assert updates == ({n for n, _, r, *_ in job if r == rel} if change == "body" else set())
