"""`scanning.scan_ahead` (the scan in a forked process, for the CLI) finds exactly what `scan` finds,
on the hostile corpus too: pipes, loops, links out, undecodable names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.corpus import Corpus

REPO = Path(__file__).resolve().parents[2]

# Run in a fresh process: scan_ahead never forks a process with threads (pytest-xdist has some).
CODE = """
import json, sys
from pathlib import Path
from reviewtui.core.store import files as catalog
from reviewtui.core.store import scanning

def snapshot(found):
    files = [(str(f.path).encode("utf-8", "surrogateescape").hex(), f.rel.encode("utf-8", "surrogatepass").hex(),
              f.mtime_ns, f.size) for f in found.files]
    problems = [(p.path, p.line, p.severity, p.message) for p in found.problems]
    return {"files": files, "problems": problems, "unusable": found.unusable}

root = Path(sys.argv[1])
scanning._BATCH = int(sys.argv[2])  # files per message: a few, to have many
started = scanning.scan_ahead(root)
again = scanning.scan_ahead(root)  # one at a time per root
ahead = catalog.scan(root)
after = catalog.scan(root)  # the answer is used once; this one scans here
print(json.dumps({"started": started, "again": again, "ahead": snapshot(ahead), "here": snapshot(after)}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="scan_ahead forks only on Linux")
@pytest.mark.parametrize("relative", [False, True])
@pytest.mark.parametrize("batch", [1000, 7])
def test_scan_ahead_finds_what_scan_finds(corpus: Corpus, relative: bool, batch: int) -> None:
    root, cwd = (corpus.root, REPO) if not relative else (Path("."), corpus.root)
    env = {"PATH": "", "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", CODE, str(root), str(batch)],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        env=env,
    )
    result = json.loads(out.stdout)
    assert (result["started"], result["again"]) == (True, False)
    assert result["ahead"] == result["here"]
    assert result["here"]["unusable"] > 0 and result["here"]["problems"]  # the hostile cases are there


def test_scan_ahead_does_not_fork_a_process_with_threads(corpus: Corpus) -> None:
    import threading

    from reviewtui.core.store import scanning

    stop = threading.Event()
    worker = threading.Thread(target=stop.wait, daemon=True)
    worker.start()
    try:
        assert scanning.scan_ahead(corpus.root) is False
    finally:
        stop.set()
        worker.join()
