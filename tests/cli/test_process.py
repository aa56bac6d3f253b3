"""`python -m reviewtui` as a process: the same output and exit codes as `main()`, complete even
when it is more than a pipe's buffer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewtui.cli import main
from reviewtui.cli.common import SUBCOMMANDS
from tests.conftest import CONTENT

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "reviewtui", *args], input=stdin, capture_output=True, text=True, env=env, cwd=REPO
    )


def test_batch_output_is_complete_and_equals_main(capsys: pytest.CaptureFixture[str]) -> None:
    queries = "sony\n\nprice<abc\nheadphones\n" + "s\n" * 20  # many results: more than a pipe's buffer
    args = ("search", "--batch", "-", "--root", str(CONTENT), "--json", "--limit", "0")
    done = run(*args, stdin=queries)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert len(lines) == queries.count("\n") and all(isinstance(json.loads(line), list) for line in lines)
    assert len(done.stdout) > 65536
    import io

    sys_stdin = sys.stdin
    sys.stdin = io.StringIO(queries)
    try:
        assert main(list(args)) == 0
    finally:
        sys.stdin = sys_stdin
    assert capsys.readouterr().out == done.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("search", "--root", "/nonexistent/folder", "x"), 2),
        (("search", "--limit", "-1", "x"), 2),
        (("validate", str(CONTENT)), 0),
        (("search", "zzzzqqqq", "--root", str(CONTENT)), 0),
    ],
)
def test_exit_codes(args: tuple[str, ...], code: int) -> None:
    assert run(*args).returncode == code


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_answers_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each name in SUBCOMMANDS reaches its own module (not the browser's parser)."""
    assert main([name, "--help"]) == 0
    assert capsys.readouterr().out.startswith(f"usage: reviewtui {name} ")


def test_other_first_words_open_the_browser_s_parser(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: reviewtui [") and all(name in out for name in SUBCOMMANDS)
    assert main(["/no/such/folder"]) == 2
    assert "no such folder" in capsys.readouterr().err
