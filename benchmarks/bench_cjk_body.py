"""Kana/kanji body search: latency and memory (by hand; never part of the tests).

    python benchmarks/bench_cjk_body.py PATH/TO/audioreview
    python benchmarks/bench_cjk_body.py PATH/TO/corpus-100k

PATH/TO/audioreview is a clone of https://github.com/Frieve-A/audioreview (7.6k files);
PATH/TO/corpus-100k a synthetic collection written by `benchmarks/make_corpus.py`.

Opens the catalog from the persistent cache (run once more if the first open was cold), then
times `body:` queries in kana and kanji: the first one (which gathers the runs of the bodies),
each query again with every result cache emptied (a pure scan), typing a query one letter at a
time (each run extends the previous one), and a cached repeat. Prints the process RSS before and
after, and its peak.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

QUERIES = ("周波数", "ヘッドホン", "低音", "へっどほん", "の", "音", "ドライバー")


def rss() -> tuple[float, float]:
    """(current, peak) RSS of this process in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def main() -> None:
    from reviewtui.core.services.library import open_library

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path, help="a review collection, e.g. PATH/TO/audioreview")
    parser.add_argument("--memory-limit", type=float, help="fulltext.MEMORY_LIMIT in MB (runs past it stay in a file)")
    parser.add_argument("--chunk", type=float, help="fulltext.CHUNK in MB")
    args = parser.parse_args()
    from reviewtui.core.index import fulltext as module

    if args.memory_limit is not None:
        module.MEMORY_LIMIT = int(args.memory_limit * 1024 * 1024)
        module.GATHER_LIMIT = min(module.GATHER_LIMIT, module.MEMORY_LIMIT)
    if args.chunk is not None:
        module.CHUNK = int(args.chunk * 1024 * 1024) // 2 * 2

    start = time.perf_counter()
    library = open_library(args.root)
    library.finish()
    catalog, index = library.catalog, library.index
    gc.collect()
    print(f"open: {time.perf_counter() - start:.2f} s, {len(catalog.reviews)} reviews; RSS {rss()[0]:.0f} MB")

    matcher = index.matcher
    fulltext = matcher.fulltext

    def forget() -> None:
        matcher._bodies.data.clear()  # noqa: SLF001 - measure the scan, not the result caches
        matcher._words.data.clear()  # noqa: SLF001
        matcher._filters.data.clear()  # noqa: SLF001
        runs = getattr(fulltext, "_runs", None)
        if runs is not None:
            runs.clear()

    def timed(query: str) -> tuple[float, int]:
        start = time.perf_counter()
        total = index.search(f"body:{query}").total
        return (time.perf_counter() - start) * 1000, total

    ms, total = timed(QUERIES[0])
    print(f"first body:{QUERIES[0]}: {ms:.0f} ms, {total} hits; RSS {rss()[0]:.0f} MB (peak {rss()[1]:.0f})")
    runs = getattr(fulltext, "_cjk", None)
    if runs is not None and hasattr(runs, "starts"):
        where = "a temporary file" if runs.file is not None else "memory"
        print(f"  runs: {2 * runs.starts[-1] / 1e6:.1f} MB (UTF-16) of {len(runs.rowids)} bodies, in {where}")
    for query in QUERIES:
        scans = []
        for _ in range(3):
            forget()
            scans.append(timed(query))
        best = min(t for t, _ in scans)
        print(f"  scan body:{query}: {best:.1f} ms, {scans[0][1]} hits")
    for query in ("周波数特性", "ヘッドホンアンプ"):
        forget()
        steps = [timed(query[:n]) for n in range(1, len(query) + 1)]
        print(f"  typed body:{query}: " + ", ".join(f"{t:.1f}" for t, _ in steps) + f" ms ({steps[-1][1]} hits)")
    timed(QUERIES[0])
    ms, total = timed(QUERIES[0])
    print(f"  cached repeat body:{QUERIES[0]}: {ms:.2f} ms")
    gc.collect()
    now, peak = rss()
    print(f"RSS after the body queries: {now:.0f} MB (peak {peak:.0f} MB)")


if __name__ == "__main__":
    main()
