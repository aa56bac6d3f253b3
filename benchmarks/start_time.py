"""Process start to first painted frame with the full list, cold and warm cache, in a real PTY.

    python benchmarks/start_time.py [PATH] [--runs 3] [--size 100x30]

Starts `python -m reviewtui PATH` on a pseudo-terminal, feeds what it writes to a pyte screen,
and times (from just before the spawn) the first frame that shows anything and the first frame
whose list is filled (the match counter shows the whole collection). "cold" uses an empty cache
folder, "warm" the one the cold run left. Run by hand; nothing here is asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyte

REPO = Path(__file__).resolve().parent.parent
COUNT = re.compile(r"([\d,]+) matches")


def _wait_for_cache(cache: Path, proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait until the app has stored its index (it does so in the background after showing the
    first results on a cold start), as a user who stays a moment would let it."""
    import sqlite3

    end = time.perf_counter() + timeout
    while time.perf_counter() < end and proc.poll() is None:
        for path in cache.rglob("*.sqlite3"):
            try:
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.05)
                try:
                    if db.execute("SELECT count(*) FROM blobs").fetchone()[0]:
                        return
                finally:
                    db.close()
            except sqlite3.Error:
                pass
        time.sleep(0.1)


def run_once(
    root: Path, cache: Path, cols: int, rows: int, timeout: float = 60.0, *, settle: bool = False
) -> tuple[float, float]:
    """(first frame, filled list) in seconds. With `settle`, the app is left running after the
    filled list until its background cache writes are done (so the next run starts warm)."""
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "TERM": "xterm-256color", "REVIEWTUI_CONFIG_DIR": str(cache)}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reviewtui", str(root)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=REPO,
        start_new_session=True,
    )
    os.close(slave)
    first = full = None
    try:
        while time.perf_counter() - start < timeout and full is None:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except (BlockingIOError, OSError):
                continue
            stream.feed(data)
            now = time.perf_counter() - start
            text = "\n".join(screen.display)
            if first is None and text.strip():
                first = now
            match = COUNT.search(text)
            if match and int(match.group(1).replace(",", "")) > 0 and "loading" not in text.lower():
                full = now
        if full is not None and settle:
            _wait_for_cache(cache, proc, timeout)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
        os.close(master)
    return first or float("nan"), full or float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", default=str(REPO / "content"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="100x30")
    args = parser.parse_args()
    cols, rows = (int(v) for v in args.size.split("x"))
    cold: list[tuple[float, float]] = []
    warm: list[tuple[float, float]] = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as cache:
            cold.append(run_once(Path(args.path), Path(cache), cols, rows, settle=True))
            warm.append(run_once(Path(args.path), Path(cache), cols, rows))
    for name, runs in (("cold", cold), ("warm", warm)):
        firsts = [f for f, _ in runs]
        fulls = [f for _, f in runs]
        print(
            f"{name}: first frame median {statistics.median(firsts):.3f} s, "
            f"full list median {statistics.median(fulls):.3f} s (runs: {', '.join(f'{f:.2f}' for f in fulls)})"
        )


if __name__ == "__main__":
    main()
