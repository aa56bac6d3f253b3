"""Headless timings of the real app (App.run_test): first frame, first results, keystroke to repaint.

    python benchmarks/app_keystroke.py [PATH] [--query "sennheiser hd600"] [--size 100x30] [--runs 3]

For each keystroke, typed 80 ms apart: the time from the key to the first frame written after
the results for the new text reached the list (search + list update + paint). Run by hand;
numbers vary with the machine, so nothing here is asserted in the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reviewtui.core.config import Config  # noqa: E402
from reviewtui.ui.app import ReviewApp, make_app  # noqa: E402
from reviewtui.ui.widgets.results_list import ResultsList  # noqa: E402


class Probe:
    """Timestamps of frames written and of results shown, taken inside the app."""

    def __init__(self) -> None:
        self.frames: list[float] = []
        self.shown: dict[str, float] = {}

    def install(self) -> None:
        probe = self
        display = ReviewApp._display
        show = ResultsList.show

        def _display(app, screen, renderable):  # type: ignore[no-untyped-def]
            if renderable is not None:
                probe.frames.append(time.perf_counter())
            return display(app, screen, renderable)

        def _show(listing, results, **kwargs):  # type: ignore[no-untyped-def]
            result = show(listing, results, **kwargs)
            probe.shown.setdefault(listing.screen.view.query, time.perf_counter())
            return result

        ReviewApp._display = _display  # type: ignore[method-assign]
        ResultsList.show = _show  # type: ignore[method-assign]

    def frame_after(self, moment: float) -> float | None:
        return next((t for t in self.frames if t >= moment), None)


async def run(root: Path, query: str, size: tuple[int, int]) -> tuple[float, float, list[float]]:
    probe = Probe()
    probe.install()
    start = time.perf_counter()
    app = make_app(root, config=Config())
    async with app.run_test(size=size) as pilot:
        while not probe.frames:
            await asyncio.sleep(0.001)
        first_frame = probe.frames[0] - start
        while "" not in probe.shown or probe.frame_after(probe.shown[""]) is None:
            await asyncio.sleep(0.001)
        first_results = probe.frame_after(probe.shown[""]) - start  # type: ignore[operator]
        await pilot.pause(0.5)
        latencies: list[float] = []
        for n in range(1, len(query) + 1):
            text = query[:n]
            pressed = time.perf_counter()
            await pilot.press(query[n - 1] if query[n - 1] != " " else "space")
            while True:
                shown = probe.shown.get(text)
                painted = probe.frame_after(shown) if shown is not None else None
                if painted is not None:
                    latencies.append(painted - pressed)
                    break
                if shown is not None and time.perf_counter() - shown > 0.1:
                    # Same rows as before (e.g. a trailing space): nothing in the list to repaint.
                    latencies.append(shown - pressed)
                    break
                await asyncio.sleep(0.0005)
            left = 0.08 - (time.perf_counter() - pressed)
            if left > 0:
                await asyncio.sleep(left)
    return first_frame, first_results, latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(REPO / "content"))
    parser.add_argument("--query", default="sennheiser hd600")
    parser.add_argument("--size", default="100x30")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    every: list[float] = []
    for number in range(1, args.runs + 1):
        first_frame, first_results, latencies = asyncio.run(run(Path(args.path), args.query, (width, height)))
        every += latencies
        print(
            f"run {number}: first frame {first_frame * 1000:.0f} ms, first results painted {first_results:.2f} s, "
            f"keystroke to repaint p50 {statistics.median(latencies) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms"
        )
        print("   per key (ms): " + " ".join(f"{c}:{t * 1000:.0f}" for c, t in zip(args.query, latencies, strict=True)))
    every.sort()
    p99 = every[min(len(every) - 1, round(0.99 * (len(every) - 1)))]
    print(f"all {len(every)} keystrokes: p50 {statistics.median(every) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
