"""An explanation names the same token in every process (string hashes, and so set orders,
differ between processes): the app's `w` and `reviewtui search --explain` agree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import review, write

EXPLAIN = """
import json, sys
from pathlib import Path
from reviewtui.core.search.engine import SearchIndex
from reviewtui.core.store.loader import load_catalog
index = SearchIndex(load_catalog(Path(sys.argv[1]), cache=False))
print(json.dumps(index.search("boltt", explain=True).hits[0].explain))
"""


def test_a_tie_between_tokens_is_explained_alike_in_every_process(tmp_path: Path) -> None:
    # `boltt` is one typo from both `bolt` and the start of `boltdacmini`: a tie.
    text = review(target_name='"Bolt DAC Mini"', title='"Bolt DAC Mini Product Review"', company_id="bolt")
    write(tmp_path, "_products/en/bolt/bolt-dac-mini.md", text)
    seen = set()
    for seed in range(6):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        run = subprocess.run([sys.executable, "-c", EXPLAIN, str(tmp_path)], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        seen.add(run.stdout)
    assert len(seen) == 1
    assert "'boltt' ~ 'bolt' (1 typo)" in seen.pop()
