"""`reviewtui serve` in a real headless browser (Debian's chromium): the page loads and shows the app."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.browser import Browser, chromium_path, png_colours
from tests.e2e.conftest import (
    CONTENT,
    app_env,
    descendants,
    die_with_parent,
    free_port,
    stop_serve,
    wait_for,
    wait_port,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    log = tmp_path / "web.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "reviewtui", "serve", "--port", str(port), str(CONTENT)],
            stdout=out,
            stderr=out,
            env=app_env(tmp_path),
            cwd=str(tmp_path),
            start_new_session=True,
            preexec_fn=die_with_parent,
            text=True,
        )
    try:
        if not wait_port(port, timeout=20, process=process):
            pytest.fail(f"reviewtui serve did not listen on {port}:\n{log.read_text()}")
        yield f"http://127.0.0.1:{port}/", process
    finally:
        stop_serve(process)


async def test_the_served_page_shows_the_app_and_takes_keys(
    web_server: tuple[str, subprocess.Popen[str]], tmp_path: Path
) -> None:
    if chromium_path() is None:
        pytest.skip("chromium is not installed (Debian: chromium)")
    url, server = web_server
    browser = Browser(tmp_path / "chromium", width=1200, height=800)
    try:
        try:
            await browser.start()
        except RuntimeError as exc:
            pytest.skip(f"headless chromium cannot run here: {exc}")
        await browser.call("Page.navigate", url=url)
        screen = await browser.wait_for_text("Audio-Technica", "matches", timeout=30)
        assert re.search(r"\d+ matches", screen)
        assert "-first-byte" in await browser.evaluate("document.body.className"), "xterm.js got no output"
        assert len(descendants(server.pid)) >= 1, "no app process behind the page"

        # Keys typed into the page reach the app, which answers on the page.
        await browser.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        await browser.type("/sundara")
        screen = await browser.wait_for_text("HIFIMAN Sundara", "1 match", timeout=20)
        # (Textual shows the footer's keys while the page has focus.)
        assert "palette" in screen.rstrip().split("\n")[-1], "the footer keys are on the last row"

        shot = await browser.screenshot()
        colours = png_colours(shot)
        assert colours > 8, f"the page looks blank ({colours} colours)"
        (tmp_path / "page.png").write_bytes(shot)
    finally:
        await browser.close()

    # The tab is gone: its app goes too.
    assert wait_for(lambda: descendants(server.pid) == [], timeout=15), "the app outlived its browser tab"
    assert server.poll() is None, "the server must keep serving"


def test_serve_listens_on_localhost_only_by_default(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "reviewtui", "serve", "--port", str(port), str(CONTENT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=app_env(tmp_path),
        start_new_session=True,
        text=True,
    )
    try:
        assert wait_port(port, timeout=20, process=process)
        time.sleep(0.2)
        listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
        mine = [
            line.split() for line in listening if line.split()[1].endswith(f":{port:04X}") and line.split()[3] == "0A"
        ]
        assert mine, "no listening socket found"
        assert all(fields[1].startswith("0100007F:") for fields in mine), "bound beyond 127.0.0.1"
    finally:
        stop_serve(process)
