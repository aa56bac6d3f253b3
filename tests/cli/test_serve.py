"""`reviewtui serve`: its arguments (the servers themselves are tested in tests/e2e)."""

from __future__ import annotations

import pytest

from reviewtui.cli import main


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "--max-connections", "3"],  # SSH-only option without --ssh
        ["serve", "--authorized-keys", "/dev/null"],
        ["serve", "--ssh", "--public-url", "http://x/"],
        ["serve", "--ssh", "--max-connections", "0"],
        ["serve", "--port", "70000"],
        ["serve", "--ssh", "--authorized-keys", "/no/such/file"],
        ["serve", "/no/such/folder"],
        ["serve", "--bogus"],
    ],
)
def test_serve_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip()


def test_serve_is_listed_as_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--ssh" in out and "--authorized-keys" in out and "127.0.0.1" in out
