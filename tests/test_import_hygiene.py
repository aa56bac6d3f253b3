"""The core must stay headless, and the command line loads Textual only when the app starts:
importing any of their modules may not pull in Textual or Rich."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys, pkgutil, importlib
import reviewtui.core
for mod in pkgutil.walk_packages(reviewtui.core.__path__, "reviewtui.core."):
    importlib.import_module(mod.name)
import reviewtui.cli
for mod in pkgutil.iter_modules(reviewtui.cli.__path__):
    importlib.import_module("reviewtui.cli." + mod.name)
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich") or m.startswith("reviewtui.ui"))
print(",".join(bad))
"""


def test_core_and_cli_import_no_textual() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
