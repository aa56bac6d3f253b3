"""The `reviewtui` command: the browser by default, plus `validate`, `search`, `cache` and `serve`.

One module per subcommand, imported only when it runs: a search never loads the app's or the
servers' code, and opening the browser loads no search-only code before Textual.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from reviewtui.cli.common import SUBCOMMANDS

Command = Callable[[Sequence[str]], int]


def _subcommand(name: str) -> Command:
    """The `run` of one of SUBCOMMANDS."""
    if name == "validate":
        from reviewtui.cli import validate

        return validate.run
    if name == "search":
        from reviewtui.cli import search

        return search.run
    if name == "cache":
        from reviewtui.cli import cache

        return cache.run
    if name == "serve":
        from reviewtui.cli import serve

        return serve.run
    raise ValueError(f"not a subcommand: {name!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line `argv` (default: the process's); returns the exit status: 0, 1 when
    the command found what it checks for (a file with an error), 2 on a usage error."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            return _subcommand(args[0])(args[1:])
        from reviewtui.cli import app

        return app.run(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def run() -> None:
    """The console script and `python -m reviewtui`."""
    sys.exit(main())
