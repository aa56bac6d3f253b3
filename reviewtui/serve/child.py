"""`python -m reviewtui.serve.child ARGS`: `reviewtui ARGS`, run as a session leader on its own PTY.

The SSH server starts each visitor's app in a new session (setsid) with a fresh PTY as
stdin/stdout/stderr. A new session has no controlling terminal until it asks for one, and
without one the kernel would neither deliver SIGWINCH on resize nor SIGHUP on hang-up, so
the first thing done here is to claim the PTY (TIOCSCTTY). Doing it in the child itself
avoids `preexec_fn`, which is unsafe in a threaded parent such as an asyncio server.
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


def main() -> int:
    claim_terminal()
    from reviewtui.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
