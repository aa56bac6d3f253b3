"""A store that cannot lie: whatever is damaged, missing, unreadable or half-written in the cache
folder, every command answers what a clean run answers, with at most one line of notice, never a
traceback, and the next run is clean and quiet again (the damage was found and rebuilt).

Each case copies a clean, sealed cache with two full-text shards (made by worker processes),
damages it as a crash, a full disk or another process would, then runs `reviewtui search
--batch ... --json` twice and the loader once against it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reviewtui.core.index.fulltext import FTS_SCHEMA, FTS_TABLE
from reviewtui.core.services.library import open_library
from reviewtui.core.store import integrity, workers
from reviewtui.core.store.cache import db_path, open_db, shard_path
from tests.conftest import REPO, SAMPLE
from tests.core.store.test_cache import snapshot
from tests.helpers import open_lib

QUERIES = [
    "sony",
    "body:ldac",
    "ldac",
    "ヘッドホン",
    "周波数",
    "body:impedance",
    "tag:headphones price<300",
    "sennheiser",
]


def cli(root: Path, home: Path, **options: Any) -> tuple[list[list[str]], list[str]]:
    """(the paths each query finds, stderr lines) of one `search --batch` process."""
    queries = Path(tempfile.mkdtemp()) / "queries.txt"
    queries.write_text("\n".join(QUERIES) + "\n", encoding="utf-8")
    queries.parent.chmod(0o755)
    queries.chmod(0o644)
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(home), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "reviewtui", "search", "--batch", str(queries), "--root", str(root), "--json"]
        + ["--limit", "0"],
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
        **options,
    )
    shutil.rmtree(queries.parent)
    stderr = done.stderr.decode(errors="replace")
    assert "Traceback" not in stderr, stderr
    assert done.returncode == 0, stderr
    answers = [[hit["path"] for hit in json.loads(line)] for line in done.stdout.decode().splitlines()]
    return answers, stderr.splitlines()


def in_process(root: Path) -> tuple[dict[str, Any], dict[str, list[str]], list[str]]:
    """(the catalog, the paths each query finds, the notices) of a library opened through the cache."""
    library = open_lib(root)
    index = library.index
    return snapshot(library), {q: [h.review.path for h in index.search(q).hits] for q in QUERIES}, library.notices


class Clean:
    """The collection, a clean cache of it (sealed, two shards), and what clean runs answer."""

    def __init__(self, root: Path, home: Path, cache: Path) -> None:
        self.root = root
        self.home = home
        self.cache = cache.relative_to(home)
        self.answers, self.stderr = cli(root, home.parent / "cold")
        plain = open_library(root, cache=False)
        index = plain.index
        self.snapshot = snapshot(plain)
        self.found = {q: [h.review.path for h in index.search(q).hits] for q in QUERIES}

    def copy(self, to: Path) -> Path:
        """A copy of the clean cache folder (as XDG_CACHE_HOME), sealed again: a copied file is
        another file (inode, ctime), which its seal tells, so a load checks it and seals it."""
        shutil.copytree(self.home, to, symlinks=True)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("XDG_CACHE_HOME", str(to))
            assert open_lib(self.root).notices == []
            path = to / self.cache
            db, _, trusted = open_db(path)
            db.close()
        assert trusted
        return to


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Clean:
    if not (SAMPLE / "_products").is_dir():
        pytest.skip("../shared/corpus-sample is not present")
    base = tmp_path_factory.mktemp("faults")
    root = base / "tree"
    shutil.copytree(SAMPLE, root)
    home = base / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers, "MIN_FILES_PER_JOB", 1)  # worker processes, each with its shard
        patch.setenv("REVIEWTUI_JOBS", "2")
        patch.setenv("XDG_CACHE_HOME", str(home))
        assert open_lib(root).index  # stores the rows, then the search data
        path = db_path(root)
        with sqlite3.connect(path) as db:
            (shards,) = db.execute("SELECT value FROM meta WHERE key = 'shards'").fetchone()
        assert shards.count(",") == 1 and integrity.seal_path(path).is_file()
    return Clean(root, home, path)


def cache_of(clean: Clean, home: Path) -> Path:
    return home / clean.cache


# ----------------------------------------------------------------------------- kinds of damage


def _sql(statements: str) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        db = sqlite3.connect(path)
        for n in (1, 2):
            db.execute("ATTACH DATABASE ? AS fts" + str(n), (str(shard_path(path, n)),))
        db.executescript(statements)
        db.commit()
        db.close()

    return damage


def _keep_times(damage: Callable[[Path], None], file: Callable[[Path], Path]) -> Callable[[Path], None]:
    """The damage, with the file's mtime put back: only its ctime tells."""

    def stealthy(path: Path) -> None:
        info = file(path).stat()
        damage(path)
        os.utime(file(path), ns=(info.st_atime_ns, info.st_mtime_ns))

    return stealthy


def _emptied(path: Path) -> None:
    for n in (1, 2):
        shard_path(path, n).write_bytes(b"")


def _truncated(file: Callable[[Path], Path]) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        data = file(path).read_bytes()
        file(path).write_bytes(data[: len(data) // 3])

    return damage


def _garbage(file: Callable[[Path], Path], keep: int = 0) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        data = file(path).read_bytes()
        file(path).write_bytes(data[:keep] + bytes((i * 7919) % 251 for i in range(len(data) - keep)))

    return damage


def _killed_mid_write(path: Path) -> None:
    """A writer killed in the middle of a transaction bigger than its page cache: a hot journal
    and half-changed pages in the cache file."""
    script = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA cache_size = 5')\n"
        "db.execute('BEGIN')\n"
        "db.execute('DELETE FROM bodies')\n"
        "db.execute('UPDATE files SET head = NULL')\n"
        "os._exit(9)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=False, timeout=60)
    assert Path(f"{path}-journal").is_file()


def _leftovers(path: Path) -> None:
    Path(f"{path}-journal").write_bytes(bytes(range(256)) * 20)
    Path(f"{path}-wal").write_bytes(bytes(range(256)) * 20)


def _shard(n: int) -> Callable[[Path], Path]:
    return lambda path: shard_path(path, n)


def _main(path: Path) -> Path:
    return path


CJK_ROWS = "(SELECT id FROM files WHERE cjk = 1 LIMIT 5)"
SOME_ROWS = "(SELECT id FROM files WHERE head IS NOT NULL LIMIT 9)"

DAMAGE: dict[str, Callable[[Path], None]] = {
    "shards emptied": _emptied,
    "shard truncated": _truncated(_shard(1)),
    "shard garbage": _garbage(_shard(2)),
    "shard garbage, mtime kept": _keep_times(_garbage(_shard(2), keep=100), _shard(2)),
    "shard missing": lambda path: shard_path(path, 1).unlink(),
    "shard rows gone (a valid, empty index)": _keep_times(
        _sql(f"INSERT INTO fts1.{FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all');"), _shard(1)
    ),
    "full-text rows added": _sql(f"INSERT INTO main.{FTS_TABLE} (rowid, body) VALUES (999999, 'sony ldac');"),
    "cache file truncated": _truncated(_main),
    "cache file garbage": _garbage(_main, keep=16),
    "heads that do not unmarshal": _sql(f"UPDATE files SET head = x'00010203' WHERE id IN {SOME_ROWS};"),
    "heads of the wrong shape": _sql(
        "UPDATE files SET head = x'a90cda00720100000072010000007201000000da017472020000004eda036162634e7201000000a900"
        f"7201000000' WHERE id IN {SOME_ROWS};"
    ),
    "bodies that do not unmarshal": _sql(f"UPDATE bodies SET body = x'5b0a' WHERE id IN {CJK_ROWS};"),
    "bodies gone": _sql(f"DELETE FROM bodies WHERE id IN {CJK_ROWS};"),
    "problems that do not unmarshal": _sql(f"UPDATE files SET problems = x'ff' WHERE id IN {SOME_ROWS};"),
    "search data garbage": _sql("UPDATE blobs SET value = zeroblob(1000);"),
    "killed mid-write": _killed_mid_write,
    "journal and wal leftovers": _leftovers,
    "no seal (an unclean end, nothing damaged)": lambda path: integrity.seal_path(path).unlink(),
}

#: Damage the cache cannot see without reading the whole of it (a seal is missing or stale, all
#: checks pass): answered right, without a notice.
QUIET = {"no seal (an unclean end, nothing damaged)", "journal and wal leftovers"}
#: Damage found only when the row is read (the cache's checks pass): the file is read instead and
#: the damage noted, so the run after next is the clean one.
LATE = {"heads that do not unmarshal", "heads of the wrong shape", "bodies that do not unmarshal"}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_cli_answers_as_a_clean_run(clean: Clean, tmp_path: Path, kind: str) -> None:
    home = clean.copy(tmp_path / "home")
    DAMAGE[kind](cache_of(clean, home))
    answers, stderr = cli(clean.root, home)
    assert answers == clean.answers
    extra = [line for line in stderr if line not in clean.stderr]
    assert len(extra) <= 1, extra
    if kind in QUIET:
        assert extra == []
    again = cli(clean.root, home)
    if kind in LATE:
        assert again[0] == clean.answers and len(again[1]) <= len(clean.stderr) + 1
        again = cli(clean.root, home)
    assert again == (clean.answers, clean.stderr), "the damage was not repaired"


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_loader_answers_as_a_clean_load(
    clean: Clean, tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = clean.copy(tmp_path / "home")
    DAMAGE[kind](cache_of(clean, home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    seen, found, notices = in_process(clean.root)
    assert seen == clean.snapshot
    assert found == clean.found
    assert len(notices) <= 1, notices


#: Damage after which the app's load (front matter first, in worker processes) parses again.
REBUILT = ["shards emptied", "shard missing", "cache file garbage", "bodies gone", "killed mid-write"]


@pytest.mark.parametrize("kind", REBUILT)
def test_the_apps_load_answers_as_a_clean_load(
    clean: Clean, tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's way: first results from the front matter (`early`), then `finish` in the
    background; with worker processes for any number of files."""
    home = clean.copy(tmp_path / "home")
    DAMAGE[kind](cache_of(clean, home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setattr(workers, "MIN_FILES_PER_JOB", 1)
    monkeypatch.setenv("REVIEWTUI_JOBS", "2")
    library = open_lib(clean.root, heads_first=True)
    index = library.index
    assert {q: [h.review.path for h in index.search(q).hits] for q in QUERIES} == clean.found
    library.finish()
    assert snapshot(library) == clean.snapshot
    assert len(library.notices) <= 1, library.notices
    assert in_process(clean.root) == (clean.snapshot, clean.found, [])


@pytest.mark.parametrize("target", ["file", "folder"])
def test_a_cache_path_that_is_a_link_is_never_written_through(clean: Clean, tmp_path: Path, target: str) -> None:
    victim = tmp_path / "victim"
    if target == "file":
        victim.write_bytes(b"precious\n")
    else:
        victim.mkdir()
        (victim / "inside").write_bytes(b"precious\n")
    home = clean.copy(tmp_path / "home")
    path = cache_of(clean, home)
    path.unlink()
    path.symlink_to(victim)
    answers, stderr = cli(clean.root, home)
    assert answers == clean.answers
    assert len([line for line in stderr if line not in clean.stderr]) == 1
    if target == "file":
        assert victim.read_bytes() == b"precious\n"
    else:
        assert [p.name for p in victim.iterdir()] == ["inside"]
    assert not path.is_symlink() and path.is_file()  # a cache of its own in its place
    assert cli(clean.root, home) == (clean.answers, clean.stderr)


def test_a_sidecar_that_is_a_link_is_never_written_through(clean: Clean, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious\n")
    home = clean.copy(tmp_path / "home")
    path = cache_of(clean, home)
    integrity.seal_path(path).unlink()  # the next run writes (a seal, and rebuilds nothing)
    for suffix in ("-journal", ".seal.tmp", ".fts9"):
        Path(f"{path}{suffix}").symlink_to(victim)
    assert cli(clean.root, home)[0] == clean.answers
    assert victim.read_bytes() == b"precious\n"


def test_a_folder_at_the_cache_path_means_working_from_the_files(clean: Clean, tmp_path: Path) -> None:
    home = clean.copy(tmp_path / "home")
    path = cache_of(clean, home)
    path.unlink()
    path.mkdir()
    answers, stderr = cli(clean.root, home)
    assert answers == clean.answers
    extra = [line for line in stderr if line not in clean.stderr]
    assert len(extra) == 1 and "working from memory" in extra[0]


def _as_nobody() -> dict[str, Any] | None:
    """subprocess options that run as an unprivileged user (root ignores permission bits), or
    None when that user cannot run reviewtui from here."""
    if os.geteuid() != 0:
        return {}
    options = {"user": 65534, "group": 65534, "extra_groups": []}
    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import reviewtui.cli"],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True,
            check=False,
            **options,
        )
    except OSError:  # the interpreter is out of its reach
        return None
    return options if probe.returncode == 0 else None


@pytest.mark.parametrize("blocked", ["reviewtui/index", "reviewtui"])
def test_a_cache_folder_that_cannot_be_searched(clean: Clean, blocked: str) -> None:
    if sys.platform == "win32":
        pytest.skip("POSIX permission bits")
    options = _as_nobody()
    if options is None:
        pytest.skip("no unprivileged user can run reviewtui here")
    home = Path(tempfile.mkdtemp())
    try:
        (home / "reviewtui" / "index").mkdir(parents=True)
        home.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(home / "reviewtui", 65534, 65534)
            shutil.chown(home / "reviewtui" / "index", 65534, 65534)
        (home / blocked).chmod(0)
        answers, stderr = cli(SAMPLE, home, **options)
        assert answers == clean.answers
        assert len([line for line in stderr if line not in clean.stderr]) == 1
    finally:
        (home / blocked).chmod(0o755)
        shutil.rmtree(home)


# ----------------------------------------------------------------------------- the checks themselves


def test_fts_rows_reads_what_fts5_counts(tmp_path: Path) -> None:
    """`integrity.fts_rows` reads FTS5's own row total; this fails if SQLite ever stores it otherwise."""
    db = sqlite3.connect(tmp_path / "fts.sqlite3")
    db.execute(FTS_SCHEMA)
    assert integrity.fts_rows(db) == 0
    for total in (1, 200, 20_000):
        db.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (?, ?)",
            ((n, f"word{n} common") for n in range(integrity.fts_rows(db) + 1, total + 1)),
        )
        db.commit()
        assert integrity.fts_rows(db) == total
        (matched,) = db.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH 'common'").fetchone()
        assert matched == total
    db.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')")
    assert integrity.fts_rows(db) == 0


@pytest.fixture
def sealed(clean: Clean, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = clean.copy(tmp_path / "home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    yield cache_of(clean, home)


def test_a_clean_warm_run_trusts_its_seal_and_keeps_it(clean: Clean, sealed: Path) -> None:
    db, notice, trusted = open_db(sealed)
    db.close()
    assert trusted and notice is None
    before = integrity.seal_path(sealed).read_bytes()
    assert in_process(clean.root)[2] == []
    assert integrity.seal_path(sealed).read_bytes() == before
    db, _, trusted = open_db(sealed)
    db.close()
    assert trusted


def test_any_write_breaks_the_seal(sealed: Path) -> None:
    with sqlite3.connect(sealed) as db:
        db.execute("INSERT INTO meta (key, value) VALUES ('written', 'by another process')")
    db, _, trusted = open_db(sealed)
    db.close()
    assert not trusted
