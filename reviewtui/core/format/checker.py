"""The problems found in one file, as a parse collects them."""

from __future__ import annotations

from reviewtui.core.model import Problem, Rating, Severity

#: Warnings listed per file; the rest are counted in one last warning.
MAX_WARNINGS = 30


class Checker:
    """What a parse of one file has found so far, and what it leaves for `parse_body`."""

    def __init__(self, path: str, body: bool = True) -> None:
        self.path = path
        self.body = body
        """Split and check the body too (else the review has no sections and references, and
        only the front matter's problems are found)."""
        self.problems: list[Problem] = []
        self.warnings = 0
        self.body_at: tuple[int, int, int] | None = None
        """(offset in the normalised text, file line, characters `head_crc` covers) of the body,
        once the front matter is read."""
        self.head_crc = 0
        self.lang_from_body = False
        """The language was guessed from the body's start (then `head_crc` covers that too)."""
        self.rating: Rating | None = None

    def add(self, severity: Severity, message: str, line: int | None = None) -> None:
        if severity == "warning":
            self.warnings += 1
            if self.warnings > MAX_WARNINGS:
                return
        self.problems.append(Problem(self.path, line, severity, message))

    def finish(self) -> None:
        hidden = self.warnings - MAX_WARNINGS
        if hidden > 0:
            more = f"{hidden:,} more warning{'s' * (hidden != 1)}"
            self.problems.append(Problem(self.path, None, "warning", f"{more} about this file are not listed."))

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)
