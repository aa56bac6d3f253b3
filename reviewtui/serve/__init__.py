"""Offering the browser to others: `reviewtui serve` (a web page) and `reviewtui serve --ssh`.

Both run one ordinary `reviewtui` process per visitor, read-only (see `session_env`), so a
crash or a slow search in one session never touches another, and closing a session is
just ending a process group.
"""
