"""Leaving the app for a moment: a review's file in $EDITOR or $PAGER (the app is suspended)."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from textual.app import App, SuspendNotSupported

from reviewtui.core.text import clean

EDITOR_FALLBACK = "vi"
PAGER_FALLBACK = "less"


def command_for(kind: str) -> list[str]:
    """The user's editor ($VISUAL, $EDITOR) or pager ($PAGER) as argv, with a common fallback."""
    names = ("VISUAL", "EDITOR") if kind == "editor" else ("PAGER",)
    fallback = EDITOR_FALLBACK if kind == "editor" else PAGER_FALLBACK
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            try:
                argv = shlex.split(value)
            except ValueError:
                continue
            if argv:
                return argv
    return [fallback]


def run_suspended(app: App[object], argv: list[str], path: Path) -> bool:
    """Run argv + [path] in the terminal while the app steps aside. False (with a notice) if it could not."""
    if not path.is_file():
        app.notify(f"The file is gone: {clean(path.name)}", severity="error", markup=False)
        return False
    try:
        with app.suspend():
            subprocess.run([*argv, str(path)], check=False)
    except SuspendNotSupported:
        app.notify("This terminal session cannot hand the screen to another program.", severity="warning")
        return False
    except OSError as exc:
        app.notify(f"Could not start {argv[0]}: {exc.strerror or exc}.", severity="error", markup=False)
        return False
    return True
