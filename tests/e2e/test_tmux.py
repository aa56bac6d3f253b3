"""reviewtui inside tmux: small and large windows, 16 colours, NO_COLOR, several TERM values, resizes.

tmux is the terminal here: `capture-pane` gives back exactly what a user would see.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import CONTENT, app_command, chromatic_colours

pytestmark = pytest.mark.e2e


class Tmux:
    """A private tmux server (own socket, no user config) with one session running `command`."""

    def __init__(self, folder: Path) -> None:
        self.socket = folder / f"tmux-{uuid.uuid4().hex[:8]}"
        # COLUMNS/LINES (pytest-xdist workers set them) would override the pane size inside the app.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX") and k not in ("COLUMNS", "LINES")}

    def run(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=20,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: str, cols: int, rows: int) -> None:
        self.run("new-session", "-d", "-s", "app", "-x", str(cols), "-y", str(rows), command)
        self.run("set-option", "-t", "app", "remain-on-exit", "on")
        # With no client attached tmux may fall back to its default size; pin it (window-size manual).
        self.run("resize-window", "-t", "app", "-x", str(cols), "-y", str(rows))

    def screen(self, escapes: bool = False) -> str:
        return self.run("capture-pane", "-p", "-t", "app", *(["-e"] if escapes else []))

    def wait_for(self, *needles: str, timeout: float = 25.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if all(n in screen for n in needles):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{needles!r} not shown in tmux within {timeout} s:\n{screen}")
            time.sleep(0.1)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "app", *keys)

    def dead(self) -> bool:
        return self.run("display-message", "-p", "-t", "app", "#{pane_dead}", check=False).strip() == "1"

    def kill(self) -> None:
        self.run("kill-server", check=False)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (Debian: tmux)")
    server = Tmux(Path("/tmp") if len(str(tmp_path)) > 80 else tmp_path)  # unix socket paths are short
    try:
        yield server
    finally:
        server.kill()


def start_app(tmux: Tmux, tmp_path: Path, cols: int, rows: int, **env: str) -> None:
    tmux.start(app_command(tmp_path, str(CONTENT), **env), cols, rows)


def lines(screen: str) -> list[str]:
    return screen.rstrip("\n").split("\n")


def test_80x24_in_16_colours_with_no_color(tmux: Tmux, tmp_path: Path) -> None:
    """The issue's check: tmux at 80x24, TERM=xterm-16color, NO_COLOR=1: the list and the footer keys."""
    start_app(tmux, tmp_path, 80, 24, TERM="xterm-16color", NO_COLOR="1")
    screen = tmux.wait_for("Audio-Technica", "matches")
    rows = lines(screen)
    assert len(rows) == 24
    assert "Search" in rows[0], "the search box is on top"
    assert "palette" in rows[-1] and "/" in rows[-1], f"the footer shows the keys: {rows[-1]!r}"
    assert any("Beyerdynamic" in row for row in rows[3:-2]), "several results are listed"
    assert all(len(row) <= 80 for row in rows)
    assert not chromatic_colours(tmux.screen(escapes=True).encode()), "colour shown despite NO_COLOR"

    tmux.keys("-l", "sundara")
    screen = tmux.wait_for("HIFIMAN Sundara", "1 match")
    tmux.keys("Enter")
    screen = tmux.wait_for("Scientific Validity", "Overall")
    assert not chromatic_colours(tmux.screen(escapes=True).encode())
    tmux.keys("C-q")
    deadline = time.monotonic() + 10
    while not tmux.dead() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tmux.dead(), "ctrl+q did not quit"


@pytest.mark.parametrize("term", ["xterm-256color", "screen-256color", "xterm-16color", "linux"])
def test_common_terminal_types(tmux: Tmux, tmp_path: Path, term: str) -> None:
    start_app(tmux, tmp_path, 80, 24, TERM=term)
    rows = lines(tmux.wait_for("Audio-Technica", "matches"))
    assert "palette" in rows[-1]
    assert "\ufffd" not in "\n".join(rows), "replacement characters on screen"


def test_250x70_uses_the_room_and_resizes_live(tmux: Tmux, tmp_path: Path) -> None:
    start_app(tmux, tmp_path, 250, 70, TERM="xterm-256color")
    tmux.wait_for("Audio-Technica", "matches")
    deadline = time.monotonic() + 15
    while not ("palette" in (rows := lines(tmux.screen()))[-1] and len(rows) == 70):
        size = tmux.run("display-message", "-p", "-t", "app", "#{pane_width}x#{pane_height}").strip()
        assert time.monotonic() < deadline, f"not drawn at 250x70 (tmux: {size}):\n" + "\n".join(rows)
        time.sleep(0.1)
    assert max(len(r.rstrip()) for r in rows) > 200, "the app does not use the width"
    assert sum(1 for r in rows if r.strip()) > 40, "the app does not use the height"
    for cols, height in ((80, 24), (120, 40), (60, 20)):
        tmux.run("resize-window", "-t", "app", "-x", str(cols), "-y", str(height))
        deadline = time.monotonic() + 15
        while True:
            rows = lines(tmux.screen())
            if len(rows) == height and "palette" in rows[-1] and "match" in "\n".join(rows):
                break
            assert time.monotonic() < deadline, f"not redrawn at {cols}x{height}:\n" + "\n".join(rows)
            time.sleep(0.1)
        assert not tmux.dead(), f"the app died on a resize to {cols}x{height}"
