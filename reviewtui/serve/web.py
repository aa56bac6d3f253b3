"""`reviewtui serve`: the same app in a web browser, through textual-serve.

textual-serve starts one app process per browser tab (Textual's web driver) and relays it
over a websocket to xterm.js in the page. The processes run read-only, like SSH sessions.
"""

from __future__ import annotations

import os
import shlex
import socket
import sys
from collections.abc import Sequence

from reviewtui.serve.environment import session_env


def free_port(host: str) -> int:
    """A port the system considers free on `host` now (for `--port 0`)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def web_command(args: Sequence[str]) -> str:
    """The shell command textual-serve runs per visitor (it starts it with a shell)."""
    return shlex.join([sys.executable, "-m", "reviewtui", *args])


def run_web_server(args: Sequence[str], *, host: str, port: int, public_url: str | None = None) -> int:
    from textual_serve.server import Server

    if port == 0:
        port = free_port(host)
    # textual-serve hands its own environment to every app process: make that read-only.
    readonly = session_env(os.environ)
    os.environ.clear()
    os.environ.update(readonly)
    where = f"[{host}]" if ":" in host else host
    public_url = (public_url or f"http://{where}:{port}").rstrip("/")
    server = Server(web_command(args), host=host, port=port, title="reviewtui", public_url=public_url)
    print(
        f"reviewtui serve: web on {public_url}/ ; Ctrl+C stops the server",
        file=sys.stderr,
        flush=True,
    )
    server.serve()
    return 0
