"""Search and index benchmarks, in one run (by hand; never part of the tests).

    python benchmarks/bench_search.py PATH/TO/audioreview
    python benchmarks/bench_search.py PATH/TO/corpus-100k --keystrokes 8

PATH/TO/audioreview is a clone of https://github.com/Frieve-A/audioreview (7.6k files);
PATH/TO/corpus-100k a synthetic collection written by `benchmarks/make_corpus.py`.

Reports: cold open (parse + index, in a fresh process with an empty cache) against a bare YAML
parse of the same front matter; warm open from the cache; `reviewtui search --batch` with one
query, cold and warm; per-keystroke latency p50/p99 while typing 12-character queries one letter
at a time, without and with filters; full-text query latency; peak RSS; and, as references in
the same run, `fzf --filter` and a plain rapidfuzz WRatio scan over the same title strings.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

_CHILD = r"""
import json, resource, sys, time
start = time.perf_counter()
from reviewtui.core.services.library import open_library
imported = time.perf_counter()
library = open_library(sys.argv[1], early=True)  # as the app loads
catalog = library.catalog
loaded = time.perf_counter()
index = library.index
first = index.search("", collapse_twins=True)
rows = first.hits[:50]
shown = time.perf_counter()
index.search("planar", collapse_twins=True).hits[:50]  # the full-text index answers too (the first
# body query waits for a cold load's parsing processes to store the bodies)
body = time.perf_counter()
library.finish()  # what the app's load worker does after showing the first results
stored = time.perf_counter()
print(json.dumps({
    "imports": imported - start, "load": loaded - imported, "index": shown - loaded,
    "first_results": shown - imported, "fulltext_ready": body - imported, "stored": stored - imported,
    "reviews": len(catalog.reviews), "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "workers_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "notices": library.notices,
}))
"""


def child(root: Path, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(root)], env=env, capture_output=True, text=True, check=True, cwd=REPO
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def wall(argv: list[str], env: dict[str, str], stdin: str | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True, check=True, cwd=REPO)
    return time.perf_counter() - start


def bare_yaml(root: Path) -> tuple[float, int]:
    """Read every review file and parse its front matter with libyaml, nothing else."""
    import yaml

    files = [p for d in ("_products", "_companies") for p in (root / d).rglob("*.md")]
    start = time.perf_counter()
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        parts = text.split("---", 2)
        if len(parts) == 3:
            with contextlib.suppress(yaml.YAMLError, ValueError):
                yaml.load(parts[1], Loader=yaml.CSafeLoader)  # noqa: S506
    return time.perf_counter() - start, len(files)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def typing_queries(titles: list[str], count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    picked = rng.sample([t for t in titles if len(t) >= 12], count)
    out = []
    for title in picked:
        text = title.lower()[:12]
        if rng.random() < 0.4:  # a typo: two letters swapped in the middle
            at = rng.randrange(3, 10)
            text = text[:at] + text[at + 1] + text[at] + text[at + 2 :]
        if rng.random() < 0.3:
            text = text.replace("-", "")
        out.append(text.ljust(12, "x")[:12] if len(text) < 12 else text)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path, help="a review collection, e.g. PATH/TO/audioreview")
    parser.add_argument("--keystrokes", type=int, default=12, help="12-character queries to type (default 12)")
    parser.add_argument("--rounds", type=int, default=2, help="cold/warm repetitions (best is kept)")
    args = parser.parse_args()
    root = args.root.resolve()
    report: list[str] = [
        f"# {root} ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]})",
        "",
    ]

    bare, files = min(bare_yaml(root) for _ in range(2))
    report += [f"files: {files:,}", f"bare YAML parse (read + libyaml CSafeLoader front matter): {bare:.3f} s", ""]

    cache_home = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PYTHONPATH": str(REPO)}
    query_file = cache_home / "one-query.txt"
    query_file.write_text("sennheiser hd600\n", encoding="utf-8")
    batch = [sys.executable, "-m", "reviewtui", "search", "--batch", str(query_file), "--root", str(root), "--json"]
    colds, warms, batch_cold, batch_warm = [], [], [], []
    for _ in range(args.rounds):
        shutil.rmtree(cache_home / "reviewtui", ignore_errors=True)
        colds.append(child(root, env))
        warms.append(child(root, env))
        shutil.rmtree(cache_home / "reviewtui", ignore_errors=True)
        batch_cold.append(wall(batch, env))
        batch_warm.append(min(wall(batch, env) for _ in range(3)))
    cold = min(colds, key=lambda r: r["first_results"])
    warm = min(warms, key=lambda r: r["first_results"])
    report += [
        "| open | first results (load + index + list) | of which load | full-text ready | cache written "
        "| peak RSS | peak RSS of a parsing process |",
        "|---|---|---|---|---|---|---|",
        f"| cold (empty cache, parse everything) | {cold['first_results']:.3f} s = "
        f"{cold['first_results'] / bare:.2f}x bare "
        f"| {cold['load']:.3f} s | {cold['fulltext_ready']:.3f} s | {cold['stored']:.3f} s | {cold['rss_mb']:.0f} MB "
        f"| {cold['workers_rss_mb']:.0f} MB |",
        f"| warm (from the cache) | {warm['first_results']:.3f} s = {warm['first_results'] / bare:.2f}x bare "
        f"| {warm['load']:.3f} s | {warm['fulltext_ready']:.3f} s | {warm['stored']:.3f} s | {warm['rss_mb']:.0f} MB "
        f"| {warm['workers_rss_mb']:.0f} MB |",
        "",
        f"`reviewtui search --batch` (one query, whole process): cold {min(batch_cold):.3f} s = "
        f"{min(batch_cold) / bare:.2f}x bare; warm {min(batch_warm):.3f} s = {min(batch_warm) / bare:.2f}x bare "
        f"(imports alone {warm['imports']:.3f} s)",
        "",
    ]

    # ---------------------------------------------------------------- in-process, warm
    import gc
    import resource

    from rapidfuzz import fuzz, process

    from reviewtui.core.services.library import open_library

    os.environ["XDG_CACHE_HOME"] = str(cache_home)
    library = open_library(root)
    library.finish()
    catalog, index = library.catalog, library.index
    index.prepare()  # as the app's load worker does once the first results are shown
    titles = [r.target_name for r in catalog.reviews]
    queries = typing_queries(titles, args.keystrokes)
    filtered = [("price<500 ", {"tags": ("Headphones",)}), ("lang:en score>=2.5 ", {})]

    def type_out(prefix: str, text: str, options: dict[str, object]) -> list[float]:
        times = []
        for n in range(1, len(text) + 1):
            start = time.perf_counter()
            results = index.search(prefix + text[:n], collapse_twins=True, **options)  # type: ignore[arg-type]
            results.hits[:50]  # the rows a screen shows, with highlights
            times.append(time.perf_counter() - start)
        return times

    plain: list[float] = []
    with_filters: list[float] = []
    for text in queries:
        plain += type_out("", text, {})
        for prefix, options in filtered:
            with_filters += type_out(prefix, text, options)
    gc.collect()

    fulltext = {}
    for query in ("ldac", "planar magnetic", "body:crosstalk", "impedance sensitivity", "周波数特性"):
        index.matcher._bodies.data.clear()  # noqa: SLF001 - measure the index, not our result cache
        index.matcher._words.data.clear()  # noqa: SLF001
        start = time.perf_counter()
        total = index.search(query, collapse_twins=True).total
        fulltext[query] = (time.perf_counter() - start, total)

    titles_file = cache_home / "titles.txt"
    titles_file.write_text("\n".join(titles) + "\n", encoding="utf-8")
    fzf_times: list[float] = []
    fuzz_times: list[float] = []
    fzf = shutil.which("fzf")
    for text in queries:
        for n in range(1, len(text) + 1):
            if fzf:
                with titles_file.open("rb") as source:
                    start = time.perf_counter()
                    subprocess.run([fzf, "--filter", text[:n]], stdin=source, capture_output=True, check=False)
                    fzf_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            process.extract(text[:n], titles, scorer=fuzz.WRatio, limit=50)
            fuzz_times.append(time.perf_counter() - start)

    report += [
        f"typing {len(queries)} queries of 12 characters, one letter at a time ({len(plain)} keystrokes; "
        "collapse twins, first 50 rows made with highlights):",
        "",
        "| per keystroke | p50 | p99 | max |",
        "|---|---|---|---|",
        f"| reviewtui search | {ms(statistics.median(plain))} | {ms(percentile(plain, 0.99))} | {ms(max(plain))} |",
        f"| reviewtui search with filters (`price<500` + tag, or `lang:en score>=2.5`) | "
        f"{ms(statistics.median(with_filters))} | {ms(percentile(with_filters, 0.99))} | {ms(max(with_filters))} |",
    ]
    if fzf_times:
        report.append(
            f"| reference: `fzf --filter` (process per keystroke) | {ms(statistics.median(fzf_times))} | "
            f"{ms(percentile(fzf_times, 0.99))} | {ms(max(fzf_times))} |"
        )
    report += [
        f"| reference: rapidfuzz WRatio scan (limit 50) | {ms(statistics.median(fuzz_times))} | "
        f"{ms(percentile(fuzz_times, 0.99))} | {ms(max(fuzz_times))} |",
        "",
        "full-text queries (first time, result caches emptied): "
        + ", ".join(f"`{q}` {ms(t)} ({n:,} matches)" for q, (t, n) in fulltext.items()),
        "",
        f"peak RSS of this process (warm open + all searches): "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
        f"queries typed: {', '.join(repr(q) for q in queries)}",
    ]
    shutil.rmtree(cache_home, ignore_errors=True)
    print("\n".join(report))


if __name__ == "__main__":
    main()
