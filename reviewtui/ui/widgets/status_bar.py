"""The status line: indexing progress, then reviews loaded and problems; full-text snippets."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from reviewtui.core.catalog import Catalog
from reviewtui.ui.commands import BY_ID
from reviewtui.ui.widgets.row_format import score_bar


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


class StatusBar(OneLine):
    """One line at the bottom, above the footer.

    After loading it says how many reviews loaded and how many problems there are. While the
    highlighted result matched in its body text, it shows the words around the match instead,
    with the problem count kept short at the end (the line never changes size, so it costs one
    row of repaint, never a relayout).

    The key it names to list the problems is one that works where the focus is: from a text box,
    where `!` would be typed into the query, it names the key that leaves the box first.
    """

    typing: var[bool] = var(False, init=False)
    """The focus is in a text box, which would type the keys named here (bound from the screen)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Starting…", id=id)
        self.problems = 0
        self._summary: Content = Content("Starting…")
        self._short: Content = Content("")
        self._hint = False
        self._snippet: str | None = None

    def progress(self, done: int, total: int) -> None:
        bar = score_bar(done, cells=10, top=max(total, 1))
        self._summary = Content.assemble("Indexing ", (f"{done:,}/{total:,}", "bold"), " files ", (f"▕{bar}▏", "dim"))
        self._show()

    def ready(self, catalog: Catalog, seconds: float, pending: bool = False) -> None:
        """`pending`: parsing processes still read the bodies (`Library.bodies_pending`)."""
        errors, warnings = len(catalog.errors), len(catalog.warnings)
        self.problems = errors + warnings
        parts: list[str | tuple[str, str]] = [
            f"{len(catalog.reviews):,} reviews from {catalog.files:,} files in {seconds:.1f} s",
        ]
        if self.problems:
            what = ", ".join(
                f"{n} {label}{'s' * (n != 1)}" for n, label in ((errors, "error"), (warnings, "warning")) if n
            )
            parts += ["  ·  ", (f"⚠ {what}", "bold $warning")]
            if pending:
                parts.append(" so far")
            self._short = Content.assemble("  ·  ", (f"⚠ {self.problems:,}", "bold $warning"))
        elif not pending:
            parts.append("  ·  no problems")
        if pending:
            parts.append(("  ·  reading the bodies…", "dim"))
        self._summary = Content.assemble(*parts)
        self._hint = bool(self.problems) and not pending
        self.set_class(bool(self.problems), "-problems")
        self._show()

    def failed(self, error: str) -> None:
        self._summary = Content.assemble(("✖ Loading failed: ", "bold $error"), error)
        self._show()

    def show_snippet(self, snippet: str | None) -> None:
        """The words around a full-text match of the highlighted result (None: the summary)."""
        self._snippet = snippet
        self._show()

    def watch_typing(self) -> None:
        self._show()

    def problem_keys(self) -> str:
        """The keys that list the problems from where the focus is, as the user types them."""
        names = ("search.results", "app.problems") if self.typing else ("app.problems",)
        return ", then ".join(self.app.get_key_display(BY_ID[name].binding()) for name in names)

    def _show(self) -> None:
        if self._snippet:
            short = (
                Content.assemble(self._short, (f" ({self.problem_keys()})", "bold $warning"))
                if self._hint
                else self._short
            )
            self.set(Content.assemble(("“" + self._snippet + "”", "italic"), short))
        elif self._hint:
            self.set(Content.assemble(self._summary, f" — press {self.problem_keys()} to list them"))
        else:
            self.set(self._summary)
