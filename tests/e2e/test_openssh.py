"""reviewtui through a real OpenSSH link: Debian's sshd and ssh client, read back with pyte.

The sshd runs on 127.0.0.1 on a free port with a temporary host key and accepts only a
temporary client key; the ssh client runs inside a PTY of 100x30 like a user's terminal.
"""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import CONTENT, OpenSSH, app_command, ssh_argv
from tests.e2e.terminal import Terminal

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "LANG": "C.UTF-8"}
COUNT = re.compile(r"\b(\d+) match(es)?\b")


def test_search_and_open_a_review_over_openssh(openssh: OpenSSH, tmp_path: Path) -> None:
    """Log in, see the list, type a search (counting bytes per key), open the top result, quit."""
    argv = ssh_argv(openssh.port, openssh.key, app_command(tmp_path, str(CONTENT)), user=openssh.user)
    with Terminal(argv, cols=100, rows=30, env=CLIENT_ENV) as term:
        screen = term.wait_for("Audio-Technica", "Beyerdynamic", timeout=25)
        assert COUNT.search(screen), screen
        assert "^p" in term.line(29), "the footer shows the palette key on the last line"
        term.wait_quiet(0.5)

        before = term.received
        term.type("sund")  # 80 ms per key, as a user types
        screen = term.wait_for("HIFIMAN Sundara", "1 match", timeout=15)
        term.wait_quiet(0.5)
        narrowing = (term.received - before) / 4
        assert "Beyerdynamic DT" not in screen, screen

        # A key that leaves the results as they are may redraw the search line, not the list.
        before = term.received
        term.type("a")
        term.wait_for("sunda", timeout=5)
        term.wait_quiet(0.5)
        same_results = term.received - before
        assert same_results < 1_000, f"{same_results} bytes for a key that changed no result"
        # The whole 100x30 screen is ~35 kB; narrowing 62 rows to 1 may repaint the list, not everything.
        assert narrowing < 12_000, f"{narrowing:.0f} bytes per key while narrowing"

        term.send("\r")  # Enter in the search box opens the top result
        screen = term.wait_for("Scientific Validity", "Overall", timeout=15)
        assert "HIFIMAN Sundara" in screen
        assert "$$" not in screen and "\\Large" not in screen  # scores shown as bars, not raw LaTeX

        term.send("\x11")  # ctrl+q quits from anywhere
        deadline = time.monotonic() + 10
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not term.alive(), "ssh is still connected after ctrl+q"
        assert term.process.returncode == 0
        print(f"bytes per key: narrowing {narrowing:.0f}, same results {same_results}")


def test_terminal_is_restored_after_quitting_over_openssh(openssh: OpenSSH, tmp_path: Path) -> None:
    """After ctrl+q the remote shell's terminal is usable: alternate screen left, cursor shown."""
    command = app_command(tmp_path, str(CONTENT)) + "; echo back-in-the-shell"
    argv = ssh_argv(openssh.port, openssh.key, command, user=openssh.user)
    with Terminal(argv, cols=80, rows=24, env=CLIENT_ENV) as term:
        term.wait_for("Audio-Technica", timeout=25)
        term.send("\x11")
        term.wait_for("back-in-the-shell", timeout=10)
        tail = bytes(term.raw)
        assert tail.rfind(b"\x1b[?1049l") > tail.rfind(b"\x1b[?1049h"), "alternate screen not left"
        assert tail.rfind(b"\x1b[?25h") > tail.rfind(b"\x1b[?25l"), "cursor left hidden"
        assert tail.rfind(b"\x1b[?1000l") >= tail.rfind(b"\x1b[?1000h"), "mouse reporting left on"


def test_a_dropped_openssh_link_ends_the_app(openssh: OpenSSH, tmp_path: Path) -> None:
    """Kill the ssh client mid-session: sshd hangs up and the app goes, leaving no process behind."""
    marker = tmp_path / "config"  # the app's XDG_CONFIG_HOME: unique to this test, visible in /proc
    argv = ssh_argv(openssh.port, openssh.key, app_command(tmp_path, str(CONTENT)), user=openssh.user)
    with Terminal(argv, cols=80, rows=24, env=CLIENT_ENV) as term:
        term.wait_for("Audio-Technica", timeout=25)
        assert _apps_with(str(marker)), "the app process was not found"
        term.close(signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _apps_with(str(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _apps_with(str(marker)), "the app outlived its SSH connection"


def _apps_with(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (
                    text.encode() in (entry / "environ").read_bytes()
                    and b"reviewtui" in (entry / "cmdline").read_bytes()
                ):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found
