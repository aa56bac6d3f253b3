"""Every problem found in the collection: severity, path, line and message, filterable by severity.

Enter closes the screen with the highlighted Problem (the main screen may show its review when
the file was kept); `e`/`v` open the file in $EDITOR (at the line) or $PAGER; Esc goes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.widgets.data_table import ColumnKey

from reviewtui.core.model import Problem
from reviewtui.core.text import clean
from reviewtui.ui.commands import bindings
from reviewtui.ui.external import command_for, run_suspended

#: The severity filter steps through these; None shows both.
FILTERS: tuple[str | None, ...] = (None, "error", "warning")
#: Severity marks that read without colour.
MARKS = {"error": "✖ error", "warning": "▲ warning"}
_MARK_STYLES = {"error": "bold red", "warning": "yellow"}


def tail(text: str, width: int) -> str:
    """The end of a path when it is too long: the file name is what tells rows apart."""
    return text if len(text) <= width else "…" + text[len(text) - width + 1 :]


def problem_cells(problem: Problem, path_width: int = 10_000) -> tuple[Text, Text, Text, Text]:
    """Table cells as Rich Text (never markup: paths and messages are data)."""
    return (
        Text(MARKS.get(problem.severity, problem.severity), style=_MARK_STYLES.get(problem.severity, "")),
        Text(tail(clean(problem.path), path_width), no_wrap=True, overflow="ellipsis"),  # file names are data too
        Text("" if problem.line is None else str(problem.line), justify="right"),
        Text(problem.message, no_wrap=True, overflow="ellipsis"),
    )


def count_line(problems: Sequence[Problem], severity: str | None, shown: int) -> Content:
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = sum(1 for p in problems if p.severity == "warning")
    which = {None: "all", "error": "errors", "warning": "warnings"}[severity]
    return Content.assemble(
        (f"{len(problems)} problem{'s' if len(problems) != 1 else ''}", "bold"),
        f": {errors} error{'s' if errors != 1 else ''} (file left out), "
        f"{warnings} warning{'s' if warnings != 1 else ''} (file kept)",
        (" · ", "dim"),
        f"showing {which}: {shown}",
    )


def column_widths(problems: Sequence[Problem], width: int) -> dict[str, int]:
    """Severity and line fixed, the path up to a third, the message the rest (full text below)."""
    longest = max((len(p.path) for p in problems), default=10)
    path = max(12, min(longest, width // 3))
    # Each of the four columns has one cell of padding each side; leave room for a scrollbar.
    message = max(16, width - 9 - 5 - path - 8 - 2)
    return {"severity": 9, "path": path, "line": 5, "message": message}


class ProblemsScreen(Screen[Problem | None]):
    """A table of problems with a severity filter and the full text of the highlighted one."""

    CSS_PATH = "../problems.tcss"

    BINDINGS: ClassVar[list[BindingType]] = bindings("problems")

    severity: var[str | None] = var(None, init=False)
    """Which problems are listed: None for all, or "error" / "warning"."""

    def __init__(
        self,
        problems: Sequence[Problem],
        *,
        root: Path | None = None,
        allow_external: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """
        Args:
            problems: The problems to list (Catalog.problems).
            root: The catalog root, so `e`/`v` can find the files (they are off without it).
            allow_external: Whether $EDITOR/$PAGER may be started.
        """
        super().__init__(name=name, id=id, classes=classes)
        self.problems = tuple(problems)
        self.root = root
        self.allow_external = allow_external
        self.shown: tuple[Problem, ...] = ()
        self._path_width = 0

    def compose(self) -> ComposeResult:
        yield Static(id="problems-count", markup=False)
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="problems-table")
        yield table
        yield Static(id="problems-full", markup=False)
        yield Footer()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#problems-table", DataTable)

    def on_mount(self) -> None:
        table = self.table
        widths = column_widths(self.problems, self.size.width)
        for key, label in (("severity", "Severity"), ("path", "File"), ("line", "Line"), ("message", "Message")):
            table.add_column(label, key=key, width=widths[key])
        self._fill()
        table.focus()

    def on_resize(self) -> None:
        table = self.table
        widths = column_widths(self.problems, self.size.width)
        for key, width in widths.items():
            column = table.columns.get(ColumnKey(key))
            if column is not None:
                column.width = width
        if widths["path"] != self._path_width:
            self._fill()
        table.refresh(layout=True)

    def watch_severity(self) -> None:
        self._fill()

    def _fill(self) -> None:
        self.shown = tuple(p for p in self.problems if self.severity is None or p.severity == self.severity)
        table = self.table
        self._path_width = column_widths(self.problems, self.size.width)["path"]
        row = table.cursor_row
        table.clear()
        table.add_rows(problem_cells(p, self._path_width) for p in self.shown)
        if 0 < row < len(self.shown):
            table.move_cursor(row=row)
        self.query_one("#problems-count", Static).update(count_line(self.problems, self.severity, len(self.shown)))
        self._describe(0 if self.shown else None)

    @property
    def current(self) -> Problem | None:
        row = self.table.cursor_row
        return self.shown[row] if self.shown and 0 <= row < len(self.shown) else None

    def _describe(self, row: int | None) -> None:
        full = self.query_one("#problems-full", Static)
        if row is None or not 0 <= row < len(self.shown):
            full.update(Content("No problems to show." if not self.problems else "No problems of this severity."))
            return
        problem = self.shown[row]
        path = clean(problem.path)
        where = path if problem.line is None else f"{path}, line {problem.line}"
        full.update(Content.assemble((where, "bold"), "\n", problem.message))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(self.current)

    def action_cycle_filter(self) -> None:
        index = FILTERS.index(self.severity)
        self.severity = FILTERS[(index + 1) % len(FILTERS)]

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_top(self) -> None:
        self.table.move_cursor(row=0)

    def action_bottom(self) -> None:
        self.table.move_cursor(row=max(0, len(self.shown) - 1))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        self._open("editor")

    def action_view(self) -> None:
        self._open("pager")

    def _open(self, program: str) -> None:
        problem = self.current
        if problem is None:
            return
        if self.root is None or not self.allow_external:
            self.notify(f"Opening files in the {program} is turned off here.", severity="warning", markup=False)
            return
        argv = command_for(program)
        if program == "editor" and problem.line is not None:
            argv = [*argv, f"+{problem.line}"]
        run_suspended(self.app, argv, self.root / problem.path)
