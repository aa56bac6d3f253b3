"""What the detail screen hands back when it closes.

The detail's own requests (`ReviewDetail.JumpTo`, `ReviewDetail.ListProducts`) are nested in
the widget that sends them.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewtui.core.model import Review


@dataclass(frozen=True, slots=True)
class DetailClosed:
    """The result of DetailScreen: what was on show when it closed, and what to do next."""

    review: Review | None
    """The review shown last (after any jumps to the company or twin)."""
    products_of: Review | None = None
    """Set when the screen closed because the user asked to list this company's products."""
