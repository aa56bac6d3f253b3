"""Bytes on the wire per keystroke over SSH (issue 7's yardstick), and the size of a full repaint.

    python benchmarks/ssh_bytes.py [PATH] [--query "sennheiser hd600"] [--size 100x30]
                                   [--via builtin|openssh] [--term xterm-256color] [--rows]

Starts an SSH server on loopback (`reviewtui serve --ssh`, or Debian's sshd with --via
openssh), logs in with the real `ssh` client inside a PTY of the given size, waits for the
app to settle, then:

1. counts the bytes of an idle period as long as the typing period below;
2. types the query at 80 ms per key and counts the bytes from the first key until 1 s after
   the last: (typing bytes - idle bytes) / keys is the figure (target <= 3,000);
3. forces a full repaint (resize away and back) and counts its bytes, for comparison.

With --rows it also says which screen rows the typing bytes went to (a cursor-position
sequence starts each painted run), to find the widget that repaints too much.
Run it by hand; it is not part of the test suite.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.e2e.conftest import (  # noqa: E402
    CONTENT,
    app_command,
    make_key,
    run_openssh,
    ssh_argv,
    start_serve_ssh,
    stop_serve,
)
from tests.e2e.terminal import Terminal  # noqa: E402

_MOVE = re.compile(rb"\x1b\[(\d+);(\d+)H")


def rows_painted(data: bytes) -> Counter[int]:
    """Bytes per screen row (1-based), attributing each run to the row its cursor move names."""
    counts: Counter[int] = Counter()
    moves = list(_MOVE.finditer(data))
    if not moves:
        counts[0] += len(data)
        return counts
    counts[0] += moves[0].start()
    for here, after in zip(moves, moves[1:] + [None], strict=False):
        end = after.start() if after else len(data)
        counts[int(here.group(1))] += end - here.start()
    return counts


def settle(term: Terminal, quiet: float = 1.5, timeout: float = 60.0) -> None:
    """Wait until the app has written nothing for `quiet` s, counting from now (its answer may be on its way)."""
    time.sleep(quiet)
    term.wait_quiet(quiet, timeout)


def measure(term: Terminal, query: str, delay: float, show_rows: bool, dump: str | None = None) -> dict[str, float]:
    keys = len(query)
    period = delay * (keys - 1) + 1.0  # from the first key until 1 s after the last

    settle(term)
    start = term.received
    time.sleep(period)
    idle = term.received - start

    start = term.received
    raw_start = len(term.raw)
    began = time.monotonic()
    marks = []
    for char in query:
        marks.append(len(term.raw))
        term.send(char)
        time.sleep(delay)
    marks.append(len(term.raw))
    time.sleep(max(0.0, began + period - time.monotonic()))
    typed = term.received - start
    typed_raw = bytes(term.raw[raw_start:])
    if dump:
        Path(dump).write_bytes(typed_raw)
        Path(dump + ".marks").write_text(" ".join(str(m - raw_start) for m in marks))

    settle(term)
    cols, rows = term.screen.columns, term.screen.lines
    term.resize(cols - 1, rows)
    settle(term)
    start = term.received
    term.resize(cols, rows)
    settle(term)
    repaint = term.received - start

    result = {
        "keys": keys,
        "idle_bytes": idle,
        "typing_bytes": typed,
        "bytes_per_key": (typed - idle) / keys,
        "full_repaint_bytes": repaint,
    }
    if show_rows:
        steps = [b - a for a, b in zip(marks, marks[1:], strict=False)]
        print("bytes seen in each 80 ms after a key:", " ".join(f"{c}:{n}" for c, n in zip(query, steps, strict=False)))
        painted = rows_painted(typed_raw)
        total = sum(painted.values()) or 1
        print("bytes per screen row while typing (row: bytes, share):")
        for row, count in sorted(painted.items()):
            print(f"  {row:3d}: {count:8d}  {100 * count / total:5.1f}%  per key {count / keys:7.0f}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=str(CONTENT), help="collection (default: demo content)")
    parser.add_argument("--query", default="sennheiser hd600", help="what to type (default 16 characters)")
    parser.add_argument("--delay", type=float, default=0.08, help="seconds between keys (default 0.08)")
    parser.add_argument("--size", default="100x30", help="terminal COLSxROWS (default 100x30)")
    parser.add_argument("--term", default="xterm-256color", help="TERM of the client terminal")
    parser.add_argument("--via", choices=("builtin", "openssh"), default="builtin")
    parser.add_argument("--rows", action="store_true", help="break the typing bytes down by screen row")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--dump", metavar="FILE", help="save the typing bytes (and FILE.marks: offsets of each key)")
    args = parser.parse_args()
    cols, rows = (int(n) for n in args.size.lower().split("x"))
    root = str(Path(args.path).resolve())

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        env = {"TERM": args.term, "PATH": "/usr/bin:/bin"}
        if args.via == "builtin":
            server = start_serve_ssh(tmp, root=Path(root))
            argv = ssh_argv(server.port, None)
            stop = lambda: stop_serve(server.process)  # noqa: E731
        else:
            context = run_openssh(tmp / "sshd", make_key(tmp / "client_key"))
            sshd = context.__enter__()
            argv = ssh_argv(sshd.port, sshd.key, app_command(tmp, root))
            stop = lambda: context.__exit__(None, None, None)  # noqa: E731
        try:
            for run in range(args.runs):
                with Terminal(argv, cols=cols, rows=rows, env=env) as term:
                    term.wait_until(lambda text: "matches" in text or "match" in text, 120, "the results count")
                    first = run == 0
                    result = measure(term, args.query, args.delay, args.rows and first, args.dump if first else None)
                    term.send("\x11")  # ctrl+q
                print(
                    f"run {run + 1}: {cols}x{rows} {args.term} via {args.via}, query {args.query!r} "
                    f"({result['keys']} keys at {args.delay * 1000:.0f} ms): "
                    f"{result['bytes_per_key']:,.0f} bytes/keystroke "
                    f"(typing {result['typing_bytes']:,}, idle {result['idle_bytes']:,}); "
                    f"full repaint {result['full_repaint_bytes']:,} bytes",
                    flush=True,
                )
        finally:
            stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
