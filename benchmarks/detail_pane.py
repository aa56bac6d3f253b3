"""Headless timings of the detail pane beside the results (App.run_test, a wide terminal).

    python benchmarks/detail_pane.py [PATH] [--size 140x45] [--moves 20] [--hold-ms 33]

- one move after a rest: from the key to the pane naming the new review (its header), and to
  its sections rendered (`ReviewDetail.Shown`);
- a held key (`down` every --hold-ms, sent without waiting): how long after the last key the
  cursor reaches its row, and how many reviews the pane rendered meanwhile and after.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from textual import events  # noqa: E402
from textual.app import App  # noqa: E402
from textual.widgets import Static  # noqa: E402

from reviewtui.core.config import Config  # noqa: E402
from reviewtui.ui.app import make_app  # noqa: E402
from reviewtui.ui.widgets.review_detail import ReviewDetail  # noqa: E402


def press(app: App[object], key: str) -> None:
    """Send a key as the terminal driver does, without waiting for the app to be idle again."""
    event = events.Key(key, None)
    event.set_sender(app)
    app.post_message(event)


async def until(condition: Callable[[], bool]) -> float:
    while not condition():
        await asyncio.sleep(0.0005)
    return time.perf_counter()


async def run(root: Path, size: tuple[int, int], moves: int, hold: float) -> dict[str, float]:
    shown: dict[int, tuple[float, object]] = {}

    def hook(message: object) -> None:
        if isinstance(message, ReviewDetail.Shown):  # the hook sees it at each widget it bubbles to
            shown.setdefault(id(message), (time.perf_counter(), message.review))

    app = make_app(root, config=Config())
    out: dict[str, float] = {}
    async with app.run_test(size=size, message_hook=hook) as pilot:
        main = app.main
        await until(lambda: main.results is not None)
        await pilot.press("escape")
        await pilot.pause(1.0)
        listing, name = main.results_list, main.detail.query_one("#review-name", Static)
        cursor_ms, header_ms, body_ms = [], [], []
        for _ in range(7):  # single moves after a rest
            target = listing.cursor + 1
            start = time.perf_counter()
            press(app, "down")
            cursor_ms.append((await until(lambda target=target: listing.cursor == target) - start) * 1000)
            want = listing.hits[target].review

            def named(want: object = want) -> bool:
                return main.detail.review is want and str(name.render()) == getattr(want, "target_name", None)

            header = await until(named)
            header_ms.append((header - start) * 1000)
            await until(lambda want=want, start=start: any(r is want and t > start for t, r in shown.values()))
            body_ms.append((min(t for t, r in shown.values() if r is want and t > start) - start) * 1000)
            await pilot.pause(0.5)
        out["rest: key->cursor ms"] = statistics.median(cursor_ms)
        out["rest: key->pane header ms"] = statistics.median(header_ms)
        out["rest: key->sections ms"] = statistics.median(body_ms)
        before = len(shown)
        lags = []
        first = listing.cursor
        for n in range(1, moves + 1):  # a held key: one `down` every `hold` seconds, never waiting
            start = time.perf_counter()
            press(app, "down")
            await asyncio.sleep(max(0.0, hold - (time.perf_counter() - start)))
            lags.append((start, first + n))
        end = await until(lambda: listing.cursor == first + moves)
        out["held: last key->cursor ms"] = (end - lags[-1][0]) * 1000
        out["held: reviews rendered meanwhile"] = len(shown) - before
        await pilot.pause(1.5)
        out["held: rendered after the release"] = len(shown) - before - out["held: reviews rendered meanwhile"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(REPO / "content"))
    parser.add_argument("--size", default="140x45")
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--hold-ms", type=float, default=33)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    for number in range(1, args.runs + 1):
        result = asyncio.run(run(Path(args.path), (width, height), args.moves, args.hold_ms / 1000))
        print(f"run {number}: " + ", ".join(f"{k} {v:.1f}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
