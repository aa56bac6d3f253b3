"""Tiny apps that mount the review detail, the detail screen or the problems screen, for tests."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from rich.console import Console
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.notifications import SeverityLevel

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Problem, Review
from reviewtui.core.store.loader import load_catalog
from reviewtui.ui.messages_detail import DetailClosed
from reviewtui.ui.screens.detail import DetailScreen
from reviewtui.ui.screens.problems import ProblemsScreen
from reviewtui.ui.widgets.review_detail import ReviewDetail

CONTENT = Path(__file__).resolve().parents[2] / "content"
HD600 = "_products/en/sennheiser/sennheiser-hd-600.md"


class RecordingApp(App[None]):
    """Keeps every notification and what screens were dismissed with; never opens a browser."""

    def __init__(self) -> None:
        super().__init__()
        self.notices: list[tuple[str, SeverityLevel]] = []
        self.opened: list[str] = []
        self.results: list[object] = []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.notices.append((message, severity))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)

    def notice_text(self) -> str:
        return "\n".join(message for message, _ in self.notices)


class DetailApp(RecordingApp):
    """A ReviewDetail filling the screen, showing `review`."""

    def __init__(self, catalog: Catalog, review: Review | None = None) -> None:
        super().__init__()
        self.catalog = catalog
        self.first = review

    def compose(self) -> ComposeResult:
        yield ReviewDetail(self.catalog)

    def on_mount(self) -> None:
        detail = self.query_one(ReviewDetail)
        detail.review = self.first
        detail.focus()


class DetailScreenApp(RecordingApp):
    """Pushes a DetailScreen for `path` and records what it closes with."""

    def __init__(self, catalog: Catalog, path: str = HD600) -> None:
        super().__init__()
        self.catalog = catalog
        self.path = path

    def on_mount(self) -> None:
        self.push_screen(DetailScreen(self.catalog.by_path[self.path], self.catalog), self._record_result)

    def _record_result(self, result: DetailClosed | None) -> None:
        self.results.append(result)


class ProblemsApp(RecordingApp):
    def __init__(self, problems: Sequence[Problem], root: Path | None = None) -> None:
        super().__init__()
        self.problems = problems
        self.root = root

    def on_mount(self) -> None:
        self.push_screen(ProblemsScreen(self.problems, root=self.root), self.results.append)


def content_catalog() -> Catalog:
    return load_catalog(CONTENT)


def _segments(app: App[object]) -> Iterator[Segment]:
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), force_terminal=True)
    render = app.screen._compositor.render_update(full=True)
    yield from console.render(render)


def screen_text(app: App[object]) -> str:
    """The characters on screen, row by row (text only, no styles)."""
    console = Console(
        width=app.size.width, height=app.size.height, file=io.StringIO(), force_terminal=True, record=True
    )
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False)


def painted_text(app: App[object]) -> str:
    """Every character the app paints, outside Textual's own cursor-movement control segments."""
    return "".join(segment.text for segment in _segments(app) if not segment.control)


async def settle(app: App[object], pilot: object) -> None:
    """Wait until the detail has rendered and the screen has refreshed."""
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
