"""`python -m reviewtui.serve.child ARGS`: `python -m reviewtui ARGS`, as a session leader on its own PTY.

The SSH server starts each visitor's app in a new session (setsid) with a fresh PTY as
stdin/stdout/stderr. A new session has no controlling terminal until it asks for one, and
without one the kernel would neither deliver SIGWINCH on resize nor SIGHUP on hang-up, so
the first thing done here is to claim the PTY (TIOCSCTTY). Doing it in the child itself
avoids `preexec_fn`, which is unsafe in a threaded parent such as an asyncio server. The
process then becomes the command itself (exec keeps its session, terminal and process id), so
the servers never import the command line's code.
"""

from __future__ import annotations

import fcntl
import os
import sys
import termios


def claim_terminal() -> None:
    """Make stdin's terminal this session's controlling terminal, when it is a terminal."""
    try:
        if os.isatty(0) and os.getsid(0) == os.getpid():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    except OSError:
        pass  # Already ours, or not permitted: the app still runs, resizes come by signal.


def command(args: list[str]) -> list[str]:
    """The command line this process becomes: this Python running the package, with args."""
    return [sys.executable, "-m", "reviewtui", *args]


def main() -> int:
    claim_terminal()
    argv = command(sys.argv[1:])
    try:
        os.execv(argv[0], argv)
    except OSError as exc:
        print(f"reviewtui: could not start the app: {exc}", file=sys.stderr, flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
