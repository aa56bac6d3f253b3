"""The pieces of `reviewtui serve` that need no network: environment, host key, PTY child, arguments."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reviewtui.serve.child import command
from reviewtui.serve.environment import READONLY, safe_term, session_env
from reviewtui.serve.host_key import load_or_create_host_key
from reviewtui.serve.pty_child import PtyChild
from reviewtui.serve.ssh_server import app_argv
from reviewtui.serve.web import web_command
from tests.conftest import CONTENT

REPO = Path(__file__).resolve().parents[2]


def test_session_env_is_read_only_and_takes_the_clients_terminal() -> None:
    base = {
        "PATH": "/usr/bin",
        "HOME": "/home/host",
        "EDITOR": "vim",
        "PAGER": "less",
        "TEXTUAL_DRIVER": "x",
        "COLUMNS": "200",
        "LINES": "50",
        "TMUX": "/tmp/tmux",
        "SSH_AUTH_SOCK": "/tmp/agent",
        "NO_COLOR": "1",
        "LC_ALL": "C",
    }
    client = {"LANG": "ja_JP.UTF-8", "NO_COLOR": "1", "LD_PRELOAD": "/tmp/evil.so", "PATH": "/tmp", "LC_CTYPE": "\x1b]"}
    env = session_env(base, term="screen-256color", client=client)
    assert env[READONLY] == "1"
    assert env["TERM"] == "screen-256color"
    assert env["PATH"] == "/usr/bin" and env["HOME"] == "/home/host"
    assert env["LANG"] == "ja_JP.UTF-8" and env["NO_COLOR"] == "1"
    for name in ("EDITOR", "VISUAL", "PAGER", "BROWSER"):
        assert Path(env[name]).name == "true", name
    assert env["LESSSECURE"] == "1"
    assert env["REVIEWTUI_BROWSER"] == "0"
    for gone in ("TEXTUAL_DRIVER", "COLUMNS", "LINES", "TMUX", "SSH_AUTH_SOCK", "LD_PRELOAD", "LC_ALL", "LC_CTYPE"):
        assert gone not in env, gone


def test_session_env_without_client_colour_wishes_drops_the_hosts() -> None:
    env = session_env({"NO_COLOR": "1", "COLORTERM": "truecolor"}, term="xterm")
    assert "NO_COLOR" not in env and "COLORTERM" not in env


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("xterm-256color", "xterm-256color"),
        ("linux", "linux"),
        ("screen.xterm-256color", "screen.xterm-256color"),
        ("", "xterm"),
        (None, "xterm"),
        ("x\x1b[2J", "xterm"),
        ("a" * 200, "xterm"),
        ("../../etc/passwd", "xterm"),
    ],
)
def test_safe_term(term: str | None, expected: str) -> None:
    assert safe_term(term) == expected


def test_host_key_is_made_once_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "data" / "ssh_host_ed25519_key"
    key, where, made = load_or_create_host_key(path)
    assert made and where == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, _, made_again = load_or_create_host_key(path)
    assert not made_again
    assert again.get_fingerprint() == key.get_fingerprint()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_host_key_defaults_to_the_user_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    _, where, made = load_or_create_host_key()
    assert made and where == tmp_path / "reviewtui" / "ssh_host_ed25519_key"


def test_app_commands_run_this_python_on_the_given_root() -> None:
    assert app_argv(["/srv/reviews", "--lang", "ja"]) == (
        sys.executable,
        "-m",
        "reviewtui.serve.child",
        "/srv/reviews",
        "--lang",
        "ja",
    )
    command = web_command(["/srv/my reviews; rm -rf ~"])
    assert command.endswith("-m reviewtui '/srv/my reviews; rm -rf ~'")


def test_the_ssh_child_becomes_the_command() -> None:
    """`python -m reviewtui.serve.child ARGS` answers as `python -m reviewtui ARGS` does (it execs it)."""
    args = ["search", "sony", "--root", str(CONTENT), "--json", "--limit", "0"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.run(app_argv(args), capture_output=True, text=True, env=env, cwd=REPO)
    direct = subprocess.run(command(args), capture_output=True, text=True, env=env, cwd=REPO)
    assert (child.returncode, child.stdout) == (direct.returncode, direct.stdout)
    assert child.returncode == 0 and len(json.loads(child.stdout)) > 1
    assert command(args)[:3] == [sys.executable, "-m", "reviewtui"]


async def test_pty_child_relays_resizes_and_is_reaped() -> None:
    """A child on a PTY: sees the size, gets SIGWINCH on resize, echoes input, exits cleanly."""
    script = (
        "import os, signal, sys, time\n"
        "signal.signal(signal.SIGWINCH, lambda *a: print('size', *os.get_terminal_size(0), flush=True))\n"
        "print('size', *os.get_terminal_size(0), 'tty', os.ttyname(0) == os.ttyname(1), flush=True)\n"
        "line = sys.stdin.readline()\n"
        "print('got', line.strip(), flush=True)\n"
    )
    output = bytearray()
    exited: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    child = PtyChild(
        [sys.executable, "-c", script],
        env=dict(os.environ),
        cols=90,
        rows=33,
        on_output=output.extend,
        on_exit=exited.set_result,
    )
    await child.start()

    async def seen(text: bytes) -> None:
        for _ in range(200):
            if text in output:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"{text!r} not in {bytes(output)!r}")

    await seen(b"size 90 33 tty True")
    child.resize(120, 40)
    await seen(b"size 120 40")
    child.write(b"hello\r")
    await seen(b"got hello")
    assert await asyncio.wait_for(exited, 10) == 0
    await child.terminate()  # after exit: a no-op that must not raise


async def test_pty_child_terminate_ends_the_whole_group() -> None:
    """Hanging up ends the program and what it started, even one that ignores SIGHUP."""
    script = (
        "import signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print('grandchild', p.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    output = bytearray()
    child = PtyChild(
        [sys.executable, "-c", script],
        env=dict(os.environ),
        cols=80,
        rows=24,
        on_output=output.extend,
        on_exit=lambda status: None,
    )
    await child.start()
    for _ in range(200):
        if b"grandchild" in output and b"\n" in output.split(b"grandchild", 1)[1]:
            break
        await asyncio.sleep(0.02)
    grandchild = int(output.split(b"grandchild", 1)[1].split()[0])
    pid = child.pid
    assert pid is not None
    await child.terminate()
    assert not Path(f"/proc/{pid}").exists()  # reaped, not a zombie
    for _ in range(100):
        if not Path(f"/proc/{grandchild}").exists() or _state(grandchild) == "Z":
            break
        await asyncio.sleep(0.02)
    assert not Path(f"/proc/{grandchild}").exists() or _state(grandchild) == "Z"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"
