"""`reviewtui validate` and `search` on the hostile corpus, run as a user would: in a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import review, write
from tests.hostile.conftest import problem_key
from tests.hostile.corpus import Corpus

REPO = Path(__file__).resolve().parents[2]

#: Bytes a terminal may act on: C0 controls but newline, DEL, UTF-8 encoded C1 controls, bidi
#: embeddings/overrides/isolates, zero-width characters and marks.
TERMINAL_UNSAFE = re.compile(
    rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa0-\xaf]|\xd8\x9c|\xef\xbb\xbf"
)


@pytest.fixture(autouse=True)
def _own_cache(cache_home: Path) -> None:
    """Every run below inherits XDG_CACHE_HOME from the module's `cache_home`."""


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "reviewtui", *args], capture_output=True, env=environment, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def validate_json(corpus: Corpus) -> tuple[int, dict[str, object], bytes]:
    done = run("validate", str(corpus.root), "--json")
    return done.returncode, json.loads(done.stdout), done.stderr


def test_validate_json_shape_and_exit_code(corpus: Corpus, validate_json: tuple[int, dict[str, object], bytes]) -> None:
    code, report, stderr = validate_json
    assert code == 1  # the corpus holds errors
    assert b"Traceback" not in stderr
    assert set(report) == {"files", "indexed", "reviews", "problems"}
    assert report["files"] == len(corpus.counted)
    assert report["indexed"] == len(corpus.kept)
    assert report["reviews"] == sorted(c.rel for c in corpus.kept)
    problems = report["problems"]
    assert isinstance(problems, list)
    for problem in problems:
        assert set(problem) == {"path", "line", "severity", "message"}
        assert problem["severity"] in ("error", "warning")
        assert problem["line"] is None or (isinstance(problem["line"], int) and problem["line"] >= 1)


def test_validate_json_lists_every_exact_problem(
    corpus: Corpus, validate_json: tuple[int, dict[str, object], bytes]
) -> None:
    _, report, _ = validate_json
    problems = report["problems"]
    assert isinstance(problems, list)
    for case in corpus.cases:
        expected = sorted(((e.severity, e.message, e.line) for e in case.problems), key=problem_key)
        got = [(p["severity"], p["message"], p["line"]) for p in problems if p["path"] == case.rel]
        assert got == expected, case.name
    assert {p["path"] for p in problems} <= {c.rel for c in corpus.cases}


def test_validate_json_is_plain_ascii_safe(corpus: Corpus) -> None:
    """JSON escapes controls, bidi characters and the lone surrogates of undecodable file names."""
    done = run("validate", str(corpus.root), "--json", env={"PYTHONIOENCODING": "utf-8:strict"})
    assert done.returncode == 1, done.stderr
    assert not TERMINAL_UNSAFE.search(done.stdout)
    text = done.stdout.decode("utf-8")  # strict: valid UTF-8 even with a Latin-1 file name
    assert "\\u001b[31mevil\\u202e name.md" in text


def test_validate_plain_report_has_no_raw_controls(corpus: Corpus) -> None:
    done = run("validate", str(corpus.root))
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr
    assert not TERMINAL_UNSAFE.search(done.stdout), TERMINAL_UNSAFE.search(done.stdout)
    assert not TERMINAL_UNSAFE.search(done.stderr)
    out = done.stdout.decode("utf-8")
    assert "␛[31m" in out  # the hostile heading's escape, shown as a picture
    kept, dropped = len(corpus.kept), len({c.rel for c in corpus.cases if not c.kept and c.counted})
    assert out.splitlines()[-1].startswith(f"{len(corpus.counted)} files, {kept} reviews indexed, ")
    assert f"({dropped} files dropped)" in out.splitlines()[-1]


def test_search_output_is_safe(corpus: Corpus) -> None:
    plain = run("search", "evil", "--root", str(corpus.root))
    assert plain.returncode == 0 and b"Traceback" not in plain.stderr
    assert plain.stdout.strip(), "the hostile review should match 'evil'"
    assert not TERMINAL_UNSAFE.search(plain.stdout)
    assert not TERMINAL_UNSAFE.search(plain.stderr)
    as_json = run("search", "--json", "good", "--root", str(corpus.root), "--limit", "100")
    assert as_json.returncode == 0
    hits = json.loads(as_json.stdout)
    assert {h["path"] for h in hits} >= {f"_products/en/good/good-{i:02}.md" for i in range(1, 11)}


def test_every_review_comes_out_of_search(corpus: Corpus) -> None:
    done = run("search", "--json", "--root", str(corpus.root), "--limit", "1000")
    assert done.returncode == 0, done.stderr
    assert not TERMINAL_UNSAFE.search(done.stdout)
    assert sorted(h["path"] for h in json.loads(done.stdout)) == sorted(c.rel for c in corpus.kept)


def test_strict_counts_warnings(tmp_path: Path) -> None:
    write(tmp_path, "_products/en/acme/good.md", review())
    assert run("validate", str(tmp_path)).returncode == 0
    assert run("validate", str(tmp_path), "--strict").returncode == 0
    write(tmp_path, "_products/en/acme/warned.md", review(ref="warned", price='"$80"'))
    assert run("validate", str(tmp_path)).returncode == 0
    strict = run("validate", str(tmp_path), "--strict", "--json")
    assert strict.returncode == 1
    report = json.loads(strict.stdout)
    assert report["indexed"] == 2 and [p["severity"] for p in report["problems"]] == ["warning"]
    write(tmp_path, "_products/en/acme/broken.md", "no front matter\n")
    assert run("validate", str(tmp_path), "--json").returncode == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("validate", str(tmp_path / "missing")).returncode == 2
    assert run("validate", "--no-such-option", str(tmp_path)).returncode == 2
