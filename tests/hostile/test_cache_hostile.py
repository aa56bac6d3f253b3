"""A bad index cache never stops the CLI: it is rebuilt or bypassed, with one line on stderr.

Each test runs `reviewtui validate --json` in a subprocess with its own XDG_CACHE_HOME, damages
the cache the way a user's machine might, and runs it again: the JSON must be the same as from a
clean cache, stderr exactly one notice line (no traceback), and the next clean run quiet again.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.corpus import Corpus
from tests.hostile.test_cli_hostile import REPO, TERMINAL_UNSAFE


def validate(root: Path, cache_home: Path) -> tuple[int, dict[str, object], list[str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(cache_home), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "reviewtui", "validate", str(root), "--json"],
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    assert not TERMINAL_UNSAFE.search(done.stderr)
    return done.returncode, json.loads(done.stdout), done.stderr.decode().splitlines()


@pytest.fixture(scope="module")
def clean_run(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, object]]:
    code, report, notices = validate(corpus.root, tmp_path_factory.mktemp("clean-cache"))
    assert notices == []
    return code, report


def cache_file(home: Path) -> Path:
    [path] = (home / "reviewtui").rglob("*.sqlite3")
    return path


def fresh_home(corpus: Corpus, tmp_path: Path) -> Path:
    home = tmp_path / "cache"
    code, _, notices = validate(corpus.root, home)
    assert code == 1 and notices == []
    return home


def test_warm_run_is_the_same_and_quiet(corpus: Corpus, tmp_path: Path, clean_run: tuple[int, object]) -> None:
    home = fresh_home(corpus, tmp_path)
    assert validate(corpus.root, home) == (*clean_run, [])


def test_corrupt_cache_is_rebuilt(corpus: Corpus, tmp_path: Path, clean_run: tuple[int, object]) -> None:
    home = fresh_home(corpus, tmp_path)
    cache_file(home).write_bytes(b"SQLite format 3\x00" + b"\xde\xad\xbe\xef" * 4096)
    code, report, notices = validate(corpus.root, home)
    assert (code, report) == clean_run
    assert len(notices) == 1 and "rebuilt" in notices[0], notices
    assert validate(corpus.root, home) == (*clean_run, [])


def test_truncated_cache_is_rebuilt_or_bypassed(corpus: Corpus, tmp_path: Path, clean_run: tuple[int, object]) -> None:
    home = fresh_home(corpus, tmp_path)
    path = cache_file(home)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    code, report, notices = validate(corpus.root, home)
    assert (code, report) == clean_run
    assert len(notices) <= 1
    assert validate(corpus.root, home)[:2] == clean_run


def test_cache_from_another_version_is_rebuilt(corpus: Corpus, tmp_path: Path, clean_run: tuple[int, object]) -> None:
    home = fresh_home(corpus, tmp_path)
    with sqlite3.connect(cache_file(home)) as db:
        db.execute("UPDATE meta SET value = 'an older parser' WHERE key = 'parser'")
    code, report, notices = validate(corpus.root, home)
    assert (code, report) == clean_run
    assert len(notices) == 1 and "another version" in notices[0], notices
    assert validate(corpus.root, home) == (*clean_run, [])


def test_locked_cache_works_from_memory(corpus: Corpus, tmp_path: Path, clean_run: tuple[int, object]) -> None:
    home = fresh_home(corpus, tmp_path)
    holder = sqlite3.connect(cache_file(home), isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        code, report, notices = validate(corpus.root, home)
    finally:
        holder.close()
    assert (code, report) == clean_run
    assert len(notices) == 1 and "memory" in notices[0], notices


def test_cache_folder_that_cannot_be_made(corpus: Corpus, tmp_path: Path, clean_run: tuple[int, object]) -> None:
    """XDG_CACHE_HOME below a regular file: mkdir fails even for root (permission bits would not)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    code, report, notices = validate(corpus.root, blocker / "cache")
    assert (code, report) == clean_run
    assert len(notices) == 1 and "memory" in notices[0], notices


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores permission bits")
def test_read_only_cache_folder(corpus: Corpus, tmp_path: Path, clean_run: tuple[int, object]) -> None:
    home = tmp_path / "cache"
    home.mkdir()
    home.chmod(0o555)
    try:
        code, report, notices = validate(corpus.root, home)
    finally:
        home.chmod(0o755)
    assert (code, report) == clean_run
    assert len(notices) == 1 and "memory" in notices[0], notices


def test_cache_path_taken_by_a_folder(corpus: Corpus, tmp_path: Path, clean_run: tuple[int, object]) -> None:
    home = fresh_home(corpus, tmp_path)
    path = cache_file(home)
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.mkdir()
    code, report, notices = validate(corpus.root, home)
    assert (code, report) == clean_run
    assert len(notices) == 1, notices
