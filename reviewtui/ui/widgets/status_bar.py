"""The status line: indexing progress, then how many reviews loaded and how many problems."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from reviewtui.core.catalog import Catalog
from reviewtui.ui.widgets.row_format import score_bar


class StatusBar(Static):
    """One line at the bottom, above the footer."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Starting…", id=id, markup=False)
        self.problems = 0

    def progress(self, done: int, total: int) -> None:
        bar = score_bar(done, cells=10, top=max(total, 1))
        self.update(Content.assemble("Indexing ", (f"{done:,}/{total:,}", "bold"), " files ", (f"▕{bar}▏", "dim")))

    def ready(self, catalog: Catalog, seconds: float) -> None:
        errors, warnings = len(catalog.errors), len(catalog.warnings)
        self.problems = errors + warnings
        parts: list[str | tuple[str, str]] = [
            f"{len(catalog.reviews):,} reviews from {catalog.files:,} files in {seconds:.1f} s",
        ]
        if self.problems:
            what = ", ".join(
                f"{n} {label}{'s' * (n != 1)}" for n, label in ((errors, "error"), (warnings, "warning")) if n
            )
            parts += ["  ·  ", (f"⚠ {what}", "bold $warning"), " — press ! to list them"]
        else:
            parts.append("  ·  no problems")
        self.update(Content.assemble(*parts))
        self.set_class(bool(self.problems), "-problems")

    def failed(self, error: str) -> None:
        self.update(Content.assemble(("✖ Loading failed: ", "bold $error"), error))


class OneLine(Static):
    """A fixed-size one-line Static that repaints only when its text or styles change.

    No relayout either: a layout pass repaints every scrollbar on screen (bytes over SSH).
    """

    def __init__(self, content: Content | str = "", *, id: str | None = None) -> None:
        super().__init__(content, id=id, markup=False)
        self._shown: object = None

    def set(self, content: Content) -> None:
        key = (content.plain, tuple(content.spans))
        if key != self._shown:
            self._shown = key
            self.update(content, layout=False)
