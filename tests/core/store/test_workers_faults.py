"""Parsing in worker processes when things go wrong: the parent stops waiting for its workers
(the app quits or the load is replaced right after the first results, Ctrl-C), a worker dies
between its writes, odd settings. Whatever is left in the cache must give the same answers as a
load without it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reviewtui.core.store import workers as parallel
from reviewtui.core.store.cache import db_path
from reviewtui.core.store.loader import load_catalog
from tests.core.store.test_cache import snapshot
from tests.core.store.test_workers import QUERIES, found, stop_after, workers  # noqa: F401  (a fixture)
from tests.helpers import index_of, open_lib


def test_workers_left_to_finish_alone_leave_a_cache_that_finds_their_bodies(
    tmp_path: Path,
    content: Path,
    workers: list[parallel.Pool],  # noqa: F811
) -> None:
    """The first results are shown, then nobody waits for the workers (the app quit, the load was
    replaced, Ctrl-C): they still store their files. The next start must find their bodies."""
    root = tmp_path / "tree"
    shutil.copytree(content, root)
    plain = load_catalog(root, cache=False)
    expected = found(index_of(plain), QUERIES)
    first = open_lib(root, defer=True)
    assert not first.stored.is_set() and workers
    for worker in workers[0].workers:  # never `store_later`: the workers end on their own
        worker.proc.wait(timeout=60)
    warm = open_lib(root)
    assert snapshot(warm) == snapshot(plain)
    assert found(index_of(warm), QUERIES) == expected


@pytest.mark.parametrize("value", ["0", "abc", "-3", "", " 2", "²"])
def test_odd_job_counts_fall_back_to_the_cpus(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("REVIEWTUI_JOBS", value)
    assert parallel.cpus() >= 1


def test_shards_left_by_many_unfinished_loads_are_folded_not_attached(
    tmp_path: Path,
    content: Path,
    workers: list[parallel.Pool],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each worker lists its shard with its rows; loads nobody finished leave more shards than
    SQLite attaches (10): the next start folds them into the cache file instead of failing."""
    import os
    import sqlite3

    monkeypatch.setenv("REVIEWTUI_JOBS", "6")
    root = tmp_path / "tree"
    shutil.copytree(content, root)
    plain = load_catalog(root, cache=False)
    expected = found(index_of(plain), QUERIES)
    for round_ in range(2):
        for path in root.rglob("*.md"):  # every file changed: parsed again, by six workers
            os.utime(path, ns=(10**18 + round_, 10**18 + round_))
        first = open_lib(root, defer=True)
        assert not first.stored.is_set() and len(workers[-1].workers) == 6
        for worker in workers[-1].workers:
            worker.proc.wait(timeout=60)
        del first  # dropped, never stored (its lock on the cache goes with it)
    with sqlite3.connect(db_path(root)) as db:
        (listed,) = db.execute("SELECT value FROM meta WHERE key = 'shards'").fetchone()
    assert len(listed.split(",")) == 12
    warm = open_lib(root)
    assert warm.notices == [] and snapshot(warm) == snapshot(plain)
    assert found(index_of(warm), QUERIES) == expected
    assert found(index_of(open_lib(root)), QUERIES) == expected


def test_ids_handed_to_workers_are_never_handed_out_again(
    content: Path,
    workers: list[parallel.Pool],  # noqa: F811
) -> None:
    """A worker may have written full-text entries for rows it never stored (it was stopped
    between the two): the ids it was given must not go to other files later."""
    import sqlite3

    load_catalog(content, cancelled=stop_after(1))
    assert workers
    given = max(rowid for w in workers[0].workers for rowid, _ in w.share)
    with sqlite3.connect(db_path(content)) as db:
        (seq,) = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'files'").fetchone()
    assert seq >= given


def test_a_cold_load_on_many_cpus_keeps_its_shards(
    content: Path,
    workers: list[parallel.Pool],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With as many workers as a load ever starts, their shards are used as they are, not folded
    back into the cache file at once (a full rebuild of the index: ~0.9 s more at 7.6k files)."""
    import sqlite3

    monkeypatch.setenv("REVIEWTUI_JOBS", str(parallel.MAX_JOBS))
    expected = found(index_of(load_catalog(content, cache=False)), QUERIES)
    cold = open_lib(content)
    assert len(workers[0].workers) == parallel.MAX_JOBS and cold.notices == []
    path = db_path(content)
    assert len(list(path.parent.glob(f"{path.name}.fts*"))) == parallel.MAX_JOBS
    assert sqlite3.connect(":memory:").getlimit(sqlite3.SQLITE_LIMIT_ATTACHED) > parallel.MAX_JOBS
    assert found(index_of(cold), QUERIES) == expected
    assert found(index_of(open_lib(content)), QUERIES) == expected


def test_a_cache_folder_whose_name_is_not_utf8(
    tmp_path: Path,
    content: Path,
    workers: list[parallel.Pool],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Linux file names are bytes: the shards beside the cache file are attached by those bytes."""
    import os

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / os.fsdecode(b"cache \xff\xfe 'q\"\n")))
    expected = found(index_of(load_catalog(content, cache=False)), QUERIES)
    cold = open_lib(content)
    assert workers and cold.notices == [] and cold.store is not None
    assert len(cold.store.fulltext.schemas) == 3  # the cache file and two shards
    assert found(index_of(cold), QUERIES) == expected
    assert found(index_of(open_lib(content)), QUERIES) == expected


def test_a_second_process_does_not_fill_a_cache_another_is_filling(
    tmp_path: Path,
    content: Path,
    workers: list[parallel.Pool],  # noqa: F811
) -> None:
    """Two reviewtui started at once on a new collection: the one that finds the cache's lock
    taken reads the files itself (same answers, a notice) and leaves the cache to the other."""
    import fcntl
    import os

    root = tmp_path / "tree"
    shutil.copytree(content, root)
    plain = load_catalog(root, cache=False)
    db_path(root).parent.mkdir(parents=True, exist_ok=True)
    holder = os.open(f"{db_path(root)}.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        second = open_lib(root)
        assert workers == [] and second.store is None
        assert second.notices and "Another reviewtui" in second.notices[0]
        assert snapshot(second) == snapshot(plain)
        assert found(index_of(second), QUERIES) == found(index_of(plain), QUERIES)
    finally:
        os.close(holder)
    first = open_lib(root)  # the lock is free again: this one fills the cache
    assert len(workers) == 1 and first.notices == [] and first.store is not None
    assert snapshot(open_lib(root)) == snapshot(plain)
