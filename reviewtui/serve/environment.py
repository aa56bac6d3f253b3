"""The environment a served app runs in: read-only, with the visitor's terminal type.

A visitor (over SSH or the web) must not be able to start programs on the host: an editor
or pager has shell escapes. REVIEWTUI_READONLY=1 tells the app to offer neither (nor to
open a browser on the host, nor to save settings), and the variables naming an editor,
pager or browser point at `true` in case anything tries anyway. Copying links still works: OSC 52 goes
to the visitor's own terminal.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping

READONLY = "REVIEWTUI_READONLY"

# Never passed on from the server's own environment.
_DROPPED = {
    "EDITOR",
    "VISUAL",
    "PAGER",
    "MANPAGER",
    "BROWSER",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "COLUMNS",  # would override the PTY's size in shutil.get_terminal_size
    "LINES",
    "TERM",
    "COLORTERM",
    "NO_COLOR",
    "TERM_PROGRAM",
    "TERM_PROGRAM_VERSION",
    "TMUX",
    "TMUX_PANE",
    "STY",
    "SSH_AUTH_SOCK",
    "SSH_CONNECTION",
    "SSH_CLIENT",
    "SSH_TTY",
    "DBUS_SESSION_BUS_ADDRESS",
}
_DROPPED_PREFIXES = ("TEXTUAL", "LC_", "SSH_")

# What a visitor's client may set (ssh sends LANG and LC_* by default on Debian).
_FROM_CLIENT = re.compile(r"(LANG|LC_[A-Z]+|NO_COLOR|COLORTERM)")
_TERM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
_VALUE = re.compile(r"[\x20-\x7e]{0,128}")
_TRUE = shutil.which("true") or "/bin/true"


def safe_term(term: str | None) -> str:
    """The client's TERM if it looks like a terminfo name, else a plain `xterm`."""
    return term if term and _TERM.fullmatch(term) else "xterm"


def session_env(
    base: Mapping[str, str], *, term: str | None = None, client: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment for one visitor's app, built from the server's `base` environment."""
    env = {key: value for key, value in base.items() if key not in _DROPPED and not key.startswith(_DROPPED_PREFIXES)}
    for key, value in (client or {}).items():
        if _FROM_CLIENT.fullmatch(key) and _VALUE.fullmatch(value):
            env[key] = value
    if term is not None:
        env["TERM"] = safe_term(term)
    # Should anything still try to start an editor, pager or browser, it starts `true`, and a
    # `less` started some other way allows no shell escapes.
    for name in ("EDITOR", "VISUAL", "PAGER", "BROWSER"):
        env[name] = _TRUE
    env["LESSSECURE"] = "1"
    env["REVIEWTUI_BROWSER"] = "0"  # never start a browser on the host (a web session still opens the visitor's)
    env.setdefault("LANG", "C.UTF-8")
    env["PYTHONUTF8"] = "1"  # a client's LANG may name a locale this host lacks
    env[READONLY] = "1"
    return env
